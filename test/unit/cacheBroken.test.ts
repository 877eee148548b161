/**
 * The Hugging Face cache as Python leaves it: dangling links, deleted blobs, empty and unreadable
 * folders, links turned into files, repo folders on another disk, and Windows copies (no symlinks).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cachedModelIds } from '../../src/core/hub/cacheLayout';
import { executeDelete, findCachedRepo, planDelete, scanCache } from '../../src/core/hub/cacheScan';
import { caseCopy, hash, writeRepo } from '../fixtures/hubCache';
import { REPO_ROOT } from '../fixtures/paths';

const A = hash('a');
const B = hash('b');
const C = hash('c');

describe('Hugging Face cache: case 05-cache-dangling-root', () => {
  let root: string;
  const made: string[] = [];
  beforeEach(() => (root = caseCopy('05-cache-dangling-root')));
  afterEach(() => {
    for (const d of [root, ...made.splice(0)]) fs.rmSync(d, { recursive: true, force: true });
  });

  it('the fixture keeps its links through git (a dangling absolute one, relative snapshot ones)', () => {
    const tracked = spawnSync('git', ['ls-files', '-s', 'test/fixtures/cases/05-cache-dangling-root/hub'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (tracked.status === 0 && tracked.stdout.trim()) {
      const modes = Object.fromEntries(tracked.stdout.trim().split('\n').map((l) => [l.split('\t')[1]!.split('/hub/')[1], l.split(' ')[0]]));
      assert.equal(modes['models--acme--big-llm'], '120000');
      assert.equal(modes[`models--acme--ok/snapshots/${hash('d')}/config.json`], '120000');
    }
    assert.equal(fs.readlinkSync(path.join(root, 'hub', 'models--acme--big-llm')), '/mnt/external-disk/hf/models--acme--big-llm');
  });

  it('a checkout without symlink support (links as text files) gets its links back in the copy', () => {
    // Flatten the links the way git does with core.symlinks=false, then copy from there.
    const flat = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-flat-'));
    try {
      fs.cpSync(root, flat, { recursive: true, verbatimSymlinks: true });
      const link = path.join(flat, 'hub', 'models--acme--big-llm');
      const target = fs.readlinkSync(link);
      fs.rmSync(link);
      fs.writeFileSync(link, target);
      const again = caseCopy('05-cache-dangling-root', flat);
      made.push(again);
      assert.equal(fs.readlinkSync(path.join(again, 'hub', 'models--acme--big-llm')), '/mnt/external-disk/hf/models--acme--big-llm');
      assert.deepEqual(scanCache(path.join(again, 'hub')).warnings, scanCache(path.join(root, 'hub')).warnings);
    } finally {
      fs.rmSync(flat, { recursive: true, force: true });
    }
  });

  it('the dangling repo folder is a warning naming it; the good repo is listed with its size', () => {
    const scan = scanCache(path.join(root, 'hub'));
    assert.deepEqual(scan.repos.map((r) => r.id), ['acme/ok']);
    const ok = scan.repos[0]!;
    assert.deepEqual([ok.size, ok.files, ok.revisions[0]?.refs, ok.revisions[0]?.files], [3, 1, ['main'], 1]);
    assert.equal(scan.size, 3);
    const big = scan.warnings.filter((w) => w.startsWith('models--acme--big-llm: '));
    assert.equal(big.length, 1);
    assert.match(big[0]!, /a link to \/mnt\/external-disk\/hf\/models--acme--big-llm, which does not exist/);
    // As it arrives from git (no empty folders): the half-made repo is a warning too, not listed.
    assert.ok(scan.warnings.some((w) => /^models--acme--empty-snap: no snapshots folder/.test(w)), scan.warnings.join('\n'));
    assert.deepEqual(cachedModelIds(path.join(root, 'hub')), ['acme/ok']);
  });

  it('variant with its empty snapshot folder: listed with 0 B and a warning naming the folder', () => {
    const scan = scanCache(path.join(root, 'variant-empty-snapshot', 'hub'));
    assert.deepEqual(scan.repos.map((r) => [r.id, r.size]), [
      ['acme/ok', 3],
      ['acme/empty-snap', 0],
    ]);
    const empty = findCachedRepo(scan, 'acme/empty-snap');
    assert.deepEqual(empty.revisions.map((r) => [r.commit, r.refs, r.files]), [[C, ['main'], 0]]);
    assert.ok(empty.lastModified > 0, 'an empty repo takes its folder\'s times');
    assert.deepEqual(scan.warnings, [`models--acme--empty-snap: snapshots/${C} is empty (an interrupted download?)`]);
    // And it can be removed like any repo.
    executeDelete(planDelete(empty));
    assert.deepEqual(scanCache(path.join(root, 'variant-empty-snapshot', 'hub')).repos.map((r) => r.id), ['acme/ok']);
  });
});

describe('Hugging Face cache: broken entries', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-cache-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const twoFiles = (commit: string, ref?: string) => ({ commit, ref, files: { 'config.json': { blob: hash('1'), bytes: 100 }, 'onnx/model.onnx': { blob: hash('2', 64), bytes: 5000 } } });

  it('a snapshot file whose blob was deleted: a warning naming repo and file; the rest still counts', () => {
    const root = writeRepo(dir, 'models--org--model', [twoFiles(A, 'main')]);
    writeRepo(dir, 'datasets--org--data', [{ commit: B, ref: 'main', files: { 'train.csv': { blob: hash('3'), bytes: 70 } } }]);
    fs.rmSync(path.join(root, 'blobs', hash('2', 64)));
    const scan = scanCache(dir);
    const repo = findCachedRepo(scan, 'org/model');
    assert.deepEqual([repo.size, repo.files, repo.revisions[0]?.files, repo.revisions[0]?.size, repo.revisions[0]?.missing], [100, 1, 1, 100, ['onnx/model.onnx']]);
    assert.equal(findCachedRepo(scan, 'org/data', 'dataset').size, 70);
    assert.deepEqual(scan.warnings, [`models--org--model: snapshots/${A}/onnx/model.onnx links to ../../../blobs/${hash('2', 64)}, which is missing (its blob was deleted); not counted`]);
    // A delete plan skips what is not there.
    assert.equal(planDelete(repo).freedBytes, 100);
  });

  it('loops, a revision that is a file, a dangling ref, a repo folder that is a file, a link loop as a repo: warnings, exit 0', () => {
    const root = writeRepo(dir, 'models--org--model', [twoFiles(A, 'main')]);
    fs.symlinkSync('loop', path.join(root, 'snapshots', A, 'loop'));
    fs.writeFileSync(path.join(root, 'snapshots', 'README'), 'stray');
    fs.symlinkSync('/nowhere/ref', path.join(root, 'refs', 'pr-1'));
    fs.writeFileSync(path.join(dir, 'models--org--flat'), '/mnt/disk2/models--org--flat\n');
    fs.symlinkSync('models--org--looped', path.join(dir, 'models--org--looped'));
    fs.writeFileSync(path.join(dir, 'version.txt'), '1');
    const scan = scanCache(dir);
    assert.deepEqual(scan.repos.map((r) => [r.id, r.size]), [['org/model', 5100]]);
    const w = scan.warnings.join('\n');
    assert.match(w, new RegExp(`^models--org--model: snapshots/${A}/loop cannot be read \\(ELOOP`, 'm'));
    assert.match(w, /^models--org--model: snapshots\/README is a file, not a revision folder; skipped$/m);
    assert.match(w, /^models--org--model: refs\/pr-1 cannot be read \(ENOENT/m);
    assert.match(w, /^models--org--flat: a file holding the path \/mnt\/disk2\/models--org--flat, not a repo folder/m);
    assert.match(w, /^models--org--looped: cannot be read \(ELOOP/m);
    assert.ok(!/version\.txt/.test(w));
  });

  it('refs, snapshots or blobs folders that are dangling links (another disk): each a warning that says so, the rest listed', () => {
    const refs = writeRepo(dir, 'models--org--refs', [twoFiles(A, 'main')]);
    fs.rmSync(path.join(refs, 'refs'), { recursive: true });
    fs.symlinkSync('/mnt/gone/refs', path.join(refs, 'refs'));
    const snaps = writeRepo(dir, 'models--org--snaps', [twoFiles(B, 'main')]);
    fs.rmSync(path.join(snaps, 'snapshots'), { recursive: true });
    fs.symlinkSync('/mnt/gone/snapshots', path.join(snaps, 'snapshots'));
    const blobs = writeRepo(dir, 'spaces--org--blobs', [twoFiles(C, 'main')]);
    fs.rmSync(path.join(blobs, 'blobs'), { recursive: true });
    fs.symlinkSync('/mnt/gone/blobs', path.join(blobs, 'blobs'));
    writeRepo(dir, 'datasets--org--ok', [{ commit: A, ref: 'main', files: { 'train.csv': { blob: hash('3'), bytes: 70 } } }]);
    const scan = scanCache(dir);
    assert.deepEqual(scan.repos.map((r) => [r.type, r.id, r.size]).sort(), [['dataset', 'org/ok', 70], ['model', 'org/refs', 5100], ['space', 'org/blobs', 0]]);
    assert.deepEqual(findCachedRepo(scan, 'org/refs').revisions[0]?.refs, []);
    const w = scan.warnings.join('\n');
    assert.match(w, /^models--org--refs: refs links to \/mnt\/gone\/refs, which is missing .*no revision has a ref name$/m);
    assert.match(w, /^models--org--snaps: snapshots links to \/mnt\/gone\/snapshots, which is missing .*not listed$/m);
    assert.match(w, /^spaces--org--blobs: blobs links to \/mnt\/gone\/blobs, which is missing .*not counted$/m);
    assert.doesNotMatch(w, /no snapshots folder/);
  });

  it('the cache folder itself a dangling link: a warning, no repos; a missing folder is an empty cache', () => {
    const link = path.join(dir, 'hub');
    fs.symlinkSync('/mnt/gone/hub', link);
    assert.deepEqual(scanCache(link).warnings, [`${link} is a link to /mnt/gone/hub, which does not exist (a disk that is not mounted?)`]);
    assert.deepEqual(scanCache(path.join(dir, 'none')), { dir: path.join(dir, 'none'), repos: [], size: 0, warnings: [] });
  });

  it('a link turned into a text file in a snapshot is counted as the file it is, with a warning', () => {
    const root = writeRepo(dir, 'models--org--model', [twoFiles(A, 'main')]);
    const f = path.join(root, 'snapshots', A, 'config.json');
    fs.rmSync(f);
    fs.writeFileSync(f, `../../blobs/${hash('1')}`);
    const scan = scanCache(dir);
    assert.match(scan.warnings[0] ?? '', new RegExp(`snapshots/${A}/config.json is a file holding the text "../../blobs/${hash('1')}", not the file itself`));
  });

  it('unreadable folders (permission denied) are warnings naming them', function () {
    // Root reads anything: run the scan as nobody then.
    const asRoot = process.getuid?.() === 0;
    if (process.platform === 'win32') this.skip();
    fs.chmodSync(dir, 0o755);
    const root = writeRepo(dir, 'models--org--model', [twoFiles(A, 'main'), twoFiles(B)]);
    writeRepo(dir, 'models--org--closed', [twoFiles(C, 'main')]);
    fs.chmodSync(path.join(root, 'snapshots', B), 0o000);
    fs.chmodSync(path.join(dir, 'models--org--closed'), 0o000);
    const script = `process.stdout.write(JSON.stringify(require(${JSON.stringify(path.join(REPO_ROOT, 'out', 'src', 'core', 'hub', 'cacheScan.js'))}).scanCache(${JSON.stringify(dir)})))`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    fs.chmodSync(path.join(root, 'snapshots', B), 0o755);
    fs.chmodSync(path.join(dir, 'models--org--closed'), 0o755);
    assert.equal(r.status, 0, r.stderr);
    const scan = JSON.parse(r.stdout) as ReturnType<typeof scanCache>;
    assert.deepEqual(scan.repos.map((x) => [x.id, x.revisions.length]), [['org/model', 2]]);
    const w = scan.warnings.join('\n');
    assert.match(w, new RegExp(`^models--org--model: snapshots/${B} cannot be read \\(EACCES: permission denied\\); its files are not counted$`, 'm'));
    assert.match(w, /^models--org--closed: (snapshots )?cannot be read \(EACCES/m);
    assert.ok(!/is empty/.test(w), 'an unreadable folder is not called empty');
  });

  it('a repo folder linked to another disk: listed with its target, counted once, deleted there', () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-disk2-'));
    try {
      writeRepo(other, 'models--org--big', [twoFiles(A, 'main')]);
      fs.symlinkSync(path.join(other, 'models--org--big'), path.join(dir, 'models--org--big'));
      const repo = findCachedRepo(scanCache(dir), 'org/big');
      assert.equal(repo.linkTarget, fs.realpathSync(path.join(other, 'models--org--big')));
      assert.deepEqual([repo.size, repo.files], [5100, 2]);
      const plan = planDelete(repo);
      assert.equal(plan.freedBytes, 5100);
      executeDelete(plan);
      assert.ok(!fs.existsSync(path.join(dir, 'models--org--big')));
      assert.deepEqual(fs.readdirSync(path.join(other, 'models--org--big')), [], 'the bytes are freed on the other disk');
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('Hugging Face cache: Windows copies (no symlinks)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-wincache-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  // Two revisions sharing config.json (a copy in each) with their own weights.
  const revs = [
    { commit: A, files: { 'config.json': { blob: hash('1'), bytes: 100 }, 'model.onnx': { blob: hash('2', 64), bytes: 5000 } } },
    { commit: B, ref: 'main', files: { 'config.json': { blob: hash('1'), bytes: 100 }, 'model.onnx': { blob: hash('3', 64), bytes: 7000 } } },
  ];

  it('blobs absent: every copy counts in sizes, and a revision delete frees its copies', () => {
    writeRepo(dir, 'models--org--win', revs, { copies: true });
    const scan = scanCache(dir);
    assert.deepEqual(scan.warnings, []);
    const repo = findCachedRepo(scan, 'org/win');
    assert.deepEqual([repo.size, repo.files], [12_200, 4]);
    assert.deepEqual(repo.revisions.map((r) => [r.commit, r.size, r.files]).sort(), [[A, 5100, 2], [B, 7100, 2]]);
    assert.ok(repo.lastAccessed > 0);
    const plan = planDelete(repo, [A]);
    assert.deepEqual([plan.wholeRepo, plan.freedBytes, plan.blobs], [false, 5100, []]);
    executeDelete(plan);
    assert.equal(scanCache(dir).size, 7100);
    assert.equal(planDelete(findCachedRepo(scanCache(dir), 'org/win')).freedBytes, 7100);
  });

  it('blobs present too: copies and blobs both take space; a revision delete frees its copies, not the blobs', () => {
    writeRepo(dir, 'models--org--win', revs, { copies: true, keepBlobs: true });
    const repo = findCachedRepo(scanCache(dir), 'org/win');
    assert.equal(repo.size, 12_200 + 12_100);
    const plan = planDelete(repo, [A]);
    assert.deepEqual([plan.freedBytes, plan.blobs], [5100, []]);
    executeDelete(plan);
    assert.equal(findCachedRepo(scanCache(dir), 'org/win').size, 7100 + 12_100);
    assert.equal(planDelete(findCachedRepo(scanCache(dir), 'org/win')).freedBytes, 7100 + 12_100);
  });

  it('mixed: one revision linked, one copied; shared blob kept while the linked revision stays', () => {
    writeRepo(dir, 'models--org--mix', [revs[0]!]);
    const copied = writeRepo(dir, 'models--org--mix', [revs[1]!], { copies: true, keepBlobs: true });
    const repo = findCachedRepo(scanCache(dir), 'org/mix');
    // Blobs 1, 2 (linked from A), 3 (left over from B's copy) once each, plus B's two copies.
    assert.equal(repo.size, 100 + 5000 + 7000 + 7100);
    assert.equal(planDelete(repo, [B]).freedBytes, 7100);
    const dropA = planDelete(repo, [A]);
    assert.equal(dropA.freedBytes, 5100);
    assert.deepEqual(dropA.blobs.map((b) => path.basename(b)).sort(), [hash('1'), hash('2', 64)]);
    assert.ok(fs.existsSync(path.join(copied, 'snapshots', B, 'config.json')));
  });
});
