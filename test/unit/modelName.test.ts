import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { modelDisplayName, modelPathKey } from '../../src/core/inference/modelName';
import { cliAsync } from '../fixtures/cli';

describe('model names in results', () => {
  it('a Hub id as given; a folder by its name; a cache snapshot by its repo id; never the path', () => {
    assert.equal(modelDisplayName('Xenova/distilbert-base-uncased-finetuned-sst-2-english'), 'Xenova/distilbert-base-uncased-finetuned-sst-2-english');
    assert.equal(modelDisplayName(' Xenova/fixture-sst2 '), 'Xenova/fixture-sst2');
    assert.equal(modelDisplayName('/tmp/ailab-demo-x1y2/demo-models/sentiment'), 'sentiment');
    assert.equal(modelDisplayName('/tmp/ailab-demo-x1y2/demo-models/sentiment/'), 'sentiment');
    assert.equal(modelDisplayName('./demo-models/qa'), 'qa');
    assert.equal(modelDisplayName('C:\\Users\\me\\models\\summarizer'), 'summarizer');
    const commit = 'a'.repeat(40);
    assert.equal(modelDisplayName(`/home/me/.cache/huggingface/hub/models--Xenova--bert-base-NER/snapshots/${commit}`), 'Xenova/bert-base-NER');
    assert.equal(modelDisplayName('.'), path.basename(process.cwd()));
    assert.deepEqual(modelPathKey('Xenova/fixture-sst2'), {});
    assert.deepEqual(modelPathKey('./demo-models/qa'), { modelPath: path.resolve('demo-models/qa') });
  });

  it('through the CLI: classify --json and run name a folder model by its folder, with modelPath beside it', async function () {
    this.timeout(120_000);
    const { fixtureModelDirs } = await import('../fixtures/models');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-names-'));
    const dir = path.join(root, 'demo-models', 'sentiment');
    fs.cpSync(fixtureModelDirs().sentiment, dir, { recursive: true });
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-hf-'));
    const c = await cliAsync(['classify', '--model', dir, '--json', '--text', 'Wi-Fi is slower than a snail today!'], { HF_HOME: home });
    assert.equal(c.status, 0, c.stderr);
    const out = JSON.parse(c.stdout);
    assert.equal(out.model, 'sentiment');
    assert.equal(out.modelPath, dir);
    const r = await cliAsync(['run', 'text-classification', '--model', dir, '--text', 'I love it'], { HF_HOME: home });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\(sentiment on CPU, /);
    assert.ok(!r.stdout.includes(root), r.stdout);
  });
});
