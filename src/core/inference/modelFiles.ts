/** Which files of a repo transformers.js needs for a task, device and dtype. */
export type Dtype = 'auto' | 'fp32' | 'fp16' | 'q8';
export type ConcreteDtype = Exclude<Dtype, 'auto'>;

export const DTYPE_SUFFIX: Record<ConcreteDtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized' };

/** The ONNX sessions each kind of model has, as transformers.js names them. */
const SESSIONS: Record<string, string[][]> = {
  // Alternatives in order of preference; each alternative lists the files it needs.
  encoder: [['model']],
  seq2seq: [['encoder_model', 'decoder_model_merged'], ['encoder_model', 'decoder_model', 'decoder_with_past_model']],
  causal: [['model'], ['decoder_model_merged']],
};

export const TASK_KIND: Record<string, keyof typeof SESSIONS> = {
  'text-classification': 'encoder',
  /** AI Lab's own: (question, sentence) pairs through a sequence classifier, e.g. a QNLI cross-encoder. */
  'text-pair-classification': 'encoder',
  'sentiment-analysis': 'encoder',
  'zero-shot-classification': 'encoder',
  'question-answering': 'encoder',
  'feature-extraction': 'encoder',
  'token-classification': 'encoder',
  'fill-mask': 'encoder',
  summarization: 'seq2seq',
  'text2text-generation': 'seq2seq',
  translation: 'seq2seq',
  'text-generation': 'causal',
};

export const SUPPORTED_TASKS = Object.keys(TASK_KIND);

const REQUIRED = ['config.json'];
const OPTIONAL = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'generation_config.json', 'preprocessor_config.json', 'vocab.txt', 'merges.txt', 'vocab.json'];

export class ModelFilesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFilesError';
  }
}

export interface FileChoice {
  files: string[];
  dtype: ConcreteDtype;
}

/** dtype order to try: an explicit one only; `auto` prefers q8 on CPU and fp16 on CUDA, then fp32. */
function dtypeOrder(dtype: Dtype, device: 'cpu' | 'cuda'): ConcreteDtype[] {
  if (dtype !== 'auto') return [dtype];
  return device === 'cuda' ? ['fp16', 'fp32', 'q8'] : ['q8', 'fp32'];
}

export function chooseModelFiles(repo: string, available: string[], task: string, device: 'cpu' | 'cuda', dtype: Dtype): FileChoice {
  const kind = TASK_KIND[task];
  if (!kind) throw new ModelFilesError(`Unknown task "${task}". Supported: ${SUPPORTED_TASKS.join(', ')}.`);
  const has = new Set(available);
  for (const r of REQUIRED) if (!has.has(r)) throw new ModelFilesError(`${repo} has no ${r}: it is not a transformers model.`);
  if (!has.has('tokenizer.json')) throw new ModelFilesError(`${repo} has no tokenizer.json, which transformers.js needs (it cannot convert a slow tokenizer).`);
  const onnx = available.filter((f) => f.startsWith('onnx/') && f.endsWith('.onnx'));
  if (!onnx.length) {
    const weights = available.filter((f) => /\.(bin|safetensors|h5|msgpack|onnx)$/.test(f)).slice(0, 4);
    const name = repo.split(/[\\/]/).pop() ?? repo;
    throw new ModelFilesError(
      `${repo} has no ONNX weights for transformers.js${weights.length ? ` (it has ${weights.join(', ')})` : ''}. ` +
        `Use a converted copy: search the Hub with the transformers.js library filter, https://huggingface.co/models?library=transformers.js&search=${encodeURIComponent(name)} (or the "onnx" tag), e.g. Xenova/${name}.`,
    );
  }
  for (const dt of dtypeOrder(dtype, device)) {
    for (const sessions of SESSIONS[kind]!) {
      const names = sessions.map((s) => `onnx/${s}${DTYPE_SUFFIX[dt]}.onnx`);
      if (names.every((n) => has.has(n))) {
        // External weights of big models live beside the graph (model.onnx_data, model.onnx_data_1…).
        const data = available.filter((f) => names.some((n) => f.startsWith(`${n}_data`)));
        return { files: [...REQUIRED, ...OPTIONAL.filter((f) => has.has(f)), ...names, ...data], dtype: dt };
      }
    }
  }
  const wanted = dtypeOrder(dtype, device).join(' or ');
  throw new ModelFilesError(
    `${repo} has ONNX files (${onnx.slice(0, 4).join(', ')}) but none for ${task} in ${wanted}. ` +
      (dtype === 'auto' ? 'It may be a model for another task.' : `Try dtype "auto" or one of the files listed.`),
  );
}
