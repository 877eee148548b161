/** How the NLP tasks reach a model: the CLI and the extension each provide one (resolve, then the service). */
export interface RunOptions {
  signal?: AbortSignal;
  /** Generated text as it comes. */
  onPartial?: (text: string) => void;
}

export interface TaskRunner {
  run(pipeline: string, model: string, inputs: unknown[], options?: RunOptions): Promise<unknown>;
}

export interface Progress {
  /** Work items done and in all (chunks, batches, sentences). */
  done: number;
  total: number;
  message: string;
}

export interface LabelScore {
  label: string;
  score: number;
}

/** What the results panel, the status message and the CLI show. */
export type LabOutput =
  | { kind: 'labels'; labels: LabelScore[]; parts: Array<{ start: number; end: number; labels: LabelScore[] }> }
  | { kind: 'summary'; text: string; chunks: number; levels: number }
  | { kind: 'extractive'; text: string; sentences: Array<{ text: string; start: number; end: number; score: number }> }
  | { kind: 'generation'; text: string };
