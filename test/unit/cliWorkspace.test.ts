/**
 * The CLI's workspace index on a fixture folder (text, Markdown, a generated PDF, a binary file):
 * ai-lab index DIR (JSON and text, incremental, --delete), ai-lab search DIR "query", ai-lab ask DIR
 * "question", and their argument errors.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliAsync } from '../fixtures/cli';
import { fixtureModelDirs } from '../fixtures/models';
import { shortHandbookPdf } from '../fixtures/pdf/generate';
import { VOLUNTEER } from '../fixtures/pdf/handbook';

describe('CLI: ai-lab index / search / ask DIR', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-cli-ws-'));
  const docs = path.join(dir, 'docs');
  const env = { HF_HUB_OFFLINE: '1', HF_HOME: path.join(dir, 'hf') };
  const model = () => ['--embed-model', fixtureModelDirs().embed, '--device', 'cpu'];
  before(async () => {
    fs.mkdirSync(path.join(docs, 'notes'), { recursive: true });
    fs.writeFileSync(path.join(docs, 'handbook.pdf'), await shortHandbookPdf());
    fs.writeFileSync(path.join(docs, 'notes', 'weather.md'), '# Forecast\n\nSnow and rain are in the forecast.\nCold weather all week.\n');
    fs.writeFileSync(path.join(docs, 'billing.txt'), 'A refund for the invoice charge goes back to the card.');
    fs.writeFileSync(path.join(docs, 'blob.txt'), Buffer.from([1, 2, 0, 0, 0, 3, 4, 0, 0, 5]));
    fs.writeFileSync(path.join(docs, 'code.ts'), 'export const forecast = "rain";');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('index --json: files, passages, skipped files with notes; the index in DIR/.ai-lab/index; again: nothing read', async () => {
    const r = await cliAsync(['index', docs, ...model(), '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { index: string; files: number; passages: number; updated: number; skipped: Array<{ path: string; note: string }>; dim: number };
    assert.equal(out.index, path.join(docs, '.ai-lab', 'index'));
    assert.equal(out.files, 3);
    assert.deepEqual(out.skipped, [{ path: 'blob.txt', note: 'binary data, not text' }]);
    assert.ok(out.dim > 0);
    assert.ok(fs.existsSync(path.join(out.index, 'manifest.json')));
    const again = await cliAsync(['index', docs, ...model()], env);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /^indexed 3 files of .*docs: \d+ passages \(0 read, 4 unchanged, 0 removed\) with .* in [\d.]+ s\nskipped blob\.txt: binary data, not text\n$/);
  });

  it('search: the passage by meaning with file and line or page; --json has the hits with their ranks', async () => {
    const r = await cliAsync(['search', docs, 'storm sunny', '--top', '1', '--device', 'cpu'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^1\. notes\/weather\.md · line 1 · score 0\.\d{4}\n {3}# Forecast Snow and rain are in the forecast\. Cold weather all week\.\n$/);
    const j = await cliAsync(['search', docs, 'volunteer hours employee', '--json', '--device', 'cpu'], env);
    assert.equal(j.status, 0, j.stderr);
    const out = JSON.parse(j.stdout) as { model: string; hits: Array<{ file: string; page?: number; pageEnd?: number; dense?: { rank: number }; start: number; end: number }> };
    assert.equal(out.model, fixtureModelDirs().embed);
    const top = out.hits[0]!;
    assert.equal(top.file, 'handbook.pdf');
    assert.ok(top.page! <= 7 && (top.pageEnd ?? top.page!) >= 7);
    assert.equal(top.dense?.rank, 1);
  });

  it('ask DIR: Ask the Workspace, the answer with its file and page; --json names them', async () => {
    const r = await cliAsync(['ask', docs, VOLUNTEER.question, '--model', fixtureModelDirs().qa, '--device', 'cpu'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^1\. 12 hours\n {3}score 0\.\d{3} · handbook\.pdf, p\. 7\n {3}“Each full-time employee is eligible for 12 hours of volunteer time off per calendar year\.”/);
    const j = await cliAsync(['ask', docs, VOLUNTEER.question, '--model', fixtureModelDirs().qa, '--device', 'cpu', '--json'], env);
    const out = JSON.parse(j.stdout) as { answers: Array<{ answer: string; file: string; page: number }>; retrieval: string };
    assert.deepEqual([out.answers[0]!.answer, out.answers[0]!.file, out.answers[0]!.page, out.retrieval], ['12 hours', 'handbook.pdf', 7, 'hybrid']);
    // --retrieve-top 0: every passage of the index read, the same best answer.
    const all = await cliAsync(['ask', docs, VOLUNTEER.question, '--model', fixtureModelDirs().qa, '--device', 'cpu', '--retrieve-top', '0', '--json'], env);
    assert.equal(all.status, 0, all.stderr);
    const every = JSON.parse(all.stdout) as typeof out & { read: number; chunks: number };
    assert.deepEqual([every.answers[0]!.answer, every.answers[0]!.file, every.answers[0]!.page, every.retrieval], ['12 hours', 'handbook.pdf', 7, 'all']);
    assert.ok(every.read >= every.chunks, `${every.read} read of ${every.chunks}`);
  });

  it('ask FILE --embed-model: hybrid retrieval on one PDF', async () => {
    const j = await cliAsync(['ask', path.join(docs, 'handbook.pdf'), VOLUNTEER.question, '--model', fixtureModelDirs().qa, '--device', 'cpu', '--json', '--retrieve-top', '2', ...model().slice(0, 2)], env);
    assert.equal(j.status, 0, j.stderr);
    const out = JSON.parse(j.stdout) as { answers: Array<{ answer: string; page: number }>; retrieval: string; read: number };
    assert.deepEqual([out.answers[0]!.answer, out.answers[0]!.page, out.retrieval, out.read], ['12 hours', 7, 'hybrid', 2]);
  });

  it('errors: no index yet, a file for a folder, an empty query, flags for one file; --delete removes the index', async () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    const none = await cliAsync(['search', empty, 'rain', '--device', 'cpu'], env);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /has no usable index \(there is no index yet\): run `ai-lab index .*empty"?` first\./);
    const file = await cliAsync(['index', path.join(docs, 'billing.txt')], env);
    assert.equal(file.status, 2);
    assert.match(file.stderr, /billing\.txt is a file, not a folder: ai-lab index takes a folder/);
    const blank = await cliAsync(['search', docs, '  '], env);
    assert.equal(blank.status, 2);
    assert.match(blank.stderr, /the query is empty/);
    const pages = await cliAsync(['ask', docs, 'How many hours?', '--pages', '1'], env);
    assert.equal(pages.status, 2);
    assert.match(pages.stderr, /--pages applies to one file, not a folder's index/);
    const del = await cliAsync(['index', docs, '--delete'], env);
    assert.equal(del.status, 0, del.stderr);
    assert.match(del.stdout, /^deleted .*\.ai-lab.index\n$/);
    assert.equal(fs.existsSync(path.join(docs, '.ai-lab', 'index')), false);
  });
});
