/**
 * A remote file as a hyparquet AsyncBuffer: each slice is one HTTP Range request, so reading a Parquet
 * footer and a few row groups fetches only those bytes. The size comes from the first request's
 * Content-Range (a 4-byte range that also checks the Parquet magic), not HEAD: signed CDN URLs often
 * refuse HEAD. Redirects are followed by the fetch it is given (the guarded fetch: the token goes only to
 * the Hub's origin); the URL the bytes finally came from is reused for the next slices and given up for
 * the original on a refusal (an expired signature).
 */
import type { AsyncBuffer } from 'hyparquet';
import { EvalDataError } from './dataTable';

export interface RangeBuffer extends AsyncBuffer {
  /** Body bytes received so far (the magic check and every slice). */
  readonly bytesFetched: () => number;
}

/** An HTTP refusal of a range request: the answer's status and the URL that answered (after redirects). */
export class RangeFetchError extends Error {
  constructor(
    name: string,
    readonly status: number,
    readonly answeredBy: string,
  ) {
    super(`${name}: HTTP ${status} from ${new URL(answeredBy).host}`);
    this.name = 'RangeFetchError';
  }
}

const REFUSED = new Set([401, 403, 404, 410]);

/** `bytes a-b/total` → total, or undefined. */
function totalOf(contentRange: string | null): number | undefined {
  const m = /^bytes\s+(?:\d+-\d+|\*)\/(\d+)$/i.exec(contentRange?.trim() ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * Opens `url` for range reads. `name` names the file in messages.
 * Errors: RangeFetchError for an HTTP refusal (status kept: 401/403 gated or private, 404 missing);
 * EvalDataError for a file that is empty or does not start with the Parquet magic PAR1, and for a server
 * that sent fewer bytes than a range asked for.
 */
export async function openRangeBuffer(url: string, name: string, fetchImpl: typeof fetch, signal?: AbortSignal): Promise<RangeBuffer> {
  let at = url;
  let fetched = 0;
  let whole: ArrayBuffer | undefined; // a server that ignores Range sends the whole file once: keep it
  let tail: { start: number; data: ArrayBuffer } | undefined;

  async function get(start: number, endInclusive: number): Promise<Response> {
    const ask = (u: string) => fetchImpl(u, { headers: { range: `bytes=${start}-${endInclusive}`, accept: 'application/octet-stream' }, signal });
    let res = await ask(at);
    if (!res.ok && at !== url && REFUSED.has(res.status)) {
      // The reused redirect target (e.g. a signed CDN URL) expired: go through the Hub again.
      await res.body?.cancel().catch(() => undefined);
      at = url;
      res = await ask(at);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new RangeFetchError(name, res.status, res.url || at);
    }
    if (res.url) at = res.url;
    return res;
  }

  let first: Response;
  try {
    first = await get(0, 3);
  } catch (err) {
    // 416: not even byte 0 exists.
    if (err instanceof RangeFetchError && err.status === 416) throw new EvalDataError(`${name} is empty (0 bytes), not a Parquet file.`);
    throw err;
  }
  const head = await first.arrayBuffer();
  fetched += head.byteLength;
  let byteLength: number;
  if (first.status === 206) {
    const total = totalOf(first.headers.get('content-range'));
    if (total === undefined) throw new EvalDataError(`${name}: the server answered a range request without a usable Content-Range (${first.headers.get('content-range') ?? 'none'}).`);
    byteLength = total;
  } else {
    whole = head;
    byteLength = head.byteLength;
  }
  if (byteLength === 0) throw new EvalDataError(`${name} is empty (0 bytes), not a Parquet file.`);
  if (byteLength < 12 || new TextDecoder().decode(new Uint8Array(head, 0, Math.min(4, head.byteLength))) !== 'PAR1') {
    throw new EvalDataError(`${name} is not a Parquet file (it does not start with the bytes PAR1; ${byteLength} bytes).`);
  }

  return {
    byteLength,
    bytesFetched: () => fetched,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? byteLength, byteLength);
      if (stop <= start) return new ArrayBuffer(0);
      if (whole) return whole.slice(start, stop);
      // The footer read is the file's tail: a later slice inside it (the last row group) is not fetched again.
      if (tail && start >= tail.start) return tail.data.slice(start - tail.start, stop - tail.start);
      const res = await get(start, stop - 1);
      const body = await res.arrayBuffer();
      fetched += body.byteLength;
      if (res.status === 200 && body.byteLength === byteLength) {
        whole = body;
        return body.slice(start, stop);
      }
      if (res.status !== 206 || body.byteLength !== stop - start) {
        throw new EvalDataError(`${name}: asked for bytes ${start}–${stop - 1} and got ${body.byteLength} bytes (HTTP ${res.status}); the file may have changed on the server, try again.`);
      }
      if (stop === byteLength && (!tail || start < tail.start)) tail = { start, data: body };
      return body;
    },
  };
}
