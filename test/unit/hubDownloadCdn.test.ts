import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoFolderName } from '../../src/core/hub/cacheLayout';
import { downloadSnapshot, HubError, type SnapshotParams } from '../../src/core/hub/snapshot';
import { cliAsync } from '../fixtures/cli';
import { FixtureCdn } from '../fixtures/hub/cdn';
import { FixtureHub } from '../fixtures/hub/server';

const REPO = 'Xenova/cdn-fixture';
const big = Buffer.alloc(300_000);
for (let i = 0; i < big.length; i++) big[i] = (i * 37) % 253;
const bigSha = createHash('sha256').update(big).digest('hex');
const files = { 'config.json': '{"model_type":"bert"}', 'onnx/model.onnx': big };

describe('Hub downloads through a second origin (CDN / Xet bridge redirects)', () => {
  let hub: FixtureHub;
  let cdn: FixtureCdn;
  let cacheDir: string;
  const params = (over: Partial<SnapshotParams> = {}): SnapshotParams => ({
    repoId: REPO,
    endpoint: hub.url,
    cacheDir,
    select: (n) => n,
    retry: { attempts: 4, baseDelayMs: 10, timeoutMs: 2000 },
    ...over,
  });
  const blobs = () => path.join(cacheDir, repoFolderName(REPO), 'blobs');
  const resolves = () => hub.requests.filter((r) => r.url.includes('/resolve/') && r.url.endsWith('model.onnx'));

  beforeEach(async () => {
    hub = new FixtureHub();
    cdn = new FixtureCdn();
    hub.addRepo({ id: REPO, files });
    hub.addRepo({ id: 'acme/gated-cdn', files, gated: 'manual' });
    await hub.start();
    await cdn.start();
    hub.cdn = cdn;
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-hf-cdn-'));
  });
  afterEach(async () => {
    await hub.stop();
    await cdn.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('LFS files come from the CDN by a 302 with X-Linked-Etag/Size; the token never goes there', async () => {
    const r = await downloadSnapshot(params({ repoId: 'acme/gated-cdn', token: hub.token }));
    assert.deepEqual(fs.readFileSync(path.join(r.dir, 'onnx', 'model.onnx')), big);
    assert.equal(cdn.requests.length, 1);
    assert.equal(cdn.requests[0]!.headers.authorization, undefined);
    assert.match(cdn.requests[0]!.url, /Signature=[0-9a-f]{64}/);
    // The small (non-LFS) file is served by the Hub itself.
    assert.ok(hub.requests.some((q) => q.url.endsWith('/config.json') && q.headers.authorization === `Bearer ${hub.token}`));
  });

  it('cut at 40 %, then the CDN refuses the Range with 403 once: a fresh redirect resumes, only the rest is fetched', async () => {
    cdn.faults.push({ match: 'model.onnx', kind: 'cut', afterBytes: 120_000, times: 1 });
    cdn.faults.push({ match: 'model.onnx', kind: 'refuse', status: 403, message: 'Request has expired: signature expired', times: 1, rangeOnly: true });
    const logs: string[] = [];
    const r = await downloadSnapshot(params({ log: (m) => logs.push(m) }));
    const got = fs.readFileSync(path.join(r.dir, 'onnx', 'model.onnx'));
    assert.equal(createHash('sha256').update(got).digest('hex'), bigSha);
    assert.deepEqual(
      cdn.requests.map((q) => [q.status, q.headers.range ?? '']),
      [
        [200, ''],
        [403, 'bytes=120000-'],
        [206, 'bytes=120000-'],
      ],
    );
    assert.equal(resolves().length, 3, 'each attempt asks /resolve/ for a fresh link');
    const sent = cdn.requests.reduce((s, q) => s + q.sent, 0);
    assert.equal(sent, big.length, 'the bytes before the cut were kept: only the remaining 180000 were fetched again');
    assert.ok(logs.some((l) => /refused the signed link \(HTTP 403: .*signature expired.*\); asking 127\.0\.0\.1:\d+ for a fresh one/.test(l)), logs.join('\n'));
    assert.equal(r.downloadedBytes, big.length + files['config.json'].length);
  });

  it('a CDN that keeps refusing is not reported as "gated or private"', async () => {
    cdn.faults.push({ match: 'model.onnx', kind: 'refuse', status: 403, message: 'Auth failed', times: 10 });
    await assert.rejects(downloadSnapshot(params({ retry: { attempts: 3, baseDelayMs: 10, timeoutMs: 2000 } })), (e: Error) => {
      assert.ok(e instanceof HubError && e.kind === 'network', e.message);
      assert.doesNotMatch(e.message, /gated|private/);
      assert.match(e.message, /download host 127\.0\.0\.1:\d+ refused the signed link \(HTTP 403: .*Auth failed/);
      return true;
    });
    assert.equal(resolves().length, 3);
  });

  it('a 401/403 from the endpoint itself still means gated or private', async () => {
    await assert.rejects(downloadSnapshot(params({ repoId: 'acme/gated-cdn' })), (e: Error) => e instanceof HubError && e.kind === 'gated');
    assert.equal(cdn.requests.length, 0);
  });

  it('a hung CDN times out and the download resumes from a fresh link', async () => {
    cdn.faults.push({ match: 'model.onnx', kind: 'cut', afterBytes: 100_000, times: 1 });
    cdn.faults.push({ match: 'model.onnx', kind: 'hang', times: 1 });
    const r = await downloadSnapshot(params({ retry: { attempts: 4, baseDelayMs: 10, timeoutMs: 400 } }));
    assert.deepEqual(fs.readFileSync(path.join(r.dir, 'onnx', 'model.onnx')), big);
    assert.equal(cdn.requests.at(-1)!.headers.range, 'bytes=100000-');
  });

  it('a body longer than listed: writing stops at the listed size, the bytes are discarded, and it says so', async () => {
    cdn.faults.push({ match: 'model.onnx', kind: 'oversize', extraBytes: 3_000_000, announce: false, times: 5 });
    let largest = 0;
    const watch = setInterval(() => {
      for (const f of fs.existsSync(blobs()) ? fs.readdirSync(blobs()) : []) largest = Math.max(largest, fs.statSync(path.join(blobs(), f)).size);
    }, 1);
    try {
      await assert.rejects(downloadSnapshot(params()), /server sent more than the 300000 bytes the listing gives for onnx\/model\.onnx; the download was discarded/);
    } finally {
      clearInterval(watch);
    }
    assert.ok(largest <= big.length, `at most the listed size was on disk (saw ${largest})`);
    assert.deepEqual(fs.readdirSync(blobs()).filter((f) => f.startsWith(bigSha)), [], 'no blob or .incomplete kept');
    assert.equal(cdn.requests.length, 1, 'not retried: the server is wrong about this file');
  });

  it('a Content-Length that disagrees with the listing is refused before anything is written', async () => {
    cdn.faults.push({ match: 'model.onnx', kind: 'oversize', extraBytes: 1_000, announce: true, times: 1 });
    await assert.rejects(downloadSnapshot(params()), /announces 301000 bytes for onnx\/model\.onnx, which disagrees with the 300000 bytes the listing gives; nothing was written/);
    assert.ok(!fs.existsSync(path.join(blobs(), `${bigSha}.incomplete`)));
    cdn.faults.push({ match: 'model.onnx', kind: 'length', length: 1234, times: 1 });
    await assert.rejects(downloadSnapshot(params()), /announces 1234 bytes/);
    // A Content-Range that starts elsewhere than asked is refused too (a server that misplaces a resume).
    fs.writeFileSync(path.join(blobs(), `${bigSha}.incomplete`), big.subarray(0, 1000));
    const shifted: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (res.status !== 206) return res;
      const h = new Headers(res.headers);
      h.set('content-range', `bytes 0-${big.length - 1001}/${big.length}`);
      return new Response(res.body, { status: 206, headers: h });
    };
    await assert.rejects(downloadSnapshot(params({ fetchImpl: shifted })), /answered the range from byte 1000 of onnx\/model\.onnx with "bytes 0-298999\/300000", which disagrees/);
    assert.equal(fs.statSync(path.join(blobs(), `${bigSha}.incomplete`)).size, 1000, 'the verified start was kept');
  });

  it('a regular (non-LFS) file served longer by the endpoint itself is cut off too', async () => {
    const padded: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).endsWith('/config.json')) return res;
      const body = Buffer.concat([Buffer.from(await res.arrayBuffer()), Buffer.alloc(5000, 32)]);
      const h = new Headers(res.headers);
      h.delete('content-length');
      return new Response(body, { status: res.status, headers: h });
    };
    await assert.rejects(downloadSnapshot(params({ fetchImpl: padded })), /sent more than the 21 bytes the listing gives/);
  });

  it('through the CLI: a CDN refusal is retried, not reported as gated', async () => {
    cdn.faults.push({ match: 'model.onnx', kind: 'cut', afterBytes: 120_000, times: 1 });
    cdn.faults.push({ match: 'model.onnx', kind: 'refuse', status: 403, message: 'Auth failed', times: 1, rangeOnly: true });
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-cli-cdn-'));
    try {
      const r = await cliAsync(['download', REPO, '--json'], { HF_HOME: home, HF_HUB_CACHE: '', HF_ENDPOINT: hub.url, HF_TOKEN: '' });
      assert.equal(r.status, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.equal(createHash('sha256').update(fs.readFileSync(path.join(j.path, 'onnx', 'model.onnx'))).digest('hex'), bigSha);
      assert.match(r.stderr, /refused the signed link \(HTTP 403: Auth failed\)/);
      assert.match(r.stderr, /resuming .* at byte 120000 from 127\.0\.0\.1/);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
