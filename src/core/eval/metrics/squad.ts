import { checkPaired, checkStrings, countItems, overlapCount, pySplit } from './inputs';

/**
 * SQuAD v1.1 answer normalisation, as the official evaluation script's `normalize_answer`
 * (https://github.com/allenai/bi-att-flow/blob/master/squad/evaluate-v1.1.py, the script published
 * with https://rajpurkar.github.io/SQuAD-explorer/): lowercase, drop every character in Python's
 * `string.punctuation` (ASCII only), drop the words a/an/the, collapse whitespace.
 * The order matters and is the script's: lower → remove punctuation → remove articles → fix spaces.
 */
export function normalizeAnswer(text: string): string {
  const lowered = text.toLowerCase();
  const noPunct = Array.from(lowered).filter((ch) => !ASCII_PUNCTUATION.has(ch)).join('');
  // The script's `\b(a|an|the)\b` on a Python str: word characters are Unicode letters, digits and
  // `_`; JS `\b` is ASCII-only even with the `u` flag, so the boundary is spelled out.
  const noArticles = noPunct.replace(/(^|[^\p{L}\p{N}_])(a|an|the)(?![\p{L}\p{N}_])/gu, '$1 ');
  return pySplit(noArticles).join(' ');
}
const ASCII_PUNCTUATION = new Set(Array.from('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'));

/** 1 when the normalised strings are equal, else 0. */
export function exactMatchScore(prediction: string, gold: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0;
}

/**
 * Token F1 of the official script: tokens = normalised answer split on whitespace; overlap counted as
 * a multiset; 0 when nothing overlaps (also when either side normalises to no tokens). Range 0–1.
 */
export function tokenF1Score(prediction: string, gold: string): number {
  const predTokens = pySplit(normalizeAnswer(prediction));
  const goldTokens = pySplit(normalizeAnswer(gold));
  const common = overlapCount(countItems(predTokens), countItems(goldTokens));
  if (common === 0) return 0;
  const precision = common / predTokens.length;
  const recall = common / goldTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

export interface SquadScores {
  /** Percentage of examples whose prediction exactly matches some gold answer, 0–100. */
  exactMatch: number;
  /** Mean over examples of the best token F1 against the gold answers, as a percentage 0–100. */
  f1: number;
  /** Per-example scores, each 0–1 (max over that example's gold answers). */
  perExample: Array<{ exactMatch: number; f1: number }>;
}

/**
 * Corpus SQuAD v1.1 exact match and F1, as the official script's `evaluate`: per example the max over
 * its gold answers, then `100 * mean` over examples.
 *
 * @param predictions one predicted answer string per example
 * @param goldAnswers per example, the list of acceptable answers (at least one)
 * @throws RangeError on unequal lengths, no examples, or an example with no gold answer
 */
export function squadScores(predictions: readonly string[], goldAnswers: readonly (readonly string[])[]): SquadScores {
  const metric = 'SQuAD';
  checkPaired(metric, predictions, goldAnswers);
  checkStrings(metric, 'predictions', predictions);
  const perExample = goldAnswers.map((golds, i) => {
    if (!Array.isArray(golds) || golds.length === 0) {
      throw new RangeError(`${metric}: example ${i} has no gold answer (give a non-empty list of answer strings)`);
    }
    checkStrings(metric, `goldAnswers[${i}]`, golds);
    const prediction = predictions[i] as string;
    return {
      exactMatch: Math.max(...golds.map((g) => exactMatchScore(prediction, g))),
      f1: Math.max(...golds.map((g) => tokenF1Score(prediction, g))),
    };
  });
  const n = perExample.length;
  return {
    exactMatch: (100 * perExample.reduce((s, e) => s + e.exactMatch, 0)) / n,
    f1: (100 * perExample.reduce((s, e) => s + e.f1, 0)) / n,
    perExample,
  };
}
