/** AI Lab's NLP tasks: what each runs, the setting that names its model, and a Hub default with ONNX weights. */
export type LabTaskId = 'sentiment' | 'grammar' | 'qnli' | 'zeroShot' | 'summarize' | 'extractive' | 'generate' | 'qa';

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
};

export interface SummaryPreset {
  minNewTokens: number;
  maxNewTokens: number;
}

/** The notes' three settings of min_new_tokens/max_new_tokens. */
export const DEFAULT_PRESETS: Record<'short' | 'medium' | 'long', SummaryPreset> = {
  short: { minNewTokens: 5, maxNewTokens: 15 },
  medium: { minNewTokens: 15, maxNewTokens: 40 },
  long: { minNewTokens: 30, maxNewTokens: 60 },
};
