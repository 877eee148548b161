/** Waiting on a server: a model that is loading, and a bounded number of requests in flight. */
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

export interface LoadingRetry {
  maxWaitMs: number;
  signal?: AbortSignal;
  onWait?: (w: Omit<BackendWait, 'backend' | 'model'>) => void;
}

/**
 * Runs `attempt`; while the server says the model is loading (503 with estimated_time), waits what it
 * estimates (at least 1 s unless it says less, at most 60 s a step) and tries again, until the total wait
 * would pass `maxWaitMs` (then the 'loading' error stands). A cancel ends the wait at once.
 */
export async function retryWhileLoading<T>(attempt: () => Promise<T>, o: LoadingRetry): Promise<T> {
  let waited = 0;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof BackendError) || err.kind !== 'loading') throw err;
      const step = Math.min(60_000, Math.max(0, err.retryAfterMs ?? 5_000));
      if (waited + step > o.maxWaitMs) throw err;
      o.onWait?.({ waitMs: step, waitedMs: waited, message: `${err.message} — waiting ${Math.ceil(step / 1000)} s, then trying again` });
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
