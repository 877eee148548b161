import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { safeRepoPath } from '../../src/core/hub/cacheLayout';
import { DatasetViewer } from '../../src/core/hub/datasetViewer';
import { HubClient } from '../../src/core/hub/hubApi';
import { repoNameProblem, selectWritable } from '../../src/core/hub/repoFileNames';
import { downloadSnapshot, HubError, type SnapshotParams } from '../../src/core/hub/snapshot';
import { FixtureHub } from '../fixtures/hub/server';

const REPO = 'acme/answers';
const files = { 'config.json': '{"model_type":"bert"}', 'tokenizer.json': '{"version":"1.0"}', 'README.md': '# answers' };
const invalid = (re: RegExp) => (e: unknown) => e instanceof HubError && e.kind === 'invalid' && re.test(e.message);

describe('Hub answers that are not what the Hub sends, a busy Hub, names this OS cannot hold', () => {
  let hub: FixtureHub;
  let cacheDir: string;
  const params = (over: Partial<SnapshotParams> = {}): SnapshotParams => ({
    repoId: REPO,
    endpoint: hub.url,
    cacheDir,
    select: (n) => n,
    retry: { attempts: 3, baseDelayMs: 10, timeoutMs: 3000 },
    ...over,
  });

  beforeEach(async () => {
    hub = new FixtureHub();
    hub.addRepo({ id: REPO, files });
    await hub.start();
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-answers-'));
  });
  afterEach(async () => {
    await hub.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('a 503 with a long Retry-After is reported at once, with the status and the wait, not retried for minutes', async () => {
    await downloadSnapshot(params());
    hub.faults.push({ match: '/api/models/', kind: 'status', status: 503, times: 10, retryAfter: '3600' });
    const asked = hub.requests.length;
    const started = Date.now();
    // Even with the repo cached: a busy Hub is said, not taken for offline.
    await assert.rejects(downloadSnapshot(params()), (e: unknown) => e instanceof HubError && e.kind === 'network' && /127\.0\.0\.1:\d+ is busy \(HTTP 503\) and asked to retry after 3600 s/.test(e.message));
    assert.ok(Date.now() - started < 2000, `reported in ${Date.now() - started} ms`);
    assert.equal(hub.requests.length - asked, 1, 'one asking, no retry');
    // The same on a file download: never "no data for 30 s".
    fs.rmSync(cacheDir, { recursive: true, force: true });
    hub.faults.length = 0;
    hub.faults.push({ match: 'tokenizer.json', kind: 'status', status: 503, times: 10, retryAfter: '120' });
    await assert.rejects(downloadSnapshot(params()), /Downloading acme\/answers\/tokenizer\.json failed: .*is busy \(HTTP 503\) and asked to retry after 120 s|acme\/answers: .*is busy \(HTTP 503\) and asked to retry after 120 s/);
    // A short Retry-After is still waited for.
    hub.faults.push({ match: 'README.md', kind: 'status', status: 503, times: 1, retryAfter: '0' });
    await downloadSnapshot(params({ select: () => ['README.md'] }));
  });

  it('an HTML page (captive portal) or malformed JSON from the API is a clear error, never offline, never the cache', async () => {
    await downloadSnapshot(params());
    hub.faults.push({ match: '/api/models/', kind: 'html', times: 1 });
    await assert.rejects(downloadSnapshot(params()), invalid(/127\.0\.0\.1:\d+ answered \/api\/models\/acme\/answers\/revision\/main with a web page \(content type text\/html; charset=utf-8\) instead of JSON: a proxy login or captive portal page\? .*HF_ENDPOINT/));
    hub.faults.push({ match: '/tree/', kind: 'malformed', times: 1 });
    await assert.rejects(downloadSnapshot(params()), invalid(/answered \/api\/models\/acme\/answers\/tree\/[0-9a-f]{40} with malformed JSON \(content type application\/json: /));
    const c = new HubClient({ endpoint: hub.url, retry: { attempts: 1 } });
    hub.faults.push({ match: '/api/models', kind: 'html', times: 1 });
    await assert.rejects(c.searchModels({}), invalid(/^Searching models: 127\.0\.0\.1:\d+ answered \/api\/models with a web page/));
    hub.faults.push({ match: '/api/tasks', kind: 'malformed', times: 1 });
    await assert.rejects(c.tasks(), invalid(/^Listing tasks: .*malformed JSON/));
    hub.addRepo({ id: 'acme/ds', type: 'dataset', files: { 'x.csv': 'a' }, viewer: { configs: { default: { features: {}, splits: { train: [] } } } } });
    const v = new DatasetViewer({ base: `${hub.url}/datasets-server`, hubEndpoint: hub.url });
    hub.faults.push({ match: '/datasets-server/info', kind: 'html', times: 1 });
    await assert.rejects(v.configs('acme/ds'), invalid(/^Dataset acme\/ds: .*web page .*aiLab\.datasetsServerEndpoint/));
  });

  it('a web page served for a file is not saved as the file, and the message says what came back', async () => {
    hub.faults.push({ match: 'README.md', kind: 'html', times: 1 });
    await assert.rejects(downloadSnapshot(params()), /Downloading acme\/answers\/README\.md failed: 127\.0\.0\.1:\d+ sent a web page \(content type text\/html; charset=utf-8\) instead of the file: a proxy login or captive portal page\? Nothing was saved/);
    const blobs = path.join(cacheDir, 'models--acme--answers', 'blobs');
    const sizes = fs.readdirSync(blobs).map((b) => fs.statSync(path.join(blobs, b)).size);
    assert.ok(!sizes.some((s) => s > 50), 'no HTML bytes kept');
  });

  it('file names: per-OS rules, given the platform', () => {
    for (const name of ['a:b.json', 'CON.txt', 'dir/nul', 'x.', 'dir /y', 'a|b', 'q?.json', 'a<b', 'com1', 'tab\there', 'C:x']) {
      assert.equal(repoNameProblem(name, 'linux'), undefined, name);
      const w = repoNameProblem(name, 'win32');
      assert.ok(w, `${name} is refused on Windows`);
      assert.equal(w.escapes, false, name);
    }
    assert.match(repoNameProblem('a:b.json', 'win32')!.reason, /":" is not allowed in a file name on Windows/);
    assert.match(repoNameProblem('CON.txt', 'win32')!.reason, /reserved device name/);
    assert.match(repoNameProblem('x.', 'win32')!.reason, /ends with a dot or space/);
    for (const name of ['../x', 'a/../b', '/etc/passwd', 'a//b', './a', '', 'a\\b']) {
      for (const platform of ['linux', 'darwin', 'win32']) assert.equal(repoNameProblem(name, platform)?.escapes, true, `${name} on ${platform}`);
    }
    for (const name of ['onnx/model.onnx', 'conv.txt', 'console/a', 'a.b/c']) assert.equal(repoNameProblem(name, 'win32'), undefined, name);
    assert.equal(safeRepoPath('a:b.json', 'linux'), 'a:b.json');
    assert.throws(() => safeRepoPath('a:b.json', 'win32'), /Cannot save "a:b\.json" on this system: ":" is not allowed/);
  });

  it('a name this OS cannot hold is skipped with a warning unless the selection needs it', () => {
    const bad = new Map([['a:b.json', repoNameProblem('a:b.json', 'win32')!]]);
    const all = (n: string[]) => n;
    assert.deepEqual(selectWritable(all, ['config.json'], bad), { files: ['config.json'], skipped: [{ path: 'a:b.json', reason: 'Cannot save "a:b.json" on this system: ":" is not allowed in a file name on Windows' }] });
    const only = (n: string[]) => {
      const c = n.filter((f) => f === 'a:b.json');
      if (!c.length) throw new Error('No file matches a:b.json');
      return c;
    };
    assert.throws(() => selectWritable(only, ['config.json'], bad), invalid(/Cannot save "a:b\.json" on this system: .* The selection needs it/));
    assert.throws(() => selectWritable(() => ['a:b.json'], ['config.json'], bad), /The selection needs it/);
    const other = () => {
      throw new Error('no ONNX weights');
    };
    assert.throws(() => selectWritable(other, ['config.json'], bad), /^Error: no ONNX weights$/);
  });

  it('downloads: an escaping name left out by the selection is skipped with a warning; selected, it is refused; a:b.json is fine here on POSIX', async () => {
    hub.addRepo({ id: 'evil/mixed', files: { '../../../../tmp/pwned': 'x', 'config.json': '{}', ...(process.platform === 'win32' ? {} : { 'a:b.json': '{}' }) } });
    const logs: string[] = [];
    const r = await downloadSnapshot(params({ repoId: 'evil/mixed', log: (m) => logs.push(m) }));
    assert.deepEqual(r.skipped.map((s) => s.path), ['../../../../tmp/pwned']);
    assert.match(r.skipped[0]!.reason, /Refusing repo file name "..\/..\/..\/..\/tmp\/pwned": ".." segment; it would escape the cache/);
    assert.ok(logs.some((l) => /^warning: evil\/mixed: skipped \.\.\/\.\.\/\.\.\/\.\.\/tmp\/pwned/.test(l)));
    if (process.platform !== 'win32') assert.equal(fs.readFileSync(path.join(r.dir, 'a:b.json'), 'utf8'), '{}');
    await assert.rejects(downloadSnapshot(params({ repoId: 'evil/mixed', select: () => ['../../../../tmp/pwned'] })), invalid(/Refusing repo file name .* The selection needs it/));
  });
});
