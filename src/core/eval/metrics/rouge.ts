import { checkPaired, checkStrings, countItems, overlapCount } from './inputs';

/** Precision, recall and F-measure, each 0–1. */
export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

export interface RougeExample {
  rouge1: RougeScore;
  rouge2: RougeScore;
  rougeL: RougeScore;
}

export interface RougeCorpus {
  /** Mean over examples of each example's F-measure, 0–1. */
  rouge1: number;
  rouge2: number;
  rougeL: number;
  perExample: RougeExample[];
}

/**
 * Google `rouge_score`'s default tokenizer (use_stemmer=False, the default of Hugging Face
 * `evaluate`'s rouge): lowercase, replace every character outside [a-z0-9] with a space, split on
 * whitespace. Non-ASCII text therefore yields no tokens, exactly as in rouge_score.
 * https://github.com/google-research/google-research/blob/master/rouge/tokenize.py
 */
export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter((t) => t.length > 0);
}

function ngrams(tokens: readonly string[], n: number): string[] {
  const out: string[] = [];
  // A space cannot occur inside a token, so joining with one keeps n-grams distinct.
  for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
  return out;
}

function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/** ROUGE-N of one pair, as rouge_score `_score_ngrams`: denominators floored at 1. */
function rougeN(target: readonly string[], prediction: readonly string[], n: number): RougeScore {
  const t = ngrams(target, n);
  const p = ngrams(prediction, n);
  const common = overlapCount(countItems(t), countItems(p));
  const precision = common / Math.max(p.length, 1);
  const recall = common / Math.max(t.length, 1);
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** Length of the longest common subsequence of two token lists (O(n·m) time, O(m) memory). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? (prev[j - 1] as number) + 1 : Math.max(prev[j] as number, cur[j - 1] as number);
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

/** Sentence-level ROUGE-L (not rougeLsum), as rouge_score `_score_lcs`: all 0 if either side has no token. */
function rougeL(target: readonly string[], prediction: readonly string[]): RougeScore {
  if (target.length === 0 || prediction.length === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  const lcs = lcsLength(target, prediction);
  const precision = lcs / prediction.length;
  const recall = lcs / target.length;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** ROUGE-1, ROUGE-2 and ROUGE-L of one prediction against one reference (rouge_score `RougeScorer.score`). */
export function rougeExample(prediction: string, reference: string): RougeExample {
  const t = rougeTokens(reference);
  const p = rougeTokens(prediction);
  return { rouge1: rougeN(t, p, 1), rouge2: rougeN(t, p, 2), rougeL: rougeL(t, p) };
}

/**
 * Corpus ROUGE-1/2/L F-measure (0–1): the plain mean of per-example F-measures. That is
 * Hugging Face `evaluate`'s rouge with `use_aggregator=False` followed by a mean; its default
 * `use_aggregator=True` reports the bootstrap-resampled median (`BootstrapAggregator().mid`), a
 * randomised estimate of this same mean, which is not reproduced here.
 * https://huggingface.co/spaces/evaluate-metric/rouge
 *
 * @param predictions one generated summary per example
 * @param references one reference summary per example
 * @throws RangeError on unequal lengths or no examples
 */
export function rougeScores(predictions: readonly string[], references: readonly string[]): RougeCorpus {
  const metric = 'ROUGE';
  checkPaired(metric, predictions, references);
  checkStrings(metric, 'predictions', predictions);
  checkStrings(metric, 'references', references);
  const perExample = predictions.map((p, i) => rougeExample(p, references[i] as string));
  const mean = (key: keyof RougeExample): number =>
    perExample.reduce((s, e) => s + e[key].fmeasure, 0) / perExample.length;
  return { rouge1: mean('rouge1'), rouge2: mean('rouge2'), rougeL: mean('rougeL'), perExample };
}
