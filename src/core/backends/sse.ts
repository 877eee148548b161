/** Server-sent events as OpenAI-compatible servers stream them: `data: {json}` lines, `data: [DONE]` last. */
import { abortError } from './http';
import { BackendError } from './remoteError';
import type { BackendId } from './types';

/**
 * The JSON of each `data:` event of a stream, until [DONE] or the end. No data for `idleMs` ends it
 * with a 'timeout' BackendError; a cancel with the signal's AbortError.
 */
export async function* sseEvents(res: Response, o: { backend: BackendId; origin: string; idleMs: number; signal?: AbortSignal }): AsyncGenerator<unknown> {
  if (!res.body) return;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  const read = () =>
    new Promise<{ done: boolean; value?: Uint8Array }>((resolve, reject) => {
      const t = setTimeout(() => reject(new BackendError('timeout', `${o.origin} stopped sending the stream for ${Math.round(o.idleMs / 1000)} s.`, o.backend, o.origin)), o.idleMs);
      const stop = () => reject(abortError(o.signal!));
      o.signal?.addEventListener('abort', stop, { once: true });
      reader.read().then((r) => resolve(r as { done: boolean; value?: Uint8Array }), reject).finally(() => {
        clearTimeout(t);
        o.signal?.removeEventListener('abort', stop);
      });
    });
  try {
    for (;;) {
      if (o.signal?.aborted) throw abortError(o.signal);
      const { done, value } = await read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = done ? '' : lines.pop()!;
      if (done) lines.push(''); // a last event without its blank line still counts
      for (const line of lines) {
        if (line === '') {
          if (data.length) {
            const payload = data.join('\n');
            data = [];
            if (payload === '[DONE]') return;
            let ev: unknown;
            try {
              ev = JSON.parse(payload);
            } catch {
              throw new BackendError('not-json', `${o.origin} streamed an event that is not JSON ("${payload.slice(0, 40)}").`, o.backend, o.origin);
            }
            yield ev;
          }
        } else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
