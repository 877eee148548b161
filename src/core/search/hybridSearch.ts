/**
 * Hybrid retrieval over the workspace index: BM25 (exact words, src/core/qa/bm25.ts) and dense
 * (meaning: the query's embedding against the passages'), fused by reciprocal rank fusion (fuse.ts),
 * so a passage with the query's exact term and one that says the same in other words both rank.
 */
import type { TaskRunner } from '../nlp/runner';
import { Bm25Index } from '../qa/bm25';
import { InputError } from '../text/chunks';
import { embedTexts } from './embed';
import { embedderFingerprint } from './fingerprint';
import { fuseRankings, topKeepingEachBest } from './fuse';
import type { IndexData } from './indexStore';
import { topK } from './vectors';

export interface SearchHit {
  /** The file, relative to the indexed folder (/ separated). */
  file: string;
  /** [start, end) of the passage in the file's text (UTF-16; a PDF's text as AI Lab extracts it). */
  start: number;
  end: number;
  page?: number;
  pageEnd?: number;
  /** 1-based line of `start` (text files). */
  line?: number;
  /** The passage's first characters, whitespace collapsed. */
  preview: string;
  /** The fused score, Σ 1/(60 + rank). */
  score: number;
  /** Rank (1-based) and score in each ranking; absent where that ranking did not hold the passage. */
  dense?: { rank: number; score: number };
  bm25?: { rank: number; score: number };
  /** Index of the passage in the index. */
  passage: number;
}

/** An index loaded for searching: BM25's term counts are built once, on first use. */
export class SearchableIndex {
  private bm25?: Bm25Index;
  constructor(readonly data: IndexData) {}

  get lexical(): Bm25Index {
    return (this.bm25 ??= new Bm25Index(this.data.passages.map((p) => p.text)));
  }
}

export function previewOf(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

export interface SearchParams {
  runner: TaskRunner;
  query: string;
  /** Results wanted (default 10). */
  top?: number;
  /** The embedding model as the runner takes it, when that differs from the name the index records (a remote backend's). */
  model?: string;
  signal?: AbortSignal;
}

/**
 * The `top` passages for `query`, best first, by RRF over the dense top and the BM25 top (each
 * max(50, 5 × top) deep), keeping each ranking's own best ⌈top/4⌉ (see topKeepingEachBest). The index's own embedding model embeds the query. An empty query is an
 * InputError; an empty index gives no hits.
 */
export async function searchIndex(index: SearchableIndex, p: SearchParams): Promise<SearchHit[]> {
  const query = p.query.trim();
  if (!query) throw new InputError('Type what to search for.');
  const { data } = index;
  if (!data.passages.length) return [];
  const top = Math.max(1, p.top ?? 10);
  const depth = Math.max(50, top * 5);
  const [q] = await embedTexts(p.runner, p.model ?? data.manifest.model, [query], { signal: p.signal });
  if (data.manifest.weights) {
    const now = await embedderFingerprint(p.runner, p.model ?? data.manifest.model, p.signal);
    if (now && now !== data.manifest.weights) throw new InputError(`The files of ${data.manifest.model} changed since the index was made (same name, other weights): the query's vector and the index's would not be comparable. Index the folder again.`);
  }
  if (q!.length !== data.manifest.dim) throw new Error(`${data.manifest.model} now gives ${q!.length}-dimension vectors, the index holds ${data.manifest.dim}: index the folder again.`);
  const dense = topK(data.vectors, data.manifest.dim, q!, depth);
  const denseScore = new Map(dense.map((h) => [h.index, h.score]));
  const lexical = index.lexical.rank(query);
  const fused = fuseRankings(dense.map((h) => h.index), lexical.order, lexical.scores, depth);
  return topKeepingEachBest(fused, top).map((f) => {
    const ps = data.passages[f.id]!;
    return {
      file: data.files[ps.file]!.path,
      start: ps.start,
      end: ps.end,
      ...(ps.page !== undefined ? { page: ps.page, ...(ps.pageEnd !== undefined ? { pageEnd: ps.pageEnd } : {}) } : {}),
      ...(ps.line !== undefined ? { line: ps.line } : {}),
      preview: previewOf(ps.text),
      score: f.score,
      ...(f.ranks[0] ? { dense: { rank: f.ranks[0], score: denseScore.get(f.id)! } } : {}),
      ...(f.ranks[1] ? { bm25: { rank: f.ranks[1], score: lexical.scores[f.id]! } } : {}),
      passage: f.id,
    };
  });
}
