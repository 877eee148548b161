import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkPdfBytes, checkPdfFile, extractPdf, PdfError, scanAdvice } from '../../src/core/pdf/extract';
import { encryptedPdf } from '../fixtures/pdf/encrypted';
import { LEFT_COLUMN, longHandbookPdf, RIGHT_COLUMN, scannedPdf, shortHandbookPdf, truncatedPdf, twoColumnPdf, UNICODE_TEXT, unicodePdf } from '../fixtures/pdf/generate';
import { VOLUNTEER } from '../fixtures/pdf/handbook';
import { rejectsKind } from '../fixtures/pdf/assertions';

const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('PDF text extraction (pdf.js in Node)', function () {
  this.timeout(30_000);

  it('keeps every page with its number and offsets; the answer sentence is on page 7 only', async () => {
    const t = await extractPdf(await shortHandbookPdf(), 'handbook.pdf');
    assert.equal(t.pageCount, 12);
    assert.equal(t.pages.length, 12);
    assert.equal(t.title, 'Employee Handbook');
    assert.equal(t.scanned, false);
    t.pages.forEach((p, i) => {
      assert.equal(p.page, i + 1);
      assert.equal(t.text.slice(p.start, p.end), p.text);
      assert.match(p.text, new RegExp(`^Section ${i + 1}\\n`));
      assert.match(p.text, new RegExp(`Page ${i + 1} of 12$`));
    });
    const withAnswer = t.pages.filter((p) => flat(p.text).includes('12 hours of volunteer time off'));
    assert.deepEqual(withAnswer.map((p) => p.page), [7]);
    assert.ok(flat(t.pages[6]!.text).includes(flat(VOLUNTEER.sentence)));
  });

  it('extracts only the pages asked for, with progress', async () => {
    const seen: string[] = [];
    const t = await extractPdf(await shortHandbookPdf(), 'handbook.pdf', { pages: [2, 7], onProgress: (d, n) => seen.push(`${d}/${n}`) });
    assert.deepEqual(t.pages.map((p) => p.page), [2, 7]);
    assert.equal(seen.at(-1), '2/2');
    await assert.rejects(extractPdf(await shortHandbookPdf(), 'handbook.pdf', { pages: [13] }), /has 12 pages; there is no page 13/);
  });

  it('reads Unicode text (Greek, Cyrillic, accents, symbols) from an embedded subset font', async () => {
    const t = await extractPdf(await unicodePdf(), 'unicode.pdf');
    assert.equal(flat(t.pages[0]!.text), flat(`Unicode ${UNICODE_TEXT}`));
  });

  it('reads a two-column page column by column, even when it was drawn line by line across', async () => {
    const t = await extractPdf(await twoColumnPdf(), 'columns.pdf');
    const text = flat(t.pages[0]!.text);
    assert.ok(text.startsWith('Two Column Article Title Across The Page'), text);
    assert.ok(text.includes(flat(LEFT_COLUMN)), text);
    assert.ok(text.includes(flat(RIGHT_COLUMN)), text);
    assert.ok(text.indexOf('alpha') < text.indexOf('The right column'), text);
  });

  it('asks for the password of an encrypted PDF, refuses a wrong one, and reads it with the right one', async () => {
    const pdf = encryptedPdf('open sesame', 'The vault code is kept on page one.');
    await rejectsKind(extractPdf(pdf, 'vault.pdf'), 'needPassword', /vault\.pdf is encrypted; it needs its password/);
    await rejectsKind(extractPdf(pdf, 'vault.pdf', { password: 'wrong' }), 'wrongPassword', /password for vault\.pdf is not correct/);
    const t = await extractPdf(pdf, 'vault.pdf', { password: 'open sesame' });
    assert.equal(flat(t.text), 'The vault code is kept on page one.');
  });

  it('says a PDF without a text layer looks scanned and suggests OCR', async () => {
    const t = await extractPdf(await scannedPdf(), 'scan.pdf');
    assert.equal(t.pageCount, 2);
    assert.equal(t.scanned, true);
    assert.deepEqual(t.emptyPages, [1, 2]);
    assert.match(scanAdvice(t, 'scan.pdf') ?? '', /no text layer: it looks scanned.*OCR.*ocrmypdf "scan\.pdf" "scan\.ocr\.pdf"/);
  });

  it('gives a clear error for 0-byte, truncated, corrupt and non-PDF files, and leaves the bytes as they were', async () => {
    await rejectsKind(extractPdf(new Uint8Array(), 'empty.pdf'), 'empty', /empty\.pdf is empty \(0 bytes\)/);
    const cut = await truncatedPdf();
    const before = Buffer.from(cut);
    await rejectsKind(extractPdf(cut, 'cut.pdf'), 'truncated', /cut\.pdf is truncated: it ends after \d+ bytes, before the PDF's end marker/);
    assert.deepEqual(Buffer.from(cut), before);
    await rejectsKind(extractPdf(new TextEncoder().encode('hello, I am text'), 'notes.pdf'), 'notPdf', /notes\.pdf is not a PDF/);
    const garbage = new TextEncoder().encode(`%PDF-1.7\n${'x'.repeat(500)}\n%%EOF\n`);
    await rejectsKind(extractPdf(garbage, 'broken.pdf'), 'corrupt', /broken\.pdf could not be read as a PDF: the file is damaged/);
  });

  it('checks a file on disk from its ends alone, with the same verdicts as for its bytes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-pdf-ends-'));
    try {
      const cases: Array<[string, Uint8Array]> = [
        ['empty.pdf', new Uint8Array()],
        ['cut.pdf', await truncatedPdf()],
        ['notes.pdf', new TextEncoder().encode('hello, I am text')],
        ['tiny.pdf', new TextEncoder().encode('%PDF-1.7\n%%EOF\n')],
        ['handbook.pdf', await shortHandbookPdf()],
      ];
      for (const [name, bytes] of cases) {
        fs.writeFileSync(path.join(dir, name), bytes);
        const verdict = (f: () => unknown) => Promise.resolve().then(f).then(() => 'ok', (e: unknown) => (e instanceof PdfError ? `${e.kind}: ${e.message}` : String(e)));
        assert.equal(await verdict(() => checkPdfFile(path.join(dir, name), name)), await verdict(() => checkPdfBytes(bytes, name)), name);
      }
      assert.match(await checkPdfFile(path.join(dir, 'cut.pdf'), 'cut.pdf').then(() => '', (e: Error) => e.message), /cut\.pdf is truncated/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a 1,000-page PDF reports progress and stops as soon as it is cancelled', async () => {
    const big = await longHandbookPdf(1000);
    const ac = new AbortController();
    const seen: number[] = [];
    const started = Date.now();
    const p = extractPdf(big, 'big.pdf', { signal: ac.signal, onProgress: (d, n) => (assert.equal(n, 1000), seen.push(d), d >= 40 && ac.abort()) });
    await rejectsKind(p, 'cancelled', /cancelled/);
    assert.ok(seen.length > 0 && seen.at(-1)! < 1000, `progress ${seen.join(',')}`);
    assert.ok(Date.now() - started < 10_000);
    // The pool recovers: the next document extracts normally.
    assert.equal((await extractPdf(await shortHandbookPdf(), 'handbook.pdf')).pageCount, 12);
  });

  it('keeps pdf.js\'s polyfills out of this realm (Array.prototype.push, JSON.parse stay native)', async () => {
    const push = Array.prototype.push;
    const parse = JSON.parse;
    await extractPdf(await shortHandbookPdf(), 'handbook.pdf');
    assert.equal(Array.prototype.push, push);
    assert.equal(JSON.parse, parse);
    assert.match(Function.prototype.toString.call(Array.prototype.push), /\[native code\]/);
  });
});
