import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatasetViewer } from '../../src/core/hub/datasetViewer';
import { HubClient } from '../../src/core/hub/hubApi';
import { HubError } from '../../src/core/hub/hubError';
import { downloadSnapshot } from '../../src/core/hub/snapshot';
import { bypassesProxy, installProxy, planProxy, PROXY_SETTINGS_ENV, proxyFor, redact } from '../../src/core/net/proxy';
import { installCudaProvider } from '../../src/core/onnx/cudaProvider';
import { FixtureHub } from '../fixtures/hub/server';
import { deadPort, FixtureProxy } from '../fixtures/net/proxyServer';
import { FixtureNugetFeed, providerPackage } from '../fixtures/nuget/feedServer';
import { REPO_ROOT } from '../fixtures/paths';

describe('Proxies: which proxy a request takes (settings over environment, noProxy)', () => {
  it('http.proxy wins over HTTPS_PROXY/HTTP_PROXY; http.noProxy and NO_PROXY both apply', () => {
    const env = { HTTPS_PROXY: 'http://env-proxy:3128', NO_PROXY: 'internal.corp,10.1.2.3' };
    const p = planProxy({ proxy: 'http://settings-proxy:8080', strictSSL: true, noProxy: ['*.example.org'] }, env);
    assert.equal(p.from, 'settings');
    assert.equal(proxyFor(p, 'https://huggingface.co/api/models'), 'http://settings-proxy:8080');
    assert.equal(proxyFor(p, 'http://huggingface.co/x'), 'http://settings-proxy:8080');
    assert.equal(proxyFor(p, 'https://cdn.example.org/x'), undefined);
    assert.equal(proxyFor(p, 'https://example.org/x'), undefined);
    assert.equal(proxyFor(p, 'https://api.internal.corp/x'), undefined);
    assert.equal(proxyFor(p, 'http://10.1.2.3:8000/v1'), undefined);
    assert.equal(proxyFor(p, 'https://notexample.org/x'), 'http://settings-proxy:8080', 'a suffix match must be at a dot');
  });

  it('without a setting, the environment decides: lower case first, HTTP_PROXY also serves https, no scheme means http://', () => {
    const p = planProxy(undefined, { https_proxy: 'proxy.corp:3128', HTTPS_PROXY: 'http://ignored:1', HTTP_PROXY: 'http://plain:80' });
    assert.equal(p.from, 'environment');
    assert.equal(p.httpsProxy, 'http://proxy.corp:3128');
    assert.equal(p.httpProxy, 'http://plain:80');
    assert.equal(planProxy(undefined, { HTTP_PROXY: 'http://only-http:80' }).httpsProxy, 'http://only-http:80');
    assert.equal(planProxy(undefined, {}).from, 'none');
    assert.equal(planProxy({ proxy: '  ' }, {}).from, 'none', 'an empty http.proxy leaves the environment in charge');
  });

  it('NO_PROXY rules: *, host:port, leading dot and *., IPv6 brackets, case', () => {
    const u = (s: string) => new URL(s);
    assert.equal(bypassesProxy(['*'], u('https://anything')), true);
    assert.equal(bypassesProxy(['localhost:8080'], u('http://localhost:8080/')), true);
    assert.equal(bypassesProxy(['localhost:8080'], u('http://localhost:9090/')), false);
    assert.equal(bypassesProxy(['.Corp.example'], u('https://a.b.corp.example/')), true);
    assert.equal(bypassesProxy(['*.corp.example'], u('https://corp.example/')), true);
    assert.equal(bypassesProxy(['[::1]'], u('http://[::1]:8000/')), true);
    assert.equal(bypassesProxy(['::1'], u('http://[::1]:8000/')), true);
    assert.equal(bypassesProxy(['huggingface.co'], u('https://cdn-lfs.huggingface.co/')), true);
    assert.equal(bypassesProxy([], u('https://huggingface.co/')), false);
  });

  it('a proxy that is not a URL is refused with its password hidden; logs never show the password', () => {
    assert.throws(() => planProxy({ proxy: 'http://user:secret@bad host:80' }, {}), (e: Error) => /is not a URL/.test(e.message) && !e.message.includes('secret'));
    assert.equal(redact('http://user:secret@proxy:8080'), 'http://user:***@proxy:8080');
    assert.equal(redact('http://proxy:8080'), 'http://proxy:8080');
  });
});

describe('Proxies: every request path goes through the proxy (loopback proxy, Hub and NuGet stand-ins)', () => {
  let proxy: FixtureProxy;
  let hub: FixtureHub;
  let hubHost: string;
  let cacheDir: string;
  const REPO = 'acme/proxied';

  beforeEach(async () => {
    proxy = new FixtureProxy();
    await proxy.start();
    hub = new FixtureHub();
    hub.addRepo({ id: REPO, files: { 'config.json': '{"model_type":"bert"}', 'onnx/model.onnx': Buffer.alloc(5000, 3) } });
    hub.addRepo({ id: 'acme/ds', type: 'dataset', files: { 'x.csv': 'a' }, viewer: { configs: { default: { features: {}, splits: { train: [] } } } } });
    await hub.start();
    hubHost = new URL(hub.url).host;
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-proxy-hf-'));
  });
  afterEach(async () => {
    installProxy(undefined, {});
    await proxy.stop();
    await hub.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  const client = () => new HubClient({ endpoint: hub.url, retry: { attempts: 1, timeoutMs: 3000 } });
  const snapshot = () => downloadSnapshot({ repoId: REPO, endpoint: hub.url, cacheDir, select: (f) => f, retry: { attempts: 1, baseDelayMs: 5, timeoutMs: 3000 } });

  it('set by HTTP_PROXY: Hub API, downloads and the dataset viewer all go through it, and work', async () => {
    installProxy(undefined, { HTTP_PROXY: proxy.url });
    assert.equal((await client().modelInfo(REPO)).id, REPO);
    const r = await snapshot();
    assert.deepEqual(r.files.sort(), ['config.json', 'onnx/model.onnx']);
    assert.deepEqual(fs.readFileSync(path.join(r.dir, 'onnx', 'model.onnx')), Buffer.alloc(5000, 3));
    await new DatasetViewer({ base: `${hub.url}/datasets-server`, hubEndpoint: hub.url }).configs('acme/ds');
    const paths = proxy.requests.filter((q) => q.target === hubHost).map((q) => q.path);
    assert.ok(paths.some((p) => p.startsWith(`/api/models/${REPO}`)), 'Hub API through the proxy');
    assert.ok(paths.some((p) => p.includes('/resolve/') && p.endsWith('/onnx/model.onnx')), 'file download through the proxy');
    assert.ok(paths.some((p) => p.startsWith('/datasets-server/')), 'dataset viewer through the proxy');
    // Everything the Hub saw came through the proxy.
    assert.equal(proxy.count(hubHost), hub.requests.length);
  });

  it('set by http.proxy (settings): the same, and the environment variable is not used', async () => {
    const other = new FixtureProxy();
    await other.start();
    try {
      installProxy({ proxy: proxy.url, strictSSL: true, noProxy: [] }, { HTTP_PROXY: other.url });
      await client().modelInfo(REPO);
      await snapshot();
      assert.equal(proxy.count(hubHost), hub.requests.length);
      assert.equal(other.count(), 0);
    } finally {
      await other.stop();
    }
  });

  it('the CUDA provider feed (NuGet) goes through it too', async () => {
    const feed = new FixtureNugetFeed();
    const index = await feed.start();
    try {
      const ortVersion = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')) as { version: string }).version;
      const id = 'Microsoft.ML.OnnxRuntime.Gpu.Linux';
      feed.packages.push({ id, version: ortVersion, nupkg: providerPackage(id, ortVersion).nupkg });
      const ortDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-ort-'));
      fs.mkdirSync(path.join(ortDir, 'script'));
      for (const f of ['install-metadata.js', 'install-metadata-versions.js']) fs.copyFileSync(path.join(REPO_ROOT, 'node_modules', 'onnxruntime-node', 'script', f), path.join(ortDir, 'script', f));
      installProxy({ proxy: proxy.url, strictSSL: true, noProxy: [] }, {});
      const r = await installCudaProvider({ ortDir, feedIndex: index, platform: 'linux/x64', workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-w-')) });
      assert.equal(r.verifiedHash, true);
      const feedHost = new URL(index).host;
      const paths = proxy.requests.filter((q) => q.target === feedHost).map((q) => q.path);
      assert.ok(paths.some((p) => p.endsWith('index.json')), 'feed index through the proxy');
      assert.ok(paths.some((p) => p.endsWith('.nupkg')), 'package through the proxy');
    } finally {
      await feed.stop();
    }
  });

  it('NO_PROXY or http.noProxy naming the host: nothing goes through the proxy, and it works', async () => {
    installProxy(undefined, { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    await client().modelInfo(REPO);
    installProxy({ proxy: proxy.url, strictSSL: true, noProxy: [hubHost] }, {});
    await client().modelInfo(REPO);
    await snapshot();
    assert.equal(proxy.count(), 0);
    assert.ok(hub.requests.length >= 3);
  });

  it('a proxy that wants credentials: the message says where to put them; credentials in the URL work', async () => {
    proxy.credentials = 'alice:s3cr%t';
    installProxy({ proxy: proxy.url, strictSSL: true, noProxy: [] }, {});
    const auth = /the proxy at 127\.0\.0\.1:\d+ asked for credentials \(HTTP 407\): put them in http\.proxy as http:\/\/user:pass@host:port or HTTPS_PROXY/;
    await assert.rejects(client().modelInfo(REPO), (e: HubError) => e.kind === 'invalid' && auth.test(e.message));
    await assert.rejects(snapshot(), (e: HubError) => e.kind === 'invalid' && auth.test(e.message) && !/cannot be reached/.test(e.message));
    installProxy({ proxy: `http://alice:wrong@127.0.0.1:${proxy.port}`, strictSSL: true, noProxy: [] }, {});
    await assert.rejects(client().modelInfo(REPO), (e: Error) => /refused the credentials of http:\/\/alice:\*\*\*@127\.0\.0\.1:\d+ \(HTTP 407\): check the user and password in http\.proxy/.test(e.message) && !e.message.includes('wrong'));
    installProxy({ proxy: `http://alice:${encodeURIComponent('s3cr%t')}@127.0.0.1:${proxy.port}`, strictSSL: true, noProxy: [] }, {});
    assert.equal((await client().modelInfo(REPO)).id, REPO);
    assert.equal(proxy.requests.at(-1)!.authorization, `Basic ${Buffer.from('alice:s3cr%t').toString('base64')}`);
  });

  it('an unreachable proxy is named as such, never "the Hub cannot be reached"; the cache still stands in', async () => {
    const port = await deadPort();
    installProxy(undefined, { HTTP_PROXY: `http://127.0.0.1:${port}` });
    const dead = new RegExp(`the proxy 127\\.0\\.0\\.1:${port} could not be reached \\(ECONNREFUSED\\) on the way to 127\\.0\\.0\\.1:\\d+: check HTTP_PROXY`);
    await assert.rejects(client().modelInfo(REPO), (e: HubError) => e.kind === 'offline' && dead.test(e.message) && !/Cannot reach the Hub/.test(e.message));
    await assert.rejects(snapshot(), (e: HubError) => dead.test(e.message) && !/the Hub cannot be reached/.test(e.message));
    // Downloaded once without the proxy: the cached snapshot is used while the proxy is down.
    installProxy(undefined, {});
    await snapshot();
    installProxy(undefined, { HTTP_PROXY: `http://127.0.0.1:${port}` });
    assert.equal((await snapshot()).offline, true);
  });

  it('installProxy hands the settings to children through the environment, and removing them restores Node\'s own dispatcher', async () => {
    installProxy({ proxy: proxy.url, strictSSL: false, noProxy: ['a.b'] }, {});
    assert.deepEqual(JSON.parse(process.env[PROXY_SETTINGS_ENV]!), { proxy: proxy.url, strictSSL: false, noProxy: ['a.b'] });
    installProxy(undefined, {});
    assert.equal(process.env[PROXY_SETTINGS_ENV], undefined);
    await client().modelInfo(REPO);
    assert.equal(proxy.count(), 0);
  });
});
