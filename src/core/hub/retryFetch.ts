/** fetch with retries for 429/5xx and network errors, Retry-After honoured, and a per-attempt timeout. */
import { netFetch } from '../net/proxy';
import { explainNetPathFailure, NetPathError, proxyAuthAnswer } from '../net/proxyErrors';

export interface RetryOptions {
  attempts?: number;
  /** First backoff; doubled per attempt, with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Time allowed until response headers arrive. */
  timeoutMs?: number;
  /**
   * The most one call may spend waiting between attempts (default 25 s, under the 30 s a download
   * waits for data). A Retry-After that would pass it ends the call at once with a BusyError.
   */
  maxWaitMs?: number;
  signal?: AbortSignal;
  onRetry?: (info: { attempt: number; status?: number; error?: string; delayMs: number; url: string }) => void;
  fetchImpl?: typeof fetch;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * The server asked to be retried later than this call may wait: reported at once, with the status and
 * the wait it asked for. `final` tells the download loop not to try again either.
 */
export class BusyError extends HttpError {
  readonly final = true;
  constructor(
    status: number,
    url: string,
    /** Seconds the server asked to wait (Retry-After). */
    readonly retryAfterS: number,
  ) {
    super(status, url, `${new URL(url).host} is busy (HTTP ${status}) and asked to retry after ${retryAfterS} s; try again later.`);
    this.name = 'BusyError';
  }
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function retryAfterMs(h: string | null): number | undefined {
  if (!h) return undefined;
  const s = Number(h);
  if (Number.isFinite(s)) return s * 1000;
  const d = Date.parse(h);
  return Number.isFinite(d) ? Math.max(0, d - Date.now()) : undefined;
}

/**
 * A failure to talk to a server at all (DNS, refused, reset, timed out): a cache may stand in, or the
 * user is told which host could not be reached. Not any TypeError: a library tripping over an answer
 * that is not what the server sends is an error to report, never "offline".
 */
export function isNetworkError(err: unknown): boolean {
  if (err instanceof NetPathError) return err.isNetwork;
  const e = err as { cause?: { code?: string }; code?: string; message?: string };
  const code = e?.cause?.code ?? e?.code;
  return (
    ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET'].includes(code ?? '') ||
    /no answer from|^fetch failed/i.test(e?.message ?? '')
  );
}

export function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as NodeJS.ErrnoException).code === 'ABORT_ERR');
}

export function makeRetryingFetch(o: RetryOptions = {}): typeof fetch {
  const attempts = o.attempts ?? 5;
  const base = o.baseDelayMs ?? 500;
  const max = o.maxDelayMs ?? 20_000;
  const impl = o.fetchImpl ?? netFetch;
  const maxWait = o.maxWaitMs ?? 25_000;
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(o.timeoutMs ?? 30_000);
      const signals = [timeout, o.signal, init?.signal].filter((s): s is AbortSignal => Boolean(s));
      let res: Response | undefined;
      let error: unknown;
      try {
        res = await impl(input, { ...init, signal: AbortSignal.any(signals) });
      } catch (err) {
        if (o.signal?.aborted || init?.signal?.aborted) throw err;
        error = timeout.aborted ? new Error(`no answer from ${new URL(url).host} within ${Math.round((o.timeoutMs ?? 30_000) / 1000)} s`) : (explainNetPathFailure(err, url) ?? err);
        // The proxy wants credentials or refuses the tunnel: the same request would get the same answer.
        if (error instanceof NetPathError && error.final) throw error;
      }
      const auth = res && proxyAuthAnswer(res, url);
      if (auth) {
        await res!.body?.cancel().catch(() => undefined);
        throw auth;
      }
      if (res && !RETRY_STATUS.has(res.status)) return res;
      if (attempt >= attempts) {
        if (res) return res;
        throw error;
      }
      const asked = res ? retryAfterMs(res.headers.get('retry-after')) : undefined;
      if (res && asked !== undefined && (asked > max || waited + asked > maxWait)) {
        await res.body?.cancel().catch(() => undefined);
        throw new BusyError(res.status, url, Math.ceil(asked / 1000));
      }
      const delay = Math.min(max, maxWait - waited, asked ?? base * 2 ** (attempt - 1) * (0.75 + Math.random() / 2));
      waited += delay;
      o.onRetry?.({ attempt, status: res?.status, error: error instanceof Error ? error.message : undefined, delayMs: delay, url });
      await res?.body?.cancel().catch(() => undefined);
      await sleep(delay, o.signal);
    }
  }) as typeof fetch;
}
