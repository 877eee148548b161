import { checkPaired, checkStrings } from './inputs';

/** Per-class scores, each 0–1. `support` = number of true examples of the class. */
export interface ClassScores {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
  /** Number of predictions of this class (precision's denominator). */
  predicted: number;
}

/**
 * Confusion matrix: `matrix[i][j]` = examples whose true label is `labels[i]` and predicted label is
 * `columns[j]`. `columns` is `labels`, plus a last column `OTHER_COLUMN` when some prediction is not in
 * `labels` (a model answering outside the label set is counted, never dropped or remapped).
 */
export interface ConfusionMatrix {
  labels: string[];
  columns: string[];
  matrix: number[][];
}

export interface ClassificationReport {
  /** Fraction of exact label matches, 0–1. */
  accuracy: number;
  /** Unweighted mean of per-class F1 over `labels`, 0–1. */
  macroF1: number;
  perClass: ClassScores[];
  confusion: ConfusionMatrix;
  /** Examples whose prediction is not in `labels` (counted as wrong). */
  outsideLabels: number;
}

/**
 * Name of the confusion-matrix column that gathers predictions outside the label set; in parentheses
 * so it cannot be mistaken for a class (a label spelled exactly so is refused).
 */
export const OTHER_COLUMN = '(other)';

/**
 * Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix of label strings.
 *
 * Definitions follow scikit-learn `precision_recall_fscore_support` / `f1_score(average='macro')`
 * (https://scikit-learn.org/stable/modules/generated/sklearn.metrics.f1_score.html) with its default
 * `zero_division="warn"`, which scores an undefined ratio as 0: a class never predicted has
 * precision 0; a class with no true example has recall 0; F1 is 0 when precision + recall = 0. Every
 * class in `labels` counts in the macro mean, even one with no true and no predicted example (it
 * contributes F1 = 0, as sklearn does when such a label is passed in `labels`).
 * Predictions outside `labels` count as wrong for accuracy and for the recall of their true class,
 * and they are not a class of the macro mean (sklearn with an explicit `labels=` does the same).
 *
 * @param predictions predicted label per example
 * @param references true label per example; each must be in `labels`
 * @param labels the class names, in the order of the matrix rows and columns; default: the distinct
 *   true labels in first-seen order
 * @throws RangeError on unequal lengths, no examples, duplicate labels, a label equal to `OTHER_COLUMN`,
 *   or a true label not in `labels`
 */
export function classificationReport(
  predictions: readonly string[],
  references: readonly string[],
  labels?: readonly string[],
): ClassificationReport {
  const metric = 'classification';
  checkPaired(metric, predictions, references);
  checkStrings(metric, 'predictions', predictions);
  checkStrings(metric, 'references', references);
  const order = labels ? [...labels] : [...new Set(references)];
  if (order.length === 0) throw new RangeError(`${metric}: the label list is empty`);
  const index = new Map<string, number>();
  order.forEach((label, i) => {
    if (label === OTHER_COLUMN) throw new RangeError(`${metric}: "${OTHER_COLUMN}" is reserved for predictions outside the labels`);
    if (index.has(label)) throw new RangeError(`${metric}: label "${label}" is listed twice`);
    index.set(label, i);
  });
  const k = order.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  let correct = 0;
  let outside = 0;
  references.forEach((truth, n) => {
    const row = index.get(truth);
    if (row === undefined) {
      throw new RangeError(`${metric}: reference[${n}] "${truth}" is not one of the labels (${order.join(', ')})`);
    }
    const predicted = predictions[n] as string;
    const col = index.get(predicted);
    if (col === undefined) outside++;
    if (col === row) correct++;
    const cells = matrix[row] as number[];
    cells[col ?? k] = (cells[col ?? k] as number) + 1;
  });
  const perClass = order.map((label, i): ClassScores => {
    const tp = (matrix[i] as number[])[i] as number;
    const support = (matrix[i] as number[]).reduce((a, b) => a + b, 0);
    const predicted = matrix.reduce((sum, row) => sum + (row[i] as number), 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support, predicted };
  });
  const hasOther = outside > 0;
  return {
    accuracy: correct / references.length,
    macroF1: perClass.reduce((sum, c) => sum + c.f1, 0) / k,
    perClass,
    confusion: {
      labels: order,
      columns: hasOther ? [...order, OTHER_COLUMN] : order,
      matrix: hasOther ? matrix : matrix.map((row) => row.slice(0, k)),
    },
    outsideLabels: outside,
  };
}
