/**
 * The inference service (dist/inferenceService.js), a child process: runs @huggingface/transformers
 * pipelines on onnxruntime-node away from the extension host, so the editor never stalls and a native
 * crash takes only this process down. Models are local folders only: downloads happen in the parent.
 */
import * as fs from 'node:fs';
import { decoderCacheProblem, type SessionInputs } from './decoderCache';
import { convertFloat16Outputs } from './float16';
import { checkModelFolder, explainLoadFailure, listModelFiles } from './modelCheck';
import { assertFiniteOutput } from './outputCheck';
import type { FromService, RunRequest, ToService } from './protocol';
import { installProxyFromEnv } from '../net/proxy';
import { questionAnswerer, type QaPipelineParts } from './questionAnswering';
import { serviceThreads, sessionOptionsFor } from './sessionOptions';

// Proxy settings the extension host passed (and HTTPS_PROXY & co.), for any request this process makes.
installProxyFromEnv();

type Pipe = ((...args: unknown[]) => Promise<unknown>) & { dispose?: () => Promise<void> };

interface Loaded {
  pipe: Promise<Pipe>;
  timer?: NodeJS.Timeout;
}

const loaded = new Map<string, Loaded>();
const cancelled = new Set<number>();
let loads = 0;
let transformers: typeof import('@huggingface/transformers') | undefined;

function send(m: FromService): void {
  process.send?.(m);
}

async function lib(): Promise<typeof import('@huggingface/transformers')> {
  if (!transformers) {
    transformers = await import('@huggingface/transformers');
    // Local folders only: the parent downloads into the Hugging Face cache and passes paths.
    transformers.env.allowRemoteModels = false;
    transformers.env.allowLocalModels = true;
    transformers.env.useFSCache = false;
    transformers.env.useBrowserCache = false;
  }
  return transformers;
}

function keyOf(r: RunRequest): string {
  return `${r.task}|${r.modelDir}|${r.device}|${r.dtype}`;
}

type Lib = typeof import('@huggingface/transformers');

/**
 * (text, text_pair) classification with the model's own head: sigmoid for a single logit (QNLI
 * cross-encoders are regressions, which the text-classification pipeline would softmax to 1.0),
 * softmax over id2label otherwise. Inputs: [pairs: Array<[string, string]>].
 */
async function pairClassifier(t: Lib, r: RunRequest): Promise<Pipe> {
  const tokenizer = await t.AutoTokenizer.from_pretrained(r.modelDir);
  const model = await t.AutoModelForSequenceClassification.from_pretrained(r.modelDir, { device: r.device, dtype: r.dtype, session_options: sessionOptionsFor(r.device) });
  const id2label = ((model as unknown as { config: { id2label?: Record<string, string> } }).config.id2label ?? {}) as Record<string, string>;
  const call = async (...args: unknown[]) => {
    const pairs = args[0] as Array<[string, string]>;
    const enc = tokenizer(pairs.map((p) => p[0]), { text_pair: pairs.map((p) => p[1]), padding: true, truncation: true });
    const { logits } = (await model(enc)) as { logits: { dims: number[]; data: Float32Array } };
    const [n, k] = logits.dims as [number, number];
    const out: Array<Array<{ label: string; score: number }>> = [];
    for (let i = 0; i < n; i++) {
      const row = Array.from(logits.data.slice(i * k, (i + 1) * k));
      if (k === 1) {
        const p = 1 / (1 + Math.exp(-row[0]!));
        out.push([{ label: 'entailment', score: p }, { label: 'not_entailment', score: 1 - p }].sort((a, b) => b.score - a.score));
      } else {
        const max = Math.max(...row);
        const e = row.map((x) => Math.exp(x - max));
        const sum = e.reduce((a, b) => a + b, 0);
        out.push(e.map((x, j) => ({ label: id2label[String(j)] ?? `LABEL_${j}`, score: x / sum })).sort((a, b) => b.score - a.score));
      }
    }
    return out;
  };
  return Object.assign(call, { dispose: async () => void (await model.dispose()) });
}

/** One load per model: concurrent requests share the same promise. */
function pipelineFor(r: RunRequest): { pipe: Promise<Pipe>; loadedNow: boolean } {
  const key = keyOf(r);
  const existing = loaded.get(key);
  if (existing) return { pipe: existing.pipe, loadedNow: false };
  loads++;
  const pipe = lib().then(async (t) => {
    // The parent checked the folder when it resolved it; a caller that did not is checked here.
    checkModelFolder(r.modelDir, r.modelDir, listModelFiles(r.modelDir), r.task);
    try {
      if (r.task === 'text-pair-classification') return await pairClassifier(t, r);
      const p = (await t.pipeline(r.task as Parameters<typeof t.pipeline>[0], r.modelDir, { device: r.device, dtype: r.dtype, session_options: sessionOptionsFor(r.device) })) as unknown as Pipe & {
        model?: { sessions?: Parameters<typeof convertFloat16Outputs>[0] };
      };
      const noCache = decoderCacheProblem(r.task, r.modelDir, p.model?.sessions as Record<string, SessionInputs> | undefined);
      if (noCache) {
        await p.dispose?.();
        throw new Error(noCache);
      }
      if (r.dtype === 'fp16' && !('Float16Array' in globalThis) && p.model?.sessions) convertFloat16Outputs(p.model.sessions);
      // The pipeline's answers have no place in the passage: AI Lab picks the span and maps it back.
      if (r.task === 'question-answering') return questionAnswerer(p as unknown as QaPipelineParts);
      return p as Pipe;
    } catch (err) {
      throw new Error(explainLoadFailure(r.modelDir, err));
    }
  });
  const entry: Loaded = { pipe };
  loaded.set(key, entry);
  pipe.catch(() => loaded.delete(key)); // A failed load is not cached.
  return { pipe, loadedNow: true };
}

function scheduleUnload(r: RunRequest): void {
  const key = keyOf(r);
  const entry = loaded.get(key);
  if (!entry) return;
  clearTimeout(entry.timer);
  if (r.idleUnloadMs <= 0) return;
  entry.timer = setTimeout(() => {
    loaded.delete(key);
    void entry.pipe.then((p) => p.dispose?.()).catch(() => undefined);
    send({ type: 'log', message: `unloaded ${r.modelDir} (${r.task}) after ${Math.round(r.idleUnloadMs / 60000)} min unused` });
  }, r.idleUnloadMs);
  entry.timer.unref();
}

/** Plain data only crosses the process boundary (tensors become arrays). */
function plain(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number | bigint>, (x) => (typeof x === 'bigint' ? Number(x) : x));
  if (Array.isArray(v)) return v.map(plain);
  const o = v as Record<string, unknown> & { tolist?: () => unknown };
  if (typeof o.tolist === 'function' && 'dims' in o) return { dims: o.dims, data: plain(o.tolist()) };
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plain(x)]));
}

/** Adds a TextStreamer to the call's options so generated text reaches the parent as it comes. */
function withStreamer(p: Pipe, id: number, inputs: unknown[]): unknown[] {
  const tokenizer = (p as unknown as { tokenizer?: unknown }).tokenizer;
  if (!tokenizer || !transformers) return inputs;
  const streamer = new transformers.TextStreamer(tokenizer as ConstructorParameters<typeof transformers.TextStreamer>[0], {
    skip_prompt: true,
    skip_special_tokens: true,
    callback_function: (text: string) => {
      if (!cancelled.has(id) && text) send({ type: 'partial', id, text });
    },
  });
  const last = inputs[inputs.length - 1];
  const hasOptions = inputs.length > 1 && last && typeof last === 'object' && !Array.isArray(last);
  return hasOptions ? [...inputs.slice(0, -1), { ...(last as object), streamer }] : [...inputs, { streamer }];
}

/** How many texts (or pairs) one call carries: the first argument's length when it is a list. */
function batchSizeOf(inputs: unknown[]): number {
  return Array.isArray(inputs[0]) ? inputs[0].length : 1;
}

async function run(id: number, r: RunRequest): Promise<void> {
  const t0 = performance.now();
  try {
    const { pipe, loadedNow } = pipelineFor(r);
    const p = await pipe;
    const t1 = performance.now();
    if (cancelled.has(id)) return;
    const inputs = r.stream ? withStreamer(p, id, r.inputs) : r.inputs;
    const output = await p(...inputs);
    const t2 = performance.now();
    scheduleUnload(r);
    assertFiniteOutput(output, r.modelDir, r.dtype);
    if (cancelled.delete(id)) return;
    const settings = { dtype: r.dtype, batchSize: batchSizeOf(r.inputs), threads: r.device === 'cpu' ? serviceThreads() : undefined };
    send({ type: 'result', id, ok: true, output: plain(output), loadMs: loadedNow ? t1 - t0 : 0, runMs: t2 - t1, loadedNow, ...settings });
  } catch (err) {
    if (cancelled.delete(id)) return;
    send({ type: 'result', id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
}

/**
 * This process's own peak RSS. Linux keeps getrusage's ru_maxrss across execve, so a forked service
 * would report its parent's peak (a bench or an extension host with a model loaded) as its own:
 * VmHWM in /proc/self/status is the high-water mark of this process's memory alone. Elsewhere ru_maxrss.
 */
function peakRssBytes(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS * 1024;
}

process.on('message', (m: ToService) => {
  if (m.type === 'run') void run(m.id, m);
  else if (m.type === 'cancel') cancelled.add(m.id);
  else if (m.type === 'stats') send({ type: 'stats', id: m.id, loaded: [...loaded.keys()], loads, rssBytes: process.memoryUsage().rss, maxRssBytes: peakRssBytes(), maxRssInheritedBytes: process.resourceUsage().maxRSS * 1024, pid: process.pid });
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
