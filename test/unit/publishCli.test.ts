/** `ai-lab upload DIR REPO_ID` (dist/cli.js as a child process) against the loopback Hub's write side. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliAsync } from '../fixtures/cli';
import { FixtureHub } from '../fixtures/hub/server';
import { publishableFolder } from '../fixtures/models/publishable';

describe('CLI: ai-lab upload', () => {
  let hub: FixtureHub;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-upload-home-'));
  before(async () => {
    hub = new FixtureHub();
    hub.tokenRole = 'write';
    await hub.start();
  });
  after(() => hub.stop());
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => cliAsync(['upload', ...args], { HF_HOME: home, HF_ENDPOINT: hub.url, HF_TOKEN: hub.token, ...env });
  const writes = () => hub.requests.filter((r) => r.method !== 'GET').length;

  it('publishes with --json (repo, url, commit, uploaded, unchanged, created) and progress on stderr; a re-run uploads nothing', async () => {
    const dir = publishableFolder();
    const r = await run([dir, 'fixture-user/cli-model', '--json', '--message', 'First upload']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { repo: string; url: string; commit: string; uploaded: string[]; unchanged: string[]; created: boolean };
    assert.equal(j.repo, 'fixture-user/cli-model');
    assert.equal(j.url, `${hub.url}/fixture-user/cli-model`);
    assert.equal(j.commit, hub.commitOf('fixture-user/cli-model'));
    assert.ok(j.uploaded.includes('model.safetensors') && j.uploaded.includes('config.json'));
    assert.deepEqual([j.unchanged, j.created], [[], true]);
    assert.match(r.stderr, /Validating the folder…\nChecking the token…\nRepo fixture-user\/cli-model…\n\d+ files to upload \(.+\), 0 unchanged\.\n/);
    assert.match(r.stderr, /Committing \d+ files…/);
    assert.equal(hub.upload.commits.at(-1)!.title, 'First upload');
    const again = await run([dir, 'fixture-user/cli-model']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`^Nothing changed: fixture-user/cli-model has every file already \\(${j.uploaded.length} unchanged; commit ${j.commit.slice(0, 12)}\\)\\.\\n${hub.url}/fixture-user/cli-model\\n$`));
  });

  it('validation errors: exit 1 with the findings, nothing sent', async () => {
    const dir = publishableFolder((f) => {
      f['config.json'] = JSON.stringify({ ...JSON.parse(String(f['config.json'])), vocab_size: 5 });
    });
    const before = writes();
    const r = await run([dir, 'fixture-user/broken', '--yes']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /ai-lab: \d+ validation errors? in .*fix (it|them) first:\n  tokenizer\.size \(tokenizer\.json\): The tokenizer has 56 ids/);
    assert.equal(writes(), before);
  });

  it('no card and no terminal to ask: exit 1 naming --yes and --card; --card writes the card to fill in and stops; --yes publishes', async () => {
    const dir = publishableFolder((f) => delete f['README.md']);
    const before = writes();
    const r = await run([dir, 'fixture-user/no-card']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /1 validation warning in .*card\.present \(README\.md\): No model card/s);
    assert.match(r.stderr, /Nothing was uploaded\. A terminal was not there to ask: fix them, or run again with --yes to publish anyway\. --card writes a model card to fill in\./);
    const card = await run([dir, 'fixture-user/no-card', '--card']);
    assert.equal(card.status, 1);
    assert.match(card.stderr, /Wrote .*README\.md: fill in the TODO fields .* Nothing was uploaded\./);
    assert.match(fs.readFileSync(path.join(dir, 'README.md'), 'utf8'), /^---\nlibrary_name: transformers\npipeline_tag: text-classification\n/);
    assert.equal(writes(), before);
    // The scaffold's license is still to fill: a warning, which --yes accepts.
    const yes = await run([dir, 'fixture-user/no-card', '--yes', '--json']);
    assert.equal(yes.status, 0, yes.stderr);
    assert.ok((JSON.parse(yes.stdout) as { uploaded: string[] }).uploaded.includes('README.md'));
  });

  it('a read token: exit 1 with where to make a write token; no token at all: the same advice', async () => {
    hub.tokenRole = 'read';
    try {
      const r = await run([publishableFolder(), 'fixture-user/read-only']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /ai-lab: The token "ai-lab-tests" has the read role: it can download but not publish\. Create a token with the write role at https:\/\/huggingface\.co\/settings\/tokens and use it: set HF_TOKEN or run `hf auth login`\./);
    } finally {
      hub.tokenRole = 'write';
    }
    const none = await run([publishableFolder(), 'fixture-user/anon'], { HF_TOKEN: '' });
    assert.equal(none.status, 1);
    assert.match(none.stderr, /Not signed in: publishing needs a Hugging Face token with the write role\. Create one at https:\/\/huggingface\.co\/settings\/tokens/);
  });

  it('argument errors exit 2: an invalid repo id, a missing folder, a file, a missing argument', async () => {
    const dir = publishableFolder();
    const bad = await run([dir, 'user/my--model']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /ai-lab: The name "my--model" has "--" or "\.\.", which the Hub does not allow\./);
    assert.equal((await run([path.join(dir, 'nope'), 'u/m'])).status, 2);
    const file = await run([path.join(dir, 'config.json'), 'u/m']);
    assert.equal(file.status, 2);
    assert.match(file.stderr, /is a file, not a model folder/);
    assert.equal((await run([dir])).status, 2);
    const help = await cliAsync(['upload', '--help'], {});
    assert.match(help.stdout, /upload DIR REPO_ID \[--private\] \[--message M\] \[--yes\] \[--card\] \[--json\]/);
  });
});
