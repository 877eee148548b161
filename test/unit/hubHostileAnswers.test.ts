import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoFolderName } from '../../src/core/hub/cacheLayout';
import { HubClient } from '../../src/core/hub/hubApi';
import { downloadSnapshot, type SnapshotParams } from '../../src/core/hub/snapshot';
import { makeGuardedFetch, RefusedRequestError } from '../../src/core/hub/tokenGuard';
import { cliAsync } from '../fixtures/cli';
import { ForeignOrigin } from '../fixtures/hub/foreignOrigin';
import { FixtureHub } from '../fixtures/hub/server';
import { LoopbackServer } from '../fixtures/loopback';

const big = Buffer.alloc(5000, 7);
const files = { 'config.json': '{"a":1}', 'tokenizer.json': '{"b":2}', 'onnx/model.onnx': big };

/**
 * A proxy in front of the loopback Hub that plays the endpoint: `answer` may reply itself (a portal, a
 * lying header), else the request goes to the Hub and `headers` may change its answer's headers.
 */
class Proxy {
  answer?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
  headers?: (h: http.IncomingHttpHeaders) => http.IncomingHttpHeaders;
  private readonly loopback = new LoopbackServer((req, res) => {
    if (this.answer?.(req, res)) return;
    const headers = { ...req.headers };
    delete headers.host;
    const out = http.request(new URL(req.url ?? '/', this.target()), { method: req.method, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, this.headers ? this.headers({ ...up.headers }) : up.headers);
      up.pipe(res);
    });
    req.pipe(out);
  });
  url = '';
  constructor(private readonly target: () => string) {}
  async start(): Promise<void> {
    this.url = await this.loopback.start();
  }
  stop(): Promise<void> {
    return this.loopback.stop();
  }
}

const portal = (status: number) => (req: http.IncomingMessage, res: http.ServerResponse, when: RegExp) => {
  if (!when.test(req.url ?? '')) return false;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end('<!DOCTYPE html><html><body><h1>Proxy authentication required</h1></body></html>');
  return true;
};

describe('Hub answers from a hostile or confused server: refused at once and said plainly', () => {
  let hub: FixtureHub;
  let foreign: ForeignOrigin;
  let proxy: Proxy;
  let home: string;
  let logs: string[];
  const cacheDir = () => path.join(home, 'hub');
  const params = (over: Partial<SnapshotParams> = {}): SnapshotParams => ({
    repoId: 'acme/priv',
    endpoint: hub.url,
    token: hub.token,
    cacheDir: cacheDir(),
    select: (n) => n,
    retry: { attempts: 4, baseDelayMs: 10, timeoutMs: 2000 },
    log: (m) => logs.push(m),
    ...over,
  });
  const blobsOf = (repo: string) => {
    const d = path.join(cacheDir(), repoFolderName(repo), 'blobs');
    return fs.existsSync(d) ? fs.readdirSync(d) : [];
  };

  beforeEach(async () => {
    hub = new FixtureHub();
    hub.addRepo({ id: 'acme/priv', private: true, files });
    hub.addRepo({ id: 'acme/pub', files });
    await hub.start();
    foreign = new ForeignOrigin(() => hub.url);
    await foreign.start();
    proxy = new Proxy(() => hub.url);
    await proxy.start();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-hostile-'));
    logs = [];
  });
  afterEach(async () => {
    await proxy.stop();
    await foreign.stop();
    await hub.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  for (const to of ['file:///etc/passwd', 'data:application/octet-stream,{"a":1}', 'ftp://127.0.0.1/config.json']) {
    const scheme = to.slice(0, to.indexOf(':') + 1);
    it(`a 302 from /resolve/ to a ${scheme} URL is refused at once (never fetched, never retried), even with the right bytes`, async () => {
      hub.faults.push({ match: '/config.json', kind: 'redirect', to, times: 50 });
      await assert.rejects(downloadSnapshot(params({ repoId: 'acme/pub' })), (e: Error) => {
        assert.match(e.message, new RegExp(`redirected to a ${scheme} URL \\(${scheme.replace(':', '')}:.*\\); only http\\(s\\) is followed`));
        assert.doesNotMatch(e.message, /gated|offline|fetch failed/);
        return true;
      });
      assert.equal(hub.requests.filter((r) => r.url.endsWith('/config.json')).length, 1, 'one request, no retries');
      assert.deepEqual(logs.filter((l) => /retrying/.test(l)), []);
      assert.ok(!blobsOf('acme/pub').some((b) => !b.endsWith('.incomplete') && fs.statSync(path.join(cacheDir(), repoFolderName('acme/pub'), 'blobs', b)).size === 7));
    });
  }

  it('the guarded fetch refuses a non-http(s) URL and a redirect loop with a final RefusedRequestError', async () => {
    const calls: string[] = [];
    const impl = (async (u: string) => {
      calls.push(u);
      return new Response(null, { status: 302, headers: { location: u.startsWith('http://a.test/loop') ? 'http://a.test/loop' : 'data:,x' } });
    }) as unknown as typeof fetch;
    const f = makeGuardedFetch({ trusted: ['http://a.test'], token: 't', fetchImpl: impl, maxRedirects: 3 });
    await assert.rejects(f('http://a.test/start'), (e: Error) => e instanceof RefusedRequestError && e.final && /http:\/\/a\.test\/start redirected to a data: URL/.test(e.message));
    await assert.rejects(f('file:///etc/passwd'), (e: Error) => e instanceof RefusedRequestError && /Refusing a file: URL/.test(e.message));
    calls.length = 0;
    await assert.rejects(f('http://a.test/loop'), (e: Error) => e instanceof RefusedRequestError && /too many redirects \(more than 3\)/.test(e.message));
    assert.equal(calls.length, 4);
  });

  it('a redirect loop on a file is reported after one try, not retried five times', async () => {
    hub.faults.push({ match: '/config.json', kind: 'redirect', to: `${hub.url}/acme/pub/resolve/main/config.json?again`, times: 1000 });
    await assert.rejects(downloadSnapshot(params({ repoId: 'acme/pub' })), /too many redirects \(more than 5\)/);
    assert.ok(hub.requests.filter((r) => r.url.includes('/config.json')).length <= 7);
  });

  it('a private repo whose listing pages on to another origin: that origin got no token, and its 401 is not called "gated or private"', async () => {
    hub.linkBase = foreign.url;
    hub.treePageSize = 1;
    await assert.rejects(downloadSnapshot(params()), (e: Error) => {
      assert.match(e.message, /127\.0\.0\.1:\d+ refused \/api\/models\/acme\/priv\/tree\/[0-9a-f]+ with HTTP 401\. It is not the Hub endpoint \(http:\/\/127\.0\.0\.1:\d+\), so AI Lab sent it no token/);
      assert.doesNotMatch(e.message, /gated|token in use was refused/);
      return true;
    });
    assert.ok(foreign.requests.length > 0);
    assert.deepEqual(foreign.withAuthorization(), []);
  });

  it('a 401 with a web page from the endpoint (a proxy login) names the host and says web page, not "gated or private": API, file and HubClient', async () => {
    proxy.answer = (req, res) => portal(401)(req, res, /^\/api\//);
    const api = downloadSnapshot(params({ repoId: 'acme/pub', endpoint: proxy.url }));
    await assert.rejects(api, (e: Error) => {
      assert.match(e.message, /127\.0\.0\.1:\d+ answered \/api\/models\/acme\/pub\/revision\/main with HTTP 401 and a web page \(content type text\/html; charset=utf-8\), not the Hub's answer: a proxy login or captive portal page\?/);
      assert.doesNotMatch(e.message, /gated/);
      return true;
    });
    await assert.rejects(new HubClient({ endpoint: proxy.url }).modelInfo('acme/pub'), /HTTP 401 and a web page .*proxy login/);
    proxy.answer = (req, res) => portal(403)(req, res, /\/resolve\//);
    await assert.rejects(downloadSnapshot(params({ repoId: 'acme/pub', endpoint: proxy.url })), (e: Error) => {
      assert.match(e.message, /answered \/acme\/pub\/resolve\/[0-9a-f]+\/config\.json with HTTP 403 and a web page/);
      assert.doesNotMatch(e.message, /gated/);
      return true;
    });
  });

  it("the Hub's own 401 (JSON, X-Error-Code) is still gated or private", async () => {
    await assert.rejects(downloadSnapshot(params({ token: undefined })), /acme\/priv is gated or private/);
  });

  it('an X-Linked-Size on a direct answer (no CDN) that disagrees with the listing is refused before a byte is written', async () => {
    proxy.headers = (h) => (h['x-linked-size'] ? { ...h, 'x-linked-size': '12345' } : h);
    await assert.rejects(downloadSnapshot(params({ repoId: 'acme/pub', endpoint: proxy.url })), /onnx\/model\.onnx announces 12345 bytes, not the 5000 bytes the listing gives; nothing was written/);
    assert.ok(!blobsOf('acme/pub').some((b) => b.startsWith(createHash('sha256').update(big).digest('hex'))));
  });

  it('CLI: a 401 web page and a data: redirect each exit 1 with the plain message', async function () {
    this.timeout(60_000);
    proxy.answer = (req, res) => portal(401)(req, res, /^\/api\//);
    const env = { HF_HOME: home, HF_ENDPOINT: proxy.url, HF_TOKEN: hub.token };
    const r = await cliAsync(['download', 'acme/pub', '--include', 'config.json'], env);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /with HTTP 401 and a web page \(content type text\/html; charset=utf-8\), not the Hub's answer: a proxy login or captive portal page\?/);
    assert.doesNotMatch(r.stderr, /gated|offline/);
    proxy.answer = undefined;
    hub.faults.push({ match: '/config.json', kind: 'redirect', to: 'data:application/octet-stream,{"a":1}', times: 50 });
    const d = await cliAsync(['download', 'acme/pub', '--include', 'config.json'], env);
    assert.equal(d.status, 1, d.stderr);
    assert.match(d.stderr, /redirected to a data: URL .*only http\(s\) is followed/);
    assert.doesNotMatch(d.stderr, /retrying/);
  });
});
