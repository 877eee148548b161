/**
 * The one HTTP path of the remote backends: credentials only to the backend's origins, redirects
 * checked (never followed to another origin with a credential), a timeout, the servers' errors as
 * BackendErrors, and a web page where JSON was expected (a captive portal) called what it is.
 */
import { explainNetPathFailure, proxyAuthAnswer } from '../net/proxyErrors';
import { BackendError, credentialName, errorFromAnswer, htmlTitle } from './remoteError';
import type { BackendId, BackendWait } from './types';
import { retryWaits } from './waits';

export interface HttpConfig {
  backend: Exclude<BackendId, 'local'>;
  /** Origins that may receive the credential and the extra headers. */
  origins: ReadonlySet<string>;
  token?: string;
  tokenSource?: string;
  headers: Record<string, string>;
  timeoutMs: number;
  fetch: typeof fetch;
  /** Waits and retries for one request (a loading model, 429, an overloaded 503); none when absent. */
  retry?: { maxWaitMs: number; backoffMs?: number; onWait?: (w: Omit<BackendWait, 'backend' | 'model'>, model?: string) => void };
}

export interface CallContext {
  model?: string;
  /** The caller's cancel: an abort ends the request with the signal's reason (an AbortError), not a BackendError. */
  signal?: AbortSignal;
}

const MAX_REDIRECTS = 5;

function headerRecord(h: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(h).forEach((v, k) => (out[k] = v));
  return out;
}

/** An abort that says the caller cancelled (DOMException AbortError, as fetch throws). */
export function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/** A body that can be sent again (a stream cannot). */
function replayable(body: RequestInit['body']): boolean {
  return body == null || typeof body === 'string' || body instanceof ArrayBuffer || ArrayBuffer.isView(body) || body instanceof Blob || body instanceof URLSearchParams;
}

/**
 * A fetch for one backend call. The request's own Authorization (the HF client sets it) counts as
 * the credential too. The answer's body is read here (within the timeout) unless it is an event
 * stream, whose reader owns its own idle timeout. With `cfg.retry`, each request waits out what the
 * server asks (src/core/backends/waits.ts: loading, 429 Retry-After) and is sent again: only that
 * request, so the others of a task in flight carry on.
 * @throws BackendError for every non-2xx answer, a timeout, a refused connection, a cross-origin
 *   redirect with a credential, or a web page / broken JSON where JSON was expected
 */
export function backendFetch(cfg: HttpConfig, call: CallContext = {}): typeof fetch {
  const once = onceFetch(cfg, call);
  const retry = cfg.retry;
  if (!retry) return once;
  return (input, init = {}) =>
    replayable(init.body)
      ? retryWaits(() => once(input, init), { maxWaitMs: retry.maxWaitMs, backoffMs: retry.backoffMs, signal: call.signal, onWait: (w) => retry.onWait?.(w, call.model) })
      : once(input, init);
}

function onceFetch(cfg: HttpConfig, call: CallContext): typeof fetch {
  return async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    let url = new URL(typeof input === 'string' || input instanceof URL ? input.toString() : input.url);
    let method = init.method ?? 'GET';
    let body = init.body;
    const own = headerRecord(init.headers);
    const credential = () => Boolean(own.authorization) || Object.keys(cfg.headers).length > 0;
    if (call.signal?.aborted) throw abortError(call.signal);
    for (let hop = 0; ; hop++) {
      const origin = url.origin;
      const allowed = cfg.origins.has(origin);
      if (!allowed && own.authorization) {
        throw new BackendError('auth', `AI Lab did not send the ${credentialName(cfg.backend)} to ${origin}: it goes only to ${[...cfg.origins].join(', ')}.`, cfg.backend, origin);
      }
      const headers = { ...own, ...(allowed ? cfg.headers : {}) };
      const timer = new AbortController();
      const timeout = setTimeout(() => timer.abort(new DOMException('timeout', 'TimeoutError')), cfg.timeoutMs);
      const signal = call.signal ? AbortSignal.any([call.signal, timer.signal]) : timer.signal;
      const path = url.pathname;
      const ctx = { backend: cfg.backend, origin, path, model: call.model, credentialSent: Boolean(headers.authorization), tokenSource: cfg.tokenSource };
      try {
        let res: Response;
        try {
          res = await cfg.fetch(url.toString(), { ...init, method, body, headers, redirect: 'manual', signal });
        } catch (err) {
          throw translate(err, cfg, url.toString(), call.signal, timer.signal, false);
        }
        const viaProxy = proxyAuthAnswer(res, url.toString());
        if (viaProxy) throw new BackendError('network', `${viaProxy.message} (on the way to ${origin}).`, cfg.backend, origin, 407);
        const location = res.headers.get('location');
        if (res.status >= 300 && res.status < 400 && location) {
          await res.body?.cancel().catch(() => undefined);
          const next = new URL(location, url);
          if (next.origin !== origin && credential()) {
            throw new BackendError('auth', `${origin}${path} redirected to ${next.origin}; AI Lab does not send the ${credentialName(cfg.backend)} or the backend's headers to another origin, so it stopped. Point the backend URL at the server itself.`, cfg.backend, origin, res.status);
          }
          if (hop >= MAX_REDIRECTS) throw new BackendError('server', `${origin}${path} redirected more than ${MAX_REDIRECTS} times.`, cfg.backend, origin, res.status);
          if (res.status !== 307 && res.status !== 308 && method !== 'GET' && method !== 'HEAD') {
            method = 'GET';
            body = undefined;
            delete own['content-type'];
          }
          url = next;
          continue;
        }
        const type = res.headers.get('content-type') ?? '';
        if (res.ok && /text\/event-stream/i.test(type)) {
          clearTimeout(timeout);
          return res;
        }
        let text: string;
        try {
          text = await res.text();
        } catch (err) {
          throw translate(err, cfg, url.toString(), call.signal, timer.signal, true);
        }
        if (!res.ok) throw errorFromAnswer(res.status, res.statusText, res.headers, text, ctx);
        if (/html/i.test(type) || /^\s*<(!doctype|html)/i.test(text)) {
          throw new BackendError('not-json', `${origin}${path} answered a web page ("${htmlTitle(text)}"), not the server's JSON: a captive portal or proxy login page may be in the way, or the URL points at something else.`, cfg.backend, origin, res.status);
        }
        // Every route the backends call answers JSON (event streams are returned above): anything else
        // (a bare "OK", a text error page) is named here, not left to a bare SyntaxError downstream.
        try {
          JSON.parse(text);
        } catch {
          const what = /json/i.test(type) || /^\s*[[{]/.test(text) ? 'JSON that does not parse' : `${type.split(';')[0] || 'a body'} that is not JSON`;
          throw new BackendError('not-json', `${origin}${path} answered ${what} (${text.length} bytes, starting "${text.slice(0, 40)}"); is the URL the server's own?`, cfg.backend, origin, res.status);
        }
        return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
      } finally {
        clearTimeout(timeout);
      }
    }
  };
}

/**
 * A thrown fetch error as the caller's abort, a timeout, the proxy's or the certificate's failure
 * (src/core/net/proxyErrors.ts), a connection cut after the server began to answer, or a server that
 * could not be reached. `answered`: the status line had come (the body was being read).
 */
function translate(err: unknown, cfg: HttpConfig, url: string, user: AbortSignal | undefined, timer: AbortSignal, answered: boolean): unknown {
  if (err instanceof BackendError) return err;
  const u = new URL(url);
  const origin = u.origin;
  const path = u.pathname;
  if (user?.aborted) return abortError(user);
  if (timer.aborted) return new BackendError('timeout', `${origin}${path} gave no answer within ${+(cfg.timeoutMs / 1000).toFixed(2)} s.`, cfg.backend, origin);
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (err as Error).message;
  const path_ = explainNetPathFailure(err, url);
  if (path_) return new BackendError('network', path_.message, cfg.backend, origin);
  if (answered || /UND_ERR_SOCKET|ECONNRESET|EPIPE|other side closed/i.test(`${why} ${cause?.message ?? ''}`)) {
    return new BackendError('network', `${origin}${path} closed the connection before its answer was complete (${why}): the server may have stopped or restarted; try again.`, cfg.backend, origin);
  }
  if (/bad port/i.test(why)) return new BackendError('network', `AI Lab cannot connect to ${origin}: port ${u.port} is one that fetch refuses to use (a blocked port). Serve the backend on another port.`, cfg.backend, origin);
  return new BackendError('network', `Could not reach ${origin} (${why}). Is the server running and the URL right?`, cfg.backend, origin);
}

/** Reads a JSON answer (backendFetch has already checked it parses). */
export async function readJson<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/**
 * What is wrong with a backend URL as AI Lab uses it (the server's base, routes appended), or
 * undefined when it is fine: not a URL (a missing scheme is named), not http(s), credentials in it, a
 * query or fragment (the routes would land inside them).
 */
export function backendUrlProblem(url: string, flag = 'the backend URL'): string | undefined {
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch {
    u = undefined;
  }
  const bare = /^[\w.-]+(:\d+)?(\/|$)/.test(url.trim()) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url.trim());
  if (bare) return `${flag} needs its scheme: http://${url.trim()} (or https://) (got "${url}")`;
  if (!u) return `${flag} "${url}" is not a URL (e.g. http://127.0.0.1:8080)`;
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `${flag} must be an http:// or https:// URL (got "${url}")`;
  if (u.username || u.password) return `${flag} must not hold a user name or password; give the key through the API key setting instead`;
  if (u.search || u.hash || url.includes('?') || url.includes('#')) return `${flag} must be the server's base address, without a query or fragment (got "${url}"; AI Lab appends the routes, e.g. /info, /v1/models)`;
  return undefined;
}

/** The origin of a backend URL, with a clear error for one that is not usable (see backendUrlProblem). */
export function originOf(url: string, backend: BackendId, flag = 'the backend URL'): string {
  const problem = backendUrlProblem(url, flag);
  if (problem) throw new BackendError('unsupported', `${problem}.`, backend, '');
  return new URL(url).origin;
}
