import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inflateSync } from 'node:zlib';
import { DecodeBudget, useDecodeBudget } from '../../src/core/pdf/decodeBudget';
import { checkPdfFile, extractPdf, PdfError, scanAdvice } from '../../src/core/pdf/extract';
import { readPdfFile } from '../../src/core/pdf/pdfFile';
import { SyncDecompressionStream } from '../../src/core/pdf/syncInflate';
import { cliAsync } from '../fixtures/cli';
import { scannedPdf, shortHandbookPdf } from '../fixtures/pdf/generate';
import { blankPdf, bombPdf, brokenButReadablePdf, mixedPagesPdf, zeroBomb, zeroPagePdf } from '../fixtures/pdf/limits';
import { rejectsKind } from '../fixtures/pdf/assertions';

const MiB = 1024 * 1024;
const posix = process.platform !== 'win32';

/** The promise, or a failure after `ms`: a read that hangs must fail the test, not stall it. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Runs `f` and gives the most this process's resident memory grew meanwhile (worker threads included). */
async function peakGrowth<T>(f: () => Promise<T>): Promise<{ value?: T; error?: unknown; peak: number }> {
  const base = process.memoryUsage().rss;
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss - base)), 5);
  try {
    return { value: await f(), peak };
  } catch (error) {
    return { error, peak };
  } finally {
    clearInterval(timer);
  }
}

/** Inflates like pdf.js does through DecompressionStream. */
async function inflate(bytes: Uint8Array): Promise<number> {
  const { readable, writable } = new SyncDecompressionStream('deflate');
  const writer = writable.getWriter();
  void writer.write(bytes).then(() => writer.close());
  let n = 0;
  for await (const c of readable) n += c.length;
  return n;
}

describe('PDF limits: special files, no pages, blank pages, decompression bombs', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-pdf-limits-'));
  const f = (n: string) => path.join(dir, n);
  let fifo: string | undefined;
  before(async () => {
    if (posix && spawnSync('mkfifo', [f('pipe.pdf')]).status === 0) fifo = f('pipe.pdf');
    fs.writeFileSync(f('zero-pages.pdf'), await zeroPagePdf());
    fs.writeFileSync(f('blank.pdf'), await blankPdf(2));
    fs.writeFileSync(f('mixed.pdf'), await mixedPagesPdf());
    fs.writeFileSync(f('bomb.pdf'), await bombPdf([4096]));
    fs.writeFileSync(f('handbook.pdf'), await shortHandbookPdf());
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a device, a FIFO and a folder before reading them (no hang), and reads a regular file', async function () {
    if (!posix) this.skip();
    const special: Array<[string, RegExp]> = [
      ['/dev/zero', /zero is a character device, not a regular file: AI Lab reads PDFs only from regular files/],
      ['/dev/null', /null is a character device/],
      [dir, /is a folder, not a PDF file/],
    ];
    if (fifo) special.push([fifo, /pipe\.pdf is a named pipe \(FIFO\), not a regular file/]);
    for (const [file, message] of special) {
      await rejectsKind(within(readPdfFile(file), 5000, `reading ${file}`), 'notFile', message);
      await rejectsKind(within(checkPdfFile(file, path.basename(file)), 5000, `checking ${file}`), 'notFile', message);
    }
    assert.deepEqual(await readPdfFile(f('handbook.pdf')), new Uint8Array(fs.readFileSync(f('handbook.pdf'))));
  });

  it('a PDF with 0 pages says it has 0 pages (not scanned)', async () => {
    const t = await extractPdf(new Uint8Array(fs.readFileSync(f('zero-pages.pdf'))), 'zero-pages.pdf');
    assert.deepEqual([t.pageCount, t.pages, t.text, t.scanned, t.emptyPages, t.blankPages], [0, [], '', false, [], []]);
    assert.equal(scanAdvice(t, 'zero-pages.pdf'), 'zero-pages.pdf has 0 pages: there is no text in it to read.');
  });

  it('blank pages are reported as blank, not as pictures; a scan is still a scan; drawings are not blank', async () => {
    const blank = await extractPdf(await blankPdf(2), 'blank.pdf');
    assert.deepEqual([blank.pageCount, blank.emptyPages, blank.blankPages, blank.scanned], [2, [1, 2], [1, 2], false]);
    assert.equal(scanAdvice(blank, 'blank.pdf'), 'blank.pdf has no text: all 2 pages are blank (nothing is drawn on them).');
    const one = await extractPdf(await blankPdf(3), 'blank.pdf', { pages: [2] });
    assert.equal(scanAdvice(one, 'blank.pdf'), 'blank.pdf has no text: page 2 is blank (nothing is drawn on it).');
    const mixed = await extractPdf(await mixedPagesPdf(), 'mixed.pdf');
    assert.deepEqual([mixed.emptyPages, mixed.blankPages, mixed.scanned], [[2, 4, 5], [2], false]);
    assert.equal(scanAdvice(mixed, 'mixed.pdf'), undefined);
    assert.equal(mixed.text.slice(mixed.pages[2]!.start, mixed.pages[2]!.end), 'The third page has text too.');
    const scan = await extractPdf(await scannedPdf(), 'scan.pdf');
    assert.deepEqual([scan.blankPages, scan.scanned], [[], true]);
  });

  it('the bomb fixture is what it says: a few KB per MiB of zeros, a valid zlib stream', async () => {
    const bomb = await zeroBomb(5);
    assert.ok(bomb.length < 6 * 1024, `${bomb.length} bytes`);
    const out = inflateSync(bomb);
    assert.equal(out.length, 5 * MiB);
    assert.ok(out.every((b) => b === 0));
  });

  it('a stream that inflates to 4 GiB stops with a clear error under a memory bound, and the next PDF reads', async () => {
    const bytes = new Uint8Array(fs.readFileSync(f('bomb.pdf')));
    assert.ok(bytes.length < 8 * MiB);
    const r = await peakGrowth(() => extractPdf(bytes, 'bomb.pdf'));
    assert.ok(r.error instanceof PdfError, String(r.error ?? 'no error'));
    assert.equal(r.error.kind, 'tooLarge');
    assert.match(r.error.message, /^bomb\.pdf was not read: a stream inflates to more than 128 MiB.*decompression bomb/);
    assert.ok(r.peak < 1024 * MiB, `memory grew by ${Math.round(r.peak / MiB)} MiB`);
    assert.equal((await extractPdf(await shortHandbookPdf(), 'handbook.pdf')).pageCount, 12);
  });

  it('pdf.js\'s own decoder (Flate with a PNG predictor) is bounded the same way', async () => {
    const bytes = await bombPdf([1024], true);
    const r = await peakGrowth(() => extractPdf(bytes, 'predictor-bomb.pdf'));
    assert.ok(r.error instanceof PdfError && r.error.kind === 'tooLarge', String(r.error ?? 'no error'));
    assert.match(r.error.message, /a stream inflates to more than 128 MiB/);
    assert.ok(r.peak < 1024 * MiB, `memory grew by ${Math.round(r.peak / MiB)} MiB`);
  });

  it('the decode budget: each stream within its limit, all of a document\'s streams within theirs', async () => {
    const budget = new DecodeBudget(10 * MiB, 8 * MiB);
    useDecodeBudget(budget);
    try {
      const six = await zeroBomb(6);
      assert.equal(await inflate(six), 6 * MiB);
      assert.equal(budget.exceeded, undefined);
      assert.equal(await inflate(six), 0, 'over the total: no data (pdf.js must not fall back to its own decoder)');
      assert.match(budget.exceeded ?? '', /its streams inflate to more than 10 MiB in all/);
      const fresh = new DecodeBudget(100 * MiB, 8 * MiB);
      useDecodeBudget(fresh);
      assert.equal(await inflate(await zeroBomb(9)), 0);
      assert.match(fresh.exceeded ?? '', /a stream inflates to more than 8 MiB/);
      assert.equal(fresh.used, 0);
    } finally {
      useDecodeBudget(undefined);
    }
  });

  describe('through the CLI (exit codes: 1 unreadable file, 3 no text)', () => {
    const env = { HF_HUB_OFFLINE: '1' };

    it('pdf-text and ask refuse a device and a FIFO at once (exit 1)', async function () {
      if (!posix) this.skip();
      for (const file of ['/dev/zero', ...(fifo ? [fifo] : [])]) {
        for (const args of [['pdf-text', file], ['ask', file, 'What is this?']]) {
          const r = await within(cliAsync(args, env), 20_000, args.join(' '));
          assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
          assert.match(r.stderr, /is a (character device|named pipe \(FIFO\)), not a regular file/);
        }
      }
    });

    it('pdf-text on a 0-page PDF says so (exit 3); on blank pages says they are blank (exit 3)', async () => {
      const zero = await cliAsync(['pdf-text', f('zero-pages.pdf')], env);
      assert.equal(zero.status, 3, zero.stderr);
      assert.equal(zero.stderr, 'ai-lab: zero-pages.pdf has 0 pages: there is no text in it to read.\n');
      assert.doesNotMatch(zero.stderr, /scan|OCR/);
      const blank = await cliAsync(['pdf-text', f('blank.pdf')], env);
      assert.equal(blank.status, 3);
      assert.equal(blank.stdout, '=== page 1 (blank) ===\n\n\n=== page 2 (blank) ===\n\n\n');
      assert.match(blank.stderr, /blank\.pdf has no text: all 2 pages are blank/);
      assert.doesNotMatch(blank.stderr, /scan|OCR/);
      const json = await cliAsync(['pdf-text', f('mixed.pdf'), '--json'], env);
      assert.equal(json.status, 0, json.stderr);
      const out = JSON.parse(json.stdout) as { scanned: boolean; emptyPages: number[]; blankPages: number[] };
      assert.deepEqual([out.scanned, out.emptyPages, out.blankPages], [false, [2, 4, 5], [2]]);
      const text = await cliAsync(['pdf-text', f('mixed.pdf')], env);
      assert.match(text.stdout, /=== page 2 \(blank\) ===\n\n\n=== page 3 ===\nThe third page has text too\.\n\n=== page 4 \(no text\) ===/);
    });

    it('pdf-text on a decompression bomb stops with the reason (exit 1), and nothing but it on stderr', async () => {
      const r = await cliAsync(['pdf-text', f('bomb.pdf')], env);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^ai-lab: bomb\.pdf was not read: a stream inflates to more than 128 MiB.*decompression bomb.*\n$/);
    });

    it('pdf.js\'s warnings on a damaged but readable PDF stay off stderr', async () => {
      fs.writeFileSync(f('broken.pdf'), brokenButReadablePdf());
      const r = await cliAsync(['pdf-text', f('broken.pdf')], env);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '=== page 1 ===\nHello broken font\n\n');
      assert.equal(r.stderr, '');
    });
  });
});
