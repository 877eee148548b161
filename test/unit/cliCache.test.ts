/** `ai-lab cache scan | rm` on caches as Python leaves them (case 05, Windows copies, unreadable folders). */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { caseCopy, hash, writeRepo } from '../fixtures/hubCache';
import { DIST } from '../fixtures/paths';

const cli = (args: string[], opts: { uid?: number; gid?: number } = {}) =>
  spawnSync(process.execPath, [path.join(DIST, 'cli.js'), ...args], { encoding: 'utf8', timeout: 60_000, ...opts });

interface ScanJson {
  repos: { id: string; size: number; revisions: { commit: string; missing: string[] }[] }[];
  size: number;
  warnings: string[];
}

describe('CLI: ai-lab cache on broken and Windows-style caches', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-cli-cache-'));
    made.push(d);
    return d;
  };

  it('case 05-cache-dangling-root: cache scan --json lists acme/ok, warns about the dangling models--acme--big-llm, exit 0', () => {
    const root = caseCopy('05-cache-dangling-root');
    made.push(root);
    const r = cli(['cache', 'scan', '--dir', path.join(root, 'hub'), '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as ScanJson;
    assert.deepEqual(j.repos.map((x) => [x.id, x.size]), [['acme/ok', 3]]);
    assert.ok(j.warnings.some((w) => /^models--acme--big-llm: a link to \/mnt\/external-disk\/hf\/models--acme--big-llm, which does not exist/.test(w)), j.warnings.join('\n'));
    // Text mode: the repos on stdout, each warning on stderr, exit 0.
    const t = cli(['cache', 'scan', '--dir', path.join(root, 'hub')]);
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stdout, /model\tacme\/ok\t3 B/);
    assert.match(t.stderr, /^warning: models--acme--big-llm: /m);
  });

  it('case 05, variant with the empty snapshot folder: both repos, a warning naming the empty folder', () => {
    const root = caseCopy('05-cache-dangling-root');
    made.push(root);
    const r = cli(['cache', 'scan', '--dir', path.join(root, 'variant-empty-snapshot', 'hub'), '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as ScanJson;
    assert.deepEqual(j.repos.map((x) => x.id), ['acme/ok', 'acme/empty-snap']);
    assert.deepEqual(j.warnings, [`models--acme--empty-snap: snapshots/${hash('c')} is empty (an interrupted download?)`]);
  });

  it('a deleted blob: the revision lists it as missing, the warning names repo and file; rm --dry-run still works', () => {
    const dir = tmp();
    const repo = writeRepo(dir, 'models--org--m', [{ commit: hash('a'), ref: 'main', files: { 'config.json': { blob: hash('1'), bytes: 10 }, 'model.onnx': { blob: hash('2', 64), bytes: 900 } } }]);
    fs.rmSync(path.join(repo, 'blobs', hash('2', 64)));
    const j = JSON.parse(cli(['cache', 'scan', '--dir', dir, '--json']).stdout) as ScanJson;
    assert.deepEqual(j.repos[0]?.revisions[0]?.missing, ['model.onnx']);
    assert.match(j.warnings[0] ?? '', /^models--org--m: snapshots\/a{40}\/model\.onnx links to .*, which is missing/);
    const dry = cli(['cache', 'rm', 'org/m', '--dir', dir, '--dry-run', '--json']);
    assert.equal(dry.status, 0, dry.stderr);
    assert.equal(JSON.parse(dry.stdout).freedBytes, 10);
  });

  it('Windows copies: scan sizes count them and rm --dry-run frees them, per revision and whole', () => {
    const dir = tmp();
    const files = (w: string, n: number) => ({ 'config.json': { blob: hash('1'), bytes: 100 }, 'model.onnx': { blob: hash(w, 64), bytes: n } });
    writeRepo(dir, 'models--org--win', [{ commit: hash('a'), files: files('2', 5000) }, { commit: hash('b'), ref: 'main', files: files('3', 7000) }], { copies: true });
    const j = JSON.parse(cli(['cache', 'scan', '--dir', dir, '--json']).stdout) as ScanJson;
    assert.deepEqual([j.size, j.warnings], [12_200, []]);
    const one = JSON.parse(cli(['cache', 'rm', 'org/win', '--revision', hash('a'), '--dir', dir, '--dry-run', '--json']).stdout);
    assert.deepEqual([one.wholeRepo, one.freedBytes], [false, 5100]);
    const all = JSON.parse(cli(['cache', 'rm', 'org/win', '--dir', dir, '--dry-run', '--json']).stdout);
    assert.deepEqual([all.wholeRepo, all.freedBytes], [true, 12_200]);
    const done = cli(['cache', 'rm', 'org/win', '--revision', hash('a'), '--dir', dir, '--yes', '--json']);
    assert.equal(JSON.parse(done.stdout).freedBytes, 5100);
    assert.equal((JSON.parse(cli(['cache', 'scan', '--dir', dir, '--json']).stdout) as ScanJson).size, 7100);
  });

  it('an unreadable revision folder (permission denied): a warning, the rest listed, exit 0', function () {
    if (process.platform === 'win32') this.skip();
    const dir = tmp();
    fs.chmodSync(dir, 0o755);
    const repo = writeRepo(dir, 'models--org--m', [
      { commit: hash('a'), ref: 'main', files: { 'config.json': { blob: hash('1'), bytes: 10 } } },
      { commit: hash('b'), files: { 'config.json': { blob: hash('2'), bytes: 20 } } },
    ]);
    fs.chmodSync(path.join(repo, 'snapshots', hash('b')), 0o000);
    // Root reads anything: run the CLI as nobody then.
    const r = cli(['cache', 'scan', '--dir', dir, '--json'], process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {});
    fs.chmodSync(path.join(repo, 'snapshots', hash('b')), 0o755);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as ScanJson;
    assert.deepEqual(j.repos.map((x) => x.id), ['org/m']);
    assert.deepEqual(j.warnings, [`models--org--m: snapshots/${hash('b')} cannot be read (EACCES: permission denied); its files are not counted`]);
  });

  it('cache scan --dir that is missing, a dangling link or a file: exit 2 with what it is (not "0 repos")', () => {
    const d = tmp();
    fs.symlinkSync('/mnt/gone/hub', path.join(d, 'link'));
    fs.writeFileSync(path.join(d, 'file'), 'x');
    const cases: Array<[string, RegExp]> = [
      ['none', /--dir .*none does not exist/],
      ['link', /--dir .*link is a link to \/mnt\/gone\/hub, which does not exist/],
      ['file', /--dir .*file is a file, not a cache folder/],
    ];
    for (const [name, why] of cases) {
      for (const args of [['cache', 'scan', '--dir', path.join(d, name), '--json'], ['cache', 'rm', 'org/x', '--dir', path.join(d, name), '--dry-run']]) {
        const r = cli(args);
        assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, why);
        assert.equal(r.stdout, '');
      }
    }
  });

  it('dangling refs and snapshots folders through the CLI: warnings that say so, the good repo listed, exit 0', () => {
    const d = tmp();
    const bad = writeRepo(d, 'models--org--bad', [{ commit: hash('a'), ref: 'main', files: { 'config.json': { blob: hash('1'), bytes: 10 } } }]);
    fs.rmSync(path.join(bad, 'snapshots'), { recursive: true });
    fs.symlinkSync('/mnt/gone/snapshots', path.join(bad, 'snapshots'));
    writeRepo(d, 'models--org--good', [{ commit: hash('b'), ref: 'main', files: { 'config.json': { blob: hash('2'), bytes: 20 } } }]);
    const r = cli(['cache', 'scan', '--dir', d, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as ScanJson;
    assert.deepEqual(j.repos.map((x) => x.id), ['org/good']);
    assert.ok(j.warnings.some((w) => /^models--org--bad: snapshots links to \/mnt\/gone\/snapshots, which is missing/.test(w)), j.warnings.join('\n'));
  });
});
