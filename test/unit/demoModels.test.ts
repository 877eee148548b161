import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { modelDisplayName } from '../../src/core/inference/modelName';
import { cliAsync } from '../fixtures/cli';
import { DEMO_MODELS } from '../fixtures/demo/models';
import { DEMO_QUESTION, writeDemoWorkspace } from '../fixtures/demo/workspace';

describe('demo workspace: bundled demo models, offline', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-demo-'));
  const env = { HF_HUB_OFFLINE: '1', HF_HOME: path.join(dir, 'hf') };
  const run = (args: string[]) => cliAsync(args, env);
  let cwd = '';
  before(async () => {
    await writeDemoWorkspace(dir);
    cwd = process.cwd();
    process.chdir(dir);
  });
  after(() => {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes each model as demo-models/<name> with a card saying it is a tiny demo model, and the settings name them', () => {
    const settings = fs.readFileSync(path.join(dir, '.vscode', 'settings.json'), 'utf8');
    for (const m of DEMO_MODELS) {
      const folder = path.join(dir, 'demo-models', m.name);
      assert.match(fs.readFileSync(path.join(folder, 'README.md'), 'utf8'), /tiny demo model with hand-set weights, not a real model/);
      assert.equal(JSON.parse(fs.readFileSync(path.join(folder, 'config.json'), 'utf8'))._name_or_path, `demo-models/${m.name}`);
      assert.ok(settings.includes(`"./demo-models/${m.name}"`), `settings do not use demo-models/${m.name}`);
    }
    for (const f of ['README.md', 'notes.txt', DEMO_QUESTION.file]) assert.ok(fs.existsSync(path.join(dir, f)), f);
  });

  it('classify, zero-shot, summarize and tokenize run on the sample text through the CLI; the model is named by its folder', async () => {
    const paras = fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8').split(/\n\s*\n/);
    const pos = await run(['classify', '--model', path.join(dir, 'demo-models/sentiment'), '--text', paras[1]!, '--json']);
    assert.equal(pos.status, 0, pos.stderr);
    assert.equal(JSON.parse(pos.stdout).output.labels[0].label, 'POSITIVE');
    const neg = await run(['classify', '--model', './demo-models/sentiment', '--text', paras[2]!, '--json']);
    assert.equal(JSON.parse(neg.stdout).output.labels[0].label, 'NEGATIVE');
    // Named by its folder, with where it is as a detail (never a temporary path as the name).
    assert.equal(JSON.parse(neg.stdout).model, 'sentiment');
    assert.equal(fs.realpathSync(JSON.parse(neg.stdout).modelPath), fs.realpathSync(path.join(dir, 'demo-models/sentiment')));
    const zs = await run(['zero-shot', '--model', './demo-models/nli', '--text', paras[3]!, '--labels', 'Billing Question, Product Feedback, Technical Support']);
    assert.equal(zs.status, 0, zs.stderr);
    assert.match(zs.stdout, /^Technical Support\t/);
    const sum = await run(['summarize', '--model', './demo-models/summarizer', '--file', 'notes.txt']);
    assert.equal(sum.status, 0, sum.stderr);
    assert.equal(sum.stdout.trim(), 'City council members met for a short session to approve the river cleanup budget.');
    // Every paragraph gives its own lead sentence: repeated words ("was … was") and words outside
    // the fixture's vocabulary (written byte by byte) do not send the copy round a loop.
    for (const para of paras.slice(1)) {
      const one = await run(['summarize', '--model', './demo-models/summarizer', '--min-new-tokens', '1', '--max-new-tokens', '60', '--text', para]);
      assert.equal(one.stdout.trim(), para.trim().split(/(?<=\.) /)[0], one.stderr);
    }
    const unknown = await run(['summarize', '--model', './demo-models/summarizer', '--preset', 'long', '--text', 'Zebras zigzag, zebras zoom. Quokkas quip.']);
    assert.match(unknown.stdout.trim(), /^Zebras zigzag, zebras zoom\./, unknown.stderr);
    const tok = await run(['tokenize', './demo-models/sentiment', '--text', 'The food was great']);
    assert.equal(tok.status, 0, tok.stderr);
    assert.match(tok.stdout, /\tgreat\t13-18/);
  });

  it('ask finds the suggested answer on its page of the sample PDF', async () => {
    const r = await run(['ask', DEMO_QUESTION.file, DEMO_QUESTION.question, '--model', './demo-models/qa', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const a = JSON.parse(r.stdout).answers[0];
    assert.equal(a.answer, DEMO_QUESTION.answer);
    assert.equal(a.page, DEMO_QUESTION.page);
    assert.ok(DEMO_QUESTION.page >= 2);
  });
});

describe('modelDisplayName', () => {
  const root = path.join(os.tmpdir(), 'ws');
  it('a Hub id stays; a folder in the workspace is named from there; any other folder by its own name', () => {
    assert.equal(modelDisplayName('Xenova/distilgpt2', [root]), 'Xenova/distilgpt2');
    assert.equal(modelDisplayName(path.join(root, 'demo-models', 'sentiment'), [root]), 'demo-models/sentiment');
    assert.equal(modelDisplayName(path.join(os.tmpdir(), 'ailab-model-x1'), [root]), 'ailab-model-x1');
    assert.equal(modelDisplayName(path.join(root + '-other', 'm'), [root]), 'm');
    assert.equal(modelDisplayName(root, [root]), 'ws');
  });
});
