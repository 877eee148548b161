/**
 * npm run bench (generation part): a GPT-2-shaped causal LM (BENCH_GEN_LAYERS×BENCH_GEN_HIDDEN, default
 * 6×768: distilgpt2's shape, Continue Text's default model) generating 60 new tokens greedily from a ~30-token prompt, with and without the KV cache:
 *   - without: the no-cache graph re-reads the whole sequence each step (a plain loop on
 *     onnxruntime-node: transformers.js 4.3 feeds only the last token after the first step, so it
 *     cannot run a cache-less decoder correctly);
 *   - with: the same loop on the cached graph, and AI Lab's service (transformers.js feeds the cache).
 * The service's tokens must equal the cache-less loop's. Tokens/s merged into bench/results.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InferenceService } from '../src/core/inference/inferenceService';
import { sessionOptionsFor } from '../src/core/inference/sessionOptions';
import { GPT_WORDS, greedyWithoutCache, gptShapedFiles } from '../test/fixtures/models/gptShaped';
import { DIST, REPO_ROOT } from '../test/fixtures/paths';

const NEW_TOKENS = 60;
const REPEATS = 5;

/** The median wall time of REPEATS calls of `f`, in ms: one run on a shared machine swings ±30 %. */
async function medianMs(f: () => Promise<void>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[REPEATS >> 1]!;
}

function ensure(cache: boolean, shape: { layers: number; hidden: number; heads: number; maxPositions: number }): string {
  const dir = path.join(os.tmpdir(), 'ai-lab-bench', `gpt-shaped-${shape.layers}x${shape.hidden}-${cache ? 'kv' : 'nokv'}-v1`);
  if (fs.existsSync(path.join(dir, 'onnx', 'model.onnx'))) return dir;
  for (const [f, c] of Object.entries(gptShapedFiles(shape, { cache }))) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), c);
  }
  return dir;
}

async function main(): Promise<void> {
  const layers = Number(process.env.BENCH_GEN_LAYERS ?? 6);
  const hidden = Number(process.env.BENCH_GEN_HIDDEN ?? 768);
  const shape = { layers, hidden, heads: hidden / 64, maxPositions: 256 };
  const loadAtStart = os.loadavg().map((x) => Number(x.toFixed(2)));
  const kvDir = ensure(true, shape);
  const noKvDir = ensure(false, shape);
  const prompt = Array.from({ length: 30 }, (_, i) => GPT_WORDS[(i * 7) % GPT_WORDS.length]).join('').trim();
  const ort = await import('onnxruntime-node');
  const tf = await import('@huggingface/transformers');
  const tokenizer = await tf.AutoTokenizer.from_pretrained(kvDir, { local_files_only: true });
  const promptIds = Array.from((tokenizer(prompt) as { input_ids: { data: BigInt64Array } }).input_ids.data, Number);
  const opts = { logSeverityLevel: 3 as const, ...sessionOptionsFor('cpu') };

  // Without the cache.
  const noKv = await ort.InferenceSession.create(path.join(noKvDir, 'onnx', 'model.onnx'), opts);
  const feeds = (ids: bigint[]) => ({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids), [1, ids.length]), attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]) });
  await greedyWithoutCache(noKv as never, feeds, promptIds, 2); // warm-up
  let reference: number[] = [];
  const withoutMs = await medianMs(async () => void (reference = await greedyWithoutCache(noKv as never, feeds, promptIds, NEW_TOKENS)));
  await noKv.release();

  // With the cache, the same plain loop.
  const kv = await ort.InferenceSession.create(path.join(kvDir, 'onnx', 'model.onnx'), opts);
  const hd = 64;
  const loopWithCache = async (n: number) => {
    let past: Record<string, InstanceType<typeof ort.Tensor>> = {};
    for (let l = 0; l < layers; l++) for (const k of ['key', 'value']) past[`past_key_values.${l}.${k}`] = new ort.Tensor('float32', new Float32Array(0), [1, shape.heads, 0, hd]);
    const ids = [...promptIds];
    let step = promptIds;
    for (let i = 0; i < n; i++) {
      const out = await kv.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(step.map(BigInt)), [1, step.length]), attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]), ...past });
      const logits = out.logits!;
      const V = logits.dims[2]!;
      const last = (logits.data as Float32Array).subarray((step.length - 1) * V, step.length * V);
      let best = 0;
      for (let j = 1; j < V; j++) if (last[j]! > last[best]!) best = j;
      ids.push(best);
      step = [best];
      past = Object.fromEntries(Object.entries(out).filter(([k]) => k.startsWith('present.')).map(([k, v]) => [k.replace('present.', 'past_key_values.'), v]));
    }
    return ids.slice(promptIds.length);
  };
  await loopWithCache(2);
  let cachedIds: number[] = [];
  const withMs = await medianMs(async () => void (cachedIds = await loopWithCache(NEW_TOKENS)));
  await kv.release();

  // With the cache, through AI Lab's service (second call: the model is loaded).
  const service = new InferenceService({ scriptPath: path.join(DIST, 'inferenceService.js') });
  const req = { task: 'text-generation', modelDir: kvDir, device: 'cpu' as const, dtype: 'fp32' as const, inputs: [prompt, { max_new_tokens: NEW_TOKENS, min_new_tokens: NEW_TOKENS, do_sample: false }], idleUnloadMs: 0 };
  await service.run(req);
  let r = await service.run(req);
  const serviceMs = await medianMs(async () => void (r = await service.run(req)));
  service.dispose();
  const text = (r.output as Array<{ generated_text: string }>)[0]!.generated_text;
  const same = text === tokenizer.decode([...promptIds, ...reference]) && cachedIds.join() === reference.join();

  const tps = (ms: number) => (NEW_TOKENS * 1000) / ms;
  const figures = {
    measuredAt: new Date().toISOString(),
    loadAverage: { atStart: loadAtStart, atEnd: os.loadavg().map((x) => Number(x.toFixed(2))) },
    model: `GPT-2-shaped ${layers}×${hidden}, ${shape.heads} heads`,
    promptTokens: promptIds.length,
    newTokens: NEW_TOKENS,
    repeats: REPEATS,
    tokensPerSecond: { withoutCache: tps(withoutMs), withCacheRaw: tps(withMs), withCacheService: tps(serviceMs) },
    cacheSpeedup: { raw: withoutMs / withMs, service: withoutMs / serviceMs },
    sameTokens: same,
  };
  console.log(`\n${figures.model}, prompt ${promptIds.length} tokens, ${NEW_TOKENS} new tokens, greedy, median of ${REPEATS} runs each, load average ${loadAtStart.join(' ')}`);
  console.log('| run | tokens/s |');
  console.log('|---|---:|');
  console.log(`| without KV cache (whole sequence each step) | ${tps(withoutMs).toFixed(1)} |`);
  console.log(`| with KV cache, plain onnxruntime-node loop | ${tps(withMs).toFixed(1)} |`);
  console.log(`| with KV cache, AI Lab service (transformers.js) | ${tps(serviceMs).toFixed(1)} |`);
  console.log(`KV cache speed-up: ${figures.cacheSpeedup.service.toFixed(2)}× through the service, ${figures.cacheSpeedup.raw.toFixed(2)}× raw (target ≥ 3×); same tokens: ${same}`);
  const out = path.join(REPO_ROOT, 'bench', 'results.json');
  const previous = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
  fs.writeFileSync(out, JSON.stringify({ ...previous, generation: figures }, null, 2));
  if (!same) throw new Error('the cached generation did not write the tokens of the cache-less one');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
