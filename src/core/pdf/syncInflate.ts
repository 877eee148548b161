/**
 * A DecompressionStream for pdf.js's worker thread that inflates in one synchronous zlib call. pdf.js
 * 5 decodes every Flate stream through DecompressionStream; Node's runs through web streams and the
 * zlib thread pool, which costs more than the inflate itself for the many small content streams of a
 * text PDF. Same contract: bad or cut-off data makes reading fail, and pdf.js then falls back to its
 * own decoder, which keeps what it can.
 *
 * The output is bounded (zlib's maxOutputLength) by the thread's decode budget (decodeBudget.ts): a
 * stream that would inflate past it gives no data (rather than an error, which would send pdf.js to
 * its own unbounded decoder) and the budget records why, so the job fails with a clear error.
 */
import * as zlib from 'node:zlib';
import { decodeBudget, STREAM_LIMIT } from './decodeBudget';

type Inflate = (data: Buffer, o: zlib.ZlibOptions) => Buffer;

const FORMATS: Record<string, Inflate> = {
  deflate: (d, o) => zlib.inflateSync(d, o),
  'deflate-raw': (d, o) => zlib.inflateRawSync(d, o),
  gzip: (d, o) => zlib.gunzipSync(d, o),
};

/** Inflates within the budget's room: undefined when the output would not fit. */
function bounded(inflate: Inflate, data: Buffer): Buffer | undefined {
  const budget = decodeBudget();
  const room = budget ? budget.room() : STREAM_LIMIT;
  let out: Buffer;
  try {
    out = inflate(data, { maxOutputLength: Math.max(1, room) });
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE') throw err;
    budget?.charge(room + 1, room + 1);
    return undefined;
  }
  budget?.charge(out.length, out.length);
  return out;
}

export class SyncDecompressionStream {
  readonly writable: { getWriter(): { ready: Promise<void>; write(chunk: Uint8Array): Promise<void>; close(): Promise<void> } };
  readonly readable: AsyncIterable<Uint8Array>;

  constructor(format: string) {
    const inflate = FORMATS[format];
    // Node's own throws for formats it does not know (brotli in Node 20); pdf.js then decodes itself.
    if (!inflate) throw new TypeError(`Unsupported compression format: '${format}'`);
    const chunks: Uint8Array[] = [];
    let close!: () => void;
    const closed = new Promise<void>((resolve) => (close = resolve));
    this.writable = {
      getWriter: () => ({
        ready: Promise.resolve(),
        write: async (chunk) => void chunks.push(chunk),
        close: async () => close(),
      }),
    };
    this.readable = {
      async *[Symbol.asyncIterator]() {
        // pdf.js starts reading before its write and close have settled.
        await closed;
        yield bounded(inflate, Buffer.concat(chunks)) ?? new Uint8Array(0);
      },
    };
  }
}
