/** What a caller asks of runLabTask: the task, its input and the options it sets (the rest from src/core/nlp/tasks.ts). */
import type { DocumentText } from '../pdf/pageText';
import type { LabTaskId, SummaryPreset } from '../nlp/tasks';

interface RequestBase {
  /** A Hub id or a local folder; the task's default model when not given. */
  model?: string;
  /** The input; with `doc`, its text. */
  text: string;
  /** How messages name the input ("the selection", "the file notes.txt"); "the text" when not given. */
  what?: string;
}

export interface ClassifyOptions {
  /** Tokens of one part at most (the model's own maximum wins). */
  maxTokens?: number;
  batchSize?: number;
}

export interface ZeroShotOptions extends ClassifyOptions {
  multiLabel?: boolean;
  hypothesisTemplate?: string;
}

export interface SummarizeOptions {
  preset?: SummaryPreset;
  chunkTokens?: number;
}

export interface ExtractiveOptions {
  /** Sentences to keep (0: use `ratio`); when only `ratio` is given, the ratio decides. */
  sentences?: number;
  ratio?: number;
  batchSize?: number;
}

export interface GenerateOptions {
  maxNewTokens?: number;
  doSample?: boolean;
  temperature?: number;
  topK?: number;
  topP?: number;
}

export interface QaOptions {
  chunkTokens?: number;
  overlapTokens?: number;
  topK?: number;
  minScore?: number;
  retrieveTop?: number;
  batchSize?: number;
}

/** One lab task to run. A `doc` (a PDF's pages) makes answers and summaries say their pages. */
export type LabRequest =
  | (RequestBase & { task: 'sentiment' | 'grammar'; options?: ClassifyOptions & { labelMap?: Record<string, string> } })
  | (RequestBase & { task: 'qnli'; question: string; options?: ClassifyOptions })
  | (RequestBase & { task: 'zeroShot'; labels: string[]; options?: ZeroShotOptions })
  | (RequestBase & { task: 'summarize'; doc?: DocumentText; options?: SummarizeOptions })
  | (RequestBase & { task: 'extractive'; doc?: DocumentText; options?: ExtractiveOptions })
  | (RequestBase & { task: 'generate'; options?: GenerateOptions })
  | (RequestBase & { task: 'qa'; question: string; doc?: DocumentText; options?: QaOptions });

/** Every request names one of the table's tasks. */
export type LabRequestTask = LabRequest['task'] & LabTaskId;
