/** The fixture models through the real service: meaningful outputs, fp16 on Node 20, signals over many requests. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InferenceService } from '../../src/core/inference/inferenceService';
import { resolveModel } from '../../src/core/inference/resolveModel';
import { pipelineInputs } from '../../src/core/inference/taskInputs';
import { FixtureHub } from '../fixtures/hub/server';
import { sentimentModelFiles } from '../fixtures/models/sentiment';
import { writeModelDir } from '../fixtures/models/write';
import { DIST } from '../fixtures/paths';

type Labels = Array<{ label: string; score: number }>;

describe('fixture models with meaningful outputs, through the service', () => {
  let service: InferenceService;
  before(() => (service = new InferenceService({ scriptPath: path.join(DIST, 'inferenceService.js') })));
  after(() => service.dispose());
  const run = async (task: string, files: Record<string, Buffer | string>, opts: Parameters<typeof pipelineInputs>[1]) =>
    (await service.run({ task, modelDir: writeModelDir(files), device: 'cpu', dtype: 'fp32', inputs: pipelineInputs(task, opts), idleUnloadMs: 0 })).output;

  it('NLI zero-shot routes the notes\' support request to Technical Support; multi-label scores each label', async () => {
    const { nliModelFiles } = await import('../fixtures/models/encoders');
    const out = (await run('zero-shot-classification', nliModelFiles(), {
      text: 'Hi team, the analytics dashboard shows an error every time I log in.',
      labels: ['Billing Question', 'Product Feedback', 'Technical Support'],
    })) as { labels: string[]; scores: number[] };
    assert.equal(out.labels[0], 'Technical Support');
    assert.ok(out.scores[0]! > 0.9);
    const multi = (await run('zero-shot-classification', nliModelFiles(), { text: 'I was charged twice, please refund', labels: ['Billing Question', 'Technical Support'], multiLabel: true })) as { labels: string[]; scores: number[] };
    assert.equal(multi.labels[0], 'Billing Question');
    assert.ok(multi.scores[1]! < 0.5, 'an unrelated label scores low on its own');
  });

  it('extractive QA answers "12 hours" from the notes\' handbook passage', async () => {
    const { qaModelFiles } = await import('../fixtures/models/encoders');
    const out = (await run('question-answering', qaModelFiles(), {
      question: 'How many volunteer hours do we receive each year?',
      text: 'Each full-time employee is eligible for 12 hours of volunteer time off per calendar year. Requests must be submitted two weeks in advance.',
    })) as { answer: string; score: number };
    assert.equal(out.answer, '12 hours');
  });

  it('the BART-shaped summarizer writes the lead sentence, from a Hub repo with encoder and merged decoder', async () => {
    const { seq2seqFiles } = await import('../fixtures/models/seq2seq');
    const hub = new FixtureHub();
    hub.addRepo({ id: 'Xenova/fixture-distilbart', files: { ...seq2seqFiles(), 'onnx/decoder_model.onnx': 'unused alternative' } });
    await hub.start();
    try {
      const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-hf-'));
      const m = await resolveModel({ model: 'Xenova/fixture-distilbart', task: 'summarization', device: 'cpu', dtype: 'auto', hub: { endpoint: hub.url, cacheDir } });
      assert.ok(!fs.existsSync(path.join(m.dir, 'onnx', 'decoder_model.onnx')), 'only the merged decoder is fetched');
      const text = 'City council members met for a short session to approve the river cleanup budget. They highlighted that volunteer turnout doubled.';
      const out = (await service.run({ task: 'summarization', modelDir: m.dir, device: 'cpu', dtype: m.dtype, inputs: pipelineInputs('summarization', { text, maxNewTokens: 40 }), idleUnloadMs: 0 })).output as Array<{ summary_text: string }>;
      assert.equal(out[0]?.summary_text, 'City council members met for a short session to approve the river cleanup budget.');
      const short = (await service.run({ task: 'summarization', modelDir: m.dir, device: 'cpu', dtype: m.dtype, inputs: pipelineInputs('summarization', { text, maxNewTokens: 5 }), idleUnloadMs: 0 })).output as Array<{ summary_text: string }>;
      // Five new tokens: <s> (skipped when decoding) and four words.
      assert.equal(short[0]?.summary_text, 'City council members met', 'max_new_tokens bounds the summary');
    } finally {
      await hub.stop();
    }
  });

  it('the GPT-2-shaped causal LM (byte-level BPE) continues the prompt and stops at end of text', async () => {
    const { causalLmFiles } = await import('../fixtures/models/causalLm');
    const out = (await run('text-generation', causalLmFiles(), { text: 'The future of', maxNewTokens: 20 })) as Array<{ generated_text: string }>;
    assert.equal(out[0]?.generated_text, 'The future of open science is bright.');
  });

  it('feature extraction: texts on the same topic are closer than texts on different ones', async () => {
    const { featureExtractorFiles } = await import('../fixtures/models/encoders');
    const out = (await run('feature-extraction', featureExtractorFiles(), { text: ['the dashboard shows an error', 'login crash bug', 'refund my payment'] as unknown as string })) as { dims: number[]; data: number[][] };
    assert.deepEqual(out.dims, [3, 6]);
    const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
    const [a, b, c] = out.data as [number[], number[], number[]];
    assert.ok(dot(a, b) > 0.9 && dot(a, c) < 0.2, `cosines ${dot(a, b)} ${dot(a, c)}`);
  });
});

describe('fp16 models on Node without Float16Array', () => {
  it('decodes half floats exactly', async () => {
    const { float16ToFloat32 } = await import('../../src/core/inference/float16');
    // 1.0, -2.0, 0.5, 65504 (max), smallest subnormal, +Inf, NaN, 0
    const out = float16ToFloat32(Uint16Array.from([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x7c00, 0x7e00, 0x0000]));
    assert.deepEqual(Array.from(out.slice(0, 5)), [1, -2, 0.5, 65504, 2 ** -24]);
    assert.equal(out[5], Infinity);
    assert.ok(Number.isNaN(out[6]!));
    assert.equal(out[7], 0);
  });

  it('a model with float16 logits classifies correctly through the service', async () => {
    const { sentimentFp16Graph } = await import('../fixtures/models/sentiment');
    const dir = writeModelDir({ ...sentimentModelFiles(), 'onnx/model_fp16.onnx': sentimentFp16Graph() });
    const service = new InferenceService({ scriptPath: path.join(DIST, 'inferenceService.js') });
    try {
      const r = await service.run({ task: 'text-classification', modelDir: dir, device: 'cpu', dtype: 'fp16', inputs: pipelineInputs('text-classification', { text: 'Wi-Fi is slower than a snail today!' }), idleUnloadMs: 0 });
      const out = r.output as Labels;
      assert.equal(out[0]?.label, 'NEGATIVE');
      assert.ok(Math.abs(out[0]!.score - 0.9975) < 0.001, `score ${out[0]!.score}`);
    } finally {
      service.dispose();
    }
  });
});

describe('signals spanning many requests', () => {
  it('leave no abort listener behind per request', async () => {
    const service = new InferenceService({ scriptPath: path.join(DIST, 'inferenceService.js') });
    const dir = writeModelDir(sentimentModelFiles());
    const ac = new AbortController();
    let added = 0;
    let removed = 0;
    const add = ac.signal.addEventListener.bind(ac.signal);
    const remove = ac.signal.removeEventListener.bind(ac.signal);
    ac.signal.addEventListener = ((...a: Parameters<typeof add>) => (added++, add(...a))) as typeof add;
    ac.signal.removeEventListener = ((...a: Parameters<typeof remove>) => (removed++, remove(...a))) as typeof remove;
    try {
      for (let i = 0; i < 25; i++) await service.run({ task: 'text-classification', modelDir: dir, device: 'cpu', dtype: 'fp32', inputs: ['good'], idleUnloadMs: 0 }, ac.signal);
      assert.equal(added, 25);
      assert.equal(removed, 25);
    } finally {
      service.dispose();
    }
  });
});
