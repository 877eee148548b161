/**
 * What a model comparison on a dataset produces (src/core/lab/compareModels.ts): one run per model with the
 * task's metrics, latency and what the model is, and the examples where the models disagree or all fail.
 * The CLI's `ai-lab eval --json`, the results panel and the shortlist all read this shape.
 */
import type { ColumnMapping, EvalTask } from './columns';
import type { ConfusionMatrix } from './metrics';
import type { LabelMapping } from './labels';

/** One example as the models read it, with its right answer (the dataset's). */
export type EvalExample =
  | { kind: 'classification'; row: number; text: string; pair?: string; label: string }
  | { kind: 'qa'; row: number; question: string; context: string; answers: string[] }
  | { kind: 'summary'; row: number; document: string; reference: string }
  | { kind: 'translation'; row: number; source: string; reference: string };

/** Where the examples came from and which were left out (and why). */
export interface EvalDataset {
  /** A file path, or `owner/name (config/split)`. */
  source: string;
  /** Hub datasets: id, config and split. */
  dataset?: string;
  config?: string;
  split?: string;
  /** Rows in the source, rows sampled, and the seed (src/core/eval/sample.ts). */
  totalRows: number;
  sample: number;
  seed: number;
  mapping: ColumnMapping;
  /** Sampled rows not used, with the reason ("no label (-1)", "unanswerable (no gold answer)", "empty text"). */
  skipped: Array<{ row: number; reason: string }>;
  /** Classification: the dataset's label names, in the order of the confusion matrix. */
  labels?: string[];
  /** Translation: the source and target languages (ISO 639-1). */
  from?: string;
  to?: string;
}

/** 'done': every example ran; 'cancelled': stopped by the user part way (metrics over the examples done); 'failed': an error stopped it; 'not-run': cancelled before it began. */
export type RunStatus = 'done' | 'cancelled' | 'failed' | 'not-run';

/** One model's run. Metrics are over `done` examples (all of them when status is 'done'). */
export interface ModelRun {
  /** The model as the user named it (Hub id or folder), and the backend that ran it. */
  model: string;
  backend: string;
  device?: string;
  dtype?: string;
  status: RunStatus;
  /** The error that stopped a 'failed' run. */
  error?: string;
  /** Examples that ran, of all. */
  done: number;
  total: number;
  /**
   * The task's standard metrics over the examples done. Classification: accuracy, macroF1 (0–1);
   * extractive QA: exactMatch, f1 (0–100, SQuAD v1.1); summarization: rouge1, rouge2, rougeL (F-measure,
   * 0–1); translation: chrf, bleu (0–100, sacrebleu's defaults). Empty when no example ran.
   */
  metrics: Record<string, number>;
  /** Classification: rows the dataset's labels, columns those plus "(other)" for predictions outside them. */
  confusion?: ConfusionMatrix;
  /** Classification: the label mapping used (dataset label → model label). */
  labelMapping?: LabelMapping;
  /**
   * Per-example latency after the model was loaded, ms (the first example, which loads the model, is
   * `firstMs` and is left out when more than one ran); throughput in examples per second over the same examples.
   */
  latency?: { p50Ms: number; p95Ms: number; meanMs: number; throughput: number; count: number };
  /** Wall time of the first example, model download and load included, ms. */
  firstMs?: number;
  /** Bytes of the ONNX weights the run loaded (local models), and the licence from the model card. */
  sizeBytes?: number;
  license?: string;
  /** Per example (by position in `examples`): the prediction as shown, and its score (1 = right … 0 = wrong). Null: not run. */
  predictions: Array<string | null>;
  scores: Array<number | null>;
}

/** How the per-example scores decide "wrong" and "disagree" (see scoreExample in score.ts). */
export interface Verdicts {
  /** An example scores below this: the model got it wrong (1 for exact tasks: anything not right). */
  failBelow: number;
  /** The best and worst model's scores on an example differ by at least this: they disagree. */
  disagreeAt: number;
}

export interface EvalReport {
  /** `version` of this shape; bumped when a key changes meaning. */
  version: 1;
  task: EvalTask;
  dataset: EvalDataset;
  examples: EvalExample[];
  runs: ModelRun[];
  verdicts: Verdicts;
  /** Positions in `examples` where the models that ran disagree, and where every model that ran is wrong. */
  disagreements: number[];
  allFail: number[];
  /** True when any run is not 'done' (cancelled, failed or not run). */
  partial: boolean;
  startedAt: string;
  wallMs: number;
}
