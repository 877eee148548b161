/** `ai-lab cache scan` reports hf_xet's Xet cache; `ai-lab cache rm --xet` clears it and nothing else. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { XetCacheScan } from '../../src/core/hub/xetCache';
import { hash, writeRepo } from '../fixtures/hubCache';
import { DIST } from '../fixtures/paths';
import { writeXetCache, XET_ENDPOINT } from '../fixtures/xetCache';

/** The CLI with HF_HOME (and nothing else of the Hugging Face variables) pointing at `home`. */
function cli(args: string[], home: string, env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(HF_|HUGGINGFACE_|XDG_CACHE_HOME)/.test(k)));
  return spawnSync(process.execPath, [path.join(DIST, 'cli.js'), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...clean, HF_HOME: home, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('CLI: the Xet cache in ai-lab cache scan and cache rm --xet', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-cli-xet-'));
    writeRepo(path.join(home, 'hub'), 'models--org--m', [{ commit: hash('a'), ref: 'main', files: { 'config.json': { blob: hash('1'), bytes: 10 } } }]);
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('cache scan --json keeps its keys and adds xet: per endpoint chunk-cache, shard-cache, staging sizes and files, found at $HF_HOME/xet', () => {
    const f = writeXetCache(path.join(home, 'xet'));
    const r = cli(['cache', 'scan', '--json'], home);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { dir: string; repos: { id: string }[]; size: number; warnings: string[]; xet: XetCacheScan };
    assert.deepEqual(Object.keys(j), ['dir', 'repos', 'size', 'warnings', 'xet']);
    assert.deepEqual(j.repos.map((x) => x.id), ['org/m']);
    assert.equal(j.size, 10, 'the hub total does not include the Xet cache');
    assert.equal(j.xet.dir, path.join(home, 'xet'));
    assert.equal(j.xet.size, f.total);
    assert.equal(j.xet.clearable, f.total);
    const ep = j.xet.endpoints[0]!;
    assert.deepEqual([ep.name, ep.chunkCache, ep.shardCache, ep.staging], [XET_ENDPOINT, f.chunk, f.shard, f.staging]);
    assert.deepEqual([j.xet.logs?.size, j.xet.logs?.files], [f.logs.size, f.logs.files]);
  });

  it('HF_XET_CACHE wins over HF_HOME; --xet-dir over both; text mode prints a line per endpoint', () => {
    const elsewhere = path.join(home, 'elsewhere');
    writeXetCache(elsewhere);
    const env = cli(['cache', 'scan', '--json'], home, { HF_XET_CACHE: elsewhere });
    assert.equal((JSON.parse(env.stdout) as { xet: XetCacheScan }).xet.size, 150_881);
    const flag = cli(['cache', 'scan', '--json', '--xet-dir', path.join(home, 'none')], home, { HF_XET_CACHE: elsewhere });
    assert.deepEqual((JSON.parse(flag.stdout) as { xet: XetCacheScan }).xet.exists, false);
    const t = cli(['cache', 'scan'], home, { HF_XET_CACHE: elsewhere });
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stdout, new RegExp(`^Xet cache ${elsewhere}: 150\\.9 KB in 8 files$`, 'm'));
    assert.match(t.stdout, new RegExp(`^xet\\t${XET_ENDPOINT}\\t148\\.5 KB\\tchunk-cache 135\\.5 KB in 3 files, shard-cache 12\\.0 KB in 2 files, staging 1\\.0 KB in 2 files$`, 'm'));
    assert.match(t.stdout, /^xet\tlogs\t2\.3 KB\t1 files$/m);
    assert.match(cli(['cache', 'scan'], home).stdout, new RegExp(`^Xet cache ${path.join(home, 'xet')}: none$`, 'm'));
  });

  it('a broken Xet cache: warnings on stderr prefixed "xet:", exit 0', () => {
    const f = writeXetCache(path.join(home, 'xet'));
    fs.symlinkSync('/nowhere/x', path.join(f.endpoint, 'chunk-cache', 'gone'));
    const r = cli(['cache', 'scan'], home);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`^warning: xet: ${XET_ENDPOINT}/chunk-cache/gone links to /nowhere/x, which is missing; not counted$`, 'm'));
  });

  it('cache rm --xet: --dry-run says what it frees and deletes nothing; without --yes and no terminal it refuses (exit 2)', () => {
    const f = writeXetCache(path.join(home, 'xet'));
    const dry = cli(['cache', 'rm', '--xet', '--dry-run', '--json'], home);
    assert.equal(dry.status, 0, dry.stderr);
    assert.deepEqual(JSON.parse(dry.stdout), { dir: path.join(home, 'xet'), targets: [f.endpoint, path.join(home, 'xet', 'logs')], kept: [], freedBytes: f.total, deleted: false });
    assert.match(cli(['cache', 'rm', '--xet', '--dry-run'], home).stdout, /^Would clear the Xet cache at .* \(https___cas_serv-tGqkUaZf_CBPHQ6h, logs\), freeing 150\.9 KB\.$/m);
    const refused = cli(['cache', 'rm', '--xet'], home);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /add --yes to confirm/);
    assert.ok(fs.existsSync(f.endpoint));
    const withId = cli(['cache', 'rm', '--xet', 'org/m', '--yes'], home);
    assert.equal(withId.status, 2);
    assert.match(withId.stderr, /takes no repo id/);
  });

  it('cache rm --xet --yes frees what cache scan reported and leaves the hub cache as it was', () => {
    writeXetCache(path.join(home, 'xet'));
    const before = JSON.parse(cli(['cache', 'scan', '--json'], home).stdout) as { repos: unknown[]; xet: XetCacheScan };
    const r = cli(['cache', 'rm', '--xet', '--yes', '--json'], home);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { freedBytes: number; deleted: boolean; failed: unknown[] };
    assert.deepEqual([j.freedBytes, j.deleted, j.failed], [before.xet.clearable, true, []]);
    const after = JSON.parse(cli(['cache', 'scan', '--json'], home).stdout) as { repos: unknown[]; xet: XetCacheScan };
    assert.deepEqual(after.repos, before.repos);
    assert.deepEqual([after.xet.size, after.xet.endpoints], [0, []]);
    // Nothing left: says so, exit 0.
    const again = cli(['cache', 'rm', '--xet', '--yes'], home);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /holds nothing hf_xet made; nothing to clear/);
    fs.rmSync(path.join(home, 'xet'), { recursive: true });
    assert.match(cli(['cache', 'rm', '--xet', '--yes'], home).stdout, /does not exist; nothing to clear/);
  });
});
