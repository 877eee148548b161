/**
 * The fast CPU settings against exact fp32, on fixture models whose answers depend on the input:
 * - q8 weights (dynamic-quantized MatMuls, as the Hub's model_quantized.onnx) give the fp32 label on
 *   ≥ 99 % of a few hundred varied sentences, and the fp32 answer span on ≥ 99 % of questions;
 * - batches bucketed by length give the one-at-a-time outputs (fp32: to 1e-5; padding is masked);
 * - the service's results say which dtype, batch and threads ran.
 * No timings are asserted: speed is the bench's (npm run bench).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runInBatches } from '../../src/core/inference/batching';
import { InferenceService } from '../../src/core/inference/inferenceService';
import type { ConcreteDtype } from '../../src/core/inference/modelFiles';
import { sessionOptionsFor } from '../../src/core/inference/sessionOptions';
import { seededRandom } from '../../src/core/random';
import { qaModelFilesWithQ8 } from '../fixtures/models/encoders';
import { NEGATIVE_WORDS, POSITIVE_WORDS } from '../fixtures/models/sentiment';
import { ENCODER_NEUTRAL_WORDS, sentimentEncoderFiles } from '../fixtures/models/sentimentEncoder';
import { NUMBERS, UNITS } from '../fixtures/models/topics';
import { writeModelDir } from '../fixtures/models/write';
import { DIST } from '../fixtures/paths';

type Labels = Array<{ label: string; score: number }>;
type Span = { answer: string; start: number; end: number; score: number };

/** Sentences of 3–40 words with more positive than negative words or the reverse (never a tie). */
function sentimentSentences(n: number): string[] {
  const rand = seededRandom(2024);
  const pick = (a: string[]) => a[Math.floor(rand() * a.length)]!;
  return Array.from({ length: n }, () => {
    const len = 3 + Math.floor(rand() * 38);
    const polar = 1 + Math.floor(rand() * 4);
    let pos = Math.floor(rand() * (polar + 1));
    if (pos * 2 === polar) pos = polar; // no tie between positive and negative words
    const words = Array.from({ length: len }, () => pick(ENCODER_NEUTRAL_WORDS));
    for (let i = 0; i < polar; i++) words[Math.floor(rand() * len)] = i < pos ? pick(POSITIVE_WORDS) : pick(NEGATIVE_WORDS);
    return words.join(' ') + (rand() < 0.5 ? '.' : '!');
  });
}

function qaCases(n: number): Array<{ question: string; passage: string }> {
  const rand = seededRandom(77);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rand() * a.length)]!;
  const filler = ['the', 'team', 'shows', 'each', 'year', 'every', 'employee', 'gets', 'we', 'have', 'about', 'for', 'with', 'program'];
  return Array.from({ length: n }, () => {
    const unit = pick(UNITS);
    const parts: string[] = [];
    const facts = 2 + Math.floor(rand() * 4);
    const units = [unit, ...Array.from({ length: facts - 1 }, () => pick(UNITS.filter((u) => u !== unit)))].sort(() => rand() - 0.5);
    for (const u of units) {
      const lead = Array.from({ length: 2 + Math.floor(rand() * 8) }, () => pick(filler)).join(' ');
      parts.push(`${lead} ${pick(NUMBERS)} ${u}.`);
    }
    return { question: `How many ${unit} does the program give?`, passage: parts.join(' ') };
  });
}

describe('fast CPU settings agree with fp32 (fixture models whose answers depend on the input)', function () {
  this.timeout(240_000);
  let service: InferenceService;
  let sentimentDir: string;
  let qaDir: string;

  before(() => {
    sentimentDir = writeModelDir(sentimentEncoderFiles());
    qaDir = writeModelDir(qaModelFilesWithQ8());
    service = new InferenceService({ scriptPath: path.join(DIST, 'inferenceService.js') });
  });
  after(() => service.dispose());

  const classify = async (dtype: ConcreteDtype, texts: string[]): Promise<Labels[]> => {
    const r = await service.run({ task: 'text-classification', modelDir: sentimentDir, device: 'cpu', dtype, inputs: [texts, { top_k: null }], idleUnloadMs: 0 });
    const out = r.output as Labels[] | Labels;
    return texts.length === 1 && !Array.isArray((out as unknown[])[0]) ? [out as Labels] : (out as Labels[]);
  };
  const oneByOne = async (dtype: ConcreteDtype, texts: string[]) => {
    const out: Labels[] = [];
    for (const t of texts) out.push((await classify(dtype, [t]))[0]!);
    return out;
  };
  const score = (ls: Labels, label: string) => ls.find((l) => l.label === label)!.score;

  it('the q8 fixture is written as quantize_dynamic writes it: DynamicQuantizeLinear + MatMulInteger (the fp32 file has none)', () => {
    const q8 = fs.readFileSync(path.join(sentimentDir, 'onnx', 'model_quantized.onnx'));
    const fp32 = fs.readFileSync(path.join(sentimentDir, 'onnx', 'model.onnx'));
    assert.ok(q8.includes('DynamicQuantizeLinear') && q8.includes('MatMulInteger'));
    assert.ok(!fp32.includes('MatMulInteger'));
    assert.ok(q8.length < fp32.length, 'int8 weights are smaller');
  });

  it('q8 labels equal the fp32 labels on ≥ 99 % of 300 varied sentences, and the labels depend on the input', async () => {
    const texts = sentimentSentences(300);
    const fp32 = await oneByOne('fp32', texts);
    const q8 = await oneByOne('q8', texts);
    const top = (ls: Labels) => ls[0]!.label;
    const positives = fp32.filter((l) => top(l) === 'POSITIVE').length;
    assert.ok(positives > 60 && positives < 240, `both labels occur (${positives} of 300 POSITIVE)`);
    const agree = texts.filter((_, i) => top(fp32[i]!) === top(q8[i]!)).length;
    assert.ok(agree / texts.length >= 0.99, `q8 agrees with fp32 on ${agree} of ${texts.length}`);
    // The scores move a little, as int8 arithmetic does, but not wildly.
    const maxDiff = Math.max(...texts.map((_, i) => Math.abs(score(fp32[i]!, 'POSITIVE') - score(q8[i]!, 'POSITIVE'))));
    assert.ok(maxDiff > 0 && maxDiff < 0.2, `largest score difference ${maxDiff}`);
  });

  it('fp32 batches bucketed by length give the one-at-a-time scores to 1e-5 (padding is masked), in the input order', async () => {
    const texts = sentimentSentences(120);
    const single = await oneByOne('fp32', texts);
    const lengths = texts.map((t) => t.split(' ').length);
    const batched = await runInBatches(texts, 16, (t) => lengths[texts.indexOf(t)]!, (b) => classify('fp32', b));
    texts.forEach((_, i) => {
      for (const label of ['NEGATIVE', 'POSITIVE']) assert.ok(Math.abs(score(single[i]!, label) - score(batched[i]!, label)) <= 1e-5, `sentence ${i}, ${label}`);
    });
  });

  it('q8 batches give the one-at-a-time q8 labels on ≥ 99 % (activation scales are per batch, so scores differ slightly)', async () => {
    const texts = sentimentSentences(120);
    const single = await oneByOne('q8', texts);
    const batched = await runInBatches(texts, 16, (t) => t.length, (b) => classify('q8', b));
    const agree = texts.filter((_, i) => single[i]![0]!.label === batched[i]![0]!.label).length;
    assert.ok(agree / texts.length >= 0.99, `${agree} of ${texts.length}`);
  });

  it('q8 QA answers the same span as fp32 on ≥ 99 % of 200 questions, and the spans are right', async () => {
    const cases = qaCases(200);
    const ask = async (dtype: ConcreteDtype, c: { question: string; passage: string }) =>
      ((await service.run({ task: 'question-answering', modelDir: qaDir, device: 'cpu', dtype, inputs: [c.question, c.passage, { top_k: 1 }], idleUnloadMs: 0 })).output as Span[] | Span);
    const first = (o: Span[] | Span) => (Array.isArray(o) ? o[0]! : o);
    let same = 0;
    let right = 0;
    for (const c of cases) {
      const a = first(await ask('fp32', c));
      const b = first(await ask('q8', c));
      if (a.start === b.start && a.end === b.end) same++;
      if (a.answer.endsWith(c.question.split(' ')[2]!)) right++;
    }
    assert.ok(same / cases.length >= 0.99, `same span on ${same} of ${cases.length}`);
    assert.ok(right / cases.length >= 0.95, `fp32 answers end at the asked unit on ${right} of ${cases.length}`);
  });

  it('QA in a batch gives the one-at-a-time spans (fp32)', async () => {
    const cases = qaCases(24);
    const single: Span[] = [];
    for (const c of cases) {
      const o = (await service.run({ task: 'question-answering', modelDir: qaDir, device: 'cpu', dtype: 'fp32', inputs: [c.question, c.passage, { top_k: 1 }], idleUnloadMs: 0 })).output as Span[] | Span;
      single.push(Array.isArray(o) ? o[0]! : o);
    }
    const r = await service.run({ task: 'question-answering', modelDir: qaDir, device: 'cpu', dtype: 'fp32', inputs: [cases.map((c) => c.question), cases.map((c) => c.passage), { top_k: 1 }], idleUnloadMs: 0 });
    const batched = (r.output as Array<Span[] | Span>).map((o) => (Array.isArray(o) ? o[0]! : o));
    assert.equal(r.batchSize, 24);
    batched.forEach((b, i) => {
      assert.deepEqual([b.start, b.end], [single[i]!.start, single[i]!.end], `case ${i}`);
      assert.ok(Math.abs(b.score - single[i]!.score) <= 1e-5);
    });
  });

  it('the result says which weights, batch and threads ran', async () => {
    const r = await service.run({ task: 'text-classification', modelDir: sentimentDir, device: 'cpu', dtype: 'q8', inputs: [['good day', 'bad day', 'the movie'], { top_k: null }], idleUnloadMs: 0 });
    assert.equal(r.dtype, 'q8');
    assert.equal(r.batchSize, 3);
    assert.equal(r.threads, process.env.AI_LAB_THREADS ? Number(process.env.AI_LAB_THREADS) : 'auto');
    assert.equal(sessionOptionsFor('cpu').intraOpNumThreads, process.env.AI_LAB_THREADS ? Number(process.env.AI_LAB_THREADS) : undefined);
  });
});

describe('ONNX Runtime session options', () => {
  it("CPU: optimisation all, ONNX Runtime's own pinned intra-op pool unless AI_LAB_THREADS says, inter-op 1, arena on, memory patterns off", () => {
    assert.deepEqual(sessionOptionsFor('cpu', 3), { graphOptimizationLevel: 'all', intraOpNumThreads: 3, interOpNumThreads: 1, enableCpuMemArena: true, enableMemPattern: false, executionMode: 'sequential' });
    assert.deepEqual(sessionOptionsFor('cpu', 'auto'), { graphOptimizationLevel: 'all', interOpNumThreads: 1, enableCpuMemArena: true, enableMemPattern: false, executionMode: 'sequential' });
    const { serviceThreads } = require('../../src/core/inference/sessionOptions') as typeof import('../../src/core/inference/sessionOptions');
    assert.equal(serviceThreads({ AI_LAB_THREADS: '5' }), 5);
    assert.equal(serviceThreads({ AI_LAB_THREADS: 'x' }), 'auto');
    assert.equal(serviceThreads({}), 'auto');
    assert.deepEqual(sessionOptionsFor('cuda'), { graphOptimizationLevel: 'all' });
  });
});

describe('the service reports its own peak memory', function () {
  this.timeout(60_000);
  it("VmHWM, not ru_maxrss (which Linux keeps across execve, so a forked service would report its parent's peak)", async function () {
    if (process.platform !== 'linux') this.skip();
    const big = Buffer.alloc(400e6).fill(1); // the parent's peak: 400 MB more than the service will use
    const service = new InferenceService({ scriptPath: path.join(DIST, 'inferenceService.js') });
    try {
      const stats = await service.stats();
      assert.ok(big.length > 0);
      assert.ok(stats.maxRssInheritedBytes! >= 400e6, `ru_maxrss carries the parent's peak (${stats.maxRssInheritedBytes})`);
      assert.ok(stats.maxRssBytes < 300e6, `the service's own peak is small before any model (${stats.maxRssBytes})`);
    } finally {
      service.dispose();
    }
  });
});
