/** BM25 ranking of text chunks for a question: cheap retrieval before the (costly) reader model. */

const STOP = new Set(
  'a an the and or but if of to in on at by for with from as is are was were be been being do does did how what when where which who whom whose why many much this that these those it its i you he she we they them his her our your their there here not no can could would should will shall may might must has have had than then so such about into over under after before per'.split(' '),
);

/** Lower-cased words without stop words, plurals folded ("hours" → "hour") so forms match. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').matchAll(/[\p{L}\p{N}]+/gu)) {
    const w = m[0];
    if (STOP.has(w)) continue;
    out.push(w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w);
  }
  return out;
}

export interface Ranked {
  /** Chunk indexes, best first, all of them. */
  order: number[];
  scores: number[];
}

export class Bm25Index {
  private readonly tf: Array<Map<string, number>>;
  private readonly df = new Map<string, number>();
  private readonly lengths: number[];
  private readonly avg: number;

  constructor(
    texts: string[],
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {
    this.tf = texts.map((t) => {
      const m = new Map<string, number>();
      for (const w of terms(t)) m.set(w, (m.get(w) ?? 0) + 1);
      for (const w of m.keys()) this.df.set(w, (this.df.get(w) ?? 0) + 1);
      return m;
    });
    this.lengths = this.tf.map((m) => [...m.values()].reduce((a, b) => a + b, 0));
    this.avg = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, texts.length) || 1;
  }

  get size(): number {
    return this.tf.length;
  }

  rank(question: string): Ranked {
    const q = [...new Set(terms(question))];
    const n = this.tf.length;
    const scores = this.tf.map((tf, i) => {
      let s = 0;
      for (const w of q) {
        const f = tf.get(w);
        if (!f) continue;
        const df = this.df.get(w)!;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        s += (idf * f * (this.k1 + 1)) / (f + this.k1 * (1 - this.b + (this.b * this.lengths[i]!) / this.avg));
      }
      return s;
    });
    const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
    return { order, scores };
  }
}

/**
 * The chunks to read: the best `topN` when retrieval tells them apart, else all of them ("flat": no
 * chunk shares a word with the question, or the first left out scores as well as the best).
 */
export function selectChunks(r: Ranked, topN: number): { chunks: number[]; flat: boolean } {
  const all = r.order.length;
  if (topN <= 0 || topN >= all) return { chunks: r.order.map((_, i) => i), flat: false };
  const best = r.scores[r.order[0]!]!;
  const firstOut = r.scores[r.order[topN]!]!;
  if (best <= 0 || firstOut >= best * 0.9) return { chunks: r.order.map((_, i) => i), flat: true };
  // Chunks that score nothing are not worth reading even when they are in the top N.
  return { chunks: r.order.slice(0, topN).filter((i) => r.scores[i]! > 0), flat: false };
}
