import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliAsync } from '../fixtures/cli';
import { addCatalog, DATASET_ID } from '../fixtures/hub/catalog';
import { FixtureHub } from '../fixtures/hub/server';

describe('CLI: models, datasets, tasks, download, cache, tokenize (loopback Hub)', () => {
  let hub: FixtureHub;
  let home: string;
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => cliAsync(args, { HF_HOME: home, HF_ENDPOINT: hub.url, HF_TOKEN: '', ...env });
  const json = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = await run([...args, '--json'], env);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };

  before(async () => {
    hub = new FixtureHub();
    addCatalog(hub);
    await hub.start();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-cli-hub-'));
  });
  after(async () => {
    await hub.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('models search pages past the first page to --limit, with filters and sort', async () => {
    const j = await json(['models', 'search', '--task', 'summarization', '--library', 'transformers.js', '--limit', '7']);
    assert.equal(j.models.length, 7);
    assert.deepEqual(Object.keys(j.models[0]).sort(), ['downloads', 'gated', 'id', 'lastModified', 'library', 'likes', 'pipelineTag', 'private', 'runsInAiLab', 'tags']);
    const likes = await json(['models', 'search', 'summarizer', '--sort', 'likes', '--limit', '1']);
    assert.equal(likes.models[0].id, 'fixture-org/summarizer-12');
    const text = await run(['models', 'search', 'fixture-sst2']);
    assert.match(text.stdout, /^Xenova\/fixture-sst2\ttext-classification\t5000 downloads\t40 likes\truns in AI Lab$/m);
    const bad = await run(['models', 'search', '--sort', 'stars']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--sort must be one of downloads, likes, trending, lastModified/);
  });

  it('models info shows card data, files with sizes (LFS marked) and the verdict', async () => {
    const j = await json(['models', 'info', 'Xenova/fixture-sst2']);
    assert.equal(j.verdict.runs, true);
    assert.equal(j.cardData.license, 'apache-2.0');
    const onnx = j.files.find((f: { path: string }) => f.path === 'onnx/model.onnx');
    assert.equal(onnx.lfs, true);
    assert.ok(onnx.size > 1000);
    const pt = await run(['models', 'info', 'someone/pytorch-only']);
    assert.match(pt.stdout, /Does not run in AI Lab: .*no ONNX weights/);
    const missing = await run(['models', 'info', 'nobody/nothing']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /Model nobody\/nothing: not found/);
  });

  it('datasets search and info (configs, splits with row counts, features from the viewer)', async () => {
    const s = await json(['datasets', 'search', '--task-category', 'text-classification']);
    assert.deepEqual(s.datasets.map((d: { id: string }) => d.id), [DATASET_ID]);
    const i = await json(['datasets', 'info', DATASET_ID, '--datasets-server', `${hub.url}/datasets-server`]);
    assert.deepEqual(i.configs[0].splits.map((x: { split: string; numRows: number }) => [x.split, x.numRows]), [['train', 250], ['test', 50]]);
    const noViewer = await json(['datasets', 'info', 'fixture-org/images', '--datasets-server', `${hub.url}/datasets-server`]);
    assert.match(noViewer.viewerError, /not found/);
  });

  it('tasks are grouped by modality', async () => {
    const r = await run(['tasks']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Natural Language Processing\n(  .*\n)*  Text Classification \(text-classification\)/);
    assert.match(r.stdout, /Computer Vision\n  Image Classification \(image-classification\)/);
    assert.equal((await json(['tasks'])).tasks.length, 7);
  });

  it('download → cache scan → cache rm, like hf download and hf cache', async () => {
    const d = await json(['download', 'Xenova/fixture-sst2', '--include', '*.json']);
    assert.ok(d.files.includes('config.json') && d.files.includes('tokenizer.json'));
    assert.ok(d.files.every((f: string) => /^[^/]*\.json$/.test(f)), d.files.join(', '));
    assert.ok(d.path.startsWith(path.join(home, 'hub', 'models--Xenova--fixture-sst2', 'snapshots')));
    const ds = await json(['download', DATASET_ID, '--type', 'dataset']);
    assert.deepEqual(ds.files, ['README.md']);
    const scan = await json(['cache', 'scan']);
    assert.deepEqual(scan.repos.map((r: { id: string; type: string }) => `${r.type}:${r.id}`).sort(), [`dataset:${DATASET_ID}`, 'model:Xenova/fixture-sst2']);
    assert.equal(scan.repos.find((r: { type: string }) => r.type === 'dataset').revisions[0].commit, ds.commit);
    const badRev = await run(['cache', 'rm', DATASET_ID, '--type', 'dataset', '--revision', 'main', '--yes']);
    assert.equal(badRev.status, 1);
    assert.match(badRev.stderr, /"main" is not a commit hash/);
    const rev = await json(['cache', 'rm', DATASET_ID, '--type', 'dataset', '--revision', ds.commit, '--yes']);
    assert.deepEqual([rev.revisions, rev.wholeRepo, rev.deleted], [[ds.commit], true, true], 'its only revision: the repo goes');
    const refuse = await run(['cache', 'rm', 'Xenova/fixture-sst2']);
    assert.equal(refuse.status, 2);
    assert.match(refuse.stderr, /add --yes to confirm/);
    const dry = await json(['cache', 'rm', 'Xenova/fixture-sst2', '--dry-run']);
    assert.equal(dry.deleted, false);
    assert.ok(fs.existsSync(path.join(home, 'hub', 'models--Xenova--fixture-sst2')));
    const rm = await json(['cache', 'rm', 'Xenova/fixture-sst2', '--yes']);
    assert.equal(rm.deleted, true);
    assert.ok(!fs.existsSync(path.join(home, 'hub', 'models--Xenova--fixture-sst2')));
    const gone = await run(['cache', 'rm', 'Xenova/fixture-sst2', '--yes']);
    assert.equal(gone.status, 1);
    assert.match(gone.stderr, /not in the Hugging Face cache/);
  });

  it('download of a gated model without a token says how to get access; with HF_TOKEN it works', async () => {
    const r = await run(['download', 'acme/gated-sst2', '--include', 'config.json']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /gated or private: accept its licence at .*acme\/gated-sst2 and sign in/);
    const ok = await json(['download', 'acme/gated-sst2', '--include', 'config.json'], { HF_TOKEN: hub.token });
    assert.deepEqual(ok.files, ['config.json']);
  });

  it('tokenize fetches only the tokenizer files and reports tokens with offsets', async () => {
    const j = await json(['tokenize', 'Xenova/fixture-sst2', '--text', 'I love it']);
    assert.deepEqual(j.tokens.map((t: { token: string }) => t.token), ['[CLS]', 'i', 'love', 'it', '[SEP]']);
    assert.deepEqual([j.tokens[2].start, j.tokens[2].end], [2, 6]);
    assert.ok(!hub.requests.some((q) => q.url.includes('fixture-sst2/resolve') && q.url.endsWith('.onnx') && q.url.includes('tokenize')));
    const empty = await run(['tokenize', 'Xenova/fixture-sst2', '--text', ' ']);
    assert.equal(empty.status, 2);
  });
});
