import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { degrees, PDFDocument, StandardFonts } from 'pdf-lib';
import { extractPdf } from '../../src/core/pdf/extract';
import { layoutPage, type TextRun } from '../../src/core/pdf/layout';
import { cliAsync } from '../fixtures/cli';
import { FIXTURES } from '../fixtures/paths';
import { fixtureModelDirs } from '../fixtures/models';
import { VOLUNTEER } from '../fixtures/pdf/handbook';
import { allLayouts, layoutsPdf, twoColumnArticlePdf, type Layout } from '../fixtures/pdf/layouts';

const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Each expected line comes out as one whole line of `text`, in the expected order. */
function assertLineOrder(text: string, order: string[], what: string): void {
  const lines = text.split('\n').map(flat);
  let last = -1;
  for (const want of order.map(flat)) {
    const at = lines.indexOf(want);
    assert.ok(at >= 0, `${what}: the line "${want}" is missing from\n${text}`);
    assert.equal(lines.indexOf(want, at + 1), -1, `${what}: "${want}" twice`);
    assert.ok(at > last, `${what}: "${want}" is out of order in\n${text}`);
    last = at;
  }
}

/** The expected lines appear in this order in `text` (line breaks aside): for pdftotext's output. */
function inOrder(text: string, order: string[]): boolean {
  const t = flat(text);
  let at = 0;
  for (const want of order.map(flat)) {
    const i = t.indexOf(want, at);
    if (i < 0) return false;
    at = i + want.length;
  }
  return true;
}

const havePoppler = spawnSync('pdftotext', ['-v']).status === 0;
const CASE = path.join(FIXTURES, 'cases', '13-pdf-stream-order', 'order.pdf');
const CASE_ORDER = ['Chapter 2: Leave policy', 'First, the body paragraph starts here.', 'It continues on the second line.', 'And it ends on the third line.', 'Page 1 of 3 - Internal handbook'];

describe('PDF reading order: lines in the order a reader reads them, whatever order they were painted in', function () {
  this.timeout(120_000);
  let layouts: Layout[];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-pdf-order-'));
  before(async () => {
    layouts = await allLayouts();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('case 13: the footer painted first and the title last come out title, body, footer (core)', async () => {
    const t = await extractPdf(new Uint8Array(fs.readFileSync(CASE)), 'order.pdf');
    assert.equal(t.pageCount, 1);
    assert.deepEqual(t.pages[0]!.text.split('\n'), CASE_ORDER);
    if (havePoppler) assert.ok(inOrder(spawnSync('pdftotext', [CASE, '-']).stdout.toString(), CASE_ORDER), 'pdftotext agrees');
  });

  it('case 13 through the CLI: pdf-text order.pdf prints title, body, footer', async () => {
    const r = await cliAsync(['pdf-text', CASE], {});
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `=== page 1 ===\n${CASE_ORDER.join('\n')}\n\n`);
  });

  it('every generated layout: columns, full-width blocks, sidebar, code panel, tables, bullets, furniture, slide', async () => {
    for (const l of layouts) {
      const t = await extractPdf(l.bytes, `${l.name}.pdf`);
      assertLineOrder(t.pages[0]!.text, l.order, l.name);
    }
  });

  it('pdftotext agrees where it reads the layout right (it reads tables column by column)', function () {
    if (!havePoppler) this.skip();
    const disagree: string[] = [];
    for (const l of layouts) {
      const file = path.join(dir, 'layout.pdf');
      fs.writeFileSync(file, l.bytes);
      const poppler = spawnSync('pdftotext', [file, '-']).stdout.toString();
      if (inOrder(poppler, l.order) !== l.popplerAgrees) disagree.push(`${l.name}: pdftotext ${l.popplerAgrees ? 'differs' : 'now agrees'}`);
    }
    assert.deepEqual(disagree, []);
  });

  it('all layouts as pages of one document: each page keeps its lines, and the offsets map back to it', async () => {
    const t = await extractPdf(await layoutsPdf(layouts), 'layouts.pdf');
    assert.equal(t.pages.length, layouts.length);
    t.pages.forEach((p, i) => {
      assert.equal(p.page, i + 1);
      assert.equal(t.text.slice(p.start, p.end), p.text);
      if (i > 0) assert.equal(p.start, t.pages[i - 1]!.end + 1);
      assertLineOrder(p.text, layouts[i]!.order, layouts[i]!.name);
    });
    assert.equal(t.pages.at(-1)!.end, t.text.length);
  });

  it('ask over a two-column article painted across: the answer, its page and its sentence come from the right column of page 2', async () => {
    const file = path.join(dir, 'article.pdf');
    fs.writeFileSync(file, await twoColumnArticlePdf(VOLUNTEER.sentence));
    const t = await extractPdf(new Uint8Array(fs.readFileSync(file)), 'article.pdf');
    assert.ok(flat(t.pages[1]!.text).includes(flat(VOLUNTEER.sentence)), t.pages[1]!.text);
    assert.deepEqual(t.pages.map((p) => p.text.split('\n').at(-1)), ['1', '2'], 'each page number ends its page');
    const r = await cliAsync(['ask', file, VOLUNTEER.question, '--model', fixtureModelDirs().qa, '--device', 'cpu', '--json', '--top-k', '1'], { HF_HUB_OFFLINE: '1' });
    assert.equal(r.status, 0, r.stderr);
    const a = (JSON.parse(r.stdout) as { answers: Array<{ answer: string; page: number; context: string }> }).answers[0]!;
    assert.deepEqual([a.answer, a.page], ['12 hours', 2]);
    assert.ok(flat(a.context).includes('12 hours of volunteer time off per calendar year'), a.context);
  });

  it('a TeX-style accent in a standard font (´ then e) comes out as the accented letter', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    doc.addPage([612, 792]).drawText('G\u00B4erard D\u00B4ecor met a na\u00A8ive caf\u00B4e owner.', { x: 72, y: 700, size: 12, font });
    const t = await extractPdf(await doc.save(), 'accents.pdf');
    assert.equal(t.text, 'Gérard Décor met a naïve café owner.');
  });

  it('a landscape page stored rotated (/Rotate 90) reads upright, top line first', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    // Portrait media box shown rotated a quarter turn: text drawn up the page reads left to right.
    const page = doc.addPage([612, 792]);
    page.setRotation(degrees(90));
    const lines = ['Quarterly report in landscape', 'The first line of the body text.', 'The second line of the body text.', 'The third line of the body text.'];
    [...lines].reverse().forEach((s, i) => page.drawText(s, { x: 100 + (lines.length - 1 - i) * 20, y: 72, size: 12, font, rotate: degrees(90) }));
    const t = await extractPdf(await doc.save(), 'landscape.pdf');
    assert.deepEqual(t.pages[0]!.text.split('\n'), lines);
  });
});

describe('PDF layout of positioned runs (layoutPage)', () => {
  const run = (str: string, x: number, y: number, width: number, height = 10, extra: Partial<TextRun> = {}): TextRun => ({ str, x, y, width, height, hasEOL: false, ...extra });

  it('keeps a superscript and a subscript on their line, whatever order the runs come in', () => {
    const runs = [run('squared', 120, 700, 40), run('2', 110.5, 704, 4, 7), run('x', 100, 700, 10), run('H', 100, 680, 8), run('2', 108, 677.5, 4, 7), run('O', 112, 680, 8)];
    assert.equal(layoutPage(runs), 'x2 squared\nH2O');
  });

  it('a run painted twice on itself (fake bold) comes out once; blank runs only separate words', () => {
    const runs = [run('Bold', 72, 700, 22), run('Bold', 72.3, 700, 22), run(' ', 94, 700, 3), run('title', 97, 700, 20)];
    assert.equal(layoutPage(runs), 'Bold title');
  });

  it('orders right-to-left runs of a line from the right', () => {
    const runs = [run('שלום', 200, 700, 30, 10, { dir: 'rtl' }), run('עולם', 150, 700, 30, 10, { dir: 'rtl' })];
    assert.equal(layoutPage(runs), 'שלום עולם');
  });

  it('rotated runs (a margin stamp) follow the body, never between its lines; the footer stays last', () => {
    const body = Array.from({ length: 6 }, (_, i) => run(`Body line number ${i + 1} of the page reads on.`, 72, 700 - i * 14, 300));
    const runs = [run('arXiv:2401.00001v1 [cs.CL]', 30, 300, 200, 10, { upright: false }), ...body, run('Page 3', 290, 40, 30, 9)];
    const lines = layoutPage(runs, { width: 612, height: 792 }).split('\n');
    assert.deepEqual(lines, [...body.map((r) => r.str), 'arXiv:2401.00001v1 [cs.CL]', 'Page 3']);
  });

  it('a running header with a page number on the right stays on top of two columns', () => {
    const col = (x: number, tag: string) => Array.from({ length: 8 }, (_, i) => run(`${tag} column line ${i + 1} has several words in it`, x, 700 - i * 12, 220));
    const runs = [...col(320, 'Right'), run('Journal of Tests', 72, 750, 60, 8), run('5', 536, 750, 4, 8), ...col(72, 'Left')];
    const lines = layoutPage(runs, { width: 612, height: 792 }).split('\n');
    assert.equal(lines[0], 'Journal of Tests 5');
    assert.deepEqual(lines.slice(1, 9), col(72, 'Left').map((r) => r.str));
    assert.deepEqual(lines.slice(9), col(320, 'Right').map((r) => r.str));
  });

  it('composes a spacing accent drawn before its letter (TeX) and drops control characters', () => {
    const runs = [run('G\u00B4erard na\u00A8\u0131ve Fran\u02C7cois; it\u00B4s kept', 72, 700, 150), run('bell\u0007 and\u0000 nul\ttab', 72, 686, 100)];
    assert.equal(layoutPage(runs), 'Gérard naïve Frančois; it\u00B4s kept\nbell and nul\ttab');
  });

  it('an empty page, and a page of blank runs, have no text', () => {
    assert.equal(layoutPage([]), '');
    assert.equal(layoutPage([run(' ', 72, 700, 4), run('', 72, 700, 0, 0, { hasEOL: true })]), '');
  });
});
