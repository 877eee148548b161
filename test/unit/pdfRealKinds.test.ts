/**
 * The kinds of fault seen on real PDFs (shared/cases README): line-end hyphens, superscripts and
 * footnote marks, form fields, glyphs without Unicode, plots and equations drawn glyph by glyph. Each
 * on a generated PDF, in core and through `pdf-text`, with pdftotext's output for comparison.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { extractPdf, scanAdvice } from '../../src/core/pdf/extract';
import { cliAsync } from '../fixtures/cli';
import { articlePdf, articleText } from '../fixtures/pdf/article';
import { formPdf, glyphRunsPdf, hyphenPdf, scriptsPdf, unmappedPdf, type KindPdf } from '../fixtures/pdf/realKinds';

const havePoppler = spawnSync('pdftotext', ['-v']).status === 0;

/** Each expected line is one whole line of `text`, in order. */
function assertLines(text: string, want: string[], what: string): void {
  const lines = text.split('\n');
  let last = -1;
  for (const w of want) {
    const at = lines.indexOf(w, last + 1);
    assert.ok(at > last, `${what}: the line "${w}" is missing or out of order in\n${text}`);
    last = at;
  }
}

/** The text's characters, whitespace left out, sorted: the same for two extractions that differ only in order and spacing. */
const inked = (s: string) => [...s.replace(/\s/g, '')].sort().join('');

describe('PDF kinds seen on real PDFs', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-pdf-kinds-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const save = (name: string, k: KindPdf) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, k.bytes);
    return file;
  };
  const poppler = (file: string) => spawnSync('pdftotext', [file, '-']).stdout.toString();

  describe('4. line-end hyphens', () => {
    it('a word broken at a line end is joined; compounds, numbers and names keep their hyphen; a dash stays (core)', async () => {
      const k = await hyphenPdf();
      const t = await extractPdf(k.bytes, 'hyphens.pdf');
      assert.deepEqual(t.pages[0]!.text.split('\n'), k.lines);
      assert.doesNotMatch(t.text, /\u00AD/, 'no soft hyphen is left in the text');
      assert.equal(t.text.slice(t.pages[0]!.start, t.pages[0]!.end), t.pages[0]!.text);
    });

    it('through the CLI: pdf-text prints the joined words; pdftotext drops every line-end hyphen, compounds too', async function () {
      const k = await hyphenPdf();
      const file = save('hyphens.pdf', k);
      const r = await cliAsync(['pdf-text', file], {});
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, `=== page 1 ===\n${k.lines.join('\n')}\n\n`);
      if (!havePoppler) this.skip();
      const p = poppler(file).replace(/\s+/g, ' ');
      assert.match(p, /large crystals when/, 'pdftotext joins a broken word too');
      assert.match(p, /state-of-theart/, 'pdftotext drops the hyphen of a compound, which AI Lab keeps');
    });
  });

  describe('5. superscripts and footnote marks', () => {
    it('marks stay on the author line next to their name, exponents with their base, a footnote keeps its mark apart (core)', async () => {
      const k = await scriptsPdf();
      const t = await extractPdf(k.bytes, 'scripts.pdf');
      assert.deepEqual(t.pages[0]!.text.split('\n'), k.lines);
    });

    it('through the CLI, and against pdftotext (which puts the footnote marks on lines of their own)', async function () {
      const k = await scriptsPdf();
      const file = save('scripts.pdf', k);
      const r = await cliAsync(['pdf-text', file, '--json'], {});
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { pages: Array<{ text: string; start: number; end: number }> };
      assert.deepEqual(out.pages[0]!.text.split('\n'), k.lines);
      if (!havePoppler) this.skip();
      // pdftotext reads the same characters (it puts the author line's marks on lines of their own).
      assert.equal(inked(out.pages[0]!.text), inked(poppler(file)));
    });
  });

  describe('7. form fields', () => {
    it('text fields, a multi-line field and a drop-down are read in their place; a password and a check box are not (core)', async () => {
      const k = await formPdf();
      const t = await extractPdf(k.bytes, 'form.pdf');
      assertLines(t.pages[0]!.text, k.lines, 'form');
      assert.ok(!t.text.includes(k.password), 'the password field is never read');
      assert.equal(t.pages[0]!.text.split('\n').length, k.lines.length, t.pages[0]!.text);
    });

    it('through the CLI; pdftotext shows the same values', async function () {
      const k = await formPdf();
      const file = save('form.pdf', k);
      const r = await cliAsync(['pdf-text', file], {});
      assert.equal(r.status, 0, r.stderr);
      assertLines(r.stdout, k.lines, 'pdf-text');
      if (!havePoppler) this.skip();
      const p = poppler(file);
      for (const v of ['Ada Lovelace', 'Research', 'Attending the engine conference', 'in London for three days']) assert.ok(p.includes(v), `pdftotext shows ${v}`);
    });
  });

  describe('8. glyphs without a Unicode mapping', () => {
    it('are left out, counted on their page with a notice; the readable lines stay whole (core)', async () => {
      const k = await unmappedPdf();
      const t = await extractPdf(k.bytes, 'unmapped.pdf');
      const p = t.pages[0]!;
      assert.deepEqual(p.text.split('\n'), k.lines);
      assert.equal(p.unreadable, k.unreadable);
      assert.match(p.notice ?? '', /some text could not be read: 11 glyphs without a Unicode mapping/);
      assert.deepEqual(t.unreadablePages, [1]);
      assert.doesNotMatch(t.text, /[\u0000-\u0008\u000B-\u001F\uFFFD\uE000-\uF8FF]|LGGHQ/);
    });

    it('through the CLI: the page heading says so, --json has unreadable, notice and unreadablePages; pdftotext prints junk', async function () {
      const k = await unmappedPdf();
      const file = save('unmapped.pdf', k);
      const r = await cliAsync(['pdf-text', file], {});
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, `=== page 1 (some text could not be read: 11 glyphs without a Unicode mapping in the font left out) ===\n${k.lines.join('\n')}\n\n`);
      const j = await cliAsync(['pdf-text', file, '--json'], {});
      const out = JSON.parse(j.stdout) as { unreadablePages: number[]; pages: Array<{ unreadable?: number; notice?: string }> };
      assert.deepEqual(out.unreadablePages, [1]);
      assert.equal(out.pages[0]!.unreadable, 11);
      assert.ok(out.pages[0]!.notice);
      if (!havePoppler) this.skip();
      assert.match(poppler(file), /\u0001\u0002|\+LGGHQ/, 'pdftotext prints control characters or junk letters');
    });

    it('a document whose text is all unreadable says the text cannot be read and suggests OCR, not that it is a scan (core and CLI, exit 3)', async () => {
      const k = await unmappedPdf(false);
      const t = await extractPdf(k.bytes, 'unmapped.pdf');
      assert.deepEqual([t.pages[0]!.text, t.pages[0]!.unreadable, t.scanned], ['', k.unreadable, true]);
      const advice = /no readable text: its fonts draw glyphs without a Unicode mapping.*ocrmypdf --force-ocr/;
      assert.match(scanAdvice(t, 'unmapped.pdf') ?? '', advice);
      const r = await cliAsync(['pdf-text', save('unreadable-only.pdf', k)], {});
      assert.equal(r.status, 3);
      assert.match(r.stderr, advice);
      assert.match(r.stdout, /=== page 1 \(no text\) \(some text could not be read: 11 glyphs/);
    });
  });

  describe('9. plots and equations drawn glyph by glyph', () => {
    it('tick labels, an axis title and each equation are one line each; the markers do not make a line each (core)', async () => {
      const k = await glyphRunsPdf();
      const t = await extractPdf(k.bytes, 'plot.pdf');
      const text = t.pages[0]!.text;
      assertLines(text, k.lines, 'plot');
      const lines = text.split('\n');
      assert.ok(lines.length <= k.maxLines, `${lines.length} lines:\n${text}`);
      assert.equal(lines.at(-1), k.lines.at(-1), 'the prose below the figure comes last');
    });

    it('through the CLI, with fewer lines than pdftotext gives', async function () {
      const k = await glyphRunsPdf();
      const file = save('plot.pdf', k);
      const r = await cliAsync(['pdf-text', file], {});
      assert.equal(r.status, 0, r.stderr);
      assertLines(r.stdout, k.lines, 'pdf-text');
      if (!havePoppler) this.skip();
      const p = poppler(file);
      assert.equal(inked(r.stdout.replace(/^=== page 1 ===/, '')), inked(p), 'the same characters as pdftotext, none lost');
      const popplerLines = p.split('\n').filter((l) => l.trim()).length;
      const ours = r.stdout.split('\n').filter((l) => l.trim()).length - 1;
      assert.ok(ours < popplerLines / 2, `AI Lab ${ours} lines, pdftotext ${popplerLines}`);
    });
  });

  describe('a real-shaped article: two justified columns drawn word by word, hyphens, footnotes, headers', () => {
    it('every hyphenated word is whole, marks stay with their word, the footnote ends its column, furniture at the edges; pdftotext reads the same characters', async function () {
      const bytes = await articlePdf(3);
      const file = path.join(dir, 'article.pdf');
      fs.writeFileSync(file, bytes);
      const t = await extractPdf(bytes, 'article.pdf');
      for (const p of t.pages) {
        const lines = p.text.split('\n');
        assert.equal(lines[0], `Journal of Generated Articles Vol. 3, No. ${p.page}`);
        assert.equal(lines.at(-1), String(p.page));
        const note = lines.indexOf(`1 Footnote one of page ${p.page}: the source of the figures quoted above.`);
        assert.ok(note > 0 && /\.1$/.test(lines[note - 1]!), `the mark ends the left column, its note follows:\n${p.text}`);
        const vocabulary = new Set(`${articleText(p.page, 0)} ${articleText(p.page, 1)}`.split(/\s+/));
        const body = lines.slice(p.page === 1 ? 3 : 1, -1).filter((_, i, all) => i !== all.indexOf(lines[note]!));
        const stray = body.flatMap((l) => l.split(' ')).map((w) => w.replace(/\.1$/, '.')).filter((w) => !vocabulary.has(w));
        assert.deepEqual(stray, [], `words that are not the article's (a hyphenated word not joined?) on page ${p.page}`);
      }
      assert.match(t.pages[0]!.text, /^Ada Lovelace1 Charles Babbage2$/m);
      if (!havePoppler) this.skip();
      // pdftotext joins line-end hyphens too: the same characters, hyphens aside.
      const noHyphens = (s: string) => inked(s.replace(/-/g, ''));
      assert.equal(noHyphens(t.text), noHyphens(poppler(file)));
    });
  });
});
