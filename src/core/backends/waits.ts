/** Waiting on a server: a model that is loading, a rate limit, and a bounded number of requests in flight. */
import { abortError } from './http';
import { BackendError } from './remoteError';
import type { BackendWait } from './types';

/** Sleeps `ms`, ended early (with the signal's AbortError) by a cancel. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const done = () => {
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    const t = setTimeout(done, ms);
    const stop = () => {
      clearTimeout(t);
      reject(abortError(signal!));
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}

export interface WaitPolicy {
  /** Longest total wait for one request, in ms (loading and rate-limit waits together). */
  maxWaitMs: number;
  signal?: AbortSignal;
  onWait?: (w: Omit<BackendWait, 'backend' | 'model'>) => void;
  /** First back-off after a 429 without Retry-After, in ms (doubles each time). Default 1 000. */
  backoffMs?: number;
}

/** Longest single wait for a loading model (it is asked again after this, with its new estimate). */
const MAX_LOADING_STEP_MS = 60_000;
/** Retries after 429s, at most (a server that keeps refusing is not asked forever). */
export const MAX_RATE_LIMIT_RETRIES = 5;

/**
 * How long to wait before trying again after `err`, or undefined when it is not worth a retry:
 * - 503 "model is loading": its estimated_time (5 s when it gives none), at most 60 s a step;
 * - 429: its Retry-After, else 1 s, 2 s, 4 s… (RFC 9110 §10.2.3; HF and OpenAI-compatible servers send it);
 * - 503 with Retry-After (an overloaded server): that.
 */
function retryDelay(err: unknown, rateLimited: number, backoffMs: number): number | undefined {
  if (!(err instanceof BackendError)) return undefined;
  if (err.kind === 'loading') return Math.min(MAX_LOADING_STEP_MS, Math.max(0, err.retryAfterMs ?? 5_000));
  if (err.kind === 'rate-limit') return rateLimited >= MAX_RATE_LIMIT_RETRIES ? undefined : (err.retryAfterMs ?? backoffMs * 2 ** rateLimited);
  if (err.status === 503 && err.retryAfterMs !== undefined) return err.retryAfterMs;
  return undefined;
}

/**
 * Runs `attempt` (one request); while the server says to wait (a model loading, a rate limit, an
 * overload: see retryDelay), waits and tries again, until the total wait would pass `maxWaitMs` (then
 * the server's error stands, with what it asked). A cancel ends the wait at once.
 */
export async function retryWaits<T>(attempt: () => Promise<T>, o: WaitPolicy): Promise<T> {
  let waited = 0;
  let rateLimited = 0;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      const step = retryDelay(err, rateLimited, o.backoffMs ?? 1_000);
      // A loading model whose estimate is past the whole budget is not waited on step by step.
      const asked = err instanceof BackendError && err.kind === 'loading' ? (err.retryAfterMs ?? 0) : 0;
      if (step === undefined || waited + Math.max(step, asked) > o.maxWaitMs) throw err;
      if ((err as BackendError).kind === 'rate-limit') rateLimited++;
      const why = (err as BackendError).message;
      o.onWait?.({ waitMs: step, waitedMs: waited, message: `${why} — waiting ${Math.ceil(step / 1000)} s, then trying again` });
      await sleep(step, o.signal);
      waited += step;
    }
  }
}

/**
 * `fn` over every item with at most `limit` in flight; results in input order. The first failure ends
 * it: no new request starts (those in flight finish or end with their signal).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
