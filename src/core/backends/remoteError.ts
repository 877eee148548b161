/** Errors from a backend server, typed, with the server's own words and nothing secret. */
import type { BackendId } from './types';

export type BackendErrorKind = 'auth' | 'not-found' | 'rate-limit' | 'loading' | 'timeout' | 'not-json' | 'unsupported' | 'server' | 'network';

export class BackendError extends Error {
  override readonly name = 'BackendError';
  constructor(
    readonly kind: BackendErrorKind,
    message: string,
    readonly backend: BackendId,
    /** The server's origin (scheme://host:port) or '' when nothing was sent. */
    readonly origin: string,
    /** HTTP status; 0 when no answer came (timeout, network, refused before sending). */
    readonly status = 0,
    /** How long the server asked to wait (Retry-After, estimated_time), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The credential a backend uses, as messages name it (never its value). */
export function credentialName(backend: BackendId): string {
  return backend === 'hf-inference' ? 'HF token' : 'API key';
}

/** Retry-After in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  // RFC 9110 §10.2.3: delta-seconds (digits) or an HTTP-date (which names a weekday or month); anything else is ignored.
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  if (!/[a-z]{3}/i.test(v)) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** The message in a JSON error body as the servers write it: HF {error}, OpenAI {error:{message}}, vLLM {message}, FastAPI {detail}. */
export function serverMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const e = b.error;
  if (typeof e === 'string') return e;
  if (Array.isArray(e) && e.every((x) => typeof x === 'string')) return e.join('; ');
  if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
  if (typeof b.message === 'string') return b.message;
  if (typeof b.detail === 'string') return b.detail;
  if (Array.isArray(b.detail)) return b.detail.map((d) => (d && typeof d === 'object' && 'msg' in d ? String((d as { msg: unknown }).msg) : JSON.stringify(d))).join('; ');
  return undefined;
}

/** The title of an HTML page (a captive portal or proxy login page), or its first words. */
export function htmlTitle(html: string): string {
  const t = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim();
  if (t) return t.slice(0, 120);
  return html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 120);
}

export interface ErrorContext {
  backend: BackendId;
  origin: string;
  /** The path asked (no query: it may hold nothing secret, but stays short). */
  path: string;
  model?: string;
  /** Whether a credential was sent, and where it came from. */
  credentialSent: boolean;
  tokenSource?: string;
}

/** A BackendError for a non-2xx answer, with the server's message and what to do. */
export function errorFromAnswer(status: number, statusText: string, headers: Headers, bodyText: string, c: ErrorContext): BackendError {
  const type = headers.get('content-type') ?? '';
  let body: unknown;
  if (/json/i.test(type) || /^\s*[[{]/.test(bodyText)) {
    try {
      body = JSON.parse(bodyText);
    } catch {
      body = undefined;
    }
  }
  const html = /html/i.test(type) || /^\s*<(!doctype|html)/i.test(bodyText);
  const said = serverMessage(body) ?? (html ? `a web page ("${htmlTitle(bodyText)}")` : bodyText.trim().slice(0, 300) || statusText);
  const at = `${c.origin}${c.path}`;
  const cred = credentialName(c.backend);
  const retryAfter = parseRetryAfter(headers.get('retry-after'));
  if (status === 401 || status === 403) {
    const which = c.credentialSent
      ? `the ${cred}${c.tokenSource ? ` from ${c.tokenSource}` : ''}`
      : `the request without an ${cred === 'HF token' ? 'HF token' : 'API key'} (none was set)`;
    const fix = c.credentialSent
      ? status === 403
        ? `The ${cred} is valid but may not reach this model${c.backend === 'hf-inference' ? ' (a token needs "Make calls to Inference Providers" permission; gated models need accepted terms)' : ''}.`
        : `Check the ${cred}.`
      : `Set the ${cred}${c.backend === 'hf-inference' ? ' (HF_TOKEN or the Hugging Face sign-in)' : ''}.`;
    return new BackendError('auth', `${c.origin} refused ${which} (HTTP ${status}): ${said}. ${fix}`, c.backend, c.origin, status);
  }
  if (status === 404) {
    const what = c.model ? `has no model "${c.model}" at ${c.path}` : `has nothing at ${c.path}`;
    return new BackendError('not-found', `${c.origin} ${what} (HTTP 404): ${said}`, c.backend, c.origin, status);
  }
  if (status === 429) {
    const wait = retryAfter !== undefined ? ` It asks to wait ${Math.ceil(retryAfter / 1000)} s (Retry-After).` : '';
    return new BackendError('rate-limit', `${c.origin} is rate-limiting requests (HTTP 429): ${said}.${wait}`, c.backend, c.origin, status, retryAfter);
  }
  const estimated = body && typeof body === 'object' ? (body as { estimated_time?: unknown }).estimated_time : undefined;
  if (status === 503 && (typeof estimated === 'number' || /loading/i.test(said))) {
    const ms = typeof estimated === 'number' && Number.isFinite(estimated) && estimated >= 0 ? Math.round(estimated * 1000) : retryAfter;
    const eta = ms !== undefined ? ` (about ${Math.ceil(ms / 1000)} s)` : '';
    return new BackendError('loading', `${c.model ?? 'The model'} is loading on ${c.origin}${eta}: ${said}`, c.backend, c.origin, status, ms);
  }
  if (html) return new BackendError('not-json', `${at} answered HTTP ${status} with ${said}, not the server's JSON: a proxy or captive portal may be in the way.`, c.backend, c.origin, status);
  return new BackendError('server', `${at} failed (HTTP ${status}): ${said}`, c.backend, c.origin, status, retryAfter);
}
