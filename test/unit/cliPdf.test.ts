import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliAsync } from '../fixtures/cli';
import { fixtureModelDirs } from '../fixtures/models';
import { encryptedPdf } from '../fixtures/pdf/encrypted';
import { scannedPdf, shortHandbookPdf, truncatedPdf } from '../fixtures/pdf/generate';
import { VOLUNTEER } from '../fixtures/pdf/handbook';

describe('CLI: ai-lab pdf-text and ai-lab ask', function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-cli-pdf-'));
  const f = (n: string) => path.join(dir, n);
  const env = { HF_HUB_OFFLINE: '1', HF_HOME: f('hf') };
  before(async () => {
    fs.writeFileSync(f('handbook.pdf'), await shortHandbookPdf());
    fs.writeFileSync(f('scan.pdf'), await scannedPdf());
    fs.writeFileSync(f('cut.pdf'), await truncatedPdf());
    fs.writeFileSync(f('empty.pdf'), '');
    fs.writeFileSync(f('vault.pdf'), encryptedPdf('pw', 'The vault holds 3 days of supplies.'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pdf-text prints each page under its number; --json has pages with offsets', async () => {
    const r = await cliAsync(['pdf-text', f('handbook.pdf')], env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^=== page 1 ===\nSection 1\n/);
    assert.match(r.stdout, /=== page 7 ===\nSection 7\n[\s\S]*12 hours of volunteer time off/);
    const j = await cliAsync(['pdf-text', f('handbook.pdf'), '--json', '--pages', '7'], env);
    const out = JSON.parse(j.stdout) as { pageCount: number; pages: Array<{ page: number; text: string; start: number; end: number }> };
    assert.equal(out.pageCount, 12);
    assert.deepEqual(out.pages.map((p) => [p.page, p.start]), [[7, 0]]);
    assert.equal(out.pages[0]!.end, out.pages[0]!.text.length);
  });

  it('pdf-text: encrypted needs --password; scans say OCR (exit 3); bad files and ranges are clear errors', async () => {
    const locked = await cliAsync(['pdf-text', f('vault.pdf')], env);
    assert.equal(locked.status, 1);
    assert.match(locked.stderr, /vault\.pdf is encrypted; it needs its password to be read\. Give it with --password\./);
    const open = await cliAsync(['pdf-text', f('vault.pdf'), '--password', 'pw'], env);
    assert.match(open.stdout, /The vault holds 3 days of supplies\./);
    const scan = await cliAsync(['pdf-text', f('scan.pdf')], env);
    assert.equal(scan.status, 3);
    assert.match(scan.stderr, /no text layer: it looks scanned.*OCR/);
    for (const [name, msg] of [['cut.pdf', /cut\.pdf is truncated/], ['empty.pdf', /empty\.pdf is empty \(0 bytes\)/], ['missing.pdf', /missing\.pdf does not exist/]] as const) {
      const r = await cliAsync(['pdf-text', f(name)], env);
      assert.ok(r.status === 1 || r.status === 2, name);
      assert.match(r.stderr, msg);
    }
    const range = await cliAsync(['pdf-text', f('handbook.pdf'), '--pages', '11-14'], env);
    assert.equal(range.status, 2);
    assert.match(range.stderr, /--pages: 11-14 runs past the end: the document ends at page 12; use 11-12/);
  });

  it('ask prints answer, score, page and context; --json has the same keys; stdin works with -', async () => {
    const qa = fixtureModelDirs().qa;
    const r = await cliAsync(['ask', f('handbook.pdf'), VOLUNTEER.question, '--model', qa, '--device', 'cpu'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^1\. 12 hours\n {3}score 0\.\d{3} · p\. 7\n {3}“Each full-time employee is eligible for 12 hours of volunteer time off per calendar year\.”/);
    const j = await cliAsync(['ask', f('handbook.pdf'), VOLUNTEER.question, '--model', qa, '--device', 'cpu', '--json', '--top-k', '1'], env);
    const out = JSON.parse(j.stdout) as { answers: Array<{ answer: string; score: number; page: number; context: string }>; retrieval: string };
    assert.equal(out.answers.length, 1);
    assert.deepEqual([out.answers[0]!.answer, out.answers[0]!.page], ['12 hours', 7]);
    assert.ok(out.answers[0]!.score > 0.5 && out.answers[0]!.context.includes('12 hours'));
    const stdin = await cliAsync(['ask', '-', 'How many minutes?', '--model', qa, '--device', 'cpu', '--json'], env, 'The storm forecast is issued 40 minutes before the rain starts.');
    const s = JSON.parse(stdin.stdout) as { answers: Array<{ answer: string; page: number | null }> };
    assert.deepEqual([s.answers[0]!.answer, s.answers[0]!.page], ['40 minutes', null]);
  });

  it('ask: no answer exits 3 and says so; usage errors exit 2', async () => {
    const qa = fixtureModelDirs().qa;
    const none = await cliAsync(['ask', f('handbook.pdf'), 'How many dollars?', '--model', qa, '--device', 'cpu'], env);
    assert.equal(none.status, 3);
    assert.match(none.stdout, /No answer found for "How many dollars\?"/);
    for (const args of [['ask', f('handbook.pdf')], ['ask', f('handbook.pdf'), 'q', '--top-k', '0'], ['ask', f('handbook.pdf'), 'q', '--min-score', '2'], ['ask', f('handbook.pdf'), 'two', 'words']]) {
      const r = await cliAsync(args, env);
      assert.equal(r.status, 2, args.join(' '));
    }
  });
});
