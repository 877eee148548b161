/** Reciprocal rank fusion: one ranking from several (BM25 and dense), without calibrating their scores. */

/** The k of Cormack, Clarke & Büttcher (SIGIR 2009), who found 60 near best across collections. */
export const RRF_K = 60;

export interface Fused {
  /** The item (a passage index). */
  id: number;
  /** Σ over the rankings that hold the item of 1 / (k + rank), rank 1-based. */
  score: number;
  /** The item's 1-based rank in each ranking, in the order given; 0 where that ranking does not hold it. */
  ranks: number[];
}

/**
 * RRF(d) = Σ_r 1 / (k + rank_r(d)) (Cormack, Clarke & Büttcher, "Reciprocal Rank Fusion outperforms
 * Condorcet and individual Rank Learning Methods", SIGIR 2009), rank_r(d) 1-based and a ranking
 * that does not hold d adding nothing. Each ranking lists ids best first (no repeats). Returns every
 * id in any ranking, best first; ties go to the better single rank, then the lower id.
 */
export function reciprocalRankFusion(rankings: readonly (readonly number[])[], k = RRF_K): Fused[] {
  const byId = new Map<number, Fused>();
  rankings.forEach((ranking, r) => {
    ranking.forEach((id, i) => {
      let f = byId.get(id);
      if (!f) byId.set(id, (f = { id, score: 0, ranks: rankings.map(() => 0) }));
      if (f.ranks[r]) return; // a repeat in one ranking counts once, at its first place
      f.ranks[r] = i + 1;
      f.score += 1 / (k + i + 1);
    });
  });
  const best = (f: Fused) => Math.min(...f.ranks.filter((x) => x > 0));
  return [...byId.values()].sort((a, b) => b.score - a.score || best(a) - best(b) || a.id - b.id);
}

/**
 * Ranks two lists and fuses them: `dense` passage indexes best first (all or the top), BM25's with a
 * score above 0, each cut to `depth`. Shared by the workspace search and Ask on one document.
 */
export function fuseRankings(dense: number[], bm25Order: number[], bm25Scores: number[], depth: number): Fused[] {
  const lexical = bm25Order.filter((i) => bm25Scores[i]! > 0).slice(0, depth);
  return reciprocalRankFusion([dense.slice(0, depth), lexical], RRF_K);
}

/**
 * The `top` ids to show or read from `fused` (best first, as fuseRankings gives), keeping each
 * ranking's own best ⌈top/4⌉ (top ≥ 2): RRF alone lets passages that are middling in both rankings
 * crowd out one that a single ranking puts first (a paraphrase BM25 ranks 400th, the dense #1, came
 * 25th–33rd in bench/askWorkspace.ts), and hybrid search exists so that exact terms and paraphrases
 * both find their passage. The rest is filled in fused order; the result stays in fused order.
 */
export function topKeepingEachBest(fused: readonly Fused[], top: number): Fused[] {
  const each = top >= 2 ? Math.ceil(top / 4) : 0;
  const chosen = new Set<number>();
  const rankings = fused[0]?.ranks.length ?? 0;
  for (let r = 0; r < rankings; r++) {
    for (const f of fused) if (f.ranks[r]! >= 1 && f.ranks[r]! <= each) chosen.add(f.id);
  }
  for (const f of fused) {
    if (chosen.size >= top) break;
    chosen.add(f.id);
  }
  return fused.filter((f) => chosen.has(f.id));
}
