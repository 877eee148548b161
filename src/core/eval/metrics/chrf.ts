import { checkPaired, checkStrings, countItems, pySplit } from './inputs';

/** chrF options; the defaults are sacrebleu `CHRF()`'s (chrF2, character 6-grams, no word n-grams). */
export interface ChrfOptions {
  /** Largest character n-gram order (default 6). */
  charOrder?: number;
  /** Recall weight β (default 2). */
  beta?: number;
  /** sacrebleu `eps_smoothing` (default false: average over the orders that have n-grams on both sides). */
  epsSmoothing?: boolean;
  /** Keep whitespace inside character n-grams (sacrebleu `whitespace`, default false: all whitespace removed). */
  whitespace?: boolean;
  /** Lowercase both sides first (default false). */
  lowercase?: boolean;
}

/** Per order: hypothesis n-grams, reference n-grams, matches. */
type Stats = number[];

function charNgramCounts(text: string, order: number, whitespace: boolean): Array<Map<string, number>> {
  // Code points, like Python string slicing (not UTF-16 units).
  const chars = Array.from(whitespace ? text : pySplit(text).join(''));
  const out: Array<Map<string, number>> = [];
  for (let n = 1; n <= order; n++) {
    const grams: string[] = [];
    for (let i = 0; i + n <= chars.length; i++) grams.push(chars.slice(i, i + n).join(''));
    out.push(countItems(grams));
  }
  return out;
}

function matchStats(hyp: Map<string, number>, ref: Map<string, number>): [number, number, number] {
  let hypCount = 0;
  let match = 0;
  for (const [gram, count] of hyp) {
    hypCount += count;
    const r = ref.get(gram);
    if (r !== undefined) match += Math.min(count, r);
  }
  let refCount = 0;
  for (const c of ref.values()) refCount += c;
  // sacrebleu: hypothesis n-grams do not count when the reference has none of that order.
  return [ref.size > 0 ? hypCount : 0, refCount, match];
}

function fScore(stats: Stats, order: number, beta: number, eps: boolean): number {
  const EPS = 1e-16;
  const factor = beta * beta;
  let score = 0;
  let precSum = 0;
  let recSum = 0;
  let effective = 0;
  for (let i = 0; i < order; i++) {
    const nHyp = stats[3 * i] as number;
    const nRef = stats[3 * i + 1] as number;
    const nMatch = stats[3 * i + 2] as number;
    const prec = nHyp > 0 ? nMatch / nHyp : EPS;
    const rec = nRef > 0 ? nMatch / nRef : EPS;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : EPS;
    if (nHyp > 0 && nRef > 0) {
      precSum += prec;
      recSum += rec;
      effective++;
    }
  }
  if (eps) return (100 * score) / order;
  const avgPrec = effective === 0 ? 0 : precSum / effective;
  const avgRec = effective === 0 ? 0 : recSum / effective;
  if (avgPrec + avgRec === 0) return 0;
  return (100 * (1 + factor) * avgPrec * avgRec) / (factor * avgPrec + avgRec);
}

/**
 * Corpus chrF as sacrebleu `corpus_chrf` / `CHRF().corpus_score` (https://github.com/mjpost/sacrebleu,
 * metric from Popović 2015, https://aclanthology.org/W15-3049): character n-gram statistics of each
 * sentence (against its best-scoring reference) are summed over the corpus, then one F-β is taken.
 * Score 0–100. Word n-grams (chrF++) are not implemented.
 *
 * @param hypotheses one system output per example
 * @param references per example, one or more reference translations
 * @throws RangeError on unequal lengths, no examples, or an example with no reference
 */
export function corpusChrf(
  hypotheses: readonly string[],
  references: readonly (readonly string[])[],
  options: ChrfOptions = {},
): number {
  const metric = 'chrF';
  checkPaired(metric, hypotheses, references);
  checkStrings(metric, 'hypotheses', hypotheses);
  const order = options.charOrder ?? 6;
  const beta = options.beta ?? 2;
  const eps = options.epsSmoothing ?? false;
  const ws = options.whitespace ?? false;
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`${metric}: charOrder must be a positive integer`);
  if (!(beta > 0)) throw new RangeError(`${metric}: beta must be positive`);
  const prep = (s: string): string => (options.lowercase ? s.toLowerCase() : s);
  const total: Stats = new Array<number>(3 * order).fill(0);
  hypotheses.forEach((hyp, i) => {
    const refs = references[i];
    if (!Array.isArray(refs) || refs.length === 0) throw new RangeError(`${metric}: example ${i} has no reference`);
    checkStrings(metric, `references[${i}]`, refs);
    const hypGrams = charNgramCounts(prep(hyp), order, ws);
    let best: Stats = [];
    let bestF = -1;
    for (const ref of refs) {
      const refGrams = charNgramCounts(prep(ref), order, ws);
      const stats = hypGrams.flatMap((h, n) => matchStats(h, refGrams[n] as Map<string, number>));
      const f = fScore(stats, order, beta, eps);
      if (f > bestF) {
        bestF = f;
        best = stats;
      }
    }
    best.forEach((v, k) => (total[k] = (total[k] as number) + v));
  });
  return fScore(total, order, beta, eps);
}
