/**
 * Publish Model to the Hub: our core driving the real @huggingface/hub (createRepo, commit with plain
 * LFS) against the loopback Hub's write side, then reading the repo back with the tree API.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRepo, HubApiError } from '@huggingface/hub';
import { HubClient } from '../../src/core/hub/hubApi';
import { PublishError, publishModel, type PublishParams, type PublishProgress } from '../../src/core/hub/publish';
import { ForeignOrigin } from '../fixtures/hub/foreignOrigin';
import { FixtureHub } from '../fixtures/hub/server';
import { publishableFolder } from '../fixtures/models/publishable';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const gitSha1 = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

/** Every file under `dir`, "/"-separated, sorted. */
function filesOf(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesOf(dir, prefix ? `${prefix}/${e.name}` : e.name) : [prefix ? `${prefix}/${e.name}` : e.name]))
    .sort();
}

describe('Publish Model to the Hub (the real @huggingface/hub against the loopback Hub)', () => {
  let hub: FixtureHub;
  beforeEach(async () => {
    hub = new FixtureHub();
    hub.tokenRole = 'write';
    await hub.start();
  });
  afterEach(() => hub.stop());

  const publish = (o: Partial<PublishParams> & { dir: string; repoId: string }) => publishModel({ endpoint: hub.url, token: hub.token, ...o });
  const writes = () => hub.requests.filter((r) => r.method !== 'GET');
  const puts = () => hub.requests.filter((r) => r.method === 'PUT').map((r) => r.url.split('?')[0]!);
  const tree = (id: string) => new HubClient({ endpoint: hub.url, token: hub.token }).tree(id);

  /** The repo's tree matches the folder: the same paths, sizes, and sha256 (LFS) or git sha1 (regular). */
  async function assertMirrors(id: string, dir: string): Promise<void> {
    const listed = (await tree(id)).filter((f) => f.path !== '.gitattributes');
    assert.deepEqual(listed.map((f) => f.path).sort(), filesOf(dir));
    for (const f of listed) {
      const data = fs.readFileSync(path.join(dir, f.path));
      if (f.lfs) {
        assert.equal(f.lfs.oid, sha256(data), `sha256 of ${f.path}`);
        assert.equal(f.lfs.size, data.length, `size of ${f.path}`);
      } else {
        assert.equal(f.oid, gitSha1(data), `git sha1 of ${f.path}`);
        assert.equal(f.size, data.length, `size of ${f.path}`);
      }
    }
  }

  it('publishes a folder: the repo is created and lists every file with its size and sha256; large files went through LFS', async () => {
    const dir = publishableFolder();
    const progress: PublishProgress[] = [];
    const r = await publish({ dir, repoId: 'fixture-user/sentiment', onProgress: (p) => progress.push(p) });
    assert.equal(r.repo, 'fixture-user/sentiment');
    assert.equal(r.url, `${hub.url}/fixture-user/sentiment`);
    assert.equal(r.created, true);
    assert.deepEqual(r.uploaded, filesOf(dir));
    assert.deepEqual(r.unchanged, []);
    assert.equal(r.commit, hub.commitOf('fixture-user/sentiment'));
    assert.equal(r.commitUrl, `${hub.url}/fixture-user/sentiment/commit/${r.commit}`);
    await assertMirrors('fixture-user/sentiment', dir);
    const listed = await tree('fixture-user/sentiment');
    assert.ok(listed.find((f) => f.path === 'model.safetensors')?.lfs, 'safetensors went through LFS');
    assert.ok(listed.find((f) => f.path === 'onnx/model.onnx')?.lfs, 'onnx went through LFS');
    assert.equal(listed.find((f) => f.path === 'config.json')?.lfs, undefined, 'config.json is a regular file');
    // One PUT per LFS object, one commit, all with the token only on the Hub's own origin.
    assert.equal(puts().length, listed.filter((f) => f.lfs).length);
    assert.equal(hub.upload.commits.length, 1);
    // Plain LFS: the batch request does not offer Xet (useXet: false).
    assert.deepEqual(hub.upload.batchTransfers, [['basic', 'multipart']]);
    assert.equal(hub.upload.commits[0]!.title, `Upload ${path.basename(dir)} with AI Lab`);
    const lfsCount = listed.filter((f) => f.lfs).length;
    assert.ok(progress.some((p) => p.phase === 'uploading' && p.filesDone === lfsCount && p.files === r.uploaded.length), JSON.stringify(progress.filter((p) => p.phase === 'uploading')));
    assert.deepEqual(progress.filter((p) => p.phase === 'committing').length, 1);
  });

  it('re-publishing sends only what changed (one LFS file: one PUT, a commit of that path); nothing changed: no commit at all', async () => {
    const dir = publishableFolder();
    await publish({ dir, repoId: 'fixture-user/again' });
    const before = hub.requests.length;
    fs.appendFileSync(path.join(dir, 'tokenizer.json'), '\n');
    const changed = fs.readFileSync(path.join(dir, 'tokenizer.json'));
    const r = await publish({ dir, repoId: 'fixture-user/again', message: 'Tokenizer: trailing newline' });
    assert.equal(r.created, false);
    assert.deepEqual(r.uploaded, ['tokenizer.json']);
    assert.deepEqual(r.unchanged, filesOf(dir).filter((f) => f !== 'tokenizer.json'));
    const sent = hub.requests.slice(before).filter((q) => q.method === 'PUT');
    assert.deepEqual(sent.map((q) => q.url.split('?')[0]!.split('/').pop()), [sha256(changed)]);
    assert.deepEqual(hub.upload.commits.at(-1), { repo: 'fixture-user/again', oid: r.commit, title: 'Tokenizer: trailing newline', paths: ['tokenizer.json'] });
    await assertMirrors('fixture-user/again', dir);
    // A regular file changed: no PUT at all, its content goes in the commit.
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8')), model_max_length: 64 }));
    const mark = hub.requests.length;
    const r2 = await publish({ dir, repoId: 'fixture-user/again' });
    assert.deepEqual(r2.uploaded, ['tokenizer_config.json']);
    assert.equal(hub.requests.slice(mark).filter((q) => q.method === 'PUT').length, 0);
    await assertMirrors('fixture-user/again', dir);
    const commits = hub.upload.commits.length;
    const r3 = await publish({ dir, repoId: 'fixture-user/again' });
    assert.deepEqual([r3.uploaded, r3.unchanged.length, r3.commit], [[], filesOf(dir).length, r2.commit]);
    assert.equal(hub.upload.commits.length, commits, 'no commit when nothing changed');
  });

  it('a read token stops before anything is written, naming where to make a write token; no repo is created', async () => {
    hub.tokenRole = 'read';
    const dir = publishableFolder();
    await assert.rejects(publish({ dir, repoId: 'fixture-user/nope' }), (e: unknown) => {
      assert.ok(e instanceof PublishError);
      assert.equal(e.kind, 'read-token');
      assert.match(e.message, /has the read role: it can download but not publish\. Create a token with the write role at https:\/\/huggingface\.co\/settings\/tokens/);
      assert.equal(e.extra.settingsUrl, 'https://huggingface.co/settings/tokens');
      return true;
    });
    assert.deepEqual(writes(), []);
    await assert.rejects(tree('fixture-user/nope'), /not found/);
  });

  it('a fine-grained token: publishes with repo.write on the user; without it, the read-token error', async () => {
    hub.tokenRole = 'fineGrained';
    hub.fineGrained = { global: ['discussion.write'], scoped: [{ entity: { type: 'user', name: 'fixture-user' }, permissions: ['repo.content.read'] }] };
    const dir = publishableFolder();
    await assert.rejects(publish({ dir, repoId: 'fixture-user/fg' }), (e: unknown) => e instanceof PublishError && e.kind === 'read-token' && /fine-grained without "Write access to contents\/settings of repos" for fixture-user\/fg/.test(e.message));
    assert.deepEqual(writes(), []);
    hub.fineGrained.scoped[0]!.permissions.push('repo.write');
    const r = await publish({ dir, repoId: 'fixture-user/fg' });
    assert.equal(r.created, true);
    await assertMirrors('fixture-user/fg', dir);
  });

  it('a name taken by another user: a clear error before any write, and the Hub (stand-in) refuses it too, as the Hub does', async () => {
    hub.addRepo({ id: 'someone-else/sentiment', files: { 'config.json': '{}' } });
    const commit = hub.commitOf('someone-else/sentiment');
    const dir = publishableFolder();
    await assert.rejects(publish({ dir, repoId: 'someone-else/sentiment' }), (e: unknown) => {
      assert.ok(e instanceof PublishError);
      assert.equal(e.kind, 'no-rights');
      assert.match(e.message, /fixture-user cannot publish to someone-else\/sentiment: someone-else is another user or an organization you are not a member of\. Publish under a namespace you can write to \(fixture-user\/…, fixture-org\/…\)/);
      return true;
    });
    assert.deepEqual(writes(), []);
    assert.equal(hub.commitOf('someone-else/sentiment'), commit);
    // What the Hub answers a client that asks anyway: 403 for another's namespace, 409 for one's own existing repo.
    await assert.rejects(createRepo({ repo: { type: 'model', name: 'someone-else/sentiment' }, accessToken: hub.token, hubUrl: hub.url }), (e: unknown) => e instanceof HubApiError && e.statusCode === 403 && /You don't have the rights to create a model under the namespace "someone-else"/.test(e.message));
    await publish({ dir, repoId: 'fixture-org/sentiment' });
    await assert.rejects(createRepo({ repo: { type: 'model', name: 'fixture-org/sentiment' }, accessToken: hub.token, hubUrl: hub.url }), (e: unknown) => e instanceof HubApiError && e.statusCode === 409 && /You already created this model repo/.test(e.message));
    // An organization where the user only reads.
    hub.orgs['readers-org'] = 'read';
    await assert.rejects(publish({ dir, repoId: 'readers-org/sentiment' }), (e: unknown) => e instanceof PublishError && e.kind === 'no-rights' && /your role in the organization readers-org is read/.test(e.message));
  });

  it('a cut during an LFS upload fails cleanly (nothing committed, the cut object not stored); a re-run sends only what is missing', async () => {
    const dir = publishableFolder();
    hub.faults.push({ match: '/lfs-upload/', kind: 'cut', afterBytes: 100, times: 1 });
    await assert.rejects(publish({ dir, repoId: 'fixture-user/cut' }), (e: unknown) => {
      assert.ok(e instanceof PublishError, String(e));
      assert.equal(e.kind, 'network');
      assert.match(e.message, /The upload to 127\.0\.0\.1:\d+ was cut \(.+\)\. Nothing was committed: fixture-user\/cut is as it was\. Publish again to resume/);
      return true;
    });
    // The repo was created, and holds only what the Hub puts in a new repo.
    assert.deepEqual((await tree('fixture-user/cut')).map((f) => f.path), ['.gitattributes']);
    assert.equal(hub.upload.commits.length, 0);
    assert.equal(hub.requests.filter((q) => q.url.includes('/commit/')).length, 0);
    const cutOid = hub.requests.find((q) => q.method === 'PUT')!.url.split('?')[0]!.split('/').pop()!;
    const stored = hub.upload.storedObjects('fixture-user/cut');
    assert.ok(!stored.includes(cutOid), 'the cut object was not stored');
    const mark = hub.requests.length;
    const r = await publish({ dir, repoId: 'fixture-user/cut' });
    assert.equal(r.created, false);
    const resent = hub.requests.slice(mark).filter((q) => q.method === 'PUT').map((q) => q.url.split('?')[0]!.split('/').pop()!);
    assert.ok(resent.includes(cutOid));
    assert.deepEqual(resent.filter((o) => stored.includes(o)), [], 'objects stored before the cut are not sent again');
    await assertMirrors('fixture-user/cut', dir);
  });

  it('the Hub stand-in refuses a commit naming an LFS object never uploaded, and the repo stays as it was', async () => {
    const dir = publishableFolder();
    await publish({ dir, repoId: 'fixture-user/atomic' });
    const commit = hub.commitOf('fixture-user/atomic');
    const body = [
      { key: 'header', value: { summary: 'half' } },
      { key: 'file', value: { path: 'notes.txt', content: 'aGk=', encoding: 'base64' } },
      { key: 'lfsFile', value: { path: 'big.bin', algo: 'sha256', oid: 'a'.repeat(64), size: 10 } },
    ].map((l) => JSON.stringify(l)).join('\n');
    const res = await fetch(`${hub.url}/api/models/fixture-user/atomic/commit/main`, { method: 'POST', headers: { Authorization: `Bearer ${hub.token}`, 'Content-Type': 'application/x-ndjson' }, body });
    assert.equal(res.status, 422);
    assert.match(((await res.json()) as { error: string }).error, /LFS object a{64} for big\.bin was not uploaded/);
    assert.equal(hub.commitOf('fixture-user/atomic'), commit);
    assert.ok(!(await tree('fixture-user/atomic')).some((f) => f.path === 'notes.txt'));
    // An object PUT whose bytes are not its sha256 is refused and not stored.
    const put = await fetch(`${hub.url}/lfs-upload/model:fixture-user%2Fatomic/${'b'.repeat(64)}?size=3`, { method: 'PUT', headers: { Authorization: `Bearer ${hub.token}` }, body: 'abc' });
    assert.equal(put.status, 400);
    assert.match(((await put.json()) as { error: string }).error, /sha256 mismatch/);
    assert.ok(!hub.upload.storedObjects('fixture-user/atomic').includes('b'.repeat(64)));
  });

  it('uploads in parts when the LFS batch says multipart, then completes; the repo lists the right sha256', async () => {
    hub.upload.multipartChunkBytes = 200;
    const dir = publishableFolder();
    await publish({ dir, repoId: 'fixture-user/parts' });
    assert.ok(hub.requests.some((q) => q.method === 'PUT' && /\/part\/2\?/.test(q.url)), 'parts were sent');
    assert.ok(hub.requests.some((q) => q.method === 'POST' && q.url.endsWith('/complete')), 'the upload was completed');
    await assertMirrors('fixture-user/parts', dir);
  });

  it('LFS objects go to the storage host the batch names (another origin) without the token; the Hub gets it', async () => {
    const storage = new ForeignOrigin(() => hub.url);
    await storage.start();
    try {
      hub.upload.uploadBase = storage.url;
      const dir = publishableFolder();
      await publish({ dir, repoId: 'fixture-user/storage' });
      assert.ok(storage.requests.filter((q) => q.method === 'PUT').length >= 3, 'the PUTs went to the storage origin');
      assert.deepEqual(storage.withAuthorization(), [], 'no token reached the storage origin');
      assert.ok(hub.requests.filter((q) => q.url.includes('/commit/')).every((q) => q.headers.authorization === `Bearer ${hub.token}`));
      await assertMirrors('fixture-user/storage', dir);
    } finally {
      await storage.stop();
    }
  });

  it('refuses an invalid repo id before any request, saying what to change', async () => {
    const dir = publishableFolder();
    const cases: Array<[string, RegExp]> = [
      ['my model', /The name "my model" has characters the Hub does not allow \(" "\)/],
      ['a/b/c', /"a\/b\/c" has 2 slashes/],
      ['user/-model', /must start and end with a letter or digit/],
      ['user/my--model', /"--" or "\.\."/],
      ['user/model.git', /ends in "\.git"/],
      [`user/${'x'.repeat(97)}`, /97 characters; the Hub allows at most 96/],
      ['/model', /empty namespace/],
      ['', /empty/],
    ];
    for (const [id, re] of cases) {
      await assert.rejects(publish({ dir, repoId: id }), (e: unknown) => e instanceof PublishError && e.kind === 'invalid-id' && re.test(e.message), id);
    }
    assert.deepEqual(hub.requests, []);
  });

  it('a folder with validation errors stops before any request; warnings stop unless confirmed', async () => {
    const broken = publishableFolder((f) => {
      f['config.json'] = JSON.stringify({ ...JSON.parse(String(f['config.json'])), vocab_size: 5 });
    });
    await assert.rejects(publish({ dir: broken, repoId: 'fixture-user/broken', confirmWarnings: async () => true }), (e: unknown) => {
      assert.ok(e instanceof PublishError);
      assert.equal(e.kind, 'validation');
      assert.match(e.message, /validation error.*fix (it|them) first/s);
      assert.ok(e.extra.report!.errors > 0);
      return true;
    });
    const noCard = publishableFolder((f) => delete f['README.md']);
    await assert.rejects(publish({ dir: noCard, repoId: 'fixture-user/nocard' }), (e: unknown) => e instanceof PublishError && e.kind === 'warnings' && /card\.present \(README\.md\): No model card/.test(e.message));
    assert.deepEqual(hub.requests, []);
    const asked: number[] = [];
    const r = await publish({ dir: noCard, repoId: 'fixture-user/nocard', confirmWarnings: async (rep) => (asked.push(rep.warnings), true) });
    assert.deepEqual(asked, [1]);
    assert.ok(!r.uploaded.includes('README.md'));
  });

  it('leaves out .git/, .cache/ and likely secrets, and says why; a new repo can be private', async () => {
    const dir = publishableFolder();
    fs.mkdirSync(path.join(dir, '.git'));
    fs.writeFileSync(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    fs.mkdirSync(path.join(dir, '.cache', 'huggingface'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.cache', 'huggingface', 'x.lock'), '');
    fs.writeFileSync(path.join(dir, '.env'), 'HF_TOKEN=hf_secret\n');
    const r = await publish({ dir, repoId: 'fixture-user/private-one', private: true });
    assert.deepEqual(r.skipped.map((s) => s.path), ['.cache/', '.env', '.git/']);
    assert.match(r.skipped.find((s) => s.path === '.env')!.why, /secrets/);
    assert.ok(!r.uploaded.some((p) => p.startsWith('.git/') || p.startsWith('.cache/') || p === '.env'));
    // Private: not listed to anyone without the token.
    const anonymous = await fetch(`${hub.url}/api/models/fixture-user/private-one`);
    assert.equal(anonymous.status, 401);
    // --private on an existing public repo does not change it, and says so.
    await publish({ dir, repoId: 'fixture-user/public-one' });
    const again = await publish({ dir, repoId: 'fixture-user/public-one', private: true });
    assert.match(again.notes.join(' '), /exists and is public, and stays so: private applies only to a new repo/);
  });

  it('cancelling stops the upload and commits nothing', async () => {
    const dir = publishableFolder();
    const abort = new AbortController();
    hub.faults.push({ match: '/lfs-upload/', kind: 'hang', times: 10 });
    const run = publish({ dir, repoId: 'fixture-user/cancel', signal: abort.signal, onProgress: (p) => p.phase === 'uploading' && setTimeout(() => abort.abort(), 50) });
    await assert.rejects(run, (e: unknown) => e instanceof PublishError && e.kind === 'cancelled' && /nothing was committed/.test(e.message));
    assert.equal(hub.upload.commits.length, 0);
  });
});
