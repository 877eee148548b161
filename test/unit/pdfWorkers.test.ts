import * as assert from 'node:assert/strict';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { extractPdf } from '../../src/core/pdf/extract';
import { partsFor } from '../../src/core/pdf/pdfWorkerPool';
import { MIN_PAGES_PER_PART, sharePages } from '../../src/core/pdf/pdfWorkerProtocol';
import { SyncDecompressionStream } from '../../src/core/pdf/syncInflate';
import { longHandbookPdf } from '../fixtures/pdf/generate';

type Decompressor = new (format: string) => { writable: WritableStream<Uint8Array> | SyncDecompressionStream['writable']; readable: AsyncIterable<Uint8Array> };

/** Drives a DecompressionStream the way pdf.js does (write and close not awaited before reading). */
async function inflateLikePdfjs(Stream: Decompressor, format: string, bytes: Uint8Array): Promise<Buffer | 'error'> {
  try {
    const { readable, writable } = new Stream(format);
    const writer = writable.getWriter();
    await writer.ready;
    writer.write(bytes).then(async () => {
      await writer.ready;
      await writer.close();
    }).catch(() => undefined);
    const chunks: Uint8Array[] = [];
    for await (const c of readable) chunks.push(c);
    return Buffer.concat(chunks);
  } catch {
    return 'error';
  }
}

describe('PDF workers: shares of pages, and the synchronous inflate', function () {
  this.timeout(60_000);

  it('inflates as Node\'s DecompressionStream does, and fails where it fails (so pdf.js falls back to its own decoder)', async () => {
    const text = Buffer.from('BT /F1 12 Tf 72 720 Td (Hello, page) Tj ET\n'.repeat(500));
    const cases: Array<[string, Uint8Array]> = [
      ['deflate', deflateSync(text)],
      ['deflate-raw', deflateRawSync(text)],
      ['gzip', gzipSync(text)],
      ['deflate', deflateSync(text).subarray(0, 200)], // cut off mid-stream
      ['deflate', Buffer.from('not compressed at all')],
      ['deflate', new Uint8Array(0)],
      ['brotli', deflateSync(text)], // Node 20 does not know it; pdf.js then decodes itself
    ];
    for (const [format, bytes] of cases) {
      const native = await inflateLikePdfjs(DecompressionStream as unknown as Decompressor, format, bytes);
      const ours = await inflateLikePdfjs(SyncDecompressionStream, format, bytes);
      assert.deepEqual(ours === 'error' ? ours : ours.toString('latin1'), native === 'error' ? native : native.toString('latin1'), `${format}, ${bytes.length} bytes`);
    }
    assert.equal((await inflateLikePdfjs(SyncDecompressionStream, 'deflate', deflateSync(text))).toString(), text.toString());
  });

  it('shares pages out contiguously, leaving short documents to fewer workers', () => {
    const pages = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    for (const [n, parts] of [[300, 2], [301, 4], [12, 4], [MIN_PAGES_PER_PART * 2 + 1, 4], [1, 1]] as const) {
      const shares = Array.from({ length: parts }, (_, p) => sharePages(pages(n), p, parts));
      assert.deepEqual(shares.flat(), pages(n), `${n} pages in ${parts} parts`);
      const used = shares.filter((s) => s.length > 0);
      assert.equal(used.length, Math.min(parts, Math.ceil(n / MIN_PAGES_PER_PART)), `${n} pages in ${parts} parts`);
    }
    assert.deepEqual(sharePages([9, 3, 5], 0, 2), [9, 3, 5]);
    assert.ok(partsFor(10_000) === 1 && partsFor(50 * 1024 * 1024, 3) === 1);
    assert.ok(partsFor(50 * 1024 * 1024) >= 1 && partsFor(50 * 1024 * 1024) <= 4);
  });

  it('a document split between workers comes back whole, in page order, the same as page by page', async () => {
    const big = await longHandbookPdf(120);
    const all = await extractPdf(big, 'long.pdf');
    assert.deepEqual(all.pages.map((p) => p.page), Array.from({ length: 120 }, (_, i) => i + 1));
    all.pages.forEach((p, i) => assert.match(p.text, new RegExp(`^Section ${i + 1}\\n`)));
    assert.equal(all.title, 'Long Employee Handbook');
    const some = await extractPdf(big, 'long.pdf', { pages: [1, 60, 61, 120] });
    assert.deepEqual(some.pages.map((p) => p.text), [1, 60, 61, 120].map((n) => all.pages[n - 1]!.text));
  });
});
