import * as assert from 'node:assert/strict';
import { HubClient } from '../../src/core/hub/hubApi';
import { declaredBaseModels, findOnnxPorts } from '../../src/core/model/onnxPorts';
import { FixtureHub } from '../fixtures/hub/server';
import { addOnnxPortRepos, PT_MODEL } from '../fixtures/hub/onnxPorts';

describe('Get ONNX Weights: transformers.js-ready copies of a Hub model (loopback Hub)', () => {
  let hub: FixtureHub;
  const client = () => new HubClient({ endpoint: hub.url, retry: { attempts: 1, baseDelayMs: 5, timeoutMs: 5000 } });

  before(async () => {
    hub = new FixtureHub();
    addOnnxPortRepos(hub);
    await hub.start();
  });
  after(() => hub.stop());

  it('reads the base models a repo declares from its card data and its base_model tags (any relation)', () => {
    assert.deepEqual(declaredBaseModels({ cardData: { base_model: 'a/b' }, tags: ['base_model:quantized:c/d', 'onnx'] }), ['a/b', 'c/d']);
    assert.deepEqual(declaredBaseModels({ cardData: { base_model: ['a/b', 'e/f'] }, tags: ['base_model:a/b'] }), ['a/b', 'e/f']);
    assert.deepEqual(declaredBaseModels({ tags: [] }), []);
  });

  it('finds the ports that run in AI Lab, official owners first then by downloads, each with why it counts; leaves out the rest with the reason', async () => {
    const r = await findOnnxPorts(client(), PT_MODEL);
    assert.equal(r.base, PT_MODEL);
    assert.deepEqual(
      r.ports.map((p) => [p.id, p.official, p.reason]),
      [
        ['onnx-community/pt-model', true, 'declares base_model acme/pt-model'],
        ['fan/pt-model-onnx-q8', false, 'declares base_model acme/pt-model (quantized)'],
        ['fan/pt-model-onnx', false, 'declares base_model acme/pt-model'],
      ],
    );
    assert.deepEqual(r.ports[1]!.onnxFiles, ['onnx/model_quantized.onnx']);
    assert.equal(r.ports[1]!.downloads, 900);
    const rejected = Object.fromEntries(r.rejected.map((x) => [x.id, x.reason]));
    assert.match(rejected['tuner/pt-model-finetuned']!, /has no ONNX weights for transformers\.js/);
    assert.match(rejected['Xenova/pt-model']!, /a port of other\/pt-model, not of acme\/pt-model/);
    assert.match(rejected['fan/pt-model-no-tokenizer']!, /no tokenizer\.json/);
    assert.ok(!r.ports.some((p) => p.id === PT_MODEL), 'never the model itself');
  });

  it('with a task: a port without that task\'s ONNX files is left out', async () => {
    const r = await findOnnxPorts(client(), PT_MODEL, { task: 'summarization' });
    assert.deepEqual(r.ports, []);
    assert.ok(r.rejected.some((x) => x.id === 'onnx-community/pt-model' && /none for summarization/.test(x.reason)));
  });

  it('a model nobody ported: no ports, and owners that have no repo of that name are no finding', async () => {
    const r = await findOnnxPorts(client(), 'acme/lonely');
    assert.deepEqual(r.ports, []);
    assert.deepEqual(r.rejected, []);
  });

  it('an old port by name that declares no base_model still counts, said as such', async () => {
    const r = await findOnnxPorts(client(), 'acme/old-model');
    assert.deepEqual(r.ports.map((p) => [p.id, p.reason]), [['Xenova/old-model', 'same name under Xenova (declares no base_model)']]);
  });
});
