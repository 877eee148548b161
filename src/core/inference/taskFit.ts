/**
 * Whether a model can do a task, decided from its config.json (`architectures`, `model_type`,
 * `is_encoder_decoder`, `id2label`) before anything loads: a QA model asked to classify, a sentiment
 * model asked a question or an encoder asked to continue text gets one sentence naming what the model
 * is and what the task needs, instead of an error from deep inside transformers.js ("outputs.logits is
 * not iterable", "reading 'dims'") or, worse, a confident answer from the wrong head.
 */

/** What a model's head does, from the class name in `architectures`. */
export type Head = 'sequence-classification' | 'question-answering' | 'token-classification' | 'masked-lm' | 'causal-lm' | 'seq2seq' | 'base' | 'unknown';
type Family = 'encoder' | 'decoder' | 'seq2seq' | 'unknown';

const ENCODERS = new Set(['bert', 'distilbert', 'roberta', 'xlm-roberta', 'albert', 'electra', 'deberta', 'deberta-v2', 'mpnet', 'camembert', 'mobilebert', 'squeezebert', 'convbert', 'funnel', 'ernie', 'nomic_bert', 'modernbert', 'roformer', 'xlm', 'flaubert', 'rembert', 'longformer', 'esm', 'jina_bert', 'new', 'eurobert', 'neobert']);
const DECODERS = new Set(['gpt2', 'gpt_neo', 'gpt_neox', 'gptj', 'gpt_bigcode', 'codegen', 'llama', 'mistral', 'mixtral', 'qwen2', 'qwen3', 'phi', 'phi3', 'gemma', 'gemma2', 'gemma3_text', 'opt', 'bloom', 'falcon', 'stablelm', 'olmo', 'olmo2', 'granite', 'cohere', 'starcoder2', 'mpt', 'smollm3', 'exaone', 'lfm2', 'helium', 'glm', 'openelm', 'mobilellm']);
const SEQ2SEQ = new Set(['bart', 'mbart', 't5', 'mt5', 'longt5', 'umt5', 'marian', 'pegasus', 'pegasus_x', 'm2m_100', 'nllb-moe', 'blenderbot', 'blenderbot-small', 'led', 'prophetnet', 'fsmt', 'encoder-decoder']);

export interface ModelConfig {
  architectures?: unknown;
  model_type?: unknown;
  is_encoder_decoder?: unknown;
  id2label?: unknown;
  label2id?: unknown;
  num_labels?: unknown;
}

/** Whether AI Lab knows `modelType` (config.json's model_type) as an encoder, decoder or encoder-decoder. */
export function knownModelType(modelType: string): boolean {
  return ENCODERS.has(modelType) || DECODERS.has(modelType) || SEQ2SEQ.has(modelType);
}

function family(c: ModelConfig): Family {
  const t = typeof c.model_type === 'string' ? c.model_type : '';
  if (c.is_encoder_decoder === true || SEQ2SEQ.has(t)) return 'seq2seq';
  if (DECODERS.has(t)) return 'decoder';
  if (ENCODERS.has(t)) return 'encoder';
  return 'unknown';
}

function architectures(c: ModelConfig): string[] {
  return Array.isArray(c.architectures) ? c.architectures.filter((a): a is string => typeof a === 'string') : [];
}

/** The head of the first architecture that names one; `unknown` when config.json names none AI Lab knows. */
export function headOf(c: ModelConfig): Head {
  for (const a of architectures(c)) {
    if (/ForSequenceClassification$/.test(a)) return 'sequence-classification';
    if (/ForQuestionAnswering(Simple)?$/.test(a)) return 'question-answering';
    if (/ForTokenClassification$/.test(a)) return 'token-classification';
    if (/(MTModel|WithLMHeadModel)$/.test(a)) return 'seq2seq';
    // Multimodal decoders (Gemma3ForConditionalGeneration) use the name too: only encoder-decoders count.
    if (/ForConditionalGeneration$/.test(a)) return family(c) === 'seq2seq' ? 'seq2seq' : 'unknown';
    if (/(ForCausalLM|LMHeadModel)$/.test(a)) return 'causal-lm';
    if (/ForMaskedLM$/.test(a)) return 'masked-lm';
    if (/Model$/.test(a)) return 'base';
  }
  return 'unknown';
}

/** The labels of a classifier, in id order (config.json's id2label, else label2id). */
export function labelsOf(c: ModelConfig): string[] {
  if (c.id2label && typeof c.id2label === 'object') {
    return Object.entries(c.id2label as Record<string, unknown>)
      .sort((a, b) => Number(a[0]) - Number(b[0]))
      .map(([, v]) => String(v));
  }
  if (c.label2id && typeof c.label2id === 'object') return Object.keys(c.label2id as Record<string, unknown>);
  return [];
}

const isEntailment = (l: string) => /^entail/i.test(l);
/** An NLI model: it scores (premise, hypothesis) pairs as entailment / contradiction (/ neutral). */
const isNli = (labels: string[]) => labels.some(isEntailment) && labels.some((l) => /^(contradict|neutral|not_entail)/i.test(l));

function numLabels(c: ModelConfig): number {
  const n = labelsOf(c).length || Number(c.num_labels);
  return Number.isFinite(n) && n > 0 ? n : 2;
}

function describe(c: ModelConfig, head: Head, task: string): string {
  const arch = architectures(c)[0];
  const type = typeof c.model_type === 'string' ? c.model_type : undefined;
  const what = arch ?? (type ? `model_type ${type}` : 'no architecture named');
  const labels = labelsOf(c);
  switch (head) {
    case 'sequence-classification':
      if (isNli(labels)) return `an NLI (entailment) classifier (${what}), which scores a pair of texts`;
      // Whether it has an entailment label matters only to the tasks that need one.
      return `a text classifier (${what}) with the labels ${labels.slice(0, 5).join(', ') || 'LABEL_0, LABEL_1'}${/zero-shot|pair/.test(task) && !labels.some(isEntailment) ? ' and no "entailment" label' : ''}`;
    case 'question-answering':
      return `an extractive question-answering model (${what})`;
    case 'token-classification':
      return `a token-classification (named-entity) model (${what})`;
    case 'masked-lm':
      return `a masked language model for fill-mask (${what})`;
    case 'causal-lm':
      return `a text-generation (causal language) model (${what})`;
    case 'seq2seq':
      return `a sequence-to-sequence model for summarization or translation (${what})`;
    case 'base':
      return `a bare ${family(c) === 'decoder' ? 'decoder' : 'encoder'} without a task head, for embeddings (${what})`;
    default: {
      const f = family(c);
      return f === 'encoder' ? `an encoder (${what})` : f === 'decoder' ? `a decoder-only model (${what})` : f === 'seq2seq' ? `an encoder-decoder model (${what})` : `a model of an unknown kind (${what})`;
    }
  }
}

interface Need {
  /** What the task needs, after "but". */
  needs: string;
  /** Whether a model with this head and config can do it; `labels`: config's labels are known (not the Hub's summary of config.json). */
  fits: (head: Head, c: ModelConfig, labels: boolean) => boolean;
}

const classifierHead = (h: Head) => h === 'sequence-classification' || h === 'unknown';

/** A sequence-to-sequence head, or an unknown head on a model that is neither encoder-only nor decoder-only. */
const seq2seqFits: Need['fits'] = (h, c) => h === 'seq2seq' || (h === 'unknown' && family(c) !== 'encoder' && family(c) !== 'decoder');

const NEEDS: Record<string, Need> = {
  'text-classification': {
    needs: 'text classification needs a sequence classifier (…ForSequenceClassification) that reads one text, such as Xenova/distilbert-base-uncased-finetuned-sst-2-english',
    fits: (h, c, labels) => classifierHead(h) && !(labels && isNli(labelsOf(c))),
  },
  'text-pair-classification': {
    needs: 'checking entailment (QNLI) needs a cross-encoder with one score or an "entailment" label, such as cross-encoder/qnli-electra-base',
    fits: (h, c, labels) => classifierHead(h) && (!labels || numLabels(c) === 1 || labelsOf(c).some(isEntailment)),
  },
  'zero-shot-classification': {
    needs: 'zero-shot classification needs an NLI model whose labels include "entailment", such as Xenova/bart-large-mnli',
    fits: (h, c, labels) => classifierHead(h) && (!labels || labelsOf(c).some(isEntailment)),
  },
  'question-answering': {
    needs: 'question answering needs an extractive QA model (…ForQuestionAnswering), such as Xenova/distilbert-base-cased-distilled-squad',
    fits: (h) => h === 'question-answering' || h === 'unknown',
  },
  'token-classification': {
    needs: 'token classification needs a …ForTokenClassification model, such as Xenova/bert-base-NER',
    fits: (h) => h === 'token-classification' || h === 'unknown',
  },
  'fill-mask': {
    needs: 'fill-mask needs a masked language model (…ForMaskedLM), such as Xenova/bert-base-uncased',
    fits: (h) => h === 'masked-lm' || h === 'unknown',
  },
  'feature-extraction': {
    needs: 'feature extraction (embeddings, extractive summaries) needs a bare encoder or a sentence-embedding model, such as Xenova/all-MiniLM-L6-v2',
    fits: (h) => h === 'base' || h === 'masked-lm' || h === 'unknown',
  },
  summarization: {
    needs: 'summarization needs a sequence-to-sequence model (…ForConditionalGeneration), such as Xenova/distilbart-cnn-6-6',
    fits: seq2seqFits,
  },
  'text2text-generation': {
    needs: 'text-to-text generation needs a sequence-to-sequence model (…ForConditionalGeneration), such as Xenova/flan-t5-small',
    fits: seq2seqFits,
  },
  translation: {
    needs: 'translation needs a sequence-to-sequence model (…ForConditionalGeneration or …MTModel), such as Xenova/opus-mt-en-de',
    fits: seq2seqFits,
  },
  'text-generation': {
    needs: 'text generation (Continue Text) needs a causal language model (…ForCausalLM or …LMHeadModel), such as Xenova/distilgpt2',
    fits: (h, c) => h === 'causal-lm' || (h === 'unknown' && family(c) !== 'encoder' && family(c) !== 'seq2seq'),
  },
};
NEEDS['sentiment-analysis'] = NEEDS['text-classification']!;

/**
 * Undefined when the model (named `name`) can run `task` as far as config.json tells; else one sentence:
 * "NAME is an extractive question-answering model (BertForQuestionAnswering), but text classification
 * needs …, such as …". Tasks AI Lab does not know are not judged here. `labelsKnown: false` (the
 * Hub's model info, whose config has no id2label) judges by the architecture alone.
 */
export function taskMismatch(name: string, config: ModelConfig, task: string, o: { labelsKnown?: boolean } = {}): string | undefined {
  const need = NEEDS[task];
  if (!need) return undefined;
  const head = headOf(config);
  if (need.fits(head, config, o.labelsKnown ?? true)) return undefined;
  return `${name} is ${describe(config, head, task)}, but ${need.needs}.`;
}
