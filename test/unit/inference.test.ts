import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chooseDevice } from '../../src/core/inference/device';
import { InferenceService, ServiceCrashedError } from '../../src/core/inference/inferenceService';
import { chooseModelFiles } from '../../src/core/inference/modelFiles';
import { ModelResolver, resolveModel } from '../../src/core/inference/resolveModel';
import { pipelineInputs } from '../../src/core/inference/taskInputs';
import { FixtureHub } from '../fixtures/hub/server';
import { sentimentModelFiles } from '../fixtures/models/sentiment';
import { writeModelDir } from '../fixtures/models/write';
import { DIST } from '../fixtures/paths';

type Labels = Array<{ label: string; score: number }>;

describe('inference service (transformers.js on onnxruntime-node in a child process)', function () {
  let service: InferenceService;
  let modelDir: string;
  const crashes: string[] = [];

  before(() => {
    modelDir = writeModelDir(sentimentModelFiles());
    service = new InferenceService({ scriptPath: path.join(DIST, 'inferenceService.js'), onCrash: (m) => crashes.push(m) });
  });
  after(() => service.dispose());

  const run = (text: string, signal?: AbortSignal) =>
    service.run({ task: 'text-classification', modelDir, device: 'cpu', dtype: 'fp32', inputs: pipelineInputs('text-classification', { text }), idleUnloadMs: 0 }, signal);

  it('classifies with the fixture model: the notes\' Wi-Fi sentence is NEGATIVE', async () => {
    const r = await run('Wi-Fi is slower than a snail today!');
    const out = r.output as Labels;
    assert.equal(out[0]?.label, 'NEGATIVE');
    assert.ok(out[0]!.score > 0.99);
    assert.equal(out.length, 2, 'all labels, sorted');
    assert.ok(r.loadMs >= 0 && r.runMs > 0);
  });

  it('concurrent requests for the same model share one load', async () => {
    const fresh = new InferenceService({ scriptPath: path.join(DIST, 'inferenceService.js') });
    try {
      const results = await Promise.all(['good', 'bad', 'great', 'awful', 'the'].map((text) =>
        fresh.run({ task: 'text-classification', modelDir, device: 'cpu', dtype: 'fp32', inputs: [text], idleUnloadMs: 0 }),
      ));
      assert.deepEqual(results.map((r) => (r.output as Labels)[0]!.label), ['POSITIVE', 'NEGATIVE', 'POSITIVE', 'NEGATIVE', 'NEGATIVE']);
      const stats = await fresh.stats();
      assert.equal(stats.loads, 1);
      assert.equal(stats.loaded.length, 1);
    } finally {
      fresh.dispose();
    }
  });

  it('a crash of the service fails the running request clearly, is told once, and the next request works', async () => {
    await run('good'); // started and loaded
    const pid = service.pid!;
    // Killed first, then asked: the request is in flight to a process that is going down.
    process.kill(pid, 'SIGKILL');
    const pending = run('great');
    await assert.rejects(pending, (e: Error) => e instanceof ServiceCrashedError && /stopped \(SIGKILL\).*run it again/.test(e.message));
    assert.equal(crashes.length, 1);
    const after = await run('love it');
    assert.equal((after.output as Labels)[0]!.label, 'POSITIVE');
    assert.notEqual(service.pid, pid);
  });

  it('a cancelled request rejects at once and the service keeps working', async () => {
    const ac = new AbortController();
    const p = run('good movie', ac.signal);
    ac.abort(new Error('cancelled'));
    await assert.rejects(p, /cancelled/);
    assert.equal(((await run('bad')).output as Labels)[0]!.label, 'NEGATIVE');
  });

  it('idle models are unloaded after the configured time', async () => {
    await service.run({ task: 'text-classification', modelDir, device: 'cpu', dtype: 'fp32', inputs: ['good'], idleUnloadMs: 150 });
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual((await service.stats()).loaded, []);
  });

  it('a broken model file gives the loader\'s error, not a crash', async () => {
    const broken = writeModelDir({ ...sentimentModelFiles(), 'onnx/model.onnx': 'not onnx' });
    await assert.rejects(
      service.run({ task: 'text-classification', modelDir: broken, device: 'cpu', dtype: 'fp32', inputs: ['good'], idleUnloadMs: 0 }),
      /protobuf|parse|model/i,
    );
    assert.equal(((await run('good')).output as Labels)[0]!.label, 'POSITIVE');
  });
});

describe('models from the Hub or a folder', () => {
  let hub: FixtureHub;
  let cacheDir: string;
  before(async () => {
    hub = new FixtureHub();
    hub.addRepo({ id: 'Xenova/fixture-sst2', files: sentimentModelFiles(), pipelineTag: 'text-classification' });
    hub.addRepo({ id: 'someone/pytorch-only', files: { 'config.json': '{}', 'tokenizer.json': '{}', 'model.safetensors': Buffer.alloc(2000) } });
    await hub.start();
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-hf-'));
  });
  after(() => hub.stop());
  const hubAccess = () => ({ endpoint: hub.url, cacheDir });

  it('a Hub id is downloaded into the cache and runs from there; concurrent resolves share one download', async () => {
    const resolver = new ModelResolver();
    const params = { model: 'Xenova/fixture-sst2', task: 'text-classification', device: 'cpu' as const, dtype: 'auto' as const, hub: hubAccess() };
    const [a, b] = await Promise.all([resolver.resolve(params), resolver.resolve(params)]);
    assert.equal(a, b);
    assert.equal(a.source, 'hub');
    assert.equal(a.dtype, 'fp32', 'auto falls back to fp32 when there is no q8 file');
    assert.ok(a.dir.startsWith(path.join(cacheDir, 'models--Xenova--fixture-sst2', 'snapshots')));
    assert.equal(hub.requests.filter((r) => r.url.endsWith('onnx/model.onnx')).length, 1);
    assert.ok(!fs.existsSync(path.join(a.dir, 'README.md')), 'only what transformers.js needs is fetched');
    const service = new InferenceService({ scriptPath: path.join(DIST, 'inferenceService.js') });
    try {
      const r = await service.run({ task: 'text-classification', modelDir: a.dir, device: 'cpu', dtype: a.dtype, inputs: ['I love it'], idleUnloadMs: 0 });
      assert.equal((r.output as Labels)[0]!.label, 'POSITIVE');
    } finally {
      service.dispose();
    }
  });

  it('a model without ONNX weights says so and how to find one that has them', async () => {
    await assert.rejects(
      resolveModel({ model: 'someone/pytorch-only', task: 'text-classification', device: 'cpu', dtype: 'auto', hub: hubAccess() }),
      /someone\/pytorch-only has no ONNX weights for transformers\.js \(it has model\.safetensors\)\. .*library=transformers\.js.*"onnx" tag/,
    );
  });

  it('an unknown model id, a missing folder, a wrong task: clear errors', async () => {
    await assert.rejects(resolveModel({ model: 'nobody/nothing', task: 'text-classification', device: 'cpu', dtype: 'auto', hub: hubAccess() }), /was not found/);
    await assert.rejects(resolveModel({ model: '/does/not/exist', task: 'text-classification', device: 'cpu', dtype: 'auto', hub: hubAccess() }), /The model folder \/does\/not\/exist does not exist/);
    const dir = writeModelDir(sentimentModelFiles());
    await assert.rejects(resolveModel({ model: dir, task: 'summarization', device: 'cpu', dtype: 'auto', hub: hubAccess() }), /is a text classifier \(BertForSequenceClassification\).*but summarization needs a sequence-to-sequence model/);
    // A model whose config says nothing of its head: the file choice still says what is missing.
    const bare = writeModelDir({ ...sentimentModelFiles(), 'config.json': JSON.stringify({ model_type: 'custom' }) });
    await assert.rejects(resolveModel({ model: bare, task: 'summarization', device: 'cpu', dtype: 'auto', hub: hubAccess() }), /none for summarization/);
    await assert.rejects(resolveModel({ model: dir, task: 'frobnicate', device: 'cpu', dtype: 'auto', hub: hubAccess() }), /Unknown task "frobnicate"/);
    await assert.rejects(resolveModel({ model: ' ', task: 'text-classification', device: 'cpu', dtype: 'auto', hub: hubAccess() }), /No model given/);
  });
});

describe('device and file choice', () => {
  const ort = (cuda: boolean) => ({ version: '1.30.0', path: '/x', providers: [{ name: 'cpu', loadable: true, reason: null }, { name: 'cuda', loadable: cuda, reason: cuda ? null : 'Failed to load library libonnxruntime_providers_cuda.so' }] });
  it('auto uses CUDA only when its provider really created a session, and says why not', () => {
    assert.deepEqual(chooseDevice('auto', ort(true)).device, 'cuda');
    const cpu = chooseDevice('auto', ort(false));
    assert.equal(cpu.device, 'cpu');
    assert.equal(cpu.reason, 'the CUDA provider does not load');
    // The loader's own words go to the log, not into the reason shown in the status bar.
    assert.match(cpu.detail ?? '', /^Failed to load library/);
    assert.throws(() => chooseDevice('cuda', ort(false)), /aiLab\.device is "cuda", but CUDA cannot be used here: the CUDA provider does not load\. Set aiLab\.device to "auto" or "cpu", or run "AI Lab: Enable CUDA Acceleration"\. \(ONNX Runtime said: /);
    assert.equal(chooseDevice('cpu', ort(true)).device, 'cpu');
  });
  it('dtype auto prefers q8 on CPU and fp16 on CUDA; seq2seq needs encoder and merged decoder', () => {
    const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx', 'onnx/model_fp16.onnx'];
    assert.equal(chooseModelFiles('r', files, 'text-classification', 'cpu', 'auto').dtype, 'q8');
    assert.equal(chooseModelFiles('r', files, 'text-classification', 'cuda', 'auto').dtype, 'fp16');
    assert.ok(chooseModelFiles('r', files, 'text-classification', 'cpu', 'fp32').files.includes('onnx/model.onnx'));
    const s2s = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx', 'onnx/decoder_model_merged.onnx_data'];
    assert.deepEqual(chooseModelFiles('r', s2s, 'summarization', 'cpu', 'auto').files.filter((f) => f.startsWith('onnx/')), [
      'onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx', 'onnx/decoder_model_merged.onnx_data',
    ]);
  });
});

describe('batching', () => {
  it('sorts by length, keeps batches within size, and returns results in the original order', async () => {
    const { runInBatches } = await import('../../src/core/inference/batching');
    const items = ['ccc', 'a', 'bbbbb', 'dd', 'e'];
    const seen: string[][] = [];
    const out = await runInBatches(items, 2, (s) => s.length, async (batch) => {
      seen.push(batch);
      return batch.map((s) => s.toUpperCase());
    });
    assert.deepEqual(out, ['CCC', 'A', 'BBBBB', 'DD', 'E']);
    assert.deepEqual(seen, [['a', 'e'], ['dd', 'ccc'], ['bbbbb']]);
    await assert.rejects(runInBatches(items, 2, (s) => s.length, async () => []), /a batch of 2 gave 0 results/);
  });

  it('a padded-token budget: count × the longest stays within it; an item over it goes alone; progress counts items', async () => {
    const { runInBatches } = await import('../../src/core/inference/batching');
    const lengths = [400, 30, 400, 60, 30, 2000, 30, 400, 60];
    const seen: number[][] = [];
    const progress: number[] = [];
    const out = await runInBatches(lengths.map((n, i) => ({ n, i })), { items: 16, tokens: 1024 }, (x) => x.n, async (batch) => {
      seen.push(batch.map((x) => x.n));
      return batch.map((x) => x.i);
    }, (done) => progress.push(done));
    assert.deepEqual(out, lengths.map((_, i) => i));
    assert.deepEqual(seen, [[30, 30, 30, 60, 60], [400, 400], [400], [2000]]);
    assert.ok(seen.every((b) => b.length === 1 || b.length * Math.max(...b) <= 1024));
    assert.deepEqual(progress, [5, 7, 8, 9]);
  });

  it('batchLimits: the local service gets the token budget; a remote runner its own batch and none', async () => {
    const { batchLimits, BATCH_TOKENS } = await import('../../src/core/inference/batching');
    const { createRemoteRunner } = await import('../../src/core/backends/remoteRunner');
    const local = { run: async () => [] };
    assert.deepEqual(batchLimits(local, 'text-classification', 16), { items: 16, tokens: BATCH_TOKENS });
    assert.deepEqual(batchLimits(local, 'text-classification', 16, 4), { items: 4, tokens: BATCH_TOKENS });
    const hf = createRemoteRunner({ id: 'hf-inference', url: 'http://127.0.0.1:9', token: 'hf_x' });
    assert.deepEqual(batchLimits(hf, 'question-answering', 8), { items: 32, tokens: Infinity });
    assert.deepEqual(batchLimits(hf, 'question-answering', 8, 8), { items: 32, tokens: Infinity }, 'its own batch over the setting');
    assert.deepEqual(batchLimits(hf, 'text-classification', 16), { items: 16, tokens: Infinity });
    assert.deepEqual(batchLimits(createRemoteRunner({ id: 'tei', url: 'http://127.0.0.1:9' }), 'text-classification', 16), { items: 16, tokens: Infinity });
  });
});

describe('inference service environment', () => {
  it("fixes glibc's mmap and trim thresholds unless the user tuned malloc", async () => {
    const { serviceEnv } = await import('../../src/core/inference/inferenceService');
    assert.equal(serviceEnv({ PATH: '/bin' }).MALLOC_MMAP_THRESHOLD_, '2097152');
    assert.equal(serviceEnv({ PATH: '/bin' }).MALLOC_TRIM_THRESHOLD_, '67108864');
    assert.equal(serviceEnv({ MALLOC_TRIM_THRESHOLD_: '0' }).MALLOC_MMAP_THRESHOLD_, undefined);
    assert.equal(serviceEnv({ MALLOC_MMAP_THRESHOLD_: '65536' }).MALLOC_MMAP_THRESHOLD_, '65536');
    assert.equal(serviceEnv({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=0' }).MALLOC_MMAP_THRESHOLD_, undefined);
  });
});
