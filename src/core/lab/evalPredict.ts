/**
 * One example through one model, by the same task code the rest of AI Lab runs (runLabTask: long texts
 * split and aggregated as Classify / Ask / Summarize / Translate do), so a comparison measures what the
 * user will get. The prediction is returned as text in the dataset's terms where a mapping applies.
 */
import { runLabTask } from './runLabTask';
import type { LabRequest } from './labRequest';
import type { LabelScore, TaskRunner } from '../nlp/runner';
import { DEFAULT_PRESETS, SUMMARY_DEFAULTS } from '../nlp/tasks';
import type { EvalTask } from '../eval/columns';
import type { LabelMapping } from '../eval/labels';
import type { EvalExample } from '../eval/report';

export interface PredictOptions {
  task: EvalTask;
  model: string;
  /** Classification: dataset label name ← model label (from the confirmed mapping). */
  labelMapping?: LabelMapping;
  /** Zero-shot: the candidate label text for each dataset label name (default: the names themselves). */
  candidates?: Record<string, string>;
  /** Translation languages. */
  from?: string;
  to?: string;
  /** Summaries: 'short' | 'medium' | 'long' (aiLab.summarize presets). Default medium. */
  preset?: keyof typeof DEFAULT_PRESETS;
  signal?: AbortSignal;
}

/** A prediction: the text compared with the reference, and the model's own output where it differs (a model label). */
export interface Prediction {
  text: string;
  /** Classification: the model's label before mapping; QA: the answer's score. */
  modelLabel?: string;
  score?: number;
}

/**
 * Runs `example` on `runner`. Classification with a text pair runs the pair through the sequence
 * classifier (text-pair-classification: [text, pair] as the tokenizer's two segments). The top label is
 * mapped to the dataset's label through `labelMapping`; a model label with no dataset label is returned
 * as "(model) LABEL" so it can never be counted as a dataset label of the same spelling.
 * Extractive QA: the best answer over the whole context (no retrieval cut, no minimum score: SQuAD scores
 * the best span); no span at all is the empty answer. Errors: the runner's and the task's, unchanged.
 */
export async function predict(runner: TaskRunner, example: EvalExample, o: PredictOptions): Promise<Prediction> {
  const model = o.model;
  const signal = o.signal;
  switch (example.kind) {
    case 'classification': {
      let labels: LabelScore[];
      if (o.task === 'zero-shot-classification') {
        const names = Object.keys(o.candidates ?? {});
        const texts = names.map((n) => o.candidates![n]!);
        const r = await run(runner, { task: 'zeroShot', model, text: example.text, labels: texts }, signal);
        labels = r.kind === 'labels' ? r.labels : [];
        const top = labels[0];
        if (!top) throw new Error(`${model} returned no label.`);
        const name = names[texts.indexOf(top.label)];
        return { text: name ?? `(model) ${top.label}`, modelLabel: top.label, score: top.score };
      }
      if (example.pair !== undefined) {
        const out = (await runner.run('text-pair-classification', model, [[[example.text, example.pair]]], { signal })) as LabelScore[][] | LabelScore[];
        labels = (Array.isArray(out[0]) ? (out as LabelScore[][])[0] : (out as LabelScore[])) ?? [];
        labels = [...labels].sort((a, b) => b.score - a.score);
      } else {
        // An empty map: the model's own labels, not the Classify task's display names.
        const r = await run(runner, { task: 'sentiment', model, text: example.text, options: { labelMap: {} } }, signal);
        labels = r.kind === 'labels' ? r.labels : [];
      }
      const top = labels[0];
      if (!top) throw new Error(`${model} returned no label.`);
      return { text: toDataset(top.label, o.labelMapping), modelLabel: top.label, score: top.score };
    }
    case 'qa': {
      const r = await run(runner, { task: 'qa', model, text: example.context, question: example.question, options: { minScore: 0, retrieveTop: 0, topK: 1 } }, signal);
      const best = r.kind === 'answers' ? r.answers[0] : undefined;
      return { text: best?.answer ?? '', ...(best ? { score: best.score } : {}) };
    }
    case 'summary': {
      const preset = DEFAULT_PRESETS[o.preset ?? SUMMARY_DEFAULTS.preset];
      const r = await run(runner, { task: 'summarize', model, text: example.document, options: { preset } }, signal);
      return { text: r.kind === 'summary' ? r.text : '' };
    }
    case 'translation': {
      const r = await run(runner, { task: 'translate', model, text: example.source, from: o.from, to: o.to ?? 'en' }, signal);
      return { text: r.kind === 'translation' ? r.text : '' };
    }
  }
}

function run(runner: TaskRunner, r: LabRequest, signal?: AbortSignal) {
  return runLabTask(r, runner, { signal });
}

/** The dataset label a model label stands for under the mapping; unmapped: marked as the model's. */
export function toDataset(modelLabel: string, m: LabelMapping | undefined): string {
  const pair = m?.pairs.find((p) => p.model === modelLabel);
  return pair ? pair.dataset.name : `(model) ${modelLabel}`;
}
