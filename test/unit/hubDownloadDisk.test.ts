import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoFolderName } from '../../src/core/hub/cacheLayout';
import { explainCacheWrite } from '../../src/core/hub/cacheWrite';
import { downloadSnapshot, HubError, type SnapshotParams } from '../../src/core/hub/snapshot';
import { cliAsync } from '../fixtures/cli';
import { bindReadOnly, mountTmpfs } from '../fixtures/mounts';
import { DIST } from '../fixtures/paths';
import { FixtureHub } from '../fixtures/hub/server';

const REPO = 'Xenova/disk-fixture';
const big = Buffer.alloc(600_000);
for (let i = 0; i < big.length; i++) big[i] = (i * 41) % 249;
const bigSha = createHash('sha256').update(big).digest('hex');
const files = { 'config.json': '{"model_type":"bert"}', 'onnx/model.onnx': big, 'README.md': '# disk' };
const noReadme = (n: string[]) => n.filter((f) => f !== 'README.md');
const noStack = (s: string) => assert.doesNotMatch(s, /\n\s+at .*:\d+:\d+/, `no stack trace:\n${s}`);

/** Skips the running test with the reason printed. */
function skip(ctx: Mocha.Context, why: string): never {
  console.log(`      skipped: ${why}`);
  ctx.skip();
}

describe('Hub downloads: disk full, read-only and missing caches', () => {
  let hub: FixtureHub;
  let work: string;
  const params = (cacheDir: string, over: Partial<SnapshotParams> = {}): SnapshotParams => ({
    repoId: REPO,
    endpoint: hub.url,
    cacheDir,
    select: (n) => n,
    retry: { attempts: 3, baseDelayMs: 10, timeoutMs: 2000 },
    ...over,
  });

  beforeEach(async () => {
    hub = new FixtureHub();
    hub.addRepo({ id: REPO, files });
    await hub.start();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-hf-disk-'));
  });
  afterEach(async () => {
    await hub.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('disk full mid-file (real tmpfs): says how much is needed and where, keeps .incomplete, and a rerun resumes', async function () {
    const m = mountTmpfs(1024 * 1024);
    if (typeof m === 'string') skip(this, m);
    try {
      const cacheDir = path.join(m.dir, 'hub');
      const filler = path.join(m.dir, 'filler');
      let filled = false;
      const fill = () => {
        const s = fs.statfsSync(m.dir);
        fs.writeFileSync(filler, Buffer.alloc(Math.max(0, s.bavail * s.bsize - 16_384)));
        filled = true;
      };
      await assert.rejects(
        downloadSnapshot(params(cacheDir, { onProgress: (p) => !filled && p.file === 'onnx/model.onnx' && p.doneBytes >= 100_000 && fill() })),
        (e: Error) => {
          assert.ok(e instanceof HubError && e.kind === 'disk-full', e.message);
          assert.match(e.message, new RegExp(`^Not enough space for the Hugging Face cache ${cacheDir} \\(disk full\\): onnx/model\\.onnx still needs [\\d.]+ KB; the whole download still needs [\\d.]+ KB, and [\\d.]+ K?B is free there\\. Free some space .* the download resumes\\.$`));
          return true;
        },
      );
      const partial = path.join(cacheDir, repoFolderName(REPO), 'blobs', `${bigSha}.incomplete`);
      const kept = fs.statSync(partial).size;
      assert.ok(kept >= 100_000 && kept < big.length, `the partial file is kept (${kept} bytes)`);
      fs.rmSync(filler);
      const r = await downloadSnapshot(params(cacheDir));
      assert.equal(createHash('sha256').update(fs.readFileSync(path.join(r.dir, 'onnx', 'model.onnx'))).digest('hex'), bigSha);
      assert.equal(hub.requests.filter((q) => q.url.endsWith('model.onnx')).at(-1)!.headers.range, `bytes=${kept}-`);
    } finally {
      m.unmount();
    }
  });

  it('too little free space is refused before downloading (core and CLI, no stack trace)', async function () {
    const m = mountTmpfs(256 * 1024);
    if (typeof m === 'string') skip(this, m);
    try {
      const cacheDir = path.join(m.dir, 'hub');
      await assert.rejects(downloadSnapshot(params(cacheDir)), /^HubError: Not enough space for the Hugging Face cache .*: this download needs 600\.0 KB more and 2\d\d\.\d KB is free there/);
      assert.equal(hub.requests.filter((q) => q.url.includes('/resolve/')).length, 0);
      const r = await cliAsync(['download', REPO], { HF_HUB_CACHE: cacheDir, HF_ENDPOINT: hub.url, HF_TOKEN: '' });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /ai-lab: Not enough space for the Hugging Face cache .*hub: this download needs/);
      noStack(r.stderr);
    } finally {
      m.unmount();
    }
  });

  it('EDQUOT reads as a quota, not a crash', () => {
    const e = explainCacheWrite(Object.assign(new Error('EDQUOT: disk quota exceeded, write'), { code: 'EDQUOT' }), { cacheDir: '/c', file: 'a.bin', remainingTotal: 2048 });
    assert.match(e!.message, /^Not enough space for the Hugging Face cache \/c \(disk quota exceeded\): the whole download still needs 2\.0 KB/);
  });

  it('an online run over a complete cache writes nothing: links and refs are left alone', async () => {
    const cacheDir = path.join(work, 'hub');
    const r = await downloadSnapshot(params(cacheDir));
    const root = path.join(cacheDir, repoFolderName(REPO));
    const watched = [path.join(r.dir, 'onnx', 'model.onnx'), path.join(r.dir, 'config.json'), path.join(root, 'refs', 'main')];
    const before = watched.map((f) => fs.lstatSync(f));
    await new Promise((res) => setTimeout(res, 20));
    await downloadSnapshot(params(cacheDir));
    watched.forEach((f, i) => {
      const now = fs.lstatSync(f);
      assert.equal(now.ino, before[i]!.ino, `${f} was not remade`);
      assert.equal(now.mtimeMs, before[i]!.mtimeMs, `${f} was not rewritten`);
    });
    // A wrong link is replaced (through a temporary name), and nothing temporary is left behind.
    fs.unlinkSync(watched[1]!);
    fs.symlinkSync(path.join('..', '..', 'blobs', bigSha), watched[1]!);
    await downloadSnapshot(params(cacheDir));
    assert.equal(fs.readFileSync(watched[1]!, 'utf8'), files['config.json']);
    assert.deepEqual(fs.readdirSync(r.dir).filter((f) => f.endsWith('.tmp')), []);
  });

  it('a read-only bind mount of a complete cache works online; a missing file says the cache is read-only (core and CLI)', async function () {
    const cacheDir = path.join(work, 'hub');
    await downloadSnapshot(params(cacheDir, { select: noReadme }));
    const m = bindReadOnly(cacheDir);
    if (typeof m === 'string') skip(this, m);
    try {
      const r = await downloadSnapshot(params(m.dir, { select: noReadme }));
      assert.equal(r.offline, false);
      assert.equal(r.downloadedBytes, 0);
      assert.deepEqual(fs.readFileSync(path.join(r.dir, 'onnx', 'model.onnx')), big);
      await assert.rejects(downloadSnapshot(params(m.dir)), (e: Error) => {
        assert.ok(e instanceof HubError && e.kind === 'read-only', e.message);
        assert.match(e.message, new RegExp(`^The Hugging Face cache ${m.dir} is on a read-only file system .*, and README\\.md is not in it yet\\. To download, point HF_HUB_CACHE \\(or HF_HOME\\) at a writable folder`));
        return true;
      });
      const cli = await cliAsync(['download', REPO, '--include', '*.json'], { HF_HUB_CACHE: m.dir, HF_ENDPOINT: hub.url, HF_TOKEN: '' });
      assert.equal(cli.status, 0, cli.stderr);
      const missing = await cliAsync(['download', REPO], { HF_HUB_CACHE: m.dir, HF_ENDPOINT: hub.url, HF_TOKEN: '' });
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /is on a read-only file system.*README\.md is not in it yet\. To download, point HF_HUB_CACHE/);
      noStack(missing.stderr);
    } finally {
      m.unmount();
    }
  });

  it('a missing (broken link) or blocked HF_HOME names the folder and what to do, not ENOENT/ENOTDIR', async () => {
    fs.symlinkSync(path.join(work, 'unmounted-disk'), path.join(work, 'dangling'));
    const env = { HF_HUB_CACHE: '', HF_ENDPOINT: hub.url, HF_TOKEN: '' };
    const r = await cliAsync(['download', REPO], { ...env, HF_HOME: path.join(work, 'dangling', 'hf') });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^ai-lab: Cannot create the Hugging Face cache folder .*dangling\/hf\/hub: a folder above it is missing or is a broken link\. Create it, or point HF_HUB_CACHE \(or HF_HOME\) at a writable folder\.$/m);
    fs.writeFileSync(path.join(work, 'a-file'), '');
    const f = await cliAsync(['download', REPO], { ...env, HF_HOME: path.join(work, 'a-file') });
    assert.equal(f.status, 1);
    assert.match(f.stderr, /Cannot create the Hugging Face cache folder .*a-file.*: a file is in the way/);
    noStack(r.stderr + f.stderr);
  });

  it('an HF_HOME without write permission (chmod) says so (run as nobody when root)', async function () {
    if (process.platform === 'win32') skip(this, 'POSIX permissions only');
    const home = path.join(work, 'hf');
    fs.mkdirSync(home);
    fs.chmodSync(home, 0o555);
    fs.chmodSync(work, 0o755);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, [path.join(DIST, 'cli.js'), 'download', REPO], {
        ...asNobody,
        env: { ...process.env, HOME: work, HF_HOME: home, HF_HUB_CACHE: '', HF_ENDPOINT: hub.url, HF_TOKEN: '' },
      });
      let stderr = '';
      c.stderr.on('data', (b: Buffer) => (stderr += b));
      c.on('error', (e) => resolve({ status: -1, stderr: String(e) }));
      c.on('close', (status) => resolve({ status, stderr }));
    });
    if (r.status === -1) skip(this, `cannot run the CLI as another user: ${r.stderr}`);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /The Hugging Face cache .*hf\/hub cannot be written \(EACCES: permission denied\).*To download, point HF_HUB_CACHE \(or HF_HOME\) at a writable folder/);
    noStack(r.stderr);
  });
});
