/**
 * Text Embeddings Inference: /embed (feature-extraction), /predict (a sequence classifier's labels,
 * for single texts and pairs), /rerank, /info (the model it serves and its maximum input). One
 * request per batch (TEI takes lists), split at the server's max_client_batch_size.
 */
import type { LabelScore, RunOptions } from '../nlp/runner';
import { readJson } from './http';
import { BackendError } from './remoteError';
import { badReply, normalized, optionsOf, RemoteRunnerBase, textsOf } from './base';
import type { RemoteBackendOptions } from './types';

/** GET /info, the fields AI Lab reads. */
export interface TeiInfo {
  model_id: string;
  model_dtype?: string;
  model_type?: { classifier?: { id2label: Record<string, string> }; embedding?: { pooling: string }; reranker?: unknown };
  max_input_length?: number;
  max_client_batch_size?: number;
  version?: string;
}

export class TeiRunner extends RemoteRunnerBase {
  private readonly base: string;
  private info?: Promise<TeiInfo>;

  constructor(o: RemoteBackendOptions) {
    const base = new URL(o.url!);
    super(o, [base.origin]);
    this.base = base.toString().replace(/\/+$/, '');
  }

  private async post<T>(route: string, body: unknown, model: string, signal?: AbortSignal): Promise<T> {
    const res = await this.fetcher({ model, signal })(`${this.base}${route}`, { method: 'POST', headers: this.jsonHeaders(), body: JSON.stringify(body) });
    return readJson<T>(res);
  }

  /** The server's /info, asked once. */
  async serverInfo(signal?: AbortSignal): Promise<TeiInfo> {
    this.info ??= (async () => {
      const res = await this.fetcher({ signal })(`${this.base}/info`, { headers: this.jsonHeaders() });
      const info = await readJson<TeiInfo>(res);
      if (!info || typeof info.model_id !== 'string') throw badReply('tei', this.http.origins.values().next().value!, "TEI's /info");
      this.served = { model: info.model_id };
      return info;
    })().catch((err) => {
      this.info = undefined;
      throw err;
    });
    return this.info;
  }

  protected override async serverMaxTokens(_p: string, model: string, signal?: AbortSignal): Promise<number | undefined> {
    const info = await this.checkModel(model, signal);
    return typeof info.max_input_length === 'number' && info.max_input_length > 0 ? info.max_input_length : undefined;
  }

  /** TEI serves one model: a different one asked for by name is an error, not a silent substitute. */
  private async checkModel(model: string, signal?: AbortSignal): Promise<TeiInfo> {
    const info = await this.serverInfo(signal);
    if (model && model.toLowerCase() !== info.model_id.toLowerCase()) {
      throw new BackendError('not-found', `The TEI server at ${this.base} serves ${info.model_id}, not ${model}. Leave the model unset to use the server's, or start TEI with --model-id ${model}.`, 'tei', new URL(this.base).origin, 404);
    }
    return info;
  }

  private batches<T>(items: T[], info: TeiInfo): T[][] {
    const size = Math.max(1, info.max_client_batch_size ?? 32);
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
  }

  protected async runTask(pipeline: string, model: string, inputs: unknown[], o: RunOptions): Promise<unknown> {
    const info = await this.checkModel(model, o.signal);
    if (pipeline === 'feature-extraction') {
      const texts = textsOf(inputs[0]);
      const normalize = optionsOf(inputs, 1).normalize !== false;
      const data: number[][] = [];
      for (const b of this.batches(texts, info)) {
        const out = await this.post<number[][]>('/embed', { inputs: b, normalize, truncate: false }, model, o.signal);
        if (!Array.isArray(out) || out.length !== b.length || !out.every((v) => Array.isArray(v) && v.every((x) => typeof x === 'number'))) throw badReply('tei', new URL(this.base).origin, "TEI's /embed (a vector per input)");
        data.push(...(normalize ? out.map(normalized) : out));
      }
      return { dims: [data.length, data[0]?.length ?? 0], data };
    }
    if (pipeline === 'text-classification' || pipeline === 'text-pair-classification') {
      if (!info.model_type?.classifier && info.model_type) {
        throw new BackendError('unsupported', `The TEI server at ${this.base} serves ${info.model_id} as ${Object.keys(info.model_type).join('/')} model, not a classifier: /predict needs a sequence-classification model.`, 'tei', new URL(this.base).origin);
      }
      const items: Array<string | [string, string]> = pipeline === 'text-classification' ? textsOf(inputs[0]) : pairsOf(inputs[0]);
      const lists: LabelScore[][] = [];
      for (const b of this.batches(items, info)) {
        const out = await this.post<unknown>('/predict', { inputs: b, raw_scores: false, truncate: false }, model, o.signal);
        const rows = Array.isArray(out) && b.length === 1 && out.length && !Array.isArray(out[0]) ? [out] : out;
        if (!Array.isArray(rows) || rows.length !== b.length) throw badReply('tei', new URL(this.base).origin, "TEI's /predict (labels per input)");
        lists.push(...(rows as unknown[]).map((r) => labelsOf(r, this.base)));
      }
      return lists;
    }
    throw new Error(`unreachable: ${pipeline}`);
  }

  /**
   * Reranks `texts` for `query` (TEI /rerank, a cross-encoder reranker): scores by index, best first.
   */
  async rerank(model: string, query: string, texts: string[], signal?: AbortSignal): Promise<Array<{ index: number; score: number }>> {
    const info = await this.checkModel(model, signal);
    const out: Array<{ index: number; score: number }> = [];
    for (const [k, b] of this.batches(texts, info).entries()) {
      const r = await this.post<Array<{ index: number; score: number }>>('/rerank', { query, texts: b, raw_scores: false, return_text: false, truncate: false }, model, signal);
      if (!Array.isArray(r) || !r.every((x) => Number.isInteger(x?.index) && typeof x.score === 'number')) throw badReply('tei', new URL(this.base).origin, "TEI's /rerank");
      const offset = k * Math.max(1, info.max_client_batch_size ?? 32);
      out.push(...r.map((x) => ({ index: x.index + offset, score: x.score })));
    }
    return out.sort((a, b) => b.score - a.score);
  }
}

function pairsOf(input: unknown): Array<[string, string]> {
  if (Array.isArray(input) && input.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'string'))) return input as Array<[string, string]>;
  throw new TypeError('text-pair-classification takes a list of [text, text] pairs');
}

function labelsOf(row: unknown, base: string): LabelScore[] {
  if (!Array.isArray(row) || !row.every((x) => x && typeof x.label === 'string' && typeof x.score === 'number')) throw badReply('tei', new URL(base).origin, "TEI's /predict ({label, score} per class)");
  return (row as LabelScore[]).map((x) => ({ label: x.label, score: x.score })).sort((a, b) => b.score - a.score);
}
