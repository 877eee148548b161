/**
 * The workspace index's rough edges as a user meets them: a size limit raised or lowered, an
 * unreadable file made readable, globs that would take in the index's own folder, two writers of one
 * index at once, a relative --embed-model searched from another folder, files changed or removed
 * between index and search (core and through the CLI).
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeRunner, type LabRunner } from '../../src/core/lab/makeRunner';
import { buildIndex } from '../../src/core/search/buildIndex';
import { staleFiles } from '../../src/core/search/freshness';
import { loadIndex, writeIndex } from '../../src/core/search/indexStore';
import { cliAsync } from '../fixtures/cli';
import { fixtureModelDirs } from '../fixtures/models';
import { sentenceEmbedderDirs } from '../fixtures/models/sentenceEmbedder';
import { tree, useIndexHarness } from '../fixtures/workspaceTree';
import { DIST, REPO_ROOT } from '../fixtures/paths';

/** Runs node with `args` in `cwd`; resolves with the exit status and output. */
function node(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b: Buffer) => (stdout += b));
    c.stderr.on('data', (b: Buffer) => (stderr += b));
    c.on('close', (status) => resolve({ status, stdout, stderr }));
    c.stdin.end();
  });
}

const isRoot = process.getuid?.() === 0;

describe('workspace index: settings and states that change without the file changing (fixture models)', function () {
  this.timeout(120_000);
  const harness = useIndexHarness('ai-lab-wsedge-');
  const made = harness.made;
  let runner: LabRunner;
  before(() => (runner = harness.runner()));

  it('a raised size limit indexes a file skipped as too large; a lowered one leaves out a file it had indexed', async () => {
    const root = made({ 'big.md': `${'Snow and rain are in the forecast. '.repeat(12_000)}\n`, 'small.txt': 'A refund for the invoice charge.' });
    const indexDir = path.join(root, '.ai-lab');
    const model = fixtureModelDirs().embed;
    const first = await buildIndex({ root, indexDir, runner, model, maxFileBytes: 100_000 });
    assert.deepEqual(first.skipped.map((s) => s.path), ['big.md']);
    const same = await buildIndex({ root, indexDir, runner, model, maxFileBytes: 300_000 });
    assert.deepEqual([same.updated, same.skipped.length], [0, 1], 'still over the limit: not read again');
    assert.match(same.skipped[0]!.note, /^larger than 0\.3 MB \(0\.4 MB\)/, "the note names today's limit");
    const raised = await buildIndex({ root, indexDir, runner, model, maxFileBytes: 1e6 });
    assert.deepEqual([raised.skipped, raised.files, raised.updated], [[], 2, 1]);
    assert.ok(loadIndex(indexDir, model).index!.passages.some((p) => p.text.includes('forecast')));
    const lowered = await buildIndex({ root, indexDir, runner, model, maxFileBytes: 100_000 });
    assert.deepEqual(lowered.skipped.map((s) => s.path), ['big.md']);
    const idx = loadIndex(indexDir, model).index!;
    assert.ok(!idx.passages.some((p) => p.text.includes('forecast')), 'the lowered limit drops its passages');
  });

  it('a file that could not be read is read again once it can be, though it has not changed', async function () {
    if (isRoot) {
      console.log('      (skipped: running as root, which reads a file without read permission)');
      this.skip();
    }
    const root = made({ 'locked.txt': 'Snow and rain are in the forecast.', 'open.txt': 'A refund for the invoice charge.' });
    const indexDir = path.join(root, '.ai-lab');
    const model = fixtureModelDirs().embed;
    const file = path.join(root, 'locked.txt');
    const mtime = fs.statSync(file).mtime;
    fs.chmodSync(file, 0o000);
    const first = await buildIndex({ root, indexDir, runner, model });
    assert.match(first.skipped.find((s) => s.path === 'locked.txt')?.note ?? '', /^could not be read: EACCES/);
    fs.chmodSync(file, 0o644);
    fs.utimesSync(file, mtime, mtime);
    const again = await buildIndex({ root, indexDir, runner, model });
    assert.deepEqual([again.skipped, again.files], [[], 2]);
  });

  it("the index's own folder is never indexed, whatever the include globs", async () => {
    const root = made({ 'notes.txt': 'Snow and rain are in the forecast.', 'data/readme.json': '{"about": "a refund for the invoice"}' });
    const indexDir = path.join(root, '.ai-lab');
    const model = fixtureModelDirs().embed;
    await buildIndex({ root, indexDir, runner, model, include: ['**/*'], exclude: [] });
    const again = await buildIndex({ root, indexDir, runner, model, include: ['**/*'], exclude: [] });
    const files = loadIndex(indexDir, model).index!.files.map((f) => f.path);
    assert.deepEqual(files, ['data/readme.json', 'notes.txt']);
    assert.deepEqual([again.updated, again.kept], [0, 2], 'nothing of its own to read again');
  });

  it("each passage of a long many-line file names its line (counted once through the file)", async () => {
    const body = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? '' : `Line ${i}: snow and rain are in the forecast.`)).join('\n');
    const root = made({ 'log.txt': body });
    const indexDir = path.join(root, '.ai-lab');
    const model = fixtureModelDirs().embed;
    await buildIndex({ root, indexDir, runner, model });
    const ps = loadIndex(indexDir, model).index!.passages;
    assert.ok(ps.length > 20, `${ps.length} passages`);
    for (const p of ps) assert.equal(p.line, body.slice(0, p.start).split('\n').length, `passage at ${p.start}`);
  });

  it('files changed or removed since indexing are told apart from those as indexed', async () => {
    const root = made({ 'a.txt': 'Snow and rain are in the forecast.', 'b.txt': 'A refund for the invoice charge.', 'c.txt': 'We love the product.' });
    const indexDir = path.join(root, '.ai-lab');
    const model = fixtureModelDirs().embed;
    await buildIndex({ root, indexDir, runner, model });
    fs.rmSync(path.join(root, 'a.txt'));
    fs.appendFileSync(path.join(root, 'b.txt'), ' And more.');
    const idx = loadIndex(indexDir, model).index!;
    assert.deepEqual([...staleFiles(root, idx, ['a.txt', 'b.txt', 'c.txt', 'x.txt'])], [['a.txt', 'removed'], ['b.txt', 'changed']]);
  });
});

describe('workspace index: two writers of one index', function () {
  this.timeout(60_000);
  it("a second writer waits for the first instead of removing its folder mid-write; both finish, the index is whole", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-wslock-'));
    try {
      const store = path.join(REPO_ROOT, 'out', 'src', 'core', 'search', 'indexStore.js');
      // The first writer: between its files and its rename it waits 1.5 s (a large index being flushed).
      const script = `const s = require(${JSON.stringify(store)});
        s.writeIndex(${JSON.stringify(dir)}, { model: 'first', dim: 2, files: [], passages: [], vectors: new Float32Array(0) },
          { beforeRename: () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500) });`;
      const first = node(['-e', script], dir);
      const deadline = Date.now() + 20_000;
      while (!fs.readdirSync(dir).some((e) => e.startsWith('index.tmp-')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(fs.readdirSync(dir).some((e) => e.startsWith('index.tmp-')), 'the first writer started');
      writeIndex(dir, { model: 'second', dim: 2, files: [{ path: 'a.txt', size: 1, mtimeMs: 1, first: 0, count: 1 }], passages: [{ file: 0, start: 0, end: 1, line: 1, text: 'a' }], vectors: new Float32Array([1, 0]) });
      const r = await first;
      assert.equal(r.status, 0, r.stderr);
      const l = loadIndex(dir, 'second');
      assert.ok(l.index, l.reason);
      assert.deepEqual(fs.readdirSync(dir).sort(), ['index']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a lock left by a process that is gone is taken over', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-wslock-'));
    try {
      // A pid far above any pid_max: no such process.
      fs.writeFileSync(path.join(dir, 'index.lock'), '2147483646');
      writeIndex(dir, { model: 'm', dim: 2, files: [], passages: [], vectors: new Float32Array(0) });
      assert.ok(loadIndex(dir, 'm').index);
      assert.ok(!fs.existsSync(path.join(dir, 'index.lock')));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CLI: the workspace index from another folder, and files changed since indexing', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-cli-wsedge-'));
  const env = { HF_HUB_OFFLINE: '1', HF_HOME: path.join(dir, 'hf') };
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an index made with a relative --embed-model is searched from any folder with that model (the absolute folder recorded)', async () => {
    const work = path.join(dir, 'work');
    fs.mkdirSync(path.join(work, 'docs'), { recursive: true });
    fs.cpSync(fixtureModelDirs().embed, path.join(work, 'models', 'embed'), { recursive: true });
    fs.writeFileSync(path.join(work, 'docs', 'weather.md'), 'Snow and rain are in the forecast.');
    const cli = path.join(DIST, 'cli.js');
    const made = await node([cli, 'index', 'docs', '--embed-model', './models/embed', '--device', 'cpu', '--json'], work, env);
    assert.equal(made.status, 0, made.stderr);
    assert.equal((JSON.parse(made.stdout) as { model: string }).model, path.join(work, 'models', 'embed'));
    // From inside docs: ./models/embed would name docs/models/embed, which is not there.
    const found = await node([cli, 'search', '.', 'storm', '--device', 'cpu', '--json'], path.join(work, 'docs'), env);
    assert.equal(found.status, 0, found.stderr);
    assert.equal((JSON.parse(found.stdout) as { hits: Array<{ file: string }> }).hits[0]!.file, 'weather.md');
  });

  it('a model folder whose files were replaced in place (same name): search refuses the index (exit 2), index rebuilds it, never mixed', async () => {
    const work = path.join(dir, 'replaced');
    fs.mkdirSync(path.join(work, 'docs'), { recursive: true });
    const model = path.join(work, 'embedder');
    fs.cpSync(sentenceEmbedderDirs().mean, model, { recursive: true });
    fs.writeFileSync(path.join(work, 'docs', 'weather.md'), 'Snow and rain are in the forecast.');
    const cli = path.join(DIST, 'cli.js');
    const made = await node([cli, 'index', 'docs', '--embed-model', model, '--device', 'cpu', '--json'], work, env);
    assert.equal(made.status, 0, made.stderr);
    // Another pooling in the same folder: the same name, other vectors.
    fs.cpSync(path.join(sentenceEmbedderDirs().cls, '1_Pooling'), path.join(model, '1_Pooling'), { recursive: true });
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(path.join(model, '1_Pooling', 'config.json'), later, later);
    const refused = await node([cli, 'search', 'docs', 'storm', '--device', 'cpu', '--json'], work, env);
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /changed since the index was made \(same name, other weights\).*Index the folder again/);
    const again = await node([cli, 'index', 'docs', '--embed-model', model, '--device', 'cpu', '--json'], work, env);
    assert.equal(again.status, 0, again.stderr);
    assert.match((JSON.parse(again.stdout) as { rebuilt?: string }).rebuilt ?? '', /files changed since the index was made/);
    const found = await node([cli, 'search', 'docs', 'storm', '--device', 'cpu', '--json'], work, env);
    assert.equal(found.status, 0, found.stderr);
  });

  it('search and ask mark hits from files changed or removed since indexing, with a note on stderr; stdout stays JSON', async () => {
    const docs = path.join(dir, 'stale');
    fs.mkdirSync(docs);
    fs.writeFileSync(path.join(docs, 'weather.md'), 'Snow and rain are in the forecast. Cold weather all week.');
    fs.writeFileSync(path.join(docs, 'billing.txt'), 'A refund for the invoice charge goes back to the card.');
    const model = ['--embed-model', fixtureModelDirs().embed, '--device', 'cpu'];
    assert.equal((await cliAsync(['index', docs, ...model], env)).status, 0);
    fs.rmSync(path.join(docs, 'weather.md'));
    const j = await cliAsync(['search', docs, 'snow rain forecast', '--json', '--device', 'cpu'], env);
    assert.equal(j.status, 0, j.stderr);
    const out = JSON.parse(j.stdout) as { hits: Array<{ file: string; stale?: string }> };
    assert.deepEqual(out.hits.map((h) => [h.file, h.stale]), [['weather.md', 'removed'], ['billing.txt', undefined]]);
    assert.match(j.stderr, /note: a file changed or removed since the index was made: weather\.md \(removed\).*Run `ai-lab index /);
    const t = await cliAsync(['search', docs, 'snow rain forecast', '--device', 'cpu'], env);
    assert.match(t.stdout, /^1\. weather\.md · line 1 · score [\d.]+ · removed since indexed\n/);
  });
});

describe('workspace index: symbolic links are named, not silently left out', function () {
  this.timeout(120_000);
  it('a linked file the globs take and a linked folder (one back up to its parent too) are skipped with a note; a dangling link and a link to a file the globs do not take are not named', async () => {
    const root = tree({ 'docs/guide.md': 'Snow and rain are in the forecast.', 'image.png': 'x' });
    const outside = tree({ 'outside.md': 'A refund for the invoice charge.' });
    const runner = makeRunner({ device: 'cpu', dtype: 'fp32', hub: { endpoint: 'http://127.0.0.1:9', cacheDir: '/nonexistent' }, service: { scriptPath: path.join(DIST, 'inferenceService.js') } });
    try {
      fs.symlinkSync(path.join(outside, 'outside.md'), path.join(root, 'linked.md'));
      fs.symlinkSync(outside, path.join(root, 'shared'));
      fs.symlinkSync('..', path.join(root, 'docs', 'up'));
      fs.symlinkSync(path.join(root, 'image.png'), path.join(root, 'picture.png'));
      fs.symlinkSync('nowhere.md', path.join(root, 'dangling.md'));
      const r = await buildIndex({ root, indexDir: path.join(root, '.ai-lab'), runner, model: fixtureModelDirs().embed });
      assert.equal(r.files, 1);
      assert.deepEqual(r.skipped.map((s) => s.path).sort(), ['docs/up', 'linked.md', 'shared']);
      assert.ok(r.skipped.every((s) => /^a symbolic link: not followed/.test(s.note)));
    } finally {
      runner.dispose();
      for (const d of [root, outside]) fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
