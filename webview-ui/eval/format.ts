/** How the Compare Models page writes numbers: each metric on its own scale, latency, sizes. */
import type { EvalTask } from '../../src/core/eval/columns';
import type { EvalExample, ModelRun } from '../../src/core/eval/report';

/** The task's metrics in column order: key in ModelRun.metrics, header, and whether the scale is 0–100. */
export const METRICS: Record<EvalTask, Array<{ key: string; head: string; percent: boolean }>> = {
  'text-classification': [
    { key: 'accuracy', head: 'Accuracy', percent: false },
    { key: 'macroF1', head: 'Macro-F1', percent: false },
  ],
  'zero-shot-classification': [
    { key: 'accuracy', head: 'Accuracy', percent: false },
    { key: 'macroF1', head: 'Macro-F1', percent: false },
  ],
  'question-answering': [
    { key: 'exactMatch', head: 'Exact match', percent: true },
    { key: 'f1', head: 'F1', percent: true },
  ],
  summarization: [
    { key: 'rouge1', head: 'ROUGE-1', percent: false },
    { key: 'rouge2', head: 'ROUGE-2', percent: false },
    { key: 'rougeL', head: 'ROUGE-L', percent: false },
  ],
  translation: [
    { key: 'chrf', head: 'chrF', percent: true },
    { key: 'bleu', head: 'BLEU', percent: true },
  ],
};

/** 0–1 metrics with 3 decimals (0.875), 0–100 ones with 1 (48.5); '–' when absent. */
export function metric(v: number | undefined, percent: boolean): string {
  return v === undefined || !Number.isFinite(v) ? '–' : percent ? v.toFixed(1) : v.toFixed(3);
}

export function ms(v: number | undefined): string {
  return v === undefined ? '–' : v < 10 ? v.toFixed(1) : String(Math.round(v));
}

export function bytes(n: number | undefined): string {
  if (n === undefined) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i ? v.toFixed(v < 10 ? 1 : 0) : v} ${units[i]}`;
}

/** "done", "cancelled (3 of 8)", "failed: …", "not run". */
export function status(r: ModelRun): string {
  switch (r.status) {
    case 'done':
      return 'done';
    case 'cancelled':
      return `cancelled (${r.done} of ${r.total})`;
    case 'failed':
      return `failed${r.done ? ` after ${r.done} of ${r.total}` : ''}: ${r.error ?? 'error'}`;
    default:
      return 'not run';
  }
}

/** The example's input as one text, and its right answer. */
export function exampleText(e: EvalExample): { input: string; reference: string } {
  switch (e.kind) {
    case 'classification':
      return { input: e.pair !== undefined ? `${e.text}\n— ${e.pair}` : e.text, reference: e.label };
    case 'qa':
      return { input: `Q: ${e.question}\n${e.context}`, reference: e.answers.join(' | ') };
    case 'summary':
      return { input: e.document, reference: e.reference };
    default:
      return { input: e.source, reference: e.reference };
  }
}

/** The model's name as a short label: a folder's last part, a Hub id as it is. */
export function shortName(model: string): string {
  const parts = model.split(/[\\/]/).filter(Boolean);
  return /^[\\/]|^[A-Za-z]:/.test(model) && parts.length ? parts[parts.length - 1]! : model;
}
