/**
 * Sentence embeddings for the workspace index and hybrid retrieval: the one place they are asked of
 * a TaskRunner (any backend: the local service, TEI, an OpenAI-compatible server), so another
 * embedder can take its place.
 */
import { batchLimits, runInBatches } from '../inference/batching';
import type { TaskRunner } from '../nlp/runner';
import { batchSizeFor } from '../nlp/tasks';
import { ESTIMATED_TOKENS } from '../text/tokens';
import { normalize } from './vectors';

export interface EmbedOptions {
  signal?: AbortSignal;
  /** Texts per run() call; the runner's, else the extractive summary's batch size. */
  batchSize?: number;
  /** Called after each batch: texts embedded so far, and in all. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * One unit-length Float32 vector per text, in order: `model`'s feature-extraction pipeline with mean
 * pooling and L2 normalisation (as sentence-transformers' MiniLM/mpnet models are used), in batches of
 * similar length. Throws when the runner gives a different count of vectors, or vectors of different
 * lengths (a model that is not a sentence embedder).
 */
export async function embedTexts(runner: TaskRunner, model: string, texts: readonly string[], o: EmbedOptions = {}): Promise<Float32Array[]> {
  if (!texts.length) return [];
  const vectors = await runInBatches(
    texts,
    batchLimits(runner, 'feature-extraction', batchSizeFor('extractive'), o.batchSize),
    (t) => ESTIMATED_TOKENS.count(t),
    async (batch) => {
      const out = (await runner.run('feature-extraction', model, [batch, { pooling: 'mean', normalize: true }], { signal: o.signal })) as { data?: number[][] } | number[][];
      const rows = Array.isArray(out) ? out : out.data;
      if (!Array.isArray(rows) || rows.length !== batch.length) throw new Error(`${model} gave ${Array.isArray(rows) ? rows.length : 'no'} embeddings for ${batch.length} texts`);
      return rows.map((r) => normalize(r));
    },
    o.onProgress,
  );
  const dim = vectors[0]!.length;
  if (!dim || vectors.some((v) => v.length !== dim)) throw new Error(`${model} gave embeddings of different lengths: is it a sentence-embedding (feature-extraction) model?`);
  return vectors;
}
