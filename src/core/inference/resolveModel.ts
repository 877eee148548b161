import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadSnapshot, type DownloadProgress } from '../hub/snapshot';
import { chooseModelFiles, type ConcreteDtype, type Dtype } from './modelFiles';

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

export function looksLikeLocalPath(model: string): boolean {
  return path.isAbsolute(model) || /^(\.{1,2}|~)([\\/]|$)/.test(model) || /^[A-Za-z]:[\\/]/.test(model);
}

function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) return listFiles(path.join(dir, e.name), rel);
    return [rel];
  });
}

export async function resolveModel(p: ResolveParams): Promise<ResolvedModel> {
  const model = p.model.trim();
  if (!model) throw new Error('No model given: name a Hub id (org/name) or a local folder.');
  // Only a path names a folder: a bare "org/name" is a Hub id even where a folder of that name sits in
  // the current folder (a cloned repository could otherwise stand in for a Hub model).
  if (looksLikeLocalPath(model)) {
    const dir = path.resolve(model.replace(/^~(?=[\\/]|$)/, os.homedir()));
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`The model folder ${dir} does not exist.`);
    const choice = chooseModelFiles(dir, listFiles(dir), p.task, p.device, p.dtype);
    return { dir, dtype: choice.dtype, source: 'local', downloadedBytes: 0 };
  }
  let dtype: ConcreteDtype = 'fp32';
  const snap = await downloadSnapshot({
    repoId: model,
    endpoint: p.hub.endpoint,
    token: p.hub.token,
    cacheDir: p.hub.cacheDir,
    offline: p.hub.offline,
    signal: p.signal,
    onProgress: p.onProgress,
    log: p.log,
    select: (available) => {
      const c = chooseModelFiles(model, available, p.task, p.device, p.dtype);
      dtype = c.dtype;
      return c.files;
    },
  });
  return { dir: snap.dir, dtype, source: snap.offline ? 'cache' : 'hub', commit: snap.commit, downloadedBytes: snap.downloadedBytes };
}

/**
 * Concurrent resolutions of the same model share one download; a resolved model is reused for
 * `ttlMs` (a run of many batches lists the Hub once), then checked against the Hub again.
 */
export class ModelResolver {
  private readonly inflight = new Map<string, { at: number; run: Promise<ResolvedModel> }>();

  constructor(private readonly ttlMs = 0) {}

  resolve(p: ResolveParams): Promise<ResolvedModel> {
    const key = JSON.stringify([p.model, p.task, p.device, p.dtype, p.hub.endpoint, p.hub.cacheDir, p.hub.offline]);
    const hit = this.inflight.get(key);
    // With no time to live, an entry is in the map only while its download runs: always share it.
    if (hit && (this.ttlMs <= 0 || Date.now() - hit.at <= this.ttlMs)) return hit.run;
    const run = resolveModel(p);
    this.inflight.set(key, { at: Date.now(), run });
    // Failures are never reused; successes only for ttlMs (0: only while in flight).
    run.then(
      () => this.ttlMs <= 0 && this.inflight.get(key)?.run === run && this.inflight.delete(key),
      () => this.inflight.get(key)?.run === run && this.inflight.delete(key),
    );
    return run;
  }
}

/** model_max_length from a model folder's tokenizer_config.json (absurd placeholder values ignored). */
export function modelMaxLength(dir: string): number | undefined {
  try {
    const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8')) as { model_max_length?: number };
    const n = Number(cfg.model_max_length);
    // Tokenizers without a limit say 1e30: treat as unknown.
    return Number.isFinite(n) && n > 0 && n < 1_000_000 ? n : undefined;
  } catch {
    return undefined;
  }
}
