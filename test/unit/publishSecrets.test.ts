/** What a publish never sends: credential files by name, and any file holding a Hugging Face token. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashFile, localFiles } from '../../src/core/hub/publishPlan';
import { isSecretName, TokenScanner } from '../../src/core/hub/secretFiles';
import { cliAsync } from '../fixtures/cli';
import { FixtureHub } from '../fixtures/hub/server';
import { publishableFolder } from '../fixtures/models/publishable';

/** A token in the Hub's format ("hf_" + 34 letters and digits), made up for the test. */
const FAKE_TOKEN = 'hf_' + 'AbCdEfGhIjKlMnOpQrStUvWxYz01234567';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-secrets-'));
}

describe('Publish: secrets are never sent', () => {
  it('credential files of common tools and private keys are secrets by name; model files are not', () => {
    for (const n of ['.env', '.env.local', '.netrc', '_netrc', '.git-credentials', '.npmrc', '.pypirc', '.pgpass', 'credentials.json', 'client_secret_123.apps.json', 'server.key', 'cert.PEM', 'store.p12', 'a.pfx', 'id_rsa', 'id_ed25519.pub', 'id_ecdsa']) {
      assert.ok(isSecretName(n), n);
    }
    for (const n of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors', 'README.md', 'special_tokens_map.json', 'vocab.txt', 'environment.yml', 'keys.txt']) {
      assert.ok(!isSecretName(n), n);
    }
  });

  it('the token scanner finds the token in use at any size, a token split across two chunks, and the Hub token pattern only as a whole word', () => {
    const scan = (chunks: string[], token?: string, size = 100) => {
      const s = new TokenScanner(token, size);
      for (const c of chunks) s.push(Buffer.from(c, 'latin1'));
      return s.found;
    };
    assert.equal(scan(['x = "my-own', '-token-123"'], 'my-own-token-123', 1e9), true);
    assert.equal(scan([`tok="${FAKE_TOKEN.slice(0, 10)}`, `${FAKE_TOKEN.slice(10)}"`]), true);
    assert.equal(scan([`a ${FAKE_TOKEN}X`]), false, 'a longer word is not a token');
    assert.equal(scan([`my_hf_${FAKE_TOKEN.slice(3)}`]), false, 'inside an identifier');
    assert.equal(scan([FAKE_TOKEN]), true);
    // Past 16 MB (weights), only the exact token in use is looked for.
    assert.equal(scan([FAKE_TOKEN], undefined, 17 * 1024 * 1024), false);
    assert.equal(scan(['hf_short']), false);
  });

  it('localFiles leaves out credential folders and files, and files holding a token, each with why; hashes cover what was read', async () => {
    const dir = tmpDir();
    const w = (p: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      fs.writeFileSync(path.join(dir, p), text);
    };
    w('config.json', '{"model_type":"bert"}');
    w('.git-credentials', 'https://u:pw@example.com\n');
    w('.npmrc', '//registry/:_authToken=x\n');
    w('.ssh/id_ed25519', 'key');
    w('.aws/credentials', '[default]\n');
    w('train.py', `login(token="${FAKE_TOKEN}")\n`);
    w('notes/run.txt', 'HF_TOKEN=the-token-in-use-42\n');
    const r = await localFiles(dir, undefined, undefined, 'the-token-in-use-42');
    assert.deepEqual(r.files.map((f) => f.path), ['config.json']);
    assert.deepEqual(r.skipped.map((s) => s.path), ['.aws/', '.git-credentials', '.npmrc', '.ssh/', 'notes/run.txt', 'train.py']);
    assert.match(r.skipped.find((s) => s.path === 'train.py')!.why, /holds a Hugging Face access token: never published \(remove the token/);
    assert.match(r.skipped.find((s) => s.path === '.ssh/')!.why, /may hold secrets/);
    const h = await hashFile(path.join(dir, 'config.json'));
    assert.deepEqual([h.size, h.holdsToken], [21, false]);
  });

  it('ai-lab upload: a script holding the token and a .git-credentials file are not uploaded and are listed as skipped', async () => {
    const hub = new FixtureHub();
    hub.tokenRole = 'write';
    await hub.start();
    try {
      const dir = publishableFolder();
      fs.writeFileSync(path.join(dir, 'push.sh'), `HF_TOKEN=${hub.token} hf upload x .\n`);
      fs.writeFileSync(path.join(dir, '.git-credentials'), 'https://u:pw@huggingface.co\n');
      const home = tmpDir();
      const r = await cliAsync(['upload', dir, 'fixture-user/secrets', '--yes', '--json'], { HF_HOME: home, HF_ENDPOINT: hub.url, HF_TOKEN: hub.token });
      assert.equal(r.status, 0, r.stderr);
      const j = JSON.parse(r.stdout) as { uploaded: string[]; skipped: { path: string; why: string }[] };
      assert.ok(j.uploaded.includes('config.json'));
      assert.ok(!j.uploaded.includes('push.sh') && !j.uploaded.includes('.git-credentials'));
      assert.deepEqual(j.skipped.map((s) => s.path), ['.git-credentials', 'push.sh']);
      const committed = hub.upload.commits.flatMap((c) => c.paths);
      assert.ok(committed.includes('config.json'));
      assert.ok(!committed.includes('push.sh') && !committed.includes('.git-credentials'), committed.join(', '));
    } finally {
      hub.stop();
    }
  });
});
