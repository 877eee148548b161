/** What a caller asks of runLabTask: the task, its input and the options it sets (the rest from src/core/nlp/tasks.ts). */
import type { DocumentText } from '../pdf/pageText';
import type { ClassifyParams, ZeroShotParams } from '../nlp/classify';
import type { GenerateParams } from '../nlp/generate';
import type { ExtractiveParams, SummarizeParams } from '../nlp/summarize';
import type { AskParams } from '../qa/ask';
import type { TranslateParams } from '../nlp/translate';
import type { MarianPairs } from '../nlp/translationModels';
import type { FindSimilarParams } from '../nlp/similarity';

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
export type TranslateOptions = Pick<TranslateParams, 'batchSize'> & {
  /** A text-classification model whose labels are languages: finds the source when `from` is not given. */
  detectModel?: string;
  /** With no model given, the Marian pairs to choose from (marianPairs: the Hub's listing); else the built-in list. */
  pairs?: MarianPairs;
};
export type FindSimilarOptions = Pick<FindSimilarParams, 'topK' | 'passageTokens' | 'batchSize'>;
export type QaOptions = Pick<AskParams, 'chunkTokens' | 'overlapTokens' | 'topK' | 'minScore' | 'retrieveTop' | 'batchSize' | 'embedModel'>;

/** One lab task to run. A `doc` (a PDF's pages) makes answers and summaries say their pages. */
export type LabRequest =
  | (RequestBase & { task: 'sentiment' | 'grammar'; options?: ClassifyOptions & { labelMap?: Record<string, string> } })
  | (RequestBase & { task: 'qnli'; question: string; options?: ClassifyOptions })
  | (RequestBase & { task: 'zeroShot'; labels: string[]; options?: ZeroShotOptions })
  | (RequestBase & { task: 'summarize'; doc?: DocumentText; options?: SummarizeOptions })
  | (RequestBase & { task: 'extractive'; doc?: DocumentText; options?: ExtractiveOptions })
  | (RequestBase & { task: 'generate'; options?: GenerateOptions })
  | (RequestBase & { task: 'qa'; question: string; doc?: DocumentText; options?: QaOptions })
  /** No `model`: the pair's Marian port (src/core/lab/translateRequest.ts). No `from`: detected with options.detectModel, else an InputError. */
  | (RequestBase & { task: 'translate'; from?: string; to: string; doc?: DocumentText; options?: TranslateOptions })
  /** `text` is the first text, `other` the second; `whatOther` names it in messages. */
  | (RequestBase & { task: 'similarity'; other: string; whatOther?: string })
  /** `text` (or `doc`) is the document searched; `exclude` is the query's own place in it (a selection). */
  | (RequestBase & { task: 'findSimilar'; query: string; doc?: DocumentText; exclude?: { start: number; end: number }; options?: FindSimilarOptions });
