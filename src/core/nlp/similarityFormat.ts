/** What a person reads of a similarity result (the CLI's output, the clipboard). */
import { pageLabel } from '../pdf/pageText';
import type { EmbeddingRecipe, SimilarityOutput, SimilarPassagesOutput } from './runner';

/** "mean pooling (1_Pooling/config.json), normalised, 256 tokens at most". */
export function recipeLine(r: EmbeddingRecipe): string {
  if (r.pooling === 'server') return 'pooled by the server';
  const from = r.from === 'default' ? 'no pooling config' : r.from;
  return `${r.pooling} pooling (${from})${r.maxTokens ? `, ${r.maxTokens} tokens at most` : ''}`;
}

/** The score with what it is: "0.8123  cosine similarity · mean pooling (…)". */
export function formatSimilarity(o: SimilarityOutput, model: string): string {
  return `${o.score.toFixed(4)}\tcosine similarity · ${model} · ${recipeLine(o)}`;
}

/** One line per hit, best first: rank, score, page (PDFs), offsets, and the passage on the next line. */
export function formatSimilarPassages(o: SimilarPassagesOutput): string {
  if (!o.hits.length) return `No passages to rank.`;
  return o.hits
    .map((h, i) => {
      const where = h.page === undefined ? '' : ` · ${pageLabel(h.page, h.pageEnd ?? h.page)}`;
      return `${i + 1}. ${h.score.toFixed(4)}${where} · [${h.start}, ${h.end})\n   “${h.text.replace(/\s+/g, ' ')}”`;
    })
    .join('\n');
}
