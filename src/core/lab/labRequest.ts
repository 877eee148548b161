/** What a caller asks of runLabTask: the task, its input and the options it sets (the rest from src/core/nlp/tasks.ts). */
import type { DocumentText } from '../pdf/pageText';
import type { ClassifyParams, ZeroShotParams } from '../nlp/classify';
import type { GenerateParams } from '../nlp/generate';
import type { ExtractiveParams, SummarizeParams } from '../nlp/summarize';
import type { AskParams } from '../qa/ask';

interface RequestBase {
  /** A Hub id or a local folder; the task's default model when not given. */
  model?: string;
  /** The input; with `doc`, its text. */
  text: string;
  /** How messages name the input ("the selection", "the file notes.txt"); "the text" when not given. */
  what?: string;
}

/** Each task's options: the task functions' own parameters, less what the request and the runner give. */
export type ClassifyOptions = Pick<ClassifyParams, 'maxTokens' | 'batchSize'>;
export type ZeroShotOptions = Pick<ZeroShotParams, 'maxTokens' | 'batchSize' | 'multiLabel' | 'hypothesisTemplate'>;
export type SummarizeOptions = Partial<Pick<SummarizeParams, 'preset' | 'chunkTokens'>>;
/** `sentences` wins; 0 (or only `ratio` given) lets the ratio decide. */
export type ExtractiveOptions = Pick<ExtractiveParams, 'sentences' | 'ratio' | 'batchSize'>;
export type GenerateOptions = Pick<GenerateParams, 'maxNewTokens' | 'doSample' | 'temperature' | 'topK' | 'topP'>;
export type QaOptions = Pick<AskParams, 'chunkTokens' | 'overlapTokens' | 'topK' | 'minScore' | 'retrieveTop' | 'batchSize' | 'embedModel'>;

/** One lab task to run. A `doc` (a PDF's pages) makes answers and summaries say their pages. */
export type LabRequest =
  | (RequestBase & { task: 'sentiment' | 'grammar'; options?: ClassifyOptions & { labelMap?: Record<string, string> } })
  | (RequestBase & { task: 'qnli'; question: string; options?: ClassifyOptions })
  | (RequestBase & { task: 'zeroShot'; labels: string[]; options?: ZeroShotOptions })
  | (RequestBase & { task: 'summarize'; doc?: DocumentText; options?: SummarizeOptions })
  | (RequestBase & { task: 'extractive'; doc?: DocumentText; options?: ExtractiveOptions })
  | (RequestBase & { task: 'generate'; options?: GenerateOptions })
  | (RequestBase & { task: 'qa'; question: string; doc?: DocumentText; options?: QaOptions });
