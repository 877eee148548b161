import { checkPaired, checkStrings, countItems, pySplit } from './inputs';
import { tokenize13a } from './tokenize13a';

export interface BleuResult {
  /** Corpus BLEU, 0–100. */
  score: number;
  /** Clipped n-gram matches per order 1..4, summed over the corpus. */
  counts: number[];
  /** Hypothesis n-grams per order 1..4, summed over the corpus. */
  totals: number[];
  /** Per-order precisions, 0–100 (after smoothing). */
  precisions: number[];
  /** Brevity penalty, 0–1. */
  bp: number;
  /** Total hypothesis and (closest) reference lengths in tokens. */
  sysLen: number;
  refLen: number;
}

export interface BleuOptions {
  /** `'13a'` (default, sacrebleu's) or `'none'` (split on whitespace only). */
  tokenize?: '13a' | 'none';
  /** Lowercase before tokenizing (default false). */
  lowercase?: boolean;
}

const MAX_ORDER = 4;

/**
 * Corpus BLEU as sacrebleu `corpus_bleu` with its defaults (https://github.com/mjpost/sacrebleu;
 * Papineni et al. 2002, https://aclanthology.org/P02-1040): 13a tokenization, n-grams 1–4 with counts
 * clipped by the maximum count in any reference, closest reference length (shorter on ties) for the
 * brevity penalty, statistics summed over the corpus, `exp` smoothing (mteval-v13a's: the k-th order
 * with no match gets precision 1 / (2^k · total)). Score 0–100; 0 when no unigram matches at all.
 *
 * @param hypotheses one system output per example
 * @param references per example, one or more reference translations (note: sacrebleu's own API takes
 *   reference *streams*, the transpose of this)
 * @throws RangeError on unequal lengths, no examples, or an example with no reference
 */
export function corpusBleu(
  hypotheses: readonly string[],
  references: readonly (readonly string[])[],
  options: BleuOptions = {},
): BleuResult {
  const metric = 'BLEU';
  checkPaired(metric, hypotheses, references);
  checkStrings(metric, 'hypotheses', hypotheses);
  const tok = (s: string): string[] => {
    // sacrebleu strips trailing whitespace before tokenizing (`sent.rstrip()`).
    const t = (options.lowercase ? s.toLowerCase() : s).replace(/\s+$/u, '');
    return pySplit(options.tokenize === 'none' ? t : tokenize13a(t));
  };
  const counts = new Array<number>(MAX_ORDER).fill(0);
  const totals = new Array<number>(MAX_ORDER).fill(0);
  let sysLen = 0;
  let refLen = 0;
  hypotheses.forEach((hyp, i) => {
    const refs = references[i];
    if (!Array.isArray(refs) || refs.length === 0) throw new RangeError(`${metric}: example ${i} has no reference`);
    checkStrings(metric, `references[${i}]`, refs);
    const h = tok(hyp);
    const refTokens = refs.map(tok);
    sysLen += h.length;
    refLen += closestRefLength(h.length, refTokens.map((r) => r.length));
    for (let n = 1; n <= MAX_ORDER; n++) {
      const maxRef = new Map<string, number>();
      for (const r of refTokens) {
        for (const [g, c] of countItems(ngrams(r, n))) maxRef.set(g, Math.max(maxRef.get(g) ?? 0, c));
      }
      for (const [g, c] of countItems(ngrams(h, n))) counts[n - 1] = (counts[n - 1] as number) + Math.min(c, maxRef.get(g) ?? 0);
      totals[n - 1] = (totals[n - 1] as number) + Math.max(0, h.length - n + 1);
    }
  });
  return { ...bleuFromStats(counts, totals, sysLen, refLen), counts, totals, sysLen, refLen };
}

function ngrams(tokens: readonly string[], n: number): string[] {
  const out: string[] = [];
  // Tokens hold no whitespace, so a space joins n-grams unambiguously.
  for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
  return out;
}

/** sacrebleu `_get_closest_ref_len`: the reference length nearest the hypothesis length, shorter on ties. */
function closestRefLength(hypLen: number, refLens: readonly number[]): number {
  let best = -1;
  let bestDiff = -1;
  for (const len of refLens) {
    const diff = Math.abs(hypLen - len);
    if (bestDiff === -1 || diff < bestDiff || (diff === bestDiff && len < best)) {
      bestDiff = diff;
      best = len;
    }
  }
  return best;
}

/**
 * BLEU from sufficient statistics with `exp` smoothing, as sacrebleu `BLEU.compute_bleu`
 * (smooth_method='exp', effective_order=False).
 */
export function bleuFromStats(
  counts: readonly number[],
  totals: readonly number[],
  sysLen: number,
  refLen: number,
): { score: number; precisions: number[]; bp: number } {
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(MAX_ORDER).fill(0);
  if (!counts.some((c) => c > 0)) return { score: 0, precisions, bp };
  let smooth = 1;
  for (let n = 1; n <= MAX_ORDER; n++) {
    const total = totals[n - 1] as number;
    const correct = counts[n - 1] as number;
    if (total === 0) break;
    if (correct === 0) {
      smooth *= 2;
      precisions[n - 1] = 100 / (smooth * total);
    } else {
      precisions[n - 1] = (100 * correct) / total;
    }
  }
  // sacrebleu's my_log: log(0) is taken as -9999999999, which drives the score to 0.
  const logSum = precisions.reduce((s, p) => s + (p === 0 ? -9999999999 : Math.log(p)), 0);
  return { score: bp * Math.exp(logSum / MAX_ORDER), precisions, bp };
}
