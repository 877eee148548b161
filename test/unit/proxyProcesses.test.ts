import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { HubClient } from '../../src/core/hub/hubApi';
import { HubError } from '../../src/core/hub/hubError';
import { installProxy, PROXY_SETTINGS_ENV } from '../../src/core/net/proxy';
import { cliAsync } from '../fixtures/cli';
import type { FetchReport } from '../fixtures/net/fetchChild';
import { FixtureHub } from '../fixtures/hub/server';
import { deadPort, FixtureProxy } from '../fixtures/net/proxyServer';
import { FixtureHttpsServer, makeSelfSigned, type SelfSigned } from '../fixtures/net/tlsServer';

const CHILD = path.join(__dirname, '..', 'fixtures', 'net', 'fetchChild.js');
const UNTRUSTED = /self.signed|certificate/i;

/** The environment of this process without any proxy or CA variable of the machine running the tests. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'NODE_EXTRA_CA_CERTS', PROXY_SETTINGS_ENV]) delete env[k];
  return env;
}

/** Runs the fetch child as a separate Node process with `env`, as the extension host starts its children. */
function inChild(urls: string[], env: NodeJS.ProcessEnv): Promise<FetchReport[]> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [CHILD, ...urls], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d));
    c.stderr.on('data', (d: Buffer) => (err += d));
    c.on('error', reject);
    c.on('close', () => {
      try {
        resolve(JSON.parse(out) as FetchReport[]);
      } catch {
        reject(new Error(`child said: ${out}${err}`));
      }
    });
  });
}

describe('Proxies in child processes and worker threads, and over HTTPS', function () {
  let proxy: FixtureProxy;
  let hub: FixtureHub;
  let tlsCert: SelfSigned | undefined;
  let secure: FixtureHttpsServer | undefined;
  let skipTls = '';

  before(() => {
    const made = makeSelfSigned();
    if ('skip' in made) skipTls = made.skip;
    else tlsCert = made;
  });
  beforeEach(async () => {
    proxy = new FixtureProxy();
    await proxy.start();
    hub = new FixtureHub();
    await hub.start();
    if (tlsCert) {
      secure = new FixtureHttpsServer(tlsCert);
      await secure.start();
    }
  });
  afterEach(async () => {
    installProxy(undefined, {});
    await proxy.stop();
    await hub.stop();
    await secure?.stop();
  });
  const needTls = (t: Mocha.Context) => {
    if (!skipTls) return;
    console.log(`      skipped: ${skipTls}`);
    t.skip();
  };
  const hubHost = () => new URL(hub.url).host;

  it('child processes: settings through their environment (the extension host\'s case), HTTP_PROXY (the CLI\'s); NODE_EXTRA_CA_CERTS inherited', async function () {
    needTls(this);
    // As the extension host does: installProxy(settings) before starting the child, which inherits process.env.
    installProxy({ proxy: proxy.url, strictSSL: true, noProxy: [] }, {});
    const [api, untrusted] = await inChild([`${hub.url}/api/tasks`, `${secure!.url}/x`], { ...cleanEnv(), [PROXY_SETTINGS_ENV]: process.env[PROXY_SETTINGS_ENV] });
    assert.equal(api!.status, 200, api!.error);
    assert.match(untrusted!.error ?? '', UNTRUSTED, 'no CA given: the self-signed server is refused');
    assert.equal(proxy.count(hubHost()), 1);
    assert.equal(proxy.count(secure!.host), 1, 'the https request went through the proxy (CONNECT)');
    installProxy(undefined, {});
    // The CLI's case: proxy variables, and NODE_EXTRA_CA_CERTS read by Node at the child's start.
    const viaEnv = await inChild([`${hub.url}/api/tasks`, `${secure!.url}/y`], { ...cleanEnv(), HTTP_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: tlsCert!.certFile });
    assert.deepEqual(viaEnv.map((r) => r.status), [200, 200], JSON.stringify(viaEnv));
    assert.equal(proxy.count(hubHost()), 2);
    assert.equal(proxy.count(secure!.host), 2);
  });

  it('the CLI (dist/cli.js) honours HTTP_PROXY and names a proxy that asks for credentials', async () => {
    hub.addRepo({ id: 'acme/cli-proxied', files: { 'config.json': '{}' } });
    const env = { ...cleanEnv(), HF_ENDPOINT: hub.url, HF_TOKEN: '', HTTP_PROXY: proxy.url };
    const info = await cliAsync(['models', 'info', 'acme/cli-proxied', '--json'], env);
    assert.equal(info.status, 0, info.stderr);
    assert.ok(proxy.count(hubHost()) >= 1);
    proxy.credentials = 'u:p';
    const refused = await cliAsync(['models', 'info', 'acme/cli-proxied'], env);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /the proxy at 127\.0\.0\.1:\d+ asked for credentials \(HTTP 407\): put them in http\.proxy as http:\/\/user:pass@host:port or HTTPS_PROXY/);
  });

  it('a worker thread started after installProxy uses the proxy too', async () => {
    installProxy({ proxy: proxy.url, strictSSL: true, noProxy: [] }, {});
    const w = new Worker(CHILD, { workerData: { urls: [`${hub.url}/api/tasks`] } });
    const [r] = await new Promise<FetchReport[]>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await w.terminate();
    assert.equal(r!.status, 200, r!.error);
    assert.equal(proxy.count(hubHost()), 1);
  });

  it('https through a CONNECT tunnel: a self-signed server is refused with a clear message, accepted with http.proxyStrictSSL false or its CA', async function () {
    needTls(this);
    const c = () => new HubClient({ endpoint: secure!.url, retry: { attempts: 3, baseDelayMs: 5, timeoutMs: 3000 } });
    installProxy({ proxy: proxy.url, strictSSL: true, noProxy: [] }, {});
    await assert.rejects(c().get('/api/x', 'Checking'), (e: HubError) =>
      /^Checking: the certificate of 127\.0\.0\.1:\d+ is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)\. If a company proxy or firewall inspects HTTPS, trust its CA: NODE_EXTRA_CA_CERTS=.* or the setting aiLab\.http\.caCertificates; http\.proxyStrictSSL: false turns the check off\.$/.test(e.message));
    assert.equal(proxy.count(secure!.host), 1, 'tried once through the proxy: a certificate is not retried');
    installProxy({ proxy: proxy.url, strictSSL: false, noProxy: [] }, {});
    assert.equal(((await (await c().get('/api/x', 'Checking')).json()) as { secure: boolean }).secure, true);
    installProxy({ proxy: proxy.url, strictSSL: true, noProxy: [], ca: [tlsCert!.cert] }, {});
    assert.equal((await c().get('/api/y', 'Checking')).status, 200);
    assert.ok(proxy.requests.every((q) => q.method === 'CONNECT' && q.target === secure!.host));
    assert.equal(proxy.count(), 3);
    // An extra CA replaces Node's default list in the TLS options: NODE_EXTRA_CA_CERTS must stay trusted.
    const other = makeSelfSigned('another-ca');
    assert.ok(!('skip' in other));
    installProxy({ strictSSL: true, noProxy: [], ca: [other.cert] }, { NODE_EXTRA_CA_CERTS: tlsCert!.certFile });
    assert.equal((await c().get('/api/z', 'Checking')).status, 200);
    assert.equal(proxy.count(), 3, 'no proxy in that plan');
  });

  it('a global fetch replaced as VS Code does in the extension host (its own dispatcher) does not lose an extra CA or strictSSL false', async function () {
    needTls(this);
    const original = globalThis.fetch;
    // VS Code's proxy support (http.proxySupport) passes its own dispatcher on every global fetch.
    const { Agent } = require('undici') as typeof import('undici');
    globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => original(input, { ...init, dispatcher: new Agent() } as unknown as RequestInit)) as typeof fetch;
    try {
      installProxy({ proxy: proxy.url, strictSSL: true, noProxy: [], ca: [tlsCert!.cert] }, {});
      await assert.rejects(fetch(`${secure!.url}/direct`), 'the replaced fetch alone refuses the certificate');
      const c = new HubClient({ endpoint: secure!.url, retry: { attempts: 1, timeoutMs: 3000 } });
      assert.equal((await c.get('/api/x', 'Checking')).status, 200);
      assert.equal(proxy.count(secure!.host), 1, 'through the proxy');
      installProxy({ strictSSL: false, noProxy: [] }, {});
      assert.equal((await c.get('/api/y', 'Checking')).status, 200);
    } finally {
      globalThis.fetch = original;
    }
  });

  it('https: a 407 to CONNECT gives the credentials message; credentials in HTTPS_PROXY work', async function () {
    needTls(this);
    proxy.credentials = 'bob:pw';
    installProxy({ strictSSL: true, noProxy: [], ca: [tlsCert!.cert] }, { HTTPS_PROXY: proxy.url });
    const c = new HubClient({ endpoint: secure!.url, retry: { attempts: 3, baseDelayMs: 5, timeoutMs: 3000 } });
    await assert.rejects(c.get('/api/x', 'Checking'), (e: HubError) =>
      e.kind === 'invalid' && /^Checking: the proxy at 127\.0\.0\.1:\d+ asked for credentials \(HTTP 407\): put them in http\.proxy as http:\/\/user:pass@host:port or HTTPS_PROXY$/.test(e.message));
    assert.equal(proxy.count(), 1, 'a 407 is not retried');
    installProxy({ strictSSL: true, noProxy: [], ca: [tlsCert!.cert] }, { HTTPS_PROXY: `http://bob:pw@127.0.0.1:${proxy.port}` });
    assert.equal((await c.get('/api/x', 'Checking')).status, 200);
    assert.equal(proxy.requests.at(-1)!.authorization, `Basic ${Buffer.from('bob:pw').toString('base64')}`);
  });

  it('a proxy that refuses the tunnel is named with its status; an untrusted certificate without a proxy is explained too', async function () {
    needTls(this);
    proxy.refuseConnect = 403;
    installProxy({ proxy: proxy.url, strictSSL: true, noProxy: [] }, {});
    const c = new HubClient({ endpoint: secure!.url, retry: { attempts: 3, baseDelayMs: 5, timeoutMs: 3000 } });
    await assert.rejects(c.get('/api/x', 'Checking'), (e: HubError) =>
      e.kind === 'invalid' && /^Checking: the proxy 127\.0\.0\.1:\d+ would not connect to 127\.0\.0\.1:\d+ \(HTTP 403: not allowed by the proxy\)\. Check http\.proxy, or list 127\.0\.0\.1 in http\.noProxy \/ NO_PROXY/.test(e.message));
    assert.equal(proxy.count(), 1, 'a refusal is not retried');
    installProxy(undefined, {});
    await assert.rejects(c.get('/api/x', 'Checking'), (e: HubError) => /^Checking: the certificate of 127\.0\.0\.1:\d+ is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/.test(e.message));
  });

  it('an unreachable https proxy is named, not the server behind it', async () => {
    const port = await deadPort();
    installProxy(undefined, { HTTPS_PROXY: `127.0.0.1:${port}` });
    const c = new HubClient({ endpoint: 'https://hub.invalid', retry: { attempts: 1, timeoutMs: 3000 } });
    await assert.rejects(c.get('/api/x', 'Checking'), (e: HubError) =>
      e.kind === 'offline' && new RegExp(`^Checking: the proxy 127\\.0\\.0\\.1:${port} could not be reached \\(ECONNREFUSED\\) on the way to hub\\.invalid: check HTTPS_PROXY, or list hub\\.invalid in http\\.noProxy / NO_PROXY`).test(e.message));
  });
});
