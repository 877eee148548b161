import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { acquireBlobLock, blobLockPath, findFlock } from '../../src/core/hub/blobLock';
import { repoFolderName } from '../../src/core/hub/cacheLayout';
import { downloadSnapshot } from '../../src/core/hub/snapshot';
import { cliAsync } from '../fixtures/cli';
import { REPO_ROOT } from '../fixtures/paths';
import { FixtureHub } from '../fixtures/hub/server';

const REPO = 'Xenova/lock-fixture';
const big = Buffer.alloc(300_000);
for (let i = 0; i < big.length; i++) big[i] = (i * 43) % 247;
const bigSha = createHash('sha256').update(big).digest('hex');
const files = { 'config.json': '{"model_type":"bert"}', 'tokenizer.json': '{"version":"1.0"}', 'onnx/model.onnx': big };
const LOCK_JS = path.join(REPO_ROOT, 'out', 'src', 'core', 'hub', 'blobLock.js');

function skip(ctx: Mocha.Context, why: string): never {
  console.log(`      skipped: ${why}`);
  ctx.skip();
}

/** A node child that takes the lock (`kind`) and prints "held"; it keeps it until killed or stdin closes. */
function holder(lockFile: string, kind: 'flock' | 'marker'): Promise<ChildProcess> {
  const js = `const { acquireBlobLock } = require(${JSON.stringify(LOCK_JS)});
acquireBlobLock(${JSON.stringify(lockFile)}, { kind: ${JSON.stringify(kind)} }).then((l) => {
  console.log('held');
  process.stdin.on('end', () => l.release().then(() => process.exit(0)));
  process.stdin.resume();
});`;
  const c = spawn(process.execPath, ['-e', js], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    c.stdout!.on('data', (b: Buffer) => b.toString().includes('held') && resolve(c));
    c.on('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
}

const pythonOk = () => spawnSync('python3', ['-c', 'import fcntl'], { encoding: 'utf8' }).status === 0;

describe('Hub downloads: one lock per blob, shared with other processes', () => {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-hf-lock-'));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it('flock: a second taker waits (and is told), gets it on release, and an abort stops the wait', async function () {
    if (!findFlock()) skip(this, 'no flock utility (util-linux) here');
    const lockFile = path.join(work, '.locks', 'models--a--b', `${bigSha}.lock`);
    const first = await acquireBlobLock(lockFile);
    assert.equal(first.kind, 'flock');
    const waited: string[] = [];
    let second = false;
    const p = acquireBlobLock(lockFile, { onWait: (f) => waited.push(f), waitNoticeMs: 50 }).then((l) => ((second = true), l));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(second, false, 'the second waits');
    assert.deepEqual(waited, [lockFile]);
    const ac = new AbortController();
    const third = acquireBlobLock(lockFile, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('cancelled by the user')), 100);
    await assert.rejects(third, /cancelled by the user/);
    await first.release();
    await (await p).release();
  });

  it('flock: a free lock is never reported as "waiting for another download", however slow flock is to start', async function () {
    if (!findFlock()) skip(this, 'no flock utility (util-linux) here');
    const waited: string[] = [];
    for (let i = 0; i < 5; i++) {
      // A notice delay of 0 fired before the flock child had even started, on an idle lock.
      const l = await acquireBlobLock(path.join(work, `free-${i}.lock`), { onWait: (f) => waited.push(f), waitNoticeMs: 0 });
      await l.release();
    }
    assert.deepEqual(waited, []);
  });

  it('a lock held by a killed process is taken over (flock and marker)', async function () {
    const kinds = (['flock', 'marker'] as const).filter((k) => k === 'marker' || findFlock());
    for (const kind of kinds) {
      const lockFile = path.join(work, kind, 'x.lock');
      const c = await holder(lockFile, kind);
      const waiting = acquireBlobLock(lockFile, { kind, pollMs: 50 });
      await new Promise((r) => setTimeout(r, 200));
      c.kill('SIGKILL');
      const started = Date.now();
      const l = await waiting;
      assert.ok(Date.now() - started < 5000, `${kind}: taken over in ${Date.now() - started} ms`);
      await l.release();
    }
    if (kinds.length < 2) console.log('      (flock part skipped: no flock utility)');
  });

  it('marker: stale when its pid is dead on this host or it was not refreshed; a live fresh one is waited for', async () => {
    const lockFile = path.join(work, 'm.lock');
    const marker = `${lockFile}.ai-lab`;
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(marker, JSON.stringify({ pid: Number(dead.stdout), host: os.hostname(), time: new Date().toISOString() }));
    await (await acquireBlobLock(lockFile, { kind: 'marker' })).release();
    fs.writeFileSync(marker, JSON.stringify({ pid: 1, host: 'another-host', time: new Date(0).toISOString() }));
    const old = new Date(Date.now() - 3 * 60_000);
    fs.utimesSync(marker, old, old);
    await (await acquireBlobLock(lockFile, { kind: 'marker' })).release();
    fs.writeFileSync(marker, JSON.stringify({ pid: 1, host: 'another-host', time: new Date().toISOString() }));
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('gave up')), 400);
    await assert.rejects(acquireBlobLock(lockFile, { kind: 'marker', signal: ac.signal, pollMs: 50 }), /gave up/);
    assert.ok(fs.existsSync(marker), "another host's fresh marker is left alone");
  });

  it('marker: four processes never hold it at once', async () => {
    const lockFile = path.join(work, 'many.lock');
    const logFile = path.join(work, 'log');
    const js = `const fs = require('fs'); const { acquireBlobLock } = require(${JSON.stringify(LOCK_JS)});
(async () => { for (let i = 0; i < 3; i++) {
  const l = await acquireBlobLock(${JSON.stringify(lockFile)}, { kind: 'marker', pollMs: 10 });
  fs.appendFileSync(${JSON.stringify(logFile)}, 'in ' + process.pid + '\\n');
  await new Promise((r) => setTimeout(r, 30));
  fs.appendFileSync(${JSON.stringify(logFile)}, 'out ' + process.pid + '\\n');
  await l.release();
} })();`;
    await Promise.all(
      [1, 2, 3, 4].map(
        () =>
          new Promise<void>((resolve, reject) => {
            const c = spawn(process.execPath, ['-e', js], { stdio: 'inherit' });
            c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
          }),
      ),
    );
    const lines = fs.readFileSync(logFile, 'utf8').trim().split('\n');
    assert.equal(lines.length, 24);
    for (let i = 0; i < lines.length; i += 2) {
      assert.match(lines[i]!, /^in /);
      assert.equal(lines[i + 1], lines[i]!.replace('in', 'out'), `no overlap at line ${i}`);
    }
  });

  describe('against the loopback Hub', () => {
    let hub: FixtureHub;
    beforeEach(async () => {
      hub = new FixtureHub();
      hub.addRepo({ id: REPO, files });
      await hub.start();
    });
    afterEach(() => hub.stop());

    it("Python's flock on the blob's lock file makes AI Lab wait, and AI Lab's lock makes Python wait", async function () {
      if (!pythonOk()) skip(this, 'python3 with fcntl is not available');
      if (!findFlock()) skip(this, 'no flock utility (util-linux): AI Lab uses its own marker, which Python does not see');
      const cacheDir = path.join(work, 'hub');
      const lockFile = blobLockPath(cacheDir, repoFolderName(REPO), bigSha);
      fs.mkdirSync(path.dirname(lockFile), { recursive: true });
      // Python holds the lock until its stdin closes, which the test does once AI Lab says it waits.
      const py = spawn('python3', ['-c', `import fcntl, sys\nf = open(${JSON.stringify(lockFile)}, 'a')\nfcntl.flock(f, fcntl.LOCK_EX)\nprint('held', flush=True)\nsys.stdin.read()\n`], { stdio: ['pipe', 'pipe', 'inherit'] });
      await new Promise<void>((r) => py.stdout.on('data', (b: Buffer) => b.toString().includes('held') && r()));
      const logs: string[] = [];
      let releasedAt = 0;
      const r = await downloadSnapshot({
        repoId: REPO,
        endpoint: hub.url,
        cacheDir,
        select: (n) => n,
        log: (m) => {
          logs.push(m);
          if (m.startsWith('waiting for another download')) setTimeout(() => ((releasedAt = Date.now()), py.stdin!.end()), 300);
        },
      });
      assert.ok(logs.includes(`waiting for another download of onnx/model.onnx (lock ${lockFile})`), logs.join('\n'));
      assert.ok(releasedAt > 0, 'the download finished only after Python let go');
      assert.deepEqual(fs.readFileSync(path.join(r.dir, 'onnx', 'model.onnx')), big);
      // The other way: while AI Lab holds it, Python's non-blocking flock is refused.
      const ours = await acquireBlobLock(lockFile);
      const tryPy = spawnSync('python3', ['-c', `import fcntl\nf = open(${JSON.stringify(lockFile)}, 'a')\ntry:\n  fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB); print('got')\nexcept BlockingIOError:\n  print('busy')\n`], { encoding: 'utf8' });
      await ours.release();
      assert.equal(tryPy.stdout.trim(), 'busy');
    });

    it('three CLI processes fetching one repo into one cache all succeed (10 trials)', async function () {
      this.timeout(240_000);
      let waitedSomewhere = 0;
      for (let trial = 0; trial < 10; trial++) {
        const home = path.join(work, `home-${trial}`);
        hub.faults.push({ match: 'onnx/model.onnx', kind: 'slow', bytesPerSecond: 300_000, times: 1 });
        const env = { HF_HOME: home, HF_HUB_CACHE: '', HF_ENDPOINT: hub.url, HF_TOKEN: '' };
        const runs = await Promise.all([0, 1, 2].map(() => cliAsync(['download', REPO, '--json'], env)));
        for (const r of runs) {
          assert.equal(r.status, 0, `trial ${trial}: ${r.stderr}`);
          const dir = JSON.parse(r.stdout).path as string;
          assert.equal(createHash('sha256').update(fs.readFileSync(path.join(dir, 'onnx', 'model.onnx'))).digest('hex'), bigSha, `trial ${trial}`);
          assert.equal(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'), files['config.json']);
          if (/waiting for another download of onnx\/model\.onnx \(lock .*\.locks\/models--Xenova--lock-fixture\/[0-9a-f]{64}\.lock\)/.test(r.stderr)) waitedSomewhere++;
        }
        const root = path.join(home, 'hub', repoFolderName(REPO));
        const leftovers = [...fs.readdirSync(path.join(root, 'blobs')), ...fs.readdirSync(path.join(root, 'snapshots', hub.commitOf(REPO)))].filter((f) => /\.(incomplete|tmp)$/.test(f));
        assert.deepEqual(leftovers, [], `trial ${trial}`);
      }
      assert.ok(waitedSomewhere >= 5, `the processes overlapped and waited for each other (${waitedSomewhere} waits in 10 trials)`);
    });
  });
});
