/**
 * AI Lab's task table, the one place for what each task runs, its default model and the defaults of
 * its options. The CLI's flags, the host's settings (src/host/config.ts) and the task functions'
 * own fallbacks read these; package.json's setting defaults must equal them (test/unit/labTasks.test.ts).
 * It lives here, below src/core/qa and src/core/lab, so that every floor that needs a default can import it.
 */
export type LabTaskId = 'sentiment' | 'grammar' | 'qnli' | 'zeroShot' | 'summarize' | 'extractive' | 'generate' | 'qa' | 'translate' | 'similarity' | 'findSimilar';

export interface LabTask {
  id: LabTaskId;
  title: string;
  /** The transformers.js pipeline (or AI Lab's own text-pair-classification). */
  pipeline: string;
  defaultModel: string;
  /** Labels as a person reads them, for models that say LABEL_0/LABEL_1. */
  labelMap?: Record<string, string>;
}

export const LAB_TASKS: Record<LabTaskId, LabTask> = {
  sentiment: { id: 'sentiment', title: 'Classify Sentiment', pipeline: 'text-classification', defaultModel: 'Xenova/distilbert-base-uncased-finetuned-sst-2-english' },
  grammar: {
    id: 'grammar',
    title: 'Check Grammar',
    pipeline: 'text-classification',
    defaultModel: 'bdx33/distilbert-base-cased-CoLA',
    labelMap: { LABEL_0: 'unacceptable', LABEL_1: 'acceptable' },
  },
  qnli: { id: 'qnli', title: 'Check Answer Entailment (QNLI)', pipeline: 'text-pair-classification', defaultModel: 'cross-encoder/qnli-electra-base' },
  zeroShot: { id: 'zeroShot', title: 'Classify Into Categories', pipeline: 'zero-shot-classification', defaultModel: 'Xenova/bart-large-mnli' },
  summarize: { id: 'summarize', title: 'Summarize', pipeline: 'summarization', defaultModel: 'Xenova/distilbart-cnn-6-6' },
  extractive: { id: 'extractive', title: 'Summarize (Extractive)', pipeline: 'feature-extraction', defaultModel: 'Xenova/all-MiniLM-L6-v2' },
  generate: { id: 'generate', title: 'Continue Text', pipeline: 'text-generation', defaultModel: 'Xenova/distilgpt2' },
  qa: { id: 'qa', title: 'Ask a Question', pipeline: 'question-answering', defaultModel: 'Xenova/distilbert-base-cased-distilled-squad' },
  // The default is chosen per pair (src/core/nlp/translationModels.ts: the Marian port, or NLLB-200); this is de → en's.
  translate: { id: 'translate', title: 'Translate', pipeline: 'translation', defaultModel: 'Xenova/opus-mt-de-en' },
  similarity: { id: 'similarity', title: 'Compare Similarity', pipeline: 'feature-extraction', defaultModel: 'Xenova/all-MiniLM-L6-v2' },
  findSimilar: { id: 'findSimilar', title: 'Find Similar Passages', pipeline: 'feature-extraction', defaultModel: 'Xenova/all-MiniLM-L6-v2' },
};

/**
 * The raw pipeline run ("Run Model on Selection", `ai-lab run`): a Hub model with ONNX weights per
 * pipeline, the lab tasks' own defaults where a task runs that pipeline, and how a person names it.
 */
export const PIPELINE_TASKS: Record<string, { label: string; defaultModel: string }> = {
  'text-classification': { label: 'Text classification (sentiment, grammar…)', defaultModel: LAB_TASKS.sentiment.defaultModel },
  'zero-shot-classification': { label: 'Zero-shot classification (your labels)', defaultModel: LAB_TASKS.zeroShot.defaultModel },
  'question-answering': { label: 'Question answering', defaultModel: LAB_TASKS.qa.defaultModel },
  summarization: { label: 'Summarization', defaultModel: LAB_TASKS.summarize.defaultModel },
  'text-generation': { label: 'Text generation', defaultModel: LAB_TASKS.generate.defaultModel },
  'feature-extraction': { label: 'Feature extraction (embeddings)', defaultModel: LAB_TASKS.extractive.defaultModel },
  translation: { label: 'Translation', defaultModel: LAB_TASKS.translate.defaultModel },
};

export interface SummaryPreset {
  minNewTokens: number;
  maxNewTokens: number;
}

/** The notes' three settings of min_new_tokens/max_new_tokens (aiLab.summarize.presets). */
export const DEFAULT_PRESETS: Record<'short' | 'medium' | 'long', SummaryPreset> = {
  short: { minNewTokens: 5, maxNewTokens: 15 },
  medium: { minNewTokens: 15, maxNewTokens: 40 },
  long: { minNewTokens: 30, maxNewTokens: 60 },
};

/**
 * Batch size (texts per model call) and its base: `aiLab.batchSize` is the classifiers' batch; zero-shot
 * and QA pair each part with a label or question (inputs twice as long), so they take half; the
 * extractive summary embeds single sentences, twice as many.
 */
export const BATCH_SIZE = 16;
export function batchSizeFor(task: LabTaskId, base = BATCH_SIZE): number {
  if (task === 'zeroShot' || task === 'qa') return Math.max(1, Math.floor(base / 2));
  if (task === 'extractive' || task === 'similarity' || task === 'findSimilar') return base * 2;
  return base;
}

/** Sentiment, grammar, QNLI, zero-shot: parts of at most this many tokens (aiLab.maxTokensPerPart, --max-tokens). */
export const CLASSIFY_DEFAULTS = { maxTokensPerPart: 400 } as const;

/** aiLab.zeroShot.* (--template, --multi-label). */
export const ZERO_SHOT_DEFAULTS = { hypothesisTemplate: 'This example is {}.', multiLabel: false } as const;

/** aiLab.summarize.*: abstractive parts (tokens) and the extractive summary's length (sentences; 0: use the ratio). */
export const SUMMARY_DEFAULTS = { preset: 'medium', chunkTokens: 700, extractiveSentences: 3, extractiveRatio: 0.3 } as const;

/** aiLab.generate.* (--max-new-tokens, --do-sample, --temperature, --top-k, --top-p). */
export const GENERATE_DEFAULTS = { maxNewTokens: 50, doSample: false, temperature: 0.8, topK: 50, topP: 0.95 } as const;

/** aiLab.qa.* (ai-lab ask's --chunk-tokens, --overlap-tokens, --top-k, --min-score, --retrieve-top). */
export const QA_DEFAULTS = { chunkTokens: 320, overlapTokens: 64, topK: 3, minScore: 0.1, retrieveTop: 8 } as const;

/** aiLab.translate.* (--from, --to; the source and target when nothing else says; the detector: none). */
export const TRANSLATE_DEFAULTS = { from: '', to: 'en', detectModel: '' } as const;
/**
 * Find Similar Passages (ai-lab similar's --top, --passage-tokens): hits shown, and passage size in
 * tokens (all-MiniLM-L6-v2 was trained on pieces of up to 128; the model's max_seq_length always wins).
 */
export const SIMILARITY_DEFAULTS = { topK: 5, passageTokens: 128 } as const;
