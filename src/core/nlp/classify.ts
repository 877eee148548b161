import { setting, surface } from '../surface/names';
import { batchLimits, runInBatches } from '../inference/batching';
import { checkText, chunkText, InputError } from '../text/chunks';
import { checkLabels } from './labels';
import { hasVisibleText, requireVisibleText } from '../text/visible';
import { checkHypothesisTemplate, DEFAULT_HYPOTHESIS_TEMPLATE } from './hypothesis';
import { batchSizeFor, CLASSIFY_DEFAULTS } from './tasks';
import { partBudget, type LabOutput, type PartBudget, type LabelScore, type Progress, type TaskRunner } from './runner';

export interface ClassifyParams {
  runner: TaskRunner;
  model: string;
  text: string;
  /** Tokens of one part at most (the model's own maximum length wins), counted with the model's tokenizer. */
  maxTokens?: number;
  batchSize?: number;
  labelMap?: Record<string, string>;
  /** Refuse a labelMap entry for a label the model does not have (a map the user gave; the task's default map is not checked). */
  strictLabelMap?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

function mapLabels(labels: LabelScore[], map: Record<string, string> = {}): LabelScore[] {
  return labels.map((l) => ({ label: map[l.label] ?? l.label, score: l.score }));
}

/** A label map naming a label the model does not have would silently do nothing: refused (InputError) with the model's labels. */
function checkLabelMap(map: Record<string, string>, modelLabels: LabelScore[]): void {
  const have = modelLabels.map((l) => l.label);
  const unknown = Object.keys(map).filter((k) => !have.includes(k));
  if (unknown.length) throw new InputError(`${setting('aiLab.labelMaps')} names ${unknown.join(', ')}, which the model does not have; its labels are ${have.join(', ')}.`);
}

/** Averages each label's score over the parts, weighted by part length; sorted, best first. */
export function aggregate(parts: Array<{ weight: number; labels: LabelScore[] }>): LabelScore[] {
  const sum = new Map<string, number>();
  const total = parts.reduce((s, p) => s + p.weight, 0) || 1;
  for (const p of parts) for (const l of p.labels) sum.set(l.label, (sum.get(l.label) ?? 0) + (l.score * p.weight) / total);
  return [...sum].map(([label, score]) => ({ label, score })).sort((a, b) => b.score - a.score);
}

function asLabelLists(out: unknown, n: number): LabelScore[][] {
  const arr = out as unknown[];
  if (n === 1 && Array.isArray(arr) && arr.length && !Array.isArray(arr[0])) return [finite(arr as LabelScore[])];
  return (arr as LabelScore[][]).map(finite);
}

/** Scores that are numbers: a model that returns NaN is broken, and NaN must never be shown as a score. */
function finite(labels: LabelScore[]): LabelScore[] {
  const bad = labels.find((l) => typeof l.score !== 'number' || !Number.isFinite(l.score));
  if (bad) throw new Error(`The model returned no number for "${bad.label}" (${String(bad.score)}): its weights or its dtype conversion are broken. Try fp32 weights (${surface().id === 'cli' ? '--dtype fp32' : `--dtype fp32 / ${setting('aiLab.modelDtypes')}`}) or another copy of the model.`);
  return labels;
}

/** The text's parts that have something to read (a part of only zero-width characters would be classified from special tokens alone). */
function readableChunks(text: string, part: PartBudget) {
  const chunks = chunkText(text, part.tokens, 0, part.counter).filter((c) => hasVisibleText(c.text));
  if (!chunks.length) throw new Error('The text was split into parts with nothing visible in them.');
  return chunks;
}

/** Sequence classification of any length: sentence-aware parts, batched, then an aggregate. */
export async function classifyText(p: ClassifyParams): Promise<Extract<LabOutput, { kind: 'labels' }>> {
  const text = checkText(requireVisibleText(p.text, 'the text'));
  const part = await partBudget(p.runner, 'text-classification', p.model, p.maxTokens ?? CLASSIFY_DEFAULTS.maxTokensPerPart, { signal: p.signal });
  const chunks = readableChunks(text, part);
  const results = await runInBatches(
    chunks,
    batchLimits(p.runner, 'text-classification', batchSizeFor('sentiment'), p.batchSize),
    (c) => c.tokens,
    async (batch) => asLabelLists(await p.runner.run('text-classification', p.model, [batch.map((c) => c.text), { top_k: null }], { signal: p.signal }), batch.length),
    (done, total) => p.onProgress?.({ done, total, message: `classified ${done} of ${total} parts` }),
  );
  if (p.strictLabelMap && p.labelMap) checkLabelMap(p.labelMap, results[0] ?? []);
  const parts = chunks.map((c, i) => ({ start: c.start, end: c.end, labels: mapLabels(results[i]!, p.labelMap) }));
  return { kind: 'labels', labels: aggregate(parts.map((x, i) => ({ weight: chunks[i]!.tokens, labels: x.labels }))), parts };
}

export interface ZeroShotParams extends Omit<ClassifyParams, 'labelMap'> {
  labels: string[];
  multiLabel?: boolean;
  hypothesisTemplate?: string;
}

export { parseLabels } from './labels';

/** NLI zero-shot over parts; scores averaged over parts (each part's scores sum to 1 unless multi-label). */
export async function zeroShot(p: ZeroShotParams): Promise<Extract<LabOutput, { kind: 'labels' }>> {
  const text = checkText(requireVisibleText(p.text, 'the text'));
  if (!p.labels.length) throw new Error('No labels given.');
  checkLabels(p.labels);
  checkHypothesisTemplate(p.hypothesisTemplate);
  // Each part is paired with a hypothesis: leave room for the longest one.
  const hypotheses = p.labels.map((l) => (p.hypothesisTemplate ?? DEFAULT_HYPOTHESIS_TEMPLATE).replace('{}', l));
  const part = await partBudget(p.runner, 'zero-shot-classification', p.model, p.maxTokens ?? CLASSIFY_DEFAULTS.maxTokensPerPart, { pairedWith: hypotheses, signal: p.signal });
  const chunks = readableChunks(text, part);
  const options = { multi_label: Boolean(p.multiLabel), ...(p.hypothesisTemplate ? { hypothesis_template: p.hypothesisTemplate } : {}) };
  const results = await runInBatches(
    chunks,
    batchLimits(p.runner, 'zero-shot-classification', batchSizeFor('zeroShot'), p.batchSize),
    // Each part runs once per label (a premise–hypothesis pair each): the model's batch is parts × labels.
    (c) => c.tokens * p.labels.length,
    async (batch) => {
      const out = await p.runner.run('zero-shot-classification', p.model, [batch.map((c) => c.text), p.labels, options], { signal: p.signal });
      const list = (Array.isArray(out) ? out : [out]) as Array<{ labels: string[]; scores: number[] }>;
      return list.map((r) => finite(r.labels.map((label, i) => ({ label, score: r.scores[i]! }))));
    },
    (done, total) => p.onProgress?.({ done, total, message: `classified ${done} of ${total} parts` }),
  );
  const parts = chunks.map((c, i) => ({ start: c.start, end: c.end, labels: results[i]! }));
  return { kind: 'labels', labels: aggregate(parts.map((x, i) => ({ weight: chunks[i]!.tokens, labels: x.labels }))), parts };
}

export interface QnliParams extends Omit<ClassifyParams, 'labelMap'> {
  question: string;
}

/**
 * Does the text contain the answer to the question? Each part is paired with the question; the text
 * entails the answer as much as its best part does, and that part is pointed out.
 */
export async function qnli(p: QnliParams): Promise<Extract<LabOutput, { kind: 'labels' }>> {
  const text = checkText(requireVisibleText(p.text, 'the text'));
  const question = p.question.trim();
  if (!question) throw new InputError('No question given.');
  requireVisibleText(question, 'the question');
  const part = await partBudget(p.runner, 'text-pair-classification', p.model, p.maxTokens ?? CLASSIFY_DEFAULTS.maxTokensPerPart, { pairedWith: [question], signal: p.signal });
  const chunks = readableChunks(text, part);
  const results = await runInBatches(
    chunks,
    batchLimits(p.runner, 'text-pair-classification', batchSizeFor('qnli'), p.batchSize),
    (c) => c.tokens,
    async (batch) => ((await p.runner.run('text-pair-classification', p.model, [batch.map((c) => [question, c.text])], { signal: p.signal })) as LabelScore[][]).map(finite),
    (done, total) => p.onProgress?.({ done, total, message: `checked ${done} of ${total} parts` }),
  );
  const entail = (ls: LabelScore[]) => ls.find((l) => /^entail/i.test(l.label))?.score ?? 0;
  const parts = chunks.map((c, i) => ({ start: c.start, end: c.end, labels: [{ label: 'entailment', score: entail(results[i]!) }, { label: 'not_entailment', score: 1 - entail(results[i]!) }] }));
  const best = parts.reduce((a, b) => (b.labels[0]!.score > a.labels[0]!.score ? b : a), parts[0]!);
  const labels = [...best.labels].sort((a, b) => b.score - a.score);
  return { kind: 'labels', labels, parts: [best, ...parts.filter((x) => x !== best)] };
}
