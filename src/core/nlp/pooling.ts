/**
 * How a sentence-transformers model turns its token vectors into one sentence vector, read from its
 * folder as sentence-transformers reads it: `modules.json` lists the modules in order (Transformer,
 * Pooling, optionally Normalize); the Pooling module's `config.json` (usually `1_Pooling/config.json`)
 * says which pooling (`pooling_mode_mean_tokens`, `pooling_mode_cls_token`, `pooling_mode_max_tokens`…);
 * `sentence_bert_config.json` gives `max_seq_length`, the tokens the Transformer reads (longer input
 * is truncated: all-MiniLM-L6-v2 reads 256 of the 512 its tokenizer allows).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonObject } from '../inference/resolveModel';
import { InputError } from '../text/chunks';

/** sentence-transformers' pooling modes, by the key that switches each on in the Pooling config. */
export type PoolingMode = 'mean' | 'cls' | 'max' | 'mean_sqrt_len' | 'weightedmean' | 'lasttoken';

const MODE_KEYS: Array<[string, PoolingMode]> = [
  ['pooling_mode_cls_token', 'cls'],
  ['pooling_mode_mean_tokens', 'mean'],
  ['pooling_mode_max_tokens', 'max'],
  ['pooling_mode_mean_sqrt_len_tokens', 'mean_sqrt_len'],
  ['pooling_mode_weightedmean_tokens', 'weightedmean'],
  ['pooling_mode_lasttoken', 'lasttoken'],
];

/** The sentence-embedding recipe of one model folder. */
export interface SentenceEmbedder {
  pooling: PoolingMode;
  /** True when modules.json lists a Normalize module (the vectors are unit length). */
  normalize: boolean;
  /** sentence_bert_config.json's max_seq_length (tokens, special tokens included), when it says. */
  maxSeqLength?: number;
  /** Where the pooling came from: "1_Pooling/config.json", or the fallback. */
  from: string;
  /** What the user should know (no sentence-transformers config: mean pooling assumed). */
  notes: string[];
}

interface StModule {
  path?: unknown;
  type?: unknown;
}

/**
 * The pooling, normalisation and maximum length of the model in `dir`. A folder without modules.json
 * (a plain encoder, not a sentence-transformers model) gets mean pooling, as sentence-transformers
 * gives such a model, with a note. Throws an InputError for what AI Lab cannot reproduce: several
 * pooling modes at once (their vectors concatenated), or a module after pooling it cannot run (a
 * Dense projection, whose weights are not in the ONNX file).
 */
export function readSentenceEmbedder(dir: string, model = path.basename(dir)): SentenceEmbedder {
  const modulesJson = path.join(dir, 'modules.json');
  const bert = readJsonObject(path.join(dir, 'sentence_bert_config.json'));
  const maxSeq = Number(bert?.max_seq_length);
  const maxSeqLength = Number.isInteger(maxSeq) && maxSeq > 0 ? maxSeq : undefined;
  let modules: StModule[] | undefined;
  try {
    const raw = JSON.parse(fs.readFileSync(modulesJson, 'utf8')) as unknown;
    if (Array.isArray(raw)) modules = raw as StModule[];
  } catch {
    modules = undefined;
  }
  if (!modules) {
    return {
      pooling: 'mean',
      normalize: false,
      maxSeqLength,
      from: 'default',
      notes: [`${model} has no modules.json (it is not a sentence-transformers model): its token vectors are mean-pooled, as sentence-transformers does for a plain encoder; scores from a model not trained for sentence similarity may mean little.`],
    };
  }
  const types = modules.map((m) => String(m.type ?? ''));
  const poolingAt = types.findIndex((t) => /\.Pooling$/.test(t));
  const unknown = types.filter((t) => !/\.(Transformer|Pooling|Normalize)$/.test(t));
  if (unknown.length) {
    throw new InputError(`${model} has a ${unknown.map((t) => t.split('.').pop()).join(', ')} module in modules.json, which AI Lab cannot run (its weights are not in the ONNX file); the similarity would not be the model's. Use a model whose modules are Transformer, Pooling and Normalize, such as Xenova/all-MiniLM-L6-v2.`);
  }
  const normalize = types.some((t) => /\.Normalize$/.test(t));
  if (poolingAt < 0) {
    return { pooling: 'mean', normalize, maxSeqLength, from: 'default', notes: [`modules.json of ${model} lists no Pooling module: mean pooling is used.`] };
  }
  const rel = path.join(String(modules[poolingAt]!.path ?? ''), 'config.json');
  const conf = readJsonObject(path.join(dir, rel));
  if (!conf && fs.existsSync(path.join(dir, rel))) {
    // A damaged config is not a missing one: mean pooling would give a CLS model's users confident wrong scores.
    throw new InputError(`${model}'s pooling config (${rel.split(path.sep).join('/')}) is not a readable JSON object: AI Lab cannot tell how the model pools its tokens. Download the model again (or fix the file).`);
  }
  if (!conf) {
    return { pooling: 'mean', normalize, maxSeqLength, from: 'default', notes: [`${model}'s pooling config (${rel.split(path.sep).join('/')}) is missing: mean pooling is used, sentence-transformers' default.`] };
  }
  const modes = MODE_KEYS.filter(([k]) => conf[k] === true).map(([, m]) => m);
  if (typeof conf.pooling_mode === 'string' && !modes.length) {
    // Newer configs may name the mode in one string ("mean", "cls", "max", "lasttoken"…).
    const named = conf.pooling_mode.replace(/_tokens?$/, '').replace('cls_token', 'cls');
    const found = MODE_KEYS.map(([, m]) => m).find((m) => m === named);
    if (found) modes.push(found);
  }
  if (modes.length !== 1) {
    throw new InputError(
      modes.length
        ? `${model} pools in ${modes.length} ways at once (${modes.join(' + ')}), concatenating the vectors; AI Lab computes one pooling only.`
        : `${model}'s pooling config (${rel.split(path.sep).join('/')}) switches on no pooling mode.`,
    );
  }
  return { pooling: modes[0]!, normalize, maxSeqLength, from: rel.split(path.sep).join('/'), notes: [] };
}

/**
 * One sentence vector from a text's token vectors (`tokens`: one row per token, special tokens
 * included, no padding), as sentence-transformers' Pooling computes it.
 */
export function poolTokens(tokens: number[][], mode: PoolingMode): number[] {
  const n = tokens.length;
  if (!n) throw new Error('no token vectors to pool');
  const dim = tokens[0]!.length;
  const out = new Array<number>(dim).fill(mode === 'max' ? -Infinity : 0);
  switch (mode) {
    case 'cls':
      return [...tokens[0]!];
    case 'lasttoken':
      return [...tokens[n - 1]!];
    case 'max':
      for (const t of tokens) t.forEach((x, i) => (out[i] = Math.max(out[i]!, x)));
      return out;
    case 'weightedmean': {
      // Position weights 1…n, as sentence-transformers gives them.
      const total = (n * (n + 1)) / 2;
      tokens.forEach((t, k) => t.forEach((x, i) => (out[i]! += ((k + 1) * x) / total)));
      return out;
    }
    case 'mean':
    case 'mean_sqrt_len': {
      const d = mode === 'mean' ? n : Math.sqrt(n);
      for (const t of tokens) t.forEach((x, i) => (out[i]! += x / d));
      return out;
    }
  }
}

/** `v` scaled to unit length (a zero vector stays zero, as torch's normalize leaves it). */
export function unitVector(v: readonly number[]): number[] {
  const norm = Math.hypot(...v);
  return norm > 0 ? v.map((x) => x / norm) : [...v];
}

/** Cosine similarity of two vectors of one length, −1…1 (0 when either is zero). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`vectors of different lengths (${a.length} and ${b.length})`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  if (!na || !nb) return 0;
  return Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
}
