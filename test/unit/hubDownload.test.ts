import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cachedModelIds, RepoCache, repoFolderName, safeRepoPath } from '../../src/core/hub/cacheLayout';
import { resolveHubCacheDir, resolveHubEndpoint, resolveToken } from '../../src/core/hub/hubConfig';
import { downloadSnapshot, HubError, type SnapshotParams } from '../../src/core/hub/snapshot';
import { FixtureHub } from '../fixtures/hub/server';

const REPO = 'Xenova/tiny-fixture';
const big = Buffer.alloc(300_000, 7);
for (let i = 0; i < big.length; i++) big[i] = (i * 31) % 251;
const files = { 'config.json': '{"model_type":"bert"}', 'tokenizer.json': '{"version":"1.0"}', 'onnx/model.onnx': big, 'README.md': '# tiny' };
const all = (names: string[]) => names;

describe('Hub downloads into the Hugging Face cache (loopback Hub)', () => {
  let hub: FixtureHub;
  let cacheDir: string;
  const params = (over: Partial<SnapshotParams> = {}): SnapshotParams => ({
    repoId: REPO,
    endpoint: hub.url,
    cacheDir,
    select: all,
    retry: { attempts: 4, baseDelayMs: 10, timeoutMs: 2000 },
    ...over,
  });

  beforeEach(async () => {
    hub = new FixtureHub();
    hub.addRepo({ id: REPO, files });
    await hub.start();
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-hf-'));
  });
  afterEach(async () => {
    await hub.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('lays files out as huggingface_hub does: refs, snapshots → ../../blobs, blobs named by etag', async () => {
    const r = await downloadSnapshot(params());
    const commit = hub.commitOf(REPO);
    const root = path.join(cacheDir, 'models--Xenova--tiny-fixture');
    assert.equal(r.commit, commit);
    assert.equal(fs.readFileSync(path.join(root, 'refs', 'main'), 'utf8'), commit);
    const sha256 = createHash('sha256').update(big).digest('hex');
    const link = path.join(root, 'snapshots', commit, 'onnx', 'model.onnx');
    assert.equal(fs.readlinkSync(link), path.join('..', '..', '..', 'blobs', sha256));
    assert.deepEqual(fs.readFileSync(link), big);
    // A regular (non-LFS) file is named by its git blob sha1.
    const cfgSha1 = createHash('sha1').update(`blob ${files['config.json'].length}\0`).update(files['config.json']).digest('hex');
    assert.equal(fs.readlinkSync(path.join(root, 'snapshots', commit, 'config.json')), path.join('..', '..', 'blobs', cfgSha1));
    assert.equal(r.downloadedBytes, big.length + 21 + 17 + 6);
    assert.equal(fs.readdirSync(path.join(root, 'blobs')).filter((f) => f.endsWith('.incomplete')).length, 0);
  });

  it('lists the models in the cache by id', async () => {
    await downloadSnapshot(params());
    fs.mkdirSync(path.join(cacheDir, 'datasets--x--y'));
    assert.deepEqual(cachedModelIds(cacheDir), [REPO]);
    assert.deepEqual(cachedModelIds('/nonexistent'), []);
  });

  it('a second call downloads nothing', async () => {
    await downloadSnapshot(params());
    const before = hub.requests.filter((r) => r.url.includes('/resolve/')).length;
    const again = await downloadSnapshot(params());
    assert.equal(again.downloadedBytes, 0);
    assert.equal(hub.requests.filter((r) => r.url.includes('/resolve/')).length, before);
  });

  it('finds a cache laid out by hand the way Python writes it, and adds to it without re-downloading', async () => {
    const commit = hub.commitOf(REPO);
    const root = path.join(cacheDir, 'models--Xenova--tiny-fixture');
    const sha1 = createHash('sha1').update(`blob ${files['config.json'].length}\0`).update(files['config.json']).digest('hex');
    fs.mkdirSync(path.join(root, 'blobs'), { recursive: true });
    fs.mkdirSync(path.join(root, 'refs'));
    fs.mkdirSync(path.join(root, 'snapshots', commit), { recursive: true });
    fs.writeFileSync(path.join(root, 'blobs', sha1), files['config.json']);
    fs.writeFileSync(path.join(root, 'refs', 'main'), commit);
    fs.symlinkSync(path.join('..', '..', 'blobs', sha1), path.join(root, 'snapshots', commit, 'config.json'));
    const offline = await downloadSnapshot(params({ offline: true, select: () => ['config.json'] }));
    assert.equal(fs.readFileSync(path.join(offline.dir, 'config.json'), 'utf8'), files['config.json']);
    await downloadSnapshot(params());
    assert.equal(hub.requests.filter((r) => r.url.endsWith('/config.json')).length, 0, 'the Python-cached blob was reused');
  });

  it('resumes after a cut with a Range request and ends with the right bytes', async () => {
    hub.faults.push({ match: 'onnx/model.onnx', kind: 'cut', afterBytes: 100_000, times: 1 });
    const progress: number[] = [];
    const r = await downloadSnapshot(params({ onProgress: (p) => progress.push(p.doneBytes) }));
    const gets = hub.requests.filter((q) => q.url.endsWith('onnx/model.onnx'));
    assert.equal(gets.length, 2);
    assert.equal(gets[1]!.headers.range, 'bytes=100000-');
    assert.deepEqual(fs.readFileSync(path.join(r.dir, 'onnx', 'model.onnx')), big);
    assert.ok(progress.some((b) => b >= 100_000 && b < big.length), 'progress during the download');
  });

  it('a sha256 mismatch discards the file and says so', async () => {
    hub.faults.push({ match: 'onnx/model.onnx', kind: 'corrupt', times: 1 });
    await assert.rejects(downloadSnapshot(params()), /sha256 mismatch: expected [0-9a-f]{64}, got [0-9a-f]{64}; the download was discarded/);
    const blobs = path.join(cacheDir, repoFolderName(REPO), 'blobs');
    assert.deepEqual(fs.readdirSync(blobs).filter((f) => f.length > 60), [], 'no blob or .incomplete left for the LFS file');
    // The next try downloads it cleanly.
    await downloadSnapshot(params());
  });

  it('retries 429 (Retry-After) and 500 answers', async () => {
    hub.faults.push({ match: '/api/models/', kind: 'status', status: 429, times: 2, retryAfter: '0' });
    hub.faults.push({ match: 'config.json', kind: 'status', status: 500, times: 1 });
    const logs: string[] = [];
    await downloadSnapshot(params({ log: (m) => logs.push(m) }));
    assert.equal(logs.filter((l) => /HTTP 429/.test(l)).length, 2);
    assert.ok(logs.some((l) => /HTTP 500/.test(l)));
  });

  it('never writes repo file names that escape the cache: skipped with a warning, refused when selected', async () => {
    hub.addRepo({ id: 'evil/repo', files: { '../../../../tmp/pwned': 'x', 'config.json': '{}' } });
    const r = await downloadSnapshot(params({ repoId: 'evil/repo' }));
    assert.deepEqual(r.files, ['config.json']);
    assert.deepEqual(r.skipped.map((s) => s.path), ['../../../../tmp/pwned']);
    assert.ok(!fs.existsSync(path.join(r.dir, '../../../../tmp/pwned')), 'nothing written where the name points');
    await assert.rejects(downloadSnapshot(params({ repoId: 'evil/repo', select: () => ['../../../../tmp/pwned'] })), /Refusing repo file name "..\/..\/..\/..\/tmp\/pwned": ".." segment/);
    for (const bad of ['/etc/passwd', 'a/../b', 'C:\\x', 'a//b', './a', '']) assert.throws(() => safeRepoPath(bad), /Refusing/, bad);
    assert.equal(safeRepoPath('onnx/model.onnx'), path.join('onnx', 'model.onnx'));
  });

  it('works offline from the cache, and says what is missing when it cannot', async () => {
    await downloadSnapshot(params({ select: (n) => n.filter((f) => f !== 'README.md') }));
    await hub.stop();
    const r = await downloadSnapshot(params({ select: (n) => n.filter((f) => f.endsWith('.json') || f.endsWith('.onnx')) }));
    assert.equal(r.offline, true);
    assert.deepEqual(r.files.sort(), ['config.json', 'onnx/model.onnx', 'tokenizer.json']);
    await assert.rejects(downloadSnapshot(params({ select: () => ['config.json', 'README.md'] })), (e: Error) => {
      assert.ok(e instanceof HubError && e.kind === 'offline');
      assert.match(e.message, /not in the cache for Xenova\/tiny-fixture@main: README\.md/);
      return true;
    });
    await assert.rejects(downloadSnapshot(params({ repoId: 'Xenova/never-downloaded' })), /is not in the Hugging Face cache .* and the Hub cannot be reached/);
    const viaEnv = await downloadSnapshot(params({ offline: true, select: () => ['config.json'] }));
    assert.equal(viaEnv.offline, true);
  });

  it('a hung server times out with a clear error instead of waiting forever', async () => {
    hub.faults.push({ match: '/api/models/', kind: 'hang', times: 10 });
    const started = Date.now();
    await assert.rejects(downloadSnapshot(params({ retry: { attempts: 2, baseDelayMs: 10, timeoutMs: 300 } })), /not in the Hugging Face cache.*no answer from 127\.0\.0\.1:\d+ within 0 s|cannot be reached/);
    assert.ok(Date.now() - started < 5000);
  });

  it('cancel stops the download and keeps .incomplete for a later resume', async () => {
    hub.faults.push({ match: 'onnx/model.onnx', kind: 'cut', afterBytes: 50_000, times: 1 });
    const ac = new AbortController();
    const p = downloadSnapshot(params({ signal: ac.signal, onProgress: (x) => x.doneBytes >= 50_000 && ac.abort(new Error('cancelled by the user')) }));
    await assert.rejects(p, /cancelled by the user/);
    const blobs = path.join(cacheDir, repoFolderName(REPO), 'blobs');
    const partial = fs.readdirSync(blobs).find((f) => f.endsWith('.incomplete'));
    assert.ok(partial, 'an .incomplete file is kept');
    await downloadSnapshot(params());
    assert.ok(hub.requests.some((q) => q.headers.range === `bytes=${50_000}-`));
  });

  it('private repos: a clear message without a token; the token is sent to the endpoint only', async () => {
    hub.addRepo({ id: 'acme/private', files: { 'config.json': '{}' }, private: true });
    await assert.rejects(downloadSnapshot(params({ repoId: 'acme/private' })), /acme\/private is gated or private: accept its licence at http:\/\/127\.0\.0\.1:\d+\/acme\/private/);
    await downloadSnapshot(params({ repoId: 'acme/private', token: hub.token }));
    assert.ok(hub.requests.filter((r) => r.url.includes('acme/private')).every((r) => !r.headers.authorization || r.headers.authorization === `Bearer ${hub.token}`));
  });

  it('unknown repo: not found, with an example id', async () => {
    await assert.rejects(downloadSnapshot(params({ repoId: 'nobody/nothing' })), /nobody\/nothing was not found on http/);
  });

  it('tree listings are followed through Link pagination', async () => {
    hub.treePageSize = 1;
    const r = await downloadSnapshot(params());
    assert.equal(r.files.length, 4);
    assert.ok(hub.requests.filter((q) => q.url.includes('/tree/')).length >= 4);
  });
});

describe('Hub settings', () => {
  it('endpoint: setting, then HF_ENDPOINT, then huggingface.co; bad values are explained', () => {
    assert.equal(resolveHubEndpoint('http://127.0.0.1:9/', { HF_ENDPOINT: 'https://mirror' }), 'http://127.0.0.1:9');
    assert.equal(resolveHubEndpoint('', { HF_ENDPOINT: 'https://hf-mirror.com' }), 'https://hf-mirror.com');
    assert.equal(resolveHubEndpoint(undefined, {}), 'https://huggingface.co');
    assert.throws(() => resolveHubEndpoint('not a url', {}), /is not a URL/);
    assert.throws(() => resolveHubEndpoint('ftp://x', {}), /must be http/);
  });
  it('cache dir: HF_HUB_CACHE, then HF_HOME/hub, then ~/.cache/huggingface/hub', () => {
    assert.equal(resolveHubCacheDir({ HF_HUB_CACHE: '/c' }), '/c');
    assert.equal(resolveHubCacheDir({ HF_HOME: '/h' }), path.join('/h', 'hub'));
    assert.equal(resolveHubCacheDir({ XDG_CACHE_HOME: '/x' }), path.join('/x', 'huggingface', 'hub'));
  });
  it('token: HF_TOKEN, then signed-in, then the token file', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-home-'));
    fs.writeFileSync(path.join(home, 'token'), 'hf_file\n');
    assert.deepEqual(resolveToken('hf_signed', { HF_TOKEN: 'hf_env', HF_HOME: home }), { token: 'hf_env', source: 'HF_TOKEN' });
    assert.deepEqual(resolveToken('hf_signed', { HF_HOME: home }), { token: 'hf_signed', source: 'signed-in' });
    assert.deepEqual(resolveToken(undefined, { HF_HOME: home }), { token: 'hf_file', source: 'token file' });
    assert.equal(resolveToken(undefined, { HF_HOME: path.join(home, 'none') }), undefined);
  });
  it('repo cache paths refuse bad ids and etags', () => {
    assert.throws(() => new RepoCache('/c', '../x'), /not a Hub repo id/);
    assert.throws(() => new RepoCache('/c', 'a/b').blobPath('../../x'), /Unexpected etag/);
  });
});
