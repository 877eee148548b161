/** How the NLP tasks reach a model: the CLI and the extension each provide one (resolve, then the service). */
export interface RunOptions {
  signal?: AbortSignal;
  /** Generated text as it comes. */
  onPartial?: (text: string) => void;
}

export interface TaskRunner {
  run(pipeline: string, model: string, inputs: unknown[], options?: RunOptions): Promise<unknown>;
  /** The model's maximum input length in tokens (its tokenizer's model_max_length), when it says. */
  maxInputTokens?(pipeline: string, model: string, signal?: AbortSignal): Promise<number | undefined>;
}

/** The part size for a model: the configured one, within the model's own limit (less room for special tokens). */
export async function partTokens(runner: TaskRunner, pipeline: string, model: string, configured: number, signal?: AbortSignal): Promise<number> {
  const max = await runner.maxInputTokens?.(pipeline, model, signal);
  return max ? Math.max(8, Math.min(configured, max - 8)) : configured;
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

/**
 * One answer to a question, traced to where it is: offsets in the document's text, page, sentence.
 * Offsets are UTF-16 code units (JS string indexes, VS Code offsets), from the model's own span.
 */
export interface Answer {
  /** The document's text at [start, end). */
  answer: string;
  score: number;
  start: number;
  end: number;
  /** 1-based pages (PDF input); the last differs only when the answer runs over a page break. */
  page?: number;
  pageEnd?: number;
  /** The sentence(s) the answer is in, and where they are. */
  context: string;
  contextStart: number;
  contextEnd: number;
  /** The answer's [start, end) within `context` (which has its whitespace collapsed). */
  inContext: { start: number; end: number };
}

/** What the results panel, the status message and the CLI show. */
export type LabOutput =
  | { kind: 'labels'; labels: LabelScore[]; parts: Array<{ start: number; end: number; labels: LabelScore[] }> }
  | { kind: 'summary'; text: string; chunks: number; levels: number; sections?: Array<{ pages: string; text: string }> }
  | {
      kind: 'answers';
      question: string;
      /** Best first; empty when nothing scored above the minimum ("no answer found"). */
      answers: Answer[];
      /** Chunks the reader ran on, of all chunks; how they were chosen. */
      read: number;
      chunks: number;
      retrieval: 'all' | 'bm25' | 'flat';
      minScore: number;
      /** The best answer below the minimum score, shown as such when there is no answer. */
      rejected?: { answer: string; score: number };
    }
  | { kind: 'extractive'; text: string; sentences: Array<{ text: string; start: number; end: number; score: number }> }
  | { kind: 'generation'; text: string };
