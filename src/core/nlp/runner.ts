import { InputError } from '../text/chunks';
import { ESTIMATED_TOKENS, type TokenCounter } from '../text/tokens';

/** How the NLP tasks reach a model: the CLI and the extension each provide one (resolve, then the service). */
export interface RunOptions {
  signal?: AbortSignal;
  /** Generated text as it comes. */
  onPartial?: (text: string) => void;
}

export interface TaskRunner {
  /** Who runs the models, for a result's provenance: 'local' (the inference service) or a remote backend's name. */
  readonly backend?: string;
  /** The device the models run on, where the backend says ('cpu', 'cuda'). */
  readonly device?: string;
  run(pipeline: string, model: string, inputs: unknown[], options?: RunOptions): Promise<unknown>;
  /** The model's maximum input length in tokens (its tokenizer's model_max_length), when it says. */
  maxInputTokens?(pipeline: string, model: string, signal?: AbortSignal): Promise<number | undefined>;
  /** How many tokens the model can write (src/core/nlp/outputLimit.ts), when the runner can read its config. */
  outputLimit?(pipeline: string, model: string, signal?: AbortSignal): Promise<OutputLimit>;
  /** How the model measures its input: its own tokenizer, its maximum length, the pipeline's prefix. */
  inputLimits?(pipeline: string, model: string, signal?: AbortSignal): Promise<ModelInput>;
  /**
   * The batches that suit this runner (src/core/inference/batching.ts, batchLimits): items per run()
   * call (a remote one: full requests, several in flight) and padded tokens; what it leaves out is the task's.
   */
  batchLimits?(pipeline: string): { items?: number; tokens?: number };
  /** How the model last ran on this runner (local: the dtype chosen, ONNX Runtime's threads); undefined before it ran. */
  lastRun?(pipeline: string, model: string): { dtype?: string; threads?: number | 'auto' } | undefined;
  /**
   * The local folder the model runs from, for what the pipeline does not read itself (a
   * sentence-transformers model's pooling, src/core/nlp/pooling.ts). Remote runners have none.
   */
  modelDir?(pipeline: string, model: string, signal?: AbortSignal): Promise<string>;
}

/** How many tokens a generating model can write (src/core/nlp/outputLimit.ts reads it from the model's config). */
export interface OutputLimit {
  /** Tokens the model can hold in the sequence it writes (the prompt too, for a decoder-only model). */
  tokens: number;
  /** Where the number comes from: "max_position_embeddings in config.json", or the fallback cap. */
  from: string;
  /** False: the model says nothing, `tokens` is UNKNOWN_OUTPUT_LIMIT. */
  known: boolean;
}

export interface ModelInput {
  /** The longest input in tokens, special tokens included (tokenizer_config's model_max_length), when the model says. */
  maxTokens?: number;
  /** The model's tokenizer; the estimate when its folder has no tokenizer.json. */
  counter: TokenCounter;
  /** Tokens the pipeline adds before each text (config.json's prefix, e.g. T5's "summarize: "). */
  prefixTokens: number;
}

export interface PartBudget {
  /** Tokens one part may take (as `counter` counts, without special tokens): ≥ 8. */
  tokens: number;
  counter: TokenCounter;
}

export interface PartOptions {
  /** The texts each part is paired with in one input (a question, the hypotheses): the longest counts. */
  pairedWith?: string[];
  signal?: AbortSignal;
}

/**
 * The size of one part of a text for a model: the configured size, within what the model can read
 * (its maximum length, less its special tokens, the pipeline's prefix and the text the part is paired
 * with), counted with the model's tokenizer when the runner has it (else an estimate, with room to
 * spare). Throws an InputError when the paired text leaves no room (a question as long as the model's input).
 */
export async function partBudget(runner: TaskRunner, pipeline: string, model: string, configured: number, o: PartOptions = {}): Promise<PartBudget> {
  const limits: ModelInput = runner.inputLimits
    ? await runner.inputLimits(pipeline, model, o.signal)
    : { maxTokens: await runner.maxInputTokens?.(pipeline, model, o.signal), counter: ESTIMATED_TOKENS, prefixTokens: 0 };
  const { counter, maxTokens } = limits;
  const paired = o.pairedWith ? Math.max(0, ...o.pairedWith.map((t) => counter.count(t))) : 0;
  if (!maxTokens) return { tokens: Math.max(8, Math.floor(configured)), counter };
  const specials = o.pairedWith ? counter.specials.pair : counter.specials.single;
  const room = maxTokens - specials - limits.prefixTokens - paired - (counter.source === 'estimate' ? 8 : 0);
  if (room < 8) {
    const who = model || 'the model';
    if (!o.pairedWith) {
      // Nothing is paired with the text: the pipeline's own prompt (a chat template) and special tokens fill the input.
      throw new InputError(`The ${limits.prefixTokens ? 'prompt around the text and the special tokens need' : 'special tokens need'} about ${maxTokens - room} tokens and ${who} reads ${maxTokens} at once, which leaves no room for the text; use a model (or server setting) with a longer input.`);
    }
    const what = pipeline === 'zero-shot-classification' ? 'The longest label in its hypothesis' : 'The question';
    throw new InputError(`${what} takes ${paired} of the ${maxTokens} tokens ${who} reads at once, leaving no room for the text; make it shorter.`);
  }
  return { tokens: Math.max(8, Math.min(Math.floor(configured), room)), counter };
}

/** The part size for a model: the configured one, within the model's own limit (less room for special tokens). */
export async function partTokens(runner: TaskRunner, pipeline: string, model: string, configured: number, signal?: AbortSignal): Promise<number> {
  return (await partBudget(runner, pipeline, model, configured, { signal })).tokens;
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
  /** The file the answer is in, relative to the indexed folder (Ask the Workspace). */
  file?: string;
  /** The workspace folder `file` is in, by name: set only when several folders were asked (multi-root). */
  folder?: string;
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

/** Which backend, model and device produced a result: shown by the results panel and the CLI's JSON. */
export interface ProducedBy {
  backend: 'local' | (string & {});
  /** The model as shown (src/core/inference/modelName.ts): a Hub id, or a folder's name. */
  model: string;
  /** A local model's folder, absolute. */
  modelPath?: string;
  device?: string;
  /** Local runs: the weights' dtype the model ran with (after 'auto' chose), the largest batch sent, ONNX Runtime's intra-op threads. */
  dtype?: string;
  batchSize?: number;
  threads?: number | 'auto';
}

/** What the results panel, the status message and the CLI show; `producedBy` is set by src/core/lab's runLabTask. */
export type LabOutput = TaskOutput & { producedBy?: ProducedBy };

/** A task's own result, by kind. */
export type TaskOutput =
  | { kind: 'labels'; labels: LabelScore[]; parts: Array<{ start: number; end: number; labels: LabelScore[] }> }
  | { kind: 'summary'; text: string; chunks: number; levels: number; sections?: Array<{ pages: string; text: string }> }
  | {
      kind: 'answers';
      question: string;
      /** Best first; empty when nothing scored above the minimum ("no answer found"). */
      answers: Answer[];
      /** Chunks the reader ran on, of all chunks; how they were chosen ('hybrid': BM25 and embeddings fused by RRF). */
      read: number;
      chunks: number;
      retrieval: 'all' | 'bm25' | 'flat' | 'hybrid';
      minScore: number;
      /** The best answer below the minimum score, shown as such when there is no answer. */
      rejected?: { answer: string; score: number };
    }
  | { kind: 'extractive'; text: string; sentences: Array<{ text: string; start: number; end: number; score: number }> }
  | { kind: 'generation'; text: string }
  | {
      kind: 'translation';
      /** The translation, the source's whitespace between sentences kept. */
      text: string;
      /** Each source sentence's [start, end) in the input (UTF-16 offsets) and its translation, in order. */
      sentences: Array<{ start: number; end: number; text: string }>;
      /** ISO 639-1 codes of the source and target. */
      from: string;
      to: string;
      family: 'marian' | 'nllb' | 'm2m100';
      /** The source language as a detector model found it (when it was not given). */
      detected?: { language: string; score: number; model: string };
      /** Where the list of Marian pairs came from when the model was chosen for the pair. */
      pairs?: { source: 'hub' | 'built-in'; note?: string };
    }
  | SimilarityOutput
  | SimilarPassagesOutput;

/** How the sentence vectors were made (src/core/nlp/similarity.ts), shown with every similarity result. */
export interface EmbeddingRecipe {
  /** The pooling read from the model's folder; 'server' where a remote backend pools. */
  pooling: 'mean' | 'cls' | 'max' | 'mean_sqrt_len' | 'weightedmean' | 'lasttoken' | 'server';
  /** Where the pooling came from ("1_Pooling/config.json", "default", "the server"). */
  from: string;
  /** Whether the model's modules include Normalize (cosine is the same either way). */
  normalize: boolean;
  /** Tokens the model reads of one text (special tokens included); longer text is truncated. */
  maxTokens?: number;
  notes: string[];
}

/** Compare Similarity: the cosine of two texts' sentence vectors, −1…1. */
export interface SimilarityOutput extends EmbeddingRecipe {
  kind: 'similarity';
  score: number;
  /** Each text, with its tokens (special tokens included, where the tokenizer is at hand) and whether the model read only its start. */
  texts: Array<{ text: string; tokens?: number; truncated: boolean }>;
}

/** Find Similar Passages: the document's passages closest to a query, best first. */
export interface SimilarPassagesOutput extends EmbeddingRecipe {
  kind: 'similarPassages';
  query: string;
  queryTruncated: boolean;
  /** Best first: the passage's text, its [start, end) in the document (UTF-16), its page(s) for a PDF, its cosine. */
  hits: Array<{ text: string; start: number; end: number; page?: number; pageEnd?: number; score: number }>;
  /** Passages ranked, of all the document's passages (those overlapping the query's own place are left out). */
  ranked: number;
  passages: number;
  passageTokens: number;
}
