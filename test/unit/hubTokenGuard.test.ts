import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatasetViewer, viewerGetsToken } from '../../src/core/hub/datasetViewer';
import { HubClient } from '../../src/core/hub/hubApi';
import { downloadSnapshot, type SnapshotParams } from '../../src/core/hub/snapshot';
import { makeGuardedFetch } from '../../src/core/hub/tokenGuard';
import { installCudaProvider } from '../../src/core/onnx/cudaProvider';
import { ForeignOrigin } from '../fixtures/hub/foreignOrigin';
import { FixtureHub, type LoggedRequest } from '../fixtures/hub/server';
import { FixtureNugetFeed, providerPackage } from '../fixtures/nuget/feedServer';
import { REPO_ROOT } from '../fixtures/paths';

const REPO = 'acme/guarded';
const big = Buffer.alloc(5000, 3);
const files = { 'config.json': '{"model_type":"bert"}', 'tokenizer.json': '{"version":"1.0"}', 'onnx/model.onnx': big, 'README.md': '# guarded' };

describe('The token never goes to another origin (loopback Hub + a second origin that records requests)', () => {
  let hub: FixtureHub;
  let foreign: ForeignOrigin;
  let cacheDir: string;
  const direct = (): LoggedRequest[] => hub.requests.filter((r) => !r.headers['x-via-foreign-origin']);
  const params = (over: Partial<SnapshotParams> = {}): SnapshotParams => ({
    repoId: REPO,
    endpoint: hub.url,
    token: hub.token,
    cacheDir,
    select: (n) => n,
    retry: { attempts: 2, baseDelayMs: 10, timeoutMs: 3000 },
    ...over,
  });
  /** The foreign origin saw requests, none with a token; the endpoint saw the token on every direct request. */
  const assertGuarded = (minForeign = 1) => {
    assert.ok(foreign.requests.length >= minForeign, `the foreign origin was asked (${foreign.requests.length})`);
    assert.deepEqual(foreign.withAuthorization(), [], 'no Authorization header reached the foreign origin');
    assert.ok(direct().length > 0);
    for (const r of direct()) assert.equal(r.headers.authorization, `Bearer ${hub.token}`, r.url);
  };

  beforeEach(async () => {
    hub = new FixtureHub();
    hub.addRepo({ id: REPO, files });
    await hub.start();
    foreign = new ForeignOrigin(() => hub.url);
    await foreign.start();
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-guard-'));
  });
  afterEach(async () => {
    await foreign.stop();
    await hub.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('strips Authorization for other origins in every header form, adds it for the endpoint', async () => {
    const f = makeGuardedFetch({ trusted: [hub.url], token: hub.token });
    const url = `${foreign.url}/api/tasks`;
    await f(url, { headers: { AUTHORIZATION: 'Bearer leaked-1' } });
    await f(url, { headers: new Headers({ Authorization: 'Bearer leaked-2' }) });
    await f(url, { headers: [['authorization', 'Bearer leaked-3']] });
    await f(new Request(url, { headers: { Authorization: 'Bearer leaked-4' } }));
    await f(new URL(url), { headers: { aUtHoRiZaTiOn: 'Bearer leaked-5' } });
    assert.equal(foreign.requests.length, 5);
    assert.deepEqual(foreign.withAuthorization(), []);
    await f(`${hub.url}/api/tasks`, { headers: { Authorization: 'Bearer caller-value' } });
    assert.equal(hub.requests.at(-1)!.headers.authorization, `Bearer ${hub.token}`);
    // Without a token the guard keeps a caller's own header for a trusted origin only.
    const bare = makeGuardedFetch({ trusted: [hub.url] });
    await bare(`${hub.url}/api/tasks`, { headers: { Authorization: 'Bearer own' } });
    assert.equal(hub.requests.at(-1)!.headers.authorization, 'Bearer own');
  });

  it('follows redirects by hand: to another origin without the token, back to the endpoint with it', async () => {
    const f = makeGuardedFetch({ trusted: [hub.url], token: hub.token });
    hub.faults.push({ match: '/api/whoami-v2', kind: 'redirect', to: `${foreign.url}/api/whoami-v2`, times: 1 });
    const res = await f(`${hub.url}/api/whoami-v2`);
    // The foreign origin forwards without a token: the Hub refuses it there.
    assert.equal(res.status, 401);
    assertGuarded();
    const manual = await f(`${hub.url}/api/tasks`, { redirect: 'manual' });
    assert.equal(manual.status, 200);
    hub.faults.push({ match: '/api/tasks', kind: 'redirect', to: `${hub.url}/api/tasks`, times: 20 });
    await assert.rejects(f(`${hub.url}/api/tasks`), /too many redirects/);
  });

  it('snapshot: info, Link pages of the listing and file downloads redirected to another origin go without the token', async () => {
    hub.linkBase = foreign.url;
    hub.treePageSize = 1;
    hub.faults.push({ match: '/api/models/', kind: 'redirect', to: `${foreign.url}/api/models/${REPO}/revision/main`, times: 1 });
    hub.faults.push({ match: 'onnx/model.onnx', kind: 'redirect', to: `${foreign.url}/${REPO}/resolve/${hub.commitOf(REPO)}/onnx/model.onnx`, times: 1 });
    const r = await downloadSnapshot(params());
    assert.deepEqual(r.files.sort(), Object.keys(files).sort());
    assert.deepEqual(fs.readFileSync(path.join(r.dir, 'onnx', 'model.onnx')), big);
    assert.ok(foreign.requests.filter((q) => q.url.includes('/tree/')).length >= 3, 'Link pages were read from the foreign origin');
    assert.ok(foreign.requests.some((q) => q.url.includes('/revision/')));
    assert.ok(foreign.requests.some((q) => q.url.endsWith('onnx/model.onnx')));
    assertGuarded(5);
  });

  it('snapshot of a private repo: a Link page on another origin gets no token (and so fails), never leaks it', async () => {
    hub.addRepo({ id: 'acme/secret', files: { 'a.json': '{}', 'b.json': '{}' }, private: true });
    hub.linkBase = foreign.url;
    hub.treePageSize = 1;
    await assert.rejects(downloadSnapshot(params({ repoId: 'acme/secret' })), /refused \/api\/models\/acme\/secret\/tree\/[0-9a-f]+ with HTTP 401\. It is not the Hub endpoint .*so AI Lab sent it no token/);
    assertGuarded();
  });

  it('HubClient: info, search, files, readText and whoami redirected elsewhere go without the token; foreign Link pages are refused', async () => {
    const c = new HubClient({ endpoint: hub.url, token: hub.token, retry: { attempts: 1 } });
    for (const match of [`/api/models/${REPO}/revision`, `/${REPO}/resolve/main/README.md`]) {
      hub.faults.push({ match, kind: 'redirect', to: `${foreign.url}${match}${match.includes('revision') ? '/main' : ''}`, times: 1 });
    }
    assert.equal((await c.modelInfo(REPO)).id, REPO);
    assert.equal(await c.readText(REPO, 'README.md'), '# guarded');
    hub.faults.push({ match: '/api/whoami-v2', kind: 'redirect', to: `${foreign.url}/api/whoami-v2`, times: 1 });
    await assert.rejects(c.whoami(), /access denied/);
    hub.faults.push({ match: '/api/models', kind: 'redirect', to: `${foreign.url}/api/models?limit=5`, times: 1 });
    assert.ok((await c.searchModels({ limit: 5 })).items.some((m) => m.id === REPO));
    assert.ok(foreign.requests.some((r) => r.url.startsWith('/api/models?')), 'the search page came through the second origin');
    hub.linkBase = foreign.url;
    hub.treePageSize = 1;
    const before = foreign.requests.length;
    await assert.rejects(c.files(REPO), /Refusing to follow http:\/\/127\.0\.0\.1:\d+: the Hub endpoint is/);
    assert.equal(foreign.requests.length, before, 'a foreign Link page is not even asked');
    assertGuarded(4);
  });

  it('dataset viewer: the token goes to the viewer the user configured and the Hub only', async () => {
    hub.addRepo({ id: 'acme/ds', type: 'dataset', files: { 'x.csv': 'a\n1' }, viewer: { configs: { default: { features: { a: { _type: 'Value', dtype: 'int64' } }, splits: { train: [{ a: 1 }] } } } } });
    const v = new DatasetViewer({ base: `${hub.url}/datasets-server`, hubEndpoint: hub.url, token: hub.token });
    hub.faults.push({ match: '/datasets-server/info', kind: 'redirect', to: `${foreign.url}/datasets-server/info?dataset=acme%2Fds`, times: 1 });
    const configs = await v.configs('acme/ds');
    assert.equal(configs[0]!.splits[0]!.numRows, 1);
    assertGuarded();
    // A viewer on another origin that the user configured gets it; the default one only with the Hub's own endpoint.
    const configured = new DatasetViewer({ base: `${foreign.url}/datasets-server`, hubEndpoint: hub.url, token: hub.token });
    await configured.configs('acme/ds');
    assert.equal(foreign.requests.at(-1)!.headers.authorization, `Bearer ${hub.token}`);
    assert.equal(viewerGetsToken(undefined, 'https://huggingface.co'), true);
    assert.equal(viewerGetsToken('', 'https://hf-mirror.example'), false);
    assert.equal(viewerGetsToken('https://viewer.example', 'https://hf-mirror.example'), true);
  });

  it('NuGet feed of the CUDA provider: never an Authorization header, even with HF_TOKEN set', async () => {
    const feed = new FixtureNugetFeed();
    const index = await feed.start();
    const saved = process.env.HF_TOKEN;
    process.env.HF_TOKEN = hub.token;
    try {
      const real = path.join(REPO_ROOT, 'node_modules', 'onnxruntime-node');
      const version = JSON.parse(fs.readFileSync(path.join(real, 'package.json'), 'utf8')).version as string;
      feed.packages.push({ id: 'Microsoft.ML.OnnxRuntime.Gpu.Linux', version, nupkg: providerPackage('Microsoft.ML.OnnxRuntime.Gpu.Linux', version).nupkg });
      const ortDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-ort-'));
      fs.mkdirSync(path.join(ortDir, 'script'));
      for (const f of ['install-metadata.js', 'install-metadata-versions.js']) fs.copyFileSync(path.join(real, 'script', f), path.join(ortDir, 'script', f));
      await installCudaProvider({ ortDir, feedIndex: index, platform: 'linux/x64', workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-w-')) });
      assert.ok(feed.requests.length >= 4);
      assert.deepEqual(feed.requests.filter((r) => r.authorization !== undefined), []);
    } finally {
      if (saved === undefined) delete process.env.HF_TOKEN;
      else process.env.HF_TOKEN = saved;
      await feed.stop();
    }
  });
});
