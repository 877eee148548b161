/**
 * The task's standard metrics over the examples a model ran, and each example's own score, from which
 * the comparison finds the examples where the models disagree or all fail.
 */
import { classificationReport, corpusBleu, corpusChrf, rougeExample, rougeScores, squadScores, type ConfusionMatrix } from './metrics';
import { exactMatchScore, tokenF1Score } from './metrics/squad';
import type { EvalExample, Verdicts } from './report';

/**
 * How "wrong" and "disagree" are decided from per-example scores (0–1). Classification and QA: a score
 * is 1 (right: the label, or a SQuAD exact match) or below (QA: the token F1); below 1 is wrong.
 * Classification models disagree when one is right and another is not; QA models when their scores
 * differ by 0.5 or more (an exact match against an answer sharing half its tokens or less). Summaries (ROUGE-L F) and translations (chrF/100)
 * have no right answer: below 0.2 counts as failed (little overlap with the reference), and models
 * disagree when their scores on the example differ by 0.3 or more.
 */
export function verdictsFor(kind: EvalExample['kind']): Verdicts {
  if (kind === 'classification') return { failBelow: 1, disagreeAt: 1 };
  if (kind === 'qa') return { failBelow: 1, disagreeAt: 0.5 };
  return { failBelow: 0.2, disagreeAt: 0.3 };
}

/**
 * One example's score, 0–1: classification 1/0 (the dataset label); QA 1 for an exact match else the
 * token F1 against the best gold answer (SQuAD v1.1 normalisation); summaries the ROUGE-L F-measure
 * (rouge_score's tokenizer); translations sentence chrF (sacrebleu's defaults) / 100.
 */
export function scoreExample(example: EvalExample, prediction: string): number {
  switch (example.kind) {
    case 'classification':
      return prediction === example.label ? 1 : 0;
    case 'qa':
      return Math.max(...example.answers.map((g) => exactMatchScore(prediction, g))) === 1 ? 1 : Math.max(...example.answers.map((g) => tokenF1Score(prediction, g)));
    case 'summary':
      return rougeExample(prediction, example.reference).rougeL.fmeasure;
    case 'translation':
      return corpusChrf([prediction], [[example.reference]]) / 100;
  }
}

/**
 * The corpus metrics over `done` (pairs of example and prediction, at least one), keyed as ModelRun.metrics
 * documents, and the confusion matrix for classification (rows `labels`, predictions outside them in "(other)").
 */
export function corpusMetrics(done: Array<{ example: EvalExample; prediction: string }>, labels?: string[]): { metrics: Record<string, number>; confusion?: ConfusionMatrix } {
  const kind = done[0]!.example.kind;
  const preds = done.map((d) => d.prediction);
  switch (kind) {
    case 'classification': {
      const refs = done.map((d) => (d.example as Extract<EvalExample, { kind: 'classification' }>).label);
      const r = classificationReport(preds, refs, labels);
      return { metrics: { accuracy: r.accuracy, macroF1: r.macroF1 }, confusion: r.confusion };
    }
    case 'qa': {
      const r = squadScores(preds, done.map((d) => (d.example as Extract<EvalExample, { kind: 'qa' }>).answers));
      return { metrics: { exactMatch: r.exactMatch, f1: r.f1 } };
    }
    case 'summary': {
      const r = rougeScores(preds, done.map((d) => (d.example as Extract<EvalExample, { kind: 'summary' }>).reference));
      return { metrics: { rouge1: r.rouge1, rouge2: r.rouge2, rougeL: r.rougeL } };
    }
    case 'translation': {
      const refs = done.map((d) => [(d.example as Extract<EvalExample, { kind: 'translation' }>).reference]);
      return { metrics: { chrf: corpusChrf(preds, refs), bleu: corpusBleu(preds, refs).score } };
    }
  }
}

/**
 * Positions where the models that scored the example disagree (best − worst ≥ disagreeAt; two models at
 * least) and where every model that scored it failed (each < failBelow). `scores[m][i]` is model m's
 * score on example i, null when it did not run.
 */
export function disagreementsAndFailures(scores: Array<Array<number | null>>, n: number, v: Verdicts): { disagreements: number[]; allFail: number[] } {
  const disagreements: number[] = [];
  const allFail: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = scores.map((m) => m[i]).filter((x): x is number => typeof x === 'number');
    if (!s.length) continue;
    if (s.every((x) => x < v.failBelow)) allFail.push(i);
    else if (s.length > 1 && Math.max(...s) - Math.min(...s) >= v.disagreeAt - 1e-12) disagreements.push(i);
  }
  return { disagreements, allFail };
}
