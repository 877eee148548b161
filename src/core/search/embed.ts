/**
 * Sentence embeddings for the workspace index and hybrid retrieval, as Float32Array rows: the
 * sentence-transformers recipe of src/core/nlp/similarity.ts (the model's own pooling from its
 * folder, L2 normalisation, truncation at its max_seq_length), on any backend.
 */
import { embedTexts as sentenceVectors, type EmbedOptions } from '../nlp/similarity';

export type { EmbedOptions };

/**
 * One unit-length Float32 vector per text, in order (see similarity.ts embedTexts). Throws when the
 * vectors differ in length (a model that is not a sentence embedder).
 */
export async function embedTexts(runner: Parameters<typeof sentenceVectors>[0], model: string, texts: readonly string[], o: EmbedOptions = {}): Promise<Float32Array[]> {
  if (!texts.length) return [];
  const vectors = (await sentenceVectors(runner, model, texts, o)).map((v) => Float32Array.from(v));
  const dim = vectors[0]!.length;
  if (!dim || vectors.some((v) => v.length !== dim)) throw new Error(`${model} gave embeddings of different lengths: is it a sentence-embedding (feature-extraction) model?`);
  return vectors;
}
