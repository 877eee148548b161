import { expandHome, localFolderAdvice, notAFolderMessage } from './localModelHint';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { downloadSnapshot, type DownloadProgress } from '../hub/snapshot';
import { checkModelFolder, checkWeights, listModelFiles } from './modelCheck';
import { assertRunnableFiles, chooseModelFiles, SUPPORTED_TASKS, TASK_KIND, type ConcreteDtype, type Dtype } from './modelFiles';
import { MODEL_JSON_FILES, ModelFilesError } from './modelFolder';
import { looksLikeLocalPath } from './modelName';

export interface HubAccess {
  endpoint: string;
  token?: string;
  cacheDir: string;
  offline?: boolean;
}

export interface ResolveParams {
  /** A Hub id ("Xenova/distilbert-base-uncased-finetuned-sst-2-english") or a local folder. */
  model: string;
  task: string;
  device: 'cpu' | 'cuda';
  dtype: Dtype;
  hub: HubAccess;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  log?: (msg: string) => void;
}

export interface ResolvedModel {
  dir: string;
  dtype: ConcreteDtype;
  source: 'local' | 'hub' | 'cache';
  commit?: string;
  downloadedBytes: number;
}

export { looksLikeLocalPath } from './modelName';

/**
 * A model as a local folder with the files `task` needs, checked (checkModelFolder, then the ONNX
 * files): a folder as it is, a Hub id downloaded into the cache, its JSON files first so a model that
 * cannot do the task is refused before its weights are fetched.
 */
export async function resolveModel(p: ResolveParams): Promise<ResolvedModel> {
  const model = p.model.trim();
  if (!model) throw new Error('No model given: name a Hub id (org/name) or a local folder.');
  if (!TASK_KIND[p.task]) throw new ModelFilesError(`Unknown task "${p.task}". Supported: ${SUPPORTED_TASKS.join(', ')}.`);
  // Only a path names a folder: a bare "org/name" is a Hub id even where a folder of that name sits in
  // the current folder (a cloned repository could otherwise stand in for a Hub model).
  if (looksLikeLocalPath(model)) {
    const dir = path.resolve(expandHome(model));
    const notFolder = notAFolderMessage(model, dir);
    if (notFolder) throw new Error(notFolder);
    // A folder of models, or one inside a model: which folder to give, before what it lacks.
    const elsewhere = fs.existsSync(path.join(dir, 'config.json')) ? '' : localFolderAdvice(model);
    if (elsewhere) throw new ModelFilesError(`${model} is not a model folder (it has no config.json). ${elsewhere}`);
    const files = listModelFiles(dir);
    checkModelFolder(model, dir, files, p.task);
    const choice = chooseModelFiles(model, files, p.task, p.device, p.dtype);
    checkWeights(model, dir, choice.files);
    return { dir, dtype: choice.dtype, source: 'local', downloadedBytes: 0 };
  }
  const hub = {
    repoId: model,
    endpoint: p.hub.endpoint,
    token: p.hub.token,
    cacheDir: p.hub.cacheDir,
    offline: p.hub.offline,
    signal: p.signal,
    onProgress: p.onProgress,
    log: p.log,
  };
  // First the small JSON files: what the model is decides whether its weights are worth fetching.
  let listed: string[] = [];
  const meta = await downloadSnapshot({
    ...hub,
    select: (available) => {
      assertRunnableFiles(model, available);
      listed = available;
      return [...MODEL_JSON_FILES];
    },
  });
  checkModelFolder(model, meta.dir, listed, p.task);
  let dtype: ConcreteDtype = 'fp32';
  const snap = await downloadSnapshot({
    ...hub,
    revision: meta.offline ? undefined : meta.commit,
    select: (available) => {
      const c = chooseModelFiles(model, available, p.task, p.device, p.dtype);
      dtype = c.dtype;
      return c.files;
    },
  });
  checkWeights(model, snap.dir, snap.files);
  return { dir: snap.dir, dtype, source: snap.offline ? 'cache' : 'hub', commit: snap.commit, downloadedBytes: meta.downloadedBytes + snap.downloadedBytes };
}

/**
 * Concurrent resolutions of the same model share one download; a resolved model is reused for
 * `ttlMs` (a run of many batches lists the Hub once), then checked against the Hub again.
 */
export class ModelResolver {
  private readonly inflight = new Map<string, { at: number; run: Promise<ResolvedModel>; done: boolean }>();

  constructor(private readonly ttlMs = 0) {}

  resolve(p: ResolveParams): Promise<ResolvedModel> {
    const key = JSON.stringify([p.model, p.task, p.device, p.dtype, p.hub.endpoint, p.hub.cacheDir, p.hub.offline]);
    const hit = this.inflight.get(key);
    // In flight: always shared (two downloads of one blob would race); done: reused for ttlMs.
    if (hit && (!hit.done || Date.now() - hit.at <= this.ttlMs)) return hit.run;
    const run = resolveModel(p);
    const entry = { at: Date.now(), run, done: false };
    this.inflight.set(key, entry);
    // Failures are never reused; successes only for ttlMs (0: only while in flight).
    run.then(
      () => {
        entry.done = true;
        if (this.ttlMs <= 0 && this.inflight.get(key) === entry) this.inflight.delete(key);
      },
      () => this.inflight.get(key) === entry && this.inflight.delete(key),
    );
    return run;
  }
}

/**
 * Encoders whose position ids start after the padding index (fairseq's convention, kept by transformers'
 * RoBERTa-family embeddings): of `max_position_embeddings` positions, `pad_token_id + 1` are never used,
 * so roberta-base's 514 positions hold 512 tokens.
 */
const PADDING_OFFSET_POSITIONS = new Set(['roberta', 'xlm-roberta', 'xlm-roberta-xl', 'camembert', 'longformer', 'mpnet', 'data2vec-text', 'ibert', 'xmod', 'luke', 'markuplm', 'roberta-prelayernorm']);

/** A JSON file's top-level object; undefined when it is missing, unreadable, not JSON or not an object. */
export function readJsonObject(file: string): Record<string, unknown> | undefined {
  try {
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return j && typeof j === 'object' && !Array.isArray(j) ? (j as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A length in tokens that means something: tokenizers without a limit say 1e30 (treated as unknown). */
function sensibleLength(v: unknown): number | undefined {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 && n < 1_000_000 ? n : undefined;
}

/**
 * The longest input (in tokens, special tokens included) a model folder can read: the smaller of its
 * tokenizer's `model_max_length` (tokenizer_config.json) and what its learned position table holds
 * (config.json `max_position_embeddings`, less the padding offset of RoBERTa-family encoders). An
 * encoder-decoder's positions are not counted (its decoder's table is what the key describes). Undefined
 * when neither file says.
 */
export function modelMaxLength(dir: string): number | undefined {
  const fromTokenizer = sensibleLength(readJsonObject(path.join(dir, 'tokenizer_config.json'))?.model_max_length);
  const config = readJsonObject(path.join(dir, 'config.json'));
  let fromPositions: number | undefined;
  const positions = sensibleLength(config?.max_position_embeddings);
  if (positions !== undefined && config?.is_encoder_decoder !== true) {
    const offset = PADDING_OFFSET_POSITIONS.has(String(config?.model_type)) ? Number(config?.pad_token_id ?? 1) + 1 : 0;
    fromPositions = positions - (Number.isInteger(offset) && offset > 0 && offset < positions ? offset : 0);
  }
  if (fromTokenizer === undefined) return fromPositions;
  return fromPositions === undefined ? fromTokenizer : Math.min(fromTokenizer, fromPositions);
}
