/**
 * npm run bench (inference part): a BERT-base-shaped classifier on the CPU, N sentences of mixed length
 * (BENCH_SENTENCES, default 1000), all in one run so the figures are ratios measured together:
 *   1. our pipeline (the service process, one sentence per request) vs raw onnxruntime-node session.run
 *      on the same tokenized inputs (the floor), and ONNX Runtime session options measured one by one;
 *   2. fp32 and q8 (dynamic-quantized MatMuls, as model_quantized.onnx), one at a time and in batches
 *      bucketed by length (BENCH_BATCH, default 16);
 *   3. cold start and each service's peak RSS against the weights' size;
 *   4. the anchor: PyTorch eager on the same weights and token ids (bench/torchAnchor.py), logits
 *      checked against ONNX Runtime's, with OpenBLAS's automatic kernel and with SKYLAKEX.
 * Prints a table and merges the figures into bench/results.json (with the load average of the run).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BATCH_TOKENS, runInBatches } from '../src/core/inference/batching';
import { InferenceService } from '../src/core/inference/inferenceService';
import type { ConcreteDtype } from '../src/core/inference/modelFiles';
import { sessionOptionsFor, serviceThreads } from '../src/core/inference/sessionOptions';
import { DIST, REPO_ROOT } from '../test/fixtures/paths';
import { benchSentences, ensureBertBaseModel } from './bertBaseModel';
import { ensureTorch, maxAbsDiff, runTorch, type TorchRun } from './torchAnchor';

const sentences = (n: number) => benchSentences(n, 4, 63);
const ensureModel = () => ensureBertBaseModel({ q8: true });

const loadAverage = () => os.loadavg().map((x) => Number(x.toFixed(2)));

interface ServiceFigures {
  dtype: ConcreteDtype;
  coldStartMs: number;
  oneAtATimeMs: number;
  batchedMs: number;
  peakRssMB: number;
  peakRssOverWeights: number;
  /** After 24 texts of ~400 tokens in the product's batches (BATCH_TOKENS). */
  longMs: number;
  longPeakRssMB: number;
  longPeakRssOverWeights: number;
  ruMaxRssMB: number;
  reportedBatchSize: number;
  reportedThreads?: number | 'auto';
}

/** A fresh service per dtype, so its peak RSS is that model's alone. */
async function measureService(dir: string, dtype: ConcreteDtype, texts: string[], batchSize: number, tokenCounts: number[]): Promise<ServiceFigures> {
  const service = new InferenceService({ scriptPath: path.join(DIST, 'inferenceService.js') });
  const req = (inputs: unknown[]) => ({ task: 'text-classification', modelDir: dir, device: 'cpu' as const, dtype, inputs, idleUnloadMs: 0 });
  try {
    let t = performance.now();
    await service.run(req([texts[0]]));
    const coldStartMs = performance.now() - t;
    t = performance.now();
    for (const text of texts) await service.run(req([text]));
    const oneAtATimeMs = performance.now() - t;
    let reported = { batchSize: 0, threads: undefined as number | 'auto' | undefined };
    t = performance.now();
    const index = new Map(texts.map((s, i) => [s, i]));
    const batched = await runInBatches(texts, { items: batchSize, tokens: BATCH_TOKENS }, (s) => tokenCounts[index.get(s)!]!, async (batch) => {
      const r = await service.run(req([batch]));
      reported = { batchSize: Math.max(reported.batchSize, r.batchSize ?? 0), threads: r.threads };
      return r.output as unknown[];
    });
    const batchedMs = performance.now() - t;
    if (batched.length !== texts.length) throw new Error('batched results are missing');
    const stats = await service.stats();
    // Then 24 texts of ~400 tokens (a long document's parts), batched as the product batches them: the arena's peak.
    const long = Array.from({ length: 24 }, (_, i) => texts.slice(i * 8, i * 8 + 40).join(' ').split(' ').slice(0, 380).join(' '));
    t = performance.now();
    await runInBatches(long, { items: batchSize, tokens: BATCH_TOKENS }, (s) => s.split(' ').length + 2, async (batch) => (await service.run(req([batch]))).output as unknown[]); // words are whole tokens in this vocabulary
    const longMs = performance.now() - t;
    const longStats = await service.stats();
    const weights = fs.statSync(path.join(dir, 'onnx', dtype === 'q8' ? 'model_quantized.onnx' : 'model.onnx')).size;
    // peakRssMB is the service's own (VmHWM); ru_maxrss also holds this bench's peak before the fork.
    return { dtype, coldStartMs, oneAtATimeMs, batchedMs, peakRssMB: stats.maxRssBytes / 1e6, peakRssOverWeights: stats.maxRssBytes / weights, longMs, longPeakRssMB: longStats.maxRssBytes / 1e6, longPeakRssOverWeights: longStats.maxRssBytes / weights, ruMaxRssMB: (stats.maxRssInheritedBytes ?? 0) / 1e6, reportedBatchSize: reported.batchSize, reportedThreads: reported.threads };
  } finally {
    service.dispose();
  }
}

async function main(): Promise<void> {
  const N = Number(process.env.BENCH_SENTENCES ?? 1000);
  const batchSize = Number(process.env.BENCH_BATCH ?? 16);
  const loadAtStart = loadAverage();
  const dir = ensureModel();
  const texts = sentences(N);
  const threads = serviceThreads();

  // Tokenize once for the floor and the anchor, with the model's own tokenizer (timed: the share of a request that is not the model).
  const tf = await import('@huggingface/transformers');
  const ort = await import('onnxruntime-node');
  const tokenizer = await tf.AutoTokenizer.from_pretrained(dir, { local_files_only: true });
  let t = performance.now();
  const encoded = texts.map((text) => tokenizer(text) as Record<string, { data: BigInt64Array; dims: number[] }>);
  const tokenizeMs = performance.now() - t;
  const feeds = encoded.map((enc) => Object.fromEntries(['input_ids', 'attention_mask', 'token_type_ids'].map((k) => [k, new ort.Tensor('int64', enc[k]!.data, enc[k]!.dims)])));
  const ids = encoded.map((enc) => Array.from(enc.input_ids!.data, Number));
  const tokenCounts = ids.map((x) => x.length);
  const tokens = tokenCounts.reduce((s, x) => s + x, 0);
  const modelPath = path.join(dir, 'onnx', 'model.onnx');

  // 1. The floor and the session options, one by one (raw session.run, one sentence at a time).
  const variants: Array<[string, Record<string, unknown>]> = [
    ['transformers.js defaults', { executionProviders: ['cpu'] }],
    ['AI Lab (all, ORT pinned pool, inter 1, arena on, patterns off)', { ...sessionOptionsFor('cpu', threads) }],
    [`AI Lab but intra-op threads set to ${os.availableParallelism()}`, { ...sessionOptionsFor('cpu', os.availableParallelism()) }],
    ['AI Lab but memory patterns on', { ...sessionOptionsFor('cpu', threads), enableMemPattern: true }],
    ['AI Lab but CPU arena off', { ...sessionOptionsFor('cpu', threads), enableCpuMemArena: false }],
    ['AI Lab but optimisation basic', { ...sessionOptionsFor('cpu', threads), graphOptimizationLevel: 'basic' }],
  ];
  const sessionOptions: Array<{ name: string; ms: number }> = [];
  let ortLogits: number[][] = [];
  for (const [name, opts] of variants) {
    const session = await ort.InferenceSession.create(modelPath, { logSeverityLevel: 2, ...opts });
    await session.run(feeds[0]!); // warm-up
    const logits: number[][] = [];
    t = performance.now();
    for (const f of feeds) logits.push(Array.from((await session.run(f)).logits!.data as Float32Array));
    sessionOptions.push({ name, ms: performance.now() - t });
    if (name.startsWith('AI Lab (')) ortLogits = logits;
    await session.release();
  }
  const rawMs = sessionOptions.find((s) => s.name.startsWith('AI Lab ('))!.ms;

  // 2–3. Through the service, fp32 then q8.
  const fp32 = await measureService(dir, 'fp32', texts, batchSize, tokenCounts);
  const q8 = await measureService(dir, 'q8', texts, batchSize, tokenCounts);

  // 4. The anchor.
  const torchSkip = process.env.BENCH_TORCH === '0' ? 'BENCH_TORCH=0' : ensureTorch();
  const torchRuns: Array<TorchRun & { b1MaxDiff: number; batchedMaxDiff: number }> = [];
  if (torchSkip) console.log(`PyTorch anchor skipped: ${torchSkip}`);
  else {
    for (const coretype of [null, 'SKYLAKEX']) {
      const r = runTorch(modelPath, ids, batchSize, os.availableParallelism(), coretype);
      torchRuns.push({ ...r, b1MaxDiff: maxAbsDiff(r.b1Logits, ortLogits), batchedMaxDiff: maxAbsDiff(r.batchedLogits, ortLogits) });
    }
  }

  const perSentence = (ms: number) => (ms / N).toFixed(2);
  console.log(`\nBERT-base-shaped (12×768), CPU, ${N} sentences, ${tokens} tokens, ${os.cpus().length} cores, intra-op threads ${threads}, load average at start ${loadAtStart.join(' ')}\n`);
  console.log('| run | total s | ms / sentence |');
  console.log('|---|---:|---:|');
  const rows: Array<[string, number]> = [
    ...sessionOptions.map((s) => [`raw session.run b1, ${s.name}`, s.ms] as [string, number]),
    ['AI Lab fp32, one sentence per request', fp32.oneAtATimeMs],
    [`AI Lab fp32, batches of ${batchSize} bucketed by length`, fp32.batchedMs],
    ['AI Lab q8, one sentence per request', q8.oneAtATimeMs],
    [`AI Lab q8, batches of ${batchSize} bucketed by length`, q8.batchedMs],
    ...torchRuns.flatMap((r) => [[`${r.label} (OPENBLAS_CORETYPE ${r.coretype}) b1`, r.b1Ms], [`${r.label} (OPENBLAS_CORETYPE ${r.coretype}) b${batchSize}`, r.batchedMs]] as Array<[string, number]>),
  ];
  for (const [name, ms] of rows) console.log(`| ${name} | ${(ms / 1000).toFixed(1)} | ${perSentence(ms)} |`);

  const best = Math.min(fp32.oneAtATimeMs, fp32.batchedMs, q8.oneAtATimeMs, q8.batchedMs);
  const torchBest = (k: 'b1Ms' | 'batchedMs') => (torchRuns.length ? Math.min(...torchRuns.map((r) => r[k])) : NaN);
  const torchAuto = (k: 'b1Ms' | 'batchedMs') => torchRuns.find((r) => r.coretype === 'automatic')?.[k] ?? NaN;
  const ratios = {
    pipelineOverFloor: fp32.oneAtATimeMs / rawMs,
    fp32BatchedOverOne: fp32.oneAtATimeMs / fp32.batchedMs,
    bestOverOneFp32: fp32.oneAtATimeMs / best,
    // AI Lab / PyTorch in sentences per second (> 1: AI Lab faster), against torch's automatic kernel and its best one.
    fp32B1VsTorchB1: { automatic: torchAuto('b1Ms') / fp32.oneAtATimeMs, bestKernel: torchBest('b1Ms') / fp32.oneAtATimeMs },
    fp32BatchedVsTorchBatched: { automatic: torchAuto('batchedMs') / fp32.batchedMs, bestKernel: torchBest('batchedMs') / fp32.batchedMs },
    q8B1VsTorchB1: { automatic: torchAuto('b1Ms') / q8.oneAtATimeMs, bestKernel: torchBest('b1Ms') / q8.oneAtATimeMs },
    q8BatchedVsTorchBatched: { automatic: torchAuto('batchedMs') / q8.batchedMs, bestKernel: torchBest('batchedMs') / q8.batchedMs },
    bestVsTorchB1: { automatic: torchAuto('b1Ms') / best, bestKernel: torchBest('b1Ms') / best },
  };
  const loadAtEnd = loadAverage();
  const figures = {
    measuredAt: new Date().toISOString(),
    loadAverage: { atStart: loadAtStart, atEnd: loadAtEnd, note: '1, 5 and 15 min load averages (uptime); other work on the machine makes every figure slower, ratios less so' },
    sentences: N,
    tokens,
    cores: os.cpus().length,
    threads,
    batchSize,
    weightsMB: { fp32: fs.statSync(modelPath).size / 1e6, q8: fs.statSync(path.join(dir, 'onnx', 'model_quantized.onnx')).size / 1e6 },
    tokenizeShareOfRawB1: tokenizeMs / rawMs,
    rawMs,
    sessionOptions,
    fp32,
    q8,
    torch: torchSkip ? { skipped: torchSkip } : torchRuns.map(({ b1Logits: _a, batchedLogits: _b, ...r }) => r),
    ratios,
    // Kept for earlier readers of results.json.
    oneAtATimeMs: fp32.oneAtATimeMs,
    batchedMs: fp32.batchedMs,
    pipelineOverFloor: ratios.pipelineOverFloor,
    batchedSpeedup: ratios.fp32BatchedOverOne,
    coldStartMs: fp32.coldStartMs,
    servicePeakRssMB: fp32.peakRssMB,
  };
  const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
  console.log(`\npipeline / floor: ${f2(ratios.pipelineOverFloor)} (target ≤ 1.10)`);
  console.log(`fp32 batched / one at a time: ${f2(ratios.fp32BatchedOverOne)}×; best setting / one fp32 request at a time: ${f2(ratios.bestOverOneFp32)}× (target ≥ 3×)`);
  console.log(`peak RSS / weights: fp32 ${f2(fp32.peakRssOverWeights)} (${fp32.peakRssMB.toFixed(0)} MB), q8 ${f2(q8.peakRssOverWeights)} (${q8.peakRssMB.toFixed(0)} MB) (target ≤ 1.6); cold start ${fp32.coldStartMs.toFixed(0)} ms`);
  console.log(`peak RSS / weights after 24 texts of ~400 tokens: fp32 ${f2(fp32.longPeakRssOverWeights)} (${fp32.longPeakRssMB.toFixed(0)} MB, ${(fp32.longMs / 24).toFixed(0)} ms a text), q8 ${f2(q8.longPeakRssOverWeights)} (${q8.longPeakRssMB.toFixed(0)} MB, ${(q8.longMs / 24).toFixed(0)} ms a text)`);
  console.log(`tokenization: ${(100 * figures.tokenizeShareOfRawB1).toFixed(1)} % of raw b1 inference time`);
  for (const r of torchRuns) console.log(`torch ${r.torch}, ${r.blas} kernel ${r.kernel} (OPENBLAS_CORETYPE ${r.coretype}), ${r.threads} threads; logits vs ONNX Runtime: b1 ${r.b1MaxDiff.toExponential(1)}, batched ${r.batchedMaxDiff.toExponential(1)} (must be ≤ 1e-4)`);
  if (torchRuns.length) {
    console.log(`AI Lab / PyTorch (sentences/s; automatic kernel, best kernel): fp32 b1 ${f2(ratios.fp32B1VsTorchB1.automatic)}, ${f2(ratios.fp32B1VsTorchB1.bestKernel)}; fp32 batched ${f2(ratios.fp32BatchedVsTorchBatched.automatic)}, ${f2(ratios.fp32BatchedVsTorchBatched.bestKernel)}; q8 b1 ${f2(ratios.q8B1VsTorchB1.automatic)}, ${f2(ratios.q8B1VsTorchB1.bestKernel)}; q8 batched ${f2(ratios.q8BatchedVsTorchBatched.automatic)}, ${f2(ratios.q8BatchedVsTorchBatched.bestKernel)}; best vs torch b1 ${f2(ratios.bestVsTorchB1.automatic)}, ${f2(ratios.bestVsTorchB1.bestKernel)}`);
    const bad = torchRuns.find((r) => r.b1MaxDiff > 1e-4 || r.batchedMaxDiff > 1e-4);
    if (bad) throw new Error(`PyTorch and ONNX Runtime logits differ by more than 1e-4 (b1 ${bad.b1MaxDiff}, batched ${bad.batchedMaxDiff}): the anchor is not the same model`);
  }
  console.log(`load average: at start ${loadAtStart.join(' ')}, at end ${loadAtEnd.join(' ')}`);
  const out = path.join(REPO_ROOT, 'bench', 'results.json');
  const previous = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
  const runs = (previous.inferenceRuns as unknown[] | undefined) ?? [];
  fs.writeFileSync(out, JSON.stringify({ ...previous, inference: figures, inferenceRuns: [...runs, { measuredAt: figures.measuredAt, loadAverage: figures.loadAverage, ratios, peakRssOverWeights: { fp32: fp32.peakRssOverWeights, q8: q8.peakRssOverWeights, fp32Long: fp32.longPeakRssOverWeights, q8Long: q8.longPeakRssOverWeights } }].slice(-6) }, null, 2));
  console.log(`written to ${path.relative(REPO_ROOT, out)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
