/** Which files of a repo transformers.js needs for a task, device and dtype. */
import { localFolderAdvice, looksLikeHubId, savedFrom } from './localModelHint';
import { listWords, MODEL_JSON_FILES, ModelFilesError } from './modelFolder';
import { command } from '../surface/names';

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

/** A sentence-transformers model's own configs (pooling, normalisation, max_seq_length), fetched for feature extraction. */
export const SENTENCE_TRANSFORMERS_FILES = ['modules.json', 'sentence_bert_config.json', '1_Pooling/config.json', 'config_sentence_transformers.json'];

/** Files fetched with the weights when the repo has them. */
const OPTIONAL = ['special_tokens_map.json', 'generation_config.json', 'preprocessor_config.json', 'vocab.txt', 'merges.txt', 'vocab.json'];

export { ModelFilesError };

export interface FileChoice {
  files: string[];
  dtype: ConcreteDtype;
}

/** dtype order to try: an explicit one only; `auto` prefers q8 on CPU and fp16 on CUDA, then fp32. */
function dtypeOrder(dtype: Dtype, device: 'cpu' | 'cuda'): ConcreteDtype[] {
  if (dtype !== 'auto') return [dtype];
  return device === 'cuda' ? ['fp16', 'fp32', 'q8'] : ['q8', 'fp32'];
}

const WHY_NEEDED: Record<string, string> = {
  'config.json': 'it says what the model is; without it this is not a transformers model',
  'tokenizer.json': 'the fast tokenizer; transformers.js cannot make one from a slow tokenizer, so save one with AutoTokenizer.from_pretrained(…).save_pretrained(folder) in Python or take a transformers.js copy',
  'tokenizer_config.json': 'without it transformers.js loads no tokenizer',
};

/** Where to get a copy of `repo` that runs in transformers.js. */
export function convertedCopyAdvice(repo: string): string {
  // A local folder is named after the Hub model its config.json says it was saved from, never its own folder name.
  const hubName = looksLikeHubId(repo) ? repo : savedFrom(repo);
  const name = hubName?.split('/').pop() ?? repo;
  const getIt = `${command('AI Lab: Get ONNX Weights')} does it for you`;
  const optimum = `convert it with Optimum (pip install "optimum-onnx[onnxruntime]", then optimum-cli export onnx --model <Hub id or folder> --task <task> <out>, and move the .onnx files into <out>/onnx/); ${getIt}.`;
  // A local folder: its model subfolders or the model it is inside, never Hub ports named after a folder.
  if (!hubName) return localFolderAdvice(repo) || `If it is a transformers model, ${optimum}`;
  return (
    `Use a transformers.js-ready copy: search the Hub, https://huggingface.co/models?library=transformers.js&search=${encodeURIComponent(name)} (or the "onnx" tag), e.g. onnx-community/${name} or Xenova/${name}; ` +
    `or ${optimum.replace(`; ${getIt}.`, '.')} ${getIt}: it finds a copy or runs the export.`
  );
}

/**
 * Throws a ModelFilesError when `available` (a repo's or folder's files) cannot run in transformers.js:
 * no ONNX weights (said first, then what else is missing, then where to get a converted copy), or a
 * missing config.json, tokenizer.json or tokenizer_config.json. `problems` are more, already found
 * ("config.json is empty (0 bytes)"), said in the same message.
 */
export function assertRunnableFiles(repo: string, available: string[], problems: string[] = []): void {
  const has = new Set(available);
  const missing = MODEL_JSON_FILES.filter((f) => !has.has(f));
  const onnx = available.filter((f) => f.startsWith('onnx/') && f.endsWith('.onnx'));
  const others = [...missing.map((f) => `${f} is missing`), ...problems];
  if (!onnx.length) {
    const weights = available.filter((f) => /\.(bin|safetensors|h5|msgpack|onnx|gguf|pt|pth|ckpt)$/.test(f)).slice(0, 4);
    throw new ModelFilesError(
      `${repo} has no ONNX weights for transformers.js${weights.length ? ` (it has ${weights.join(', ')})` : ''}.` +
        `${others.length ? ` Also: ${listWords(others)}.` : ''} ${convertedCopyAdvice(repo)}`,
    );
  }
  if (missing.length) {
    throw new ModelFilesError(
      `${repo} has no ${missing.map((f) => `${f} (${WHY_NEEDED[f]})`).join(', no ')}.` +
        `${problems.length ? ` Also: ${listWords(problems)}.` : ''} ${convertedCopyAdvice(repo)}`,
    );
  }
  // A problem that already says what to do (a Git LFS pointer: "git lfs pull") is not told twice.
  const told = problems.every((p) => /download the model again|git lfs pull/.test(p));
  if (problems.length) throw new ModelFilesError(`${repo} cannot be loaded: ${listWords(problems)}.${told ? '' : ` Fix ${problems.length === 1 ? 'it' : 'them'} or download the model again.`}`);
}

/** Whether `available` (a repo's or folder's files) runs in transformers.js as it is (assertRunnableFiles passes). */
export function hasRunnableFiles(available: string[]): boolean {
  try {
    assertRunnableFiles('model', available);
    return true;
  } catch (err) {
    if (err instanceof ModelFilesError) return false;
    throw err;
  }
}

export function chooseModelFiles(repo: string, available: string[], task: string, device: 'cpu' | 'cuda', dtype: Dtype): FileChoice {
  const kind = TASK_KIND[task];
  if (!kind) throw new ModelFilesError(`Unknown task "${task}". Supported: ${SUPPORTED_TASKS.join(', ')}.`);
  assertRunnableFiles(repo, available);
  const has = new Set(available);
  const onnx = available.filter((f) => f.startsWith('onnx/') && f.endsWith('.onnx'));
  for (const dt of dtypeOrder(dtype, device)) {
    for (const sessions of SESSIONS[kind]!) {
      const names = sessions.map((s) => `onnx/${s}${DTYPE_SUFFIX[dt]}.onnx`);
      if (names.every((n) => has.has(n))) {
        // External weights of big models live beside the graph (model.onnx_data, model.onnx_data_1…).
        const data = available.filter((f) => names.some((n) => f.startsWith(`${n}_data`)));
        const st = task === 'feature-extraction' ? SENTENCE_TRANSFORMERS_FILES.filter((f) => has.has(f)) : [];
        return { files: [...MODEL_JSON_FILES, ...OPTIONAL.filter((f) => has.has(f)), ...st, ...names, ...data], dtype: dt };
      }
    }
  }
  const wanted = dtypeOrder(dtype, device).join(' or ');
  throw new ModelFilesError(
    `${repo} has ONNX files (${onnx.slice(0, 4).join(', ')}) but none for ${task} in ${wanted}. ` +
      (dtype === 'auto' ? 'It may be a model for another task.' : `Try dtype "auto" or one of the files listed.`),
  );
}
