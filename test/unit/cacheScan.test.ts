import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { executeDelete, findCachedRepo, planDelete, scanCache } from '../../src/core/hub/cacheScan';
import { downloadSnapshot } from '../../src/core/hub/snapshot';
import { addCatalog, DATASET_ID } from '../fixtures/hub/catalog';
import { FixtureHub } from '../fixtures/hub/server';

/** A cache laid out by hand the way Python's huggingface_hub writes it: two revisions sharing a blob. */
function pythonCache(dir: string): { root: string; old: string; cur: string } {
  const root = path.join(dir, 'models--bert-base-uncased');
  const old = 'a'.repeat(40);
  const cur = 'b'.repeat(40);
  fs.mkdirSync(path.join(root, 'blobs'), { recursive: true });
  fs.mkdirSync(path.join(root, 'refs'), { recursive: true });
  const blob = (name: string, bytes: number) => fs.writeFileSync(path.join(root, 'blobs', name), Buffer.alloc(bytes, 1));
  blob('1'.repeat(40), 100); // config.json, same in both revisions
  blob('2'.repeat(64), 5000); // old weights
  blob('3'.repeat(64), 7000); // new weights
  for (const [commit, weights] of [[old, '2'.repeat(64)], [cur, '3'.repeat(64)]] as const) {
    const snap = path.join(root, 'snapshots', commit);
    fs.mkdirSync(snap, { recursive: true });
    fs.symlinkSync(path.join('..', '..', 'blobs', '1'.repeat(40)), path.join(snap, 'config.json'));
    fs.symlinkSync(path.join('..', '..', 'blobs', weights), path.join(snap, 'model.safetensors'));
  }
  fs.writeFileSync(path.join(root, 'refs', 'main'), cur);
  fs.mkdirSync(path.join(dir, '.locks', 'models--bert-base-uncased'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'version.txt'), '1');
  fs.mkdirSync(path.join(dir, 'not-a-repo'));
  return { root, old, cur };
}

describe('Hugging Face cache scan and delete', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-scan-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('scans a cache Python wrote: repos, sizes counting shared blobs once, revisions with refs', () => {
    const { old, cur } = pythonCache(dir);
    const scan = scanCache(dir);
    assert.equal(scan.repos.length, 1);
    const repo = scan.repos[0]!;
    assert.equal(repo.id, 'bert-base-uncased');
    assert.equal(repo.type, 'model');
    assert.equal(repo.size, 12_100);
    assert.equal(scan.size, 12_100);
    assert.equal(repo.files, 3);
    assert.deepEqual(repo.revisions.map((r) => [r.commit, r.refs, r.size]).sort(), [[old, [], 5100], [cur, ['main'], 7100]].sort());
    assert.ok(repo.lastAccessed > 0);
    assert.deepEqual(scan.warnings, ['not-a-repo: not a repo folder']);
    assert.deepEqual(scanCache(path.join(dir, 'missing')).repos, []);
  });

  it('deletes one revision: its own blobs go, the shared one stays, the other revision still reads', () => {
    const { root, old, cur } = pythonCache(dir);
    const repo = findCachedRepo(scanCache(dir), 'bert-base-uncased');
    const plan = planDelete(repo, [old]);
    assert.equal(plan.wholeRepo, false);
    assert.equal(plan.freedBytes, 5000);
    executeDelete(plan);
    assert.ok(!fs.existsSync(path.join(root, 'snapshots', old)));
    assert.ok(!fs.existsSync(path.join(root, 'blobs', '2'.repeat(64))));
    assert.equal(fs.readFileSync(path.join(root, 'snapshots', cur, 'config.json')).length, 100);
    assert.equal(fs.readFileSync(path.join(root, 'refs', 'main'), 'utf8'), cur);
    assert.equal(scanCache(dir).size, 7100);
  });

  it('deleting the revision main points at removes the ref too; deleting every revision removes the repo', () => {
    const { root, old, cur } = pythonCache(dir);
    executeDelete(planDelete(findCachedRepo(scanCache(dir), 'bert-base-uncased'), [cur]));
    assert.ok(!fs.existsSync(path.join(root, 'refs', 'main')));
    const plan = planDelete(findCachedRepo(scanCache(dir), 'bert-base-uncased'));
    assert.equal(plan.wholeRepo, true);
    assert.deepEqual(plan.revisions.map((r) => r.commit), [old]);
    executeDelete(plan);
    assert.ok(!fs.existsSync(root));
    assert.ok(fs.existsSync(path.join(dir, 'version.txt')), 'nothing outside the repo is touched');
  });

  it('refuses bad ids and revisions with what to do instead', () => {
    pythonCache(dir);
    const scan = scanCache(dir);
    assert.throws(() => findCachedRepo(scan, 'nobody/none'), /not in the Hugging Face cache/);
    assert.throws(() => findCachedRepo(scan, '../etc'), /not a Hub repo id/);
    const repo = findCachedRepo(scan, 'bert-base-uncased');
    assert.throws(() => planDelete(repo, ['main']), /not a commit hash/);
    assert.throws(() => planDelete(repo, ['c'.repeat(40)]), /no cached revision/);
  });

  it('scans what the download code wrote, models and datasets', async () => {
    const hub = new FixtureHub();
    addCatalog(hub);
    await hub.start();
    try {
      const params = { endpoint: hub.url, cacheDir: dir, select: (a: string[]) => a, retry: { attempts: 2, timeoutMs: 2000 } };
      const m = await downloadSnapshot({ ...params, repoId: 'Xenova/fixture-sst2' });
      const d = await downloadSnapshot({ ...params, repoId: DATASET_ID, type: 'dataset' });
      assert.ok(fs.existsSync(path.join(dir, 'datasets--fixture-org--reviews', 'snapshots', d.commit, 'README.md')));
      const scan = scanCache(dir);
      const model = findCachedRepo(scan, 'Xenova/fixture-sst2');
      assert.equal(model.revisions[0]!.commit, m.commit);
      assert.deepEqual(model.revisions[0]!.refs, ['main']);
      assert.equal(model.size, m.downloadedBytes);
      assert.equal(findCachedRepo(scan, DATASET_ID, 'dataset').files, 1);
    } finally {
      await hub.stop();
    }
  });
});
