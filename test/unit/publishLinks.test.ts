/** Validation follows symbolic links, publishing does not: a folder of linked model files is refused before anything is sent. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PublishError, publishModel } from '../../src/core/hub/publish';
import { linkedModelFiles } from '../../src/core/hub/publishPlan';
import { validateModelFolder } from '../../src/core/model/validateFolder';
import { cliAsync } from '../fixtures/cli';
import { FixtureHub } from '../fixtures/hub/server';
import { publishableFolder } from '../fixtures/models/publishable';

const posixOnly = process.platform === 'win32' ? describe.skip : describe;

/** A folder whose entries are symbolic links to the publishable folder's (a Hub cache snapshot's layout). */
function linkedFolder(): string {
  const real = publishableFolder();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-linked-'));
  for (const name of fs.readdirSync(real)) fs.symlinkSync(path.join(real, name), path.join(dir, name));
  return dir;
}

posixOnly('Publish: symbolic links', () => {
  let hub: FixtureHub;
  before(async () => {
    hub = new FixtureHub();
    hub.tokenRole = 'write';
    await hub.start();
  });
  after(() => hub.stop());
  const writes = () => hub.requests.filter((r) => r.method !== 'GET').length;

  it('linkedModelFiles names linked model files (top level and onnx/), not other links', () => {
    const dir = publishableFolder();
    fs.symlinkSync('/tmp', path.join(dir, 'latest'));
    fs.symlinkSync(path.join(dir, 'config.json'), path.join(dir, 'notes.lnk'));
    assert.deepEqual(linkedModelFiles(dir), []);
    fs.renameSync(path.join(dir, 'onnx', 'model.onnx'), path.join(dir, 'real.onnx'));
    fs.symlinkSync(path.join(dir, 'real.onnx'), path.join(dir, 'onnx', 'model.onnx'));
    assert.deepEqual(linkedModelFiles(dir), ['onnx/model.onnx']);
    assert.deepEqual(linkedModelFiles(linkedFolder()), ['README.md', 'config.json', 'model.safetensors', 'onnx', 'tokenizer.json', 'tokenizer_config.json']);
  });

  it('a folder of linked model files: refused before any request, saying to copy them (it used to report "Nothing changed" on an empty repo)', async () => {
    const before = writes();
    const requests = hub.requests.length;
    await assert.rejects(publishModel({ endpoint: hub.url, token: hub.token, dir: linkedFolder(), repoId: 'fixture-user/linked' }), (e: Error) => {
      assert.ok(e instanceof PublishError && e.kind === 'links', String(e));
      assert.match(e.message, /holds model files that are symbolic links \(README\.md, config\.json, model\.safetensors, onnx, …\): publishing sends only plain files, so the repo would lack them\. Nothing was sent\. Replace the links with copies \(cp -L/);
      return true;
    });
    assert.equal(writes(), before);
    assert.equal(hub.requests.length, requests, 'not even the token check');
  });

  it('every file left out (here: each holds the token): refused, not "Nothing changed"', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-allskipped-'));
    const real = publishableFolder();
    // Every file of the folder to publish holds the token.
    for (const name of ['notes.txt', 'run.sh']) fs.writeFileSync(path.join(dir, name), `HF_TOKEN=${hub.token}\n`);
    // (A validation the caller already ran is taken as given: the real folder's, which passes.)
    await assert.rejects(publishModel({ endpoint: hub.url, token: hub.token, dir, repoId: 'fixture-user/all-skipped', validation: validateModelFolder(real) }), (e: Error) => {
      assert.ok(e instanceof PublishError && e.kind === 'links', String(e));
      assert.match(e.message, /^Nothing to publish: every file of .* was left out \(notes\.txt: holds a Hugging Face access token.*\)\. Nothing was committed\.$/);
      return true;
    });
    assert.equal(hub.upload.commits.filter((c) => c.repo === 'fixture-user/all-skipped').length, 0);
  });

  it('ai-lab upload on a linked folder: exit 1 with the message', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-links-home-'));
    const r = await cliAsync(['upload', linkedFolder(), 'fixture-user/linked-cli', '--yes'], { HF_HOME: home, HF_ENDPOINT: hub.url, HF_TOKEN: hub.token });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /ai-lab: .* holds model files that are symbolic links .*Replace the links with copies/);
  });
});
