/**
 * Label mapping between a dataset's labels (ClassLabel names, or the distinct values of a label column)
 * and a model's id2label (config.json). Suggested by name; an index-only pairing (LABEL_0/LABEL_1 models,
 * unnamed 0/1 labels) is proposed but marked as a guess, to be confirmed by the user, never applied silently.
 */
import { EvalDataError, type Feature } from './dataTable';

export interface DatasetLabel {
  /** What the user reads: the ClassLabel name, or the value as text. */
  name: string;
  /** What the rows store: the ClassLabel index, or the raw value. */
  value: number | string;
}

export interface LabelPair {
  dataset: DatasetLabel;
  modelId: number;
  model: string;
  /** exact: same text; case: same after case, spaces, - and _; synonym: a known synonym (pos/positive…); index: same position only; user: chosen by the user. */
  how: 'exact' | 'case' | 'synonym' | 'index' | 'user';
  /** True for an index-only pairing: the names say nothing, so the user must confirm it. */
  guess: boolean;
}

export interface LabelMapping {
  pairs: LabelPair[];
  /** Dataset labels with no model label: examples with these labels can never be predicted right. */
  unmappedDataset: DatasetLabel[];
  /** Model labels no dataset label maps to: a prediction of one counts as wrong. */
  unmappedModel: Array<{ id: number; label: string }>;
  /** True when any pair is a guess. */
  hasGuess: boolean;
}

/**
 * The dataset's labels: a ClassLabel column's names (value = index), else the distinct non-null values of
 * the column's rows (numbers ascending, then strings in code-point order).
 * Errors (EvalDataError): a column with neither ClassLabel names nor any value; a label value that is
 * not a string, number or boolean (a list: multi-label data, not supported).
 */
export function datasetLabelsOf(column: Feature, values: unknown[]): DatasetLabel[] {
  if (column.labels?.length) return column.labels.map((name, value) => ({ name, value }));
  const seen = new Map<string, DatasetLabel>();
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'boolean') seen.set(`b${v}`, { name: String(v), value: String(v) });
    else if (typeof v === 'number' || typeof v === 'string') seen.set(`${typeof v}${v}`, { name: String(v), value: v });
    else throw new EvalDataError(`Label column "${column.name}" holds ${Array.isArray(v) ? 'lists' : 'objects'} (type ${column.type}); a single label per example is needed.`);
  }
  if (!seen.size) throw new EvalDataError(`Label column "${column.name}" has no labels: no ClassLabel names and no values.`);
  return [...seen.values()].sort((a, b) =>
    typeof a.value === 'number' && typeof b.value === 'number' ? a.value - b.value : typeof a.value === 'number' ? -1 : typeof b.value === 'number' ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

const norm = (s: string) => s.trim().toLowerCase().replace(/[\s_-]+/g, '_');

/** Groups of label names (normalised) that mean the same, from common sentiment, NLI and grammar models and datasets. */
const SYNONYMS: string[][] = [
  ['negative', 'neg', 'bad'],
  ['positive', 'pos', 'good'],
  ['neutral', 'neu'],
  ['entailment', 'entails', 'entailed'],
  ['not_entailment', 'non_entailment', 'no_entailment', 'not_entailed'],
  ['contradiction', 'contradicts'],
  ['acceptable', 'grammatical'],
  ['unacceptable', 'ungrammatical'],
];
const synonymKey = (s: string) => SYNONYMS.findIndex((g) => g.includes(norm(s)));

/** A model label that carries no meaning: LABEL_k or the id itself. */
const genericModel = (id: number, label: string) => new RegExp(`^(label_?)?${id}$`, 'i').test(label.trim());

/** The model's id2label as sorted entries; keys must be whole numbers. Errors (EvalDataError) otherwise, or when empty. */
export function modelLabels(id2label: Record<string, string>): Array<{ id: number; label: string }> {
  const list = Object.entries(id2label).map(([k, label]) => {
    if (!/^\d+$/.test(k)) throw new EvalDataError(`The model's id2label has a key "${k}" that is not a class index.`);
    return { id: Number(k), label: String(label) };
  });
  if (!list.length) throw new EvalDataError(`The model has no id2label: it does not name its classes, so its predictions cannot be compared with the dataset's labels.`);
  return list.sort((a, b) => a.id - b.id);
}

/**
 * Suggests a label mapping, one-to-one: exact names, then names equal up to case, spaces, - and _, then
 * known synonyms (SYNONYMS). Only when no name matched at all and the names carry no meaning on one side
 * (the model's are LABEL_k, or the dataset's are unnamed whole numbers 0…n−1) and both sides have the
 * same number of labels, dataset label k is paired with model id k, as a guess (`guess: true`).
 * Errors: those of modelLabels.
 */
export function suggestLabelMapping(datasetLabels: DatasetLabel[], id2label: Record<string, string>): LabelMapping {
  const model = modelLabels(id2label);
  const pairs: LabelPair[] = [];
  const freeModel = new Set(model.map((m) => m.id));
  const freeData = new Set(datasetLabels.map((_, i) => i));
  const rules: Array<[LabelPair['how'], (a: string, b: string) => boolean]> = [
    ['exact', (a, b) => a === b],
    ['case', (a, b) => norm(a) === norm(b)],
    ['synonym', (a, b) => synonymKey(a) >= 0 && synonymKey(a) === synonymKey(b)],
  ];
  for (const [how, same] of rules) {
    for (const di of [...freeData]) {
      const d = datasetLabels[di]!;
      const m = model.find((x) => freeModel.has(x.id) && same(d.name, x.label));
      if (!m) continue;
      pairs.push({ dataset: d, modelId: m.id, model: m.label, how, guess: false });
      freeModel.delete(m.id);
      freeData.delete(di);
    }
  }
  const unnamedData = datasetLabels.every((d, i) => typeof d.value === 'number' && d.value === i && d.name === String(i));
  const genericModels = model.every((m) => genericModel(m.id, m.label));
  if (!pairs.length && datasetLabels.length === model.length && (genericModels || unnamedData)) {
    datasetLabels.forEach((d, k) => {
      // ClassLabel / unnamed 0…n−1: the stored index; string labels: their sorted position.
      const id = typeof d.value === 'number' && Number.isInteger(d.value) ? d.value : k;
      const m = model.find((x) => x.id === id && freeModel.has(x.id));
      if (!m) return;
      pairs.push({ dataset: d, modelId: m.id, model: m.label, how: 'index', guess: true });
      freeModel.delete(m.id);
      freeData.delete(k);
    });
  }
  return finish(pairs, datasetLabels, model);
}

function finish(pairs: LabelPair[], datasetLabels: DatasetLabel[], model: Array<{ id: number; label: string }>): LabelMapping {
  const mappedData = new Set(pairs.map((p) => p.dataset.name));
  const mappedModel = new Set(pairs.map((p) => p.modelId));
  return {
    pairs: pairs.sort((a, b) => datasetLabels.findIndex((d) => d.name === a.dataset.name) - datasetLabels.findIndex((d) => d.name === b.dataset.name)),
    unmappedDataset: datasetLabels.filter((d) => !mappedData.has(d.name)),
    unmappedModel: model.filter((m) => !mappedModel.has(m.id)),
    hasGuess: pairs.some((p) => p.guess),
  };
}

/**
 * A mapping the user chose: dataset label name → model label (its text or its id as a string).
 * Errors (EvalDataError): a dataset label or model label that does not exist (the message lists those
 * that do); two dataset labels on one model label.
 */
export function userLabelMapping(choice: Record<string, string>, datasetLabels: DatasetLabel[], id2label: Record<string, string>): LabelMapping {
  const model = modelLabels(id2label);
  const pairs: LabelPair[] = [];
  for (const [name, target] of Object.entries(choice)) {
    const d = datasetLabels.find((x) => x.name === name);
    if (!d) throw new EvalDataError(`The dataset has no label "${name}"; its labels are: ${datasetLabels.map((x) => x.name).join(', ')}.`);
    const m = model.find((x) => x.label === target) ?? model.find((x) => String(x.id) === target);
    if (!m) throw new EvalDataError(`The model has no label "${target}"; its labels are: ${model.map((x) => `${x.id}=${x.label}`).join(', ')}.`);
    const twice = pairs.find((p) => p.modelId === m.id);
    if (twice) throw new EvalDataError(`Dataset labels "${twice.dataset.name}" and "${name}" both map to the model's "${m.label}": each model label can stand for one dataset label.`);
    pairs.push({ dataset: d, modelId: m.id, model: m.label, how: 'user', guess: false });
  }
  return finish(pairs, datasetLabels, model);
}

/**
 * Refuses a mapping that cannot be used as it stands. Errors (EvalDataError): dataset labels without a
 * model label (named); guessed pairs not confirmed (`confirmed` false), named with the question to ask.
 * Model labels left over are allowed: predicting one counts as wrong.
 */
export function assertLabelMapping(m: LabelMapping, confirmed = false): void {
  const problems: string[] = [];
  if (m.unmappedDataset.length) {
    problems.push(
      `dataset label${m.unmappedDataset.length > 1 ? 's' : ''} ${m.unmappedDataset.map((d) => `"${d.name}"`).join(', ')} ${m.unmappedDataset.length > 1 ? 'have' : 'has'} no model label` +
        (m.unmappedModel.length ? ` (the model's free labels: ${m.unmappedModel.map((x) => x.label).join(', ')})` : ''),
    );
  }
  const guesses = m.pairs.filter((p) => p.guess);
  if (guesses.length && !confirmed) {
    problems.push(`the pairing ${guesses.map((p) => `${p.dataset.name} → ${p.model}`).join(', ')} is a guess by position only: confirm it or choose the labels`);
  }
  if (problems.length) throw new EvalDataError(`Label mapping: ${problems.join('; ')}.`);
}
