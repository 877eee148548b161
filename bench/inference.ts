/**
 * npm run bench (inference part): a BERT-base-shaped classifier on the CPU, N sentences of mixed length
 * (BENCH_SENTENCES, default 1000), all in one run so the figures are ratios against a floor:
 *   1. our pipeline (the service process, one sentence per request) vs raw onnxruntime-node session.run
 *      on the same tokenized inputs (the floor);
 *   2. batched (aiLab.batchSize, sorted by length, padding per batch) vs one at a time;
 *   3. cold start (service start → first result) and the service's peak memory.
 * Prints a table and merges the figures into bench/results.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runInBatches } from '../src/core/inference/batching';
import { InferenceService } from '../src/core/inference/inferenceService';
import { buildBertClassifier, BERT_BASE } from '../test/fixtures/models/bertBase';
import { bertConfig } from '../test/fixtures/models/sentiment';
import { bertTokenizerConfig, tokenizerJson, wordpieceVocab } from '../test/fixtures/models/wordpiece';
import { DIST, REPO_ROOT } from '../test/fixtures/paths';

const WORDS = (
  'the a of and to in is was for on that with as by it at from this be are or an have not but had his they you which one were all we her she there can more if no out so said what up its about into than them only other new some time could these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three'
).split(' ');

function sentences(n: number): string[] {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: n }, () => {
    const len = 4 + Math.floor(rand() * 60);
    return Array.from({ length: len }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ') + '.';
  });
}

function ensureModel(): string {
  const dir = path.join(os.tmpdir(), 'ai-lab-bench', 'bert-base-shaped-v1');
  if (fs.existsSync(path.join(dir, 'onnx', 'model.onnx'))) return dir;
  const vocab = wordpieceVocab([...new Set([...WORDS, '.'])]);
  const started = Date.now();
  const onnx = buildBertClassifier({ ...BERT_BASE, vocab: Object.keys(vocab).length });
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), bertConfig(Object.keys(vocab).length, ['LABEL_0', 'LABEL_1'], { hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072, max_position_embeddings: 512 }));
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), tokenizerJson(vocab));
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), bertTokenizerConfig(512));
  fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), onnx);
  console.log(`generated the BERT-base-shaped model (${(onnx.length / 1e6).toFixed(0)} MB) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return dir;
}

async function main(): Promise<void> {
  const N = Number(process.env.BENCH_SENTENCES ?? 1000);
  const batchSize = Number(process.env.BENCH_BATCH ?? 16);
  const dir = ensureModel();
  const texts = sentences(N);
  const script = path.join(DIST, 'inferenceService.js');
  const req = (inputs: unknown[]) => ({ task: 'text-classification', modelDir: dir, device: 'cpu' as const, dtype: 'fp32' as const, inputs, idleUnloadMs: 0 });

  // 3. Cold start: a fresh service, first result.
  const service = new InferenceService({ scriptPath: script });
  let t = performance.now();
  await service.run(req([texts[0]]));
  const coldStartMs = performance.now() - t;

  // Tokenize once for the floor, with the model's own tokenizer.
  const tf = await import('@huggingface/transformers');
  const ort = await import('onnxruntime-node');
  const tokenizer = await tf.AutoTokenizer.from_pretrained(dir, { local_files_only: true });
  const feeds = texts.map((text) => {
    const enc = tokenizer(text) as Record<string, { data: BigInt64Array; dims: number[] }>;
    return Object.fromEntries(['input_ids', 'attention_mask', 'token_type_ids'].map((k) => [k, new ort.Tensor('int64', enc[k]!.data, enc[k]!.dims)]));
  });
  const tokens = feeds.reduce((s, f) => s + Number(f.input_ids!.dims[1]), 0);
  // The same options transformers.js gives its sessions on the CPU.
  const session = await ort.InferenceSession.create(path.join(dir, 'onnx', 'model.onnx'), { executionProviders: ['cpu'], logSeverityLevel: 2 });
  await session.run(feeds[0]!); // warm-up

  // 1. Floor: raw session.run, one sentence at a time.
  t = performance.now();
  for (const f of feeds) await session.run(f);
  const rawMs = performance.now() - t;
  await session.release();

  // 1. Ours: one sentence per request through the service (tokenization, IPC, post-processing included).
  t = performance.now();
  for (const text of texts) await service.run(req([text]));
  const oneMs = performance.now() - t;

  // 2. Batched through the service.
  t = performance.now();
  const batched = await runInBatches(texts, batchSize, (s) => s.length, async (batch) => (await service.run(req([batch]))).output as unknown[]);
  const batchMs = performance.now() - t;
  if (batched.length !== texts.length) throw new Error('batched results are missing');
  const stats = await service.stats();
  service.dispose();

  const rows = [
    ['raw onnxruntime-node session.run (floor)', rawMs],
    ['AI Lab pipeline, one sentence per request', oneMs],
    [`AI Lab pipeline, batches of ${batchSize} sorted by length`, batchMs],
  ] as const;
  console.log(`\nBERT-base-shaped (12×768), CPU, ${N} sentences, ${tokens} tokens, ${os.cpus().length} cores\n`);
  console.log('| run | total s | ms / sentence |');
  console.log('|---|---:|---:|');
  for (const [name, ms] of rows) console.log(`| ${name} | ${(ms / 1000).toFixed(1)} | ${(ms / N).toFixed(2)} |`);
  const figures = {
    measuredAt: new Date().toISOString(),
    sentences: N,
    tokens,
    cores: os.cpus().length,
    batchSize,
    rawMs,
    oneAtATimeMs: oneMs,
    batchedMs: batchMs,
    pipelineOverFloor: oneMs / rawMs,
    batchedSpeedup: oneMs / batchMs,
    coldStartMs,
    servicePeakRssMB: stats.maxRssBytes / 1e6,
  };
  console.log(`\npipeline / floor: ${figures.pipelineOverFloor.toFixed(3)} (target ≤ 1.10)`);
  console.log(`batched speed-up: ${figures.batchedSpeedup.toFixed(2)}× (target ≥ 3×)`);
  console.log(`cold start: ${coldStartMs.toFixed(0)} ms; service peak RSS: ${figures.servicePeakRssMB.toFixed(0)} MB`);
  const out = path.join(REPO_ROOT, 'bench', 'results.json');
  const previous = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
  fs.writeFileSync(out, JSON.stringify({ ...previous, inference: figures }, null, 2));
  console.log(`written to ${path.relative(REPO_ROOT, out)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
