/**
 * A DecompressionStream for pdf.js's worker thread that inflates in one synchronous zlib call. pdf.js
 * 5 decodes every Flate stream through DecompressionStream; Node's runs through web streams and the
 * zlib thread pool, which costs more than the inflate itself for the many small content streams of a
 * text PDF. Same contract: bad or cut-off data makes reading fail, and pdf.js then falls back to its
 * own decoder, which keeps what it can.
 */
import * as zlib from 'node:zlib';

type Inflate = (data: Buffer) => Buffer;

const FORMATS: Record<string, Inflate> = {
  deflate: (d) => zlib.inflateSync(d),
  'deflate-raw': (d) => zlib.inflateRawSync(d),
  gzip: (d) => zlib.gunzipSync(d),
};

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
        yield inflate(Buffer.concat(chunks));
      },
    };
  }
}
