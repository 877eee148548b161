/** hf_xet's Xet cache ($HF_HOME/xet): where it is, what it holds, broken entries, and clearing it. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanCache } from '../../src/core/hub/cacheScan';
import { executeXetClear, planXetClear, resolveXetCacheDir, scanXetCache } from '../../src/core/hub/xetCache';
import { hash, writeRepo } from '../fixtures/hubCache';
import { REPO_ROOT } from '../fixtures/paths';
import { writeXetCache, XET_ENDPOINT } from '../fixtures/xetCache';

describe('Xet cache: where it is', () => {
  it('HF_XET_CACHE, else $HF_HOME/xet, else XDG_CACHE_HOME/huggingface/xet, else ~/.cache/huggingface/xet', () => {
    assert.equal(resolveXetCacheDir({ HF_XET_CACHE: '/x/cache', HF_HOME: '/h' }), '/x/cache');
    assert.equal(resolveXetCacheDir({ HF_XET_CACHE: '~/xc' }), path.join(os.homedir(), 'xc'));
    assert.equal(resolveXetCacheDir({ HF_HOME: '/h', HF_HUB_CACHE: '/elsewhere/hub' }), path.join('/h', 'xet'));
    assert.equal(resolveXetCacheDir({ XDG_CACHE_HOME: '/xdg' }), path.join('/xdg', 'huggingface', 'xet'));
    assert.equal(resolveXetCacheDir({}), path.join(os.homedir(), '.cache', 'huggingface', 'xet'));
  });
});

describe('Xet cache: scan and clear', () => {
  let home: string;
  let xet: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-xet-'));
    xet = path.join(home, 'xet');
  });
  afterEach(() => {
    // Undo any chmod first so the folder can go.
    spawnSync('chmod', ['-R', 'u+rwx', home]);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('reports each endpoint folder: chunk-cache, shard-cache and staging sizes and file counts, and the logs', () => {
    const f = writeXetCache(xet);
    const s = scanXetCache(xet);
    assert.equal(s.exists, true);
    assert.deepEqual(s.warnings, []);
    assert.equal(s.endpoints.length, 1);
    const ep = s.endpoints[0]!;
    assert.equal(ep.name, XET_ENDPOINT);
    assert.deepEqual(ep.chunkCache, f.chunk);
    assert.deepEqual(ep.shardCache, f.shard);
    assert.deepEqual(ep.staging, f.staging);
    assert.deepEqual(ep.other, { size: 0, files: 0 });
    assert.equal(ep.size, f.chunk.size + f.shard.size + f.staging.size);
    assert.equal(ep.files, 7);
    assert.deepEqual({ size: s.logs?.size, files: s.logs?.files }, f.logs);
    assert.equal(s.size, f.total);
    assert.equal(s.files, 8);
    assert.equal(s.clearable, f.total);
  });

  it('several endpoints (storage regions), largest first; a folder with the known subfolders counts as one whatever its name', () => {
    writeXetCache(xet);
    fs.mkdirSync(path.join(xet, 'http___localhost-AbCdEfGhIjKlMnOp', 'staging'), { recursive: true });
    fs.mkdirSync(path.join(xet, 'older-layout', 'shard-cache'), { recursive: true });
    fs.writeFileSync(path.join(xet, 'older-layout', 'shard-cache', 'a.mdb'), 'x'.repeat(10));
    const s = scanXetCache(xet);
    assert.deepEqual(s.endpoints.map((e) => [e.name, e.size]), [[XET_ENDPOINT, 148_536], ['older-layout', 10], ['http___localhost-AbCdEfGhIjKlMnOp', 0]]);
    assert.deepEqual(s.kept, []);
  });

  it('a missing folder is an empty cache: no warning, nothing to clear', () => {
    const s = scanXetCache(xet);
    assert.deepEqual({ exists: s.exists, size: s.size, warnings: s.warnings, endpoints: s.endpoints }, { exists: false, size: 0, warnings: [], endpoints: [] });
    const plan = planXetClear(s);
    assert.deepEqual(plan.targets, []);
    assert.deepEqual(executeXetClear(plan), { freedBytes: 0, removed: [], failed: [] });
  });

  it('a Xet folder that is a dangling link (a disk not mounted) or a file is a warning, not a throw', () => {
    fs.symlinkSync('/mnt/not-mounted/xet', xet);
    const s = scanXetCache(xet);
    assert.equal(s.exists, false);
    assert.deepEqual(s.warnings, [`${xet} is a link to /mnt/not-mounted/xet, which does not exist (a disk that is not mounted?)`]);
    fs.unlinkSync(xet);
    fs.writeFileSync(xet, 'oops');
    assert.deepEqual(scanXetCache(xet).warnings, [`${xet} is a file, not a folder (check HF_XET_CACHE)`]);
  });

  it('broken entries are warnings: dangling links and links out of the folder are not followed nor counted; foreign entries are kept', () => {
    const f = writeXetCache(xet);
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-xet-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'precious.bin'), Buffer.alloc(50_000));
      fs.symlinkSync('/nowhere/chunk', path.join(f.endpoint, 'chunk-cache', 'A1', 'dangling'));
      fs.symlinkSync(outside, path.join(f.endpoint, 'shard-cache', 'elsewhere'));
      fs.symlinkSync(outside, path.join(xet, 'linked-endpoint'));
      fs.mkdirSync(path.join(xet, 'my-notes'));
      fs.writeFileSync(path.join(xet, 'my-notes', 'todo.txt'), 'keep me');
      const s = scanXetCache(xet);
      assert.equal(s.endpoints[0]!.chunkCache.size, f.chunk.size);
      assert.equal(s.endpoints[0]!.shardCache.size, f.shard.size);
      assert.deepEqual(s.warnings, [
        `${XET_ENDPOINT}/chunk-cache/A1/dangling links to /nowhere/chunk, which is missing; not counted`,
        `${XET_ENDPOINT}/shard-cache/elsewhere links to ${outside}, outside the Xet cache; not followed, not counted (clearing removes the link only)`,
        `linked-endpoint: a link to ${outside}, not made by hf_xet; not followed; left alone when clearing`,
        'my-notes: not made by hf_xet (it makes endpoint folders such as https___cas_serv-… and logs); left alone when clearing',
      ]);
      assert.deepEqual(s.kept.map((k) => [k.name, k.size]), [['linked-endpoint', 0], ['my-notes', 7]]);
      assert.equal(s.clearable, f.total);
      assert.equal(s.size, f.total + 7);
      // Clearing removes the links inside the endpoint folder, never what they point at.
      const r = executeXetClear(planXetClear(s));
      assert.deepEqual(r.failed, []);
      assert.equal(r.freedBytes, f.total);
      assert.ok(fs.existsSync(path.join(outside, 'precious.bin')));
      assert.ok(fs.existsSync(path.join(xet, 'my-notes', 'todo.txt')));
      assert.equal(fs.readlinkSync(path.join(xet, 'linked-endpoint')), outside);
      assert.ok(!fs.existsSync(f.endpoint));
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('clearing frees exactly what the scan reported, leaves hub/ beside it alone, and a rescan shows nothing left', () => {
    const f = writeXetCache(xet);
    const hub = path.join(home, 'hub');
    writeRepo(hub, 'models--org--m', [{ commit: hash('a'), ref: 'main', files: { 'config.json': { blob: hash('1'), bytes: 10 } } }]);
    const before = scanCache(hub);
    const s = scanXetCache(xet);
    const plan = planXetClear(s);
    assert.deepEqual(plan.targets.map((t) => path.basename(t.path)), [XET_ENDPOINT, 'logs']);
    assert.equal(plan.freedBytes, s.clearable);
    const r = executeXetClear(plan, hub);
    assert.deepEqual(r, { freedBytes: f.total, removed: [f.endpoint, path.join(xet, 'logs')], failed: [] });
    const after = scanXetCache(xet);
    assert.deepEqual({ exists: after.exists, size: after.size, endpoints: after.endpoints.length }, { exists: true, size: 0, endpoints: 0 });
    assert.deepEqual(scanCache(hub), before);
  });

  it('a Xet folder that is itself a link (to another disk) is scanned and cleared where it points; the link stays', () => {
    const disk = path.join(home, 'disk2-xet');
    const f = writeXetCache(disk);
    fs.symlinkSync(disk, xet);
    const s = scanXetCache(xet);
    assert.deepEqual([s.exists, s.linkTarget, s.clearable], [true, fs.realpathSync(disk), f.total]);
    assert.equal(executeXetClear(planXetClear(s)).freedBytes, f.total);
    assert.deepEqual(fs.readdirSync(disk), []);
    assert.equal(fs.readlinkSync(xet), disk);
  });

  it('HF_XET_CACHE pointing at HF_HOME itself: hub/ is a foreign entry, never cleared', () => {
    writeXetCache(home);
    const hub = path.join(home, 'hub');
    writeRepo(hub, 'models--org--m', [{ commit: hash('a'), ref: 'main', files: { 'config.json': { blob: hash('1'), bytes: 10 } } }]);
    const s = scanXetCache(home);
    assert.deepEqual(s.kept.map((k) => k.name), ['hub']);
    executeXetClear(planXetClear(s), hub);
    assert.deepEqual(scanCache(hub).repos.map((r) => r.id), ['org/m']);
  });

  it('refuses a target that holds the hub cache, or that became a link since the scan', () => {
    const f = writeXetCache(xet);
    const hubInside = path.join(f.endpoint, 'staging', 'hub');
    fs.mkdirSync(hubInside);
    const plan = planXetClear(scanXetCache(xet));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-xet-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'precious.bin'), 'x');
      fs.rmSync(path.join(xet, 'logs'), { recursive: true });
      fs.symlinkSync(outside, path.join(xet, 'logs'));
      const r = executeXetClear(plan, hubInside);
      assert.deepEqual(r.failed.map((x) => [path.basename(x.path), x.reason]), [
        [XET_ENDPOINT, `it holds the hub cache ${hubInside}; refused`],
        ['logs', 'now a link; not followed, left alone'],
      ]);
      assert.equal(r.freedBytes, 0);
      assert.ok(fs.existsSync(hubInside));
      assert.ok(fs.existsSync(path.join(outside, 'precious.bin')));
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('unreadable folders are warnings; clearing what it can reports the rest as failed and frees only what went', function () {
    if (process.platform === 'win32') this.skip();
    const f = writeXetCache(xet);
    const locked = path.join(f.endpoint, 'chunk-cache', 'L1');
    // Root reads and deletes anything: run as nobody, owning the files, with one folder closed.
    const asRoot = process.getuid?.() === 0;
    fs.chmodSync(home, 0o755);
    if (asRoot) spawnSync('chown', ['-R', '65534:65534', xet]);
    fs.chmodSync(locked, 0o000);
    const mod = JSON.stringify(path.join(REPO_ROOT, 'out', 'src', 'core', 'hub', 'xetCache.js'));
    const script = `const x = require(${mod}); const s = x.scanXetCache(${JSON.stringify(xet)}); const r = x.executeXetClear(x.planXetClear(s)); process.stdout.write(JSON.stringify({ s, r }))`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    fs.chmodSync(locked, 0o755);
    assert.equal(run.status, 0, run.stderr);
    const { s, r } = JSON.parse(run.stdout) as { s: ReturnType<typeof scanXetCache>; r: ReturnType<typeof executeXetClear> };
    assert.deepEqual(s.warnings, [`${XET_ENDPOINT}/chunk-cache/L1 cannot be read (EACCES: permission denied); its files are not counted`]);
    assert.equal(s.endpoints[0]!.chunkCache.size, f.chunk.size - 30_000);
    assert.equal(s.clearable, f.total - 30_000);
    // L1 (unreadable) stays, so its endpoint folder stays; everything else went.
    assert.deepEqual(r.failed.map((x) => path.basename(x.path)), [XET_ENDPOINT]);
    assert.match(r.failed[0]!.reason, /could not be removed, first .*L1: EACCES/);
    assert.deepEqual(r.removed, [path.join(xet, 'logs')]);
    assert.equal(r.freedBytes, s.clearable);
    assert.deepEqual(fs.readdirSync(f.endpoint), ['chunk-cache']);
  });
});
