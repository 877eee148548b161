/**
 * A model card (README.md) to start from when a folder has none, filled from what the folder says:
 * the front matter's library_name, pipeline_tag (guessed from config.json's architectures) and
 * base_model (config's `_name_or_path` when it is a Hub id "namespace/name"), and sections that name
 * the architecture, labels and sizes. What only the author knows (license, language, datasets, what
 * the model is for) is left empty with a TODO comment: Validate Model Folder still reports those
 * fields until they are filled, so nothing is published with a made-up license.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dump } from 'js-yaml';
import { listModelFiles } from '../inference/modelCheck';
import { readModelJson } from '../inference/modelFolder';
import { repoIdProblem } from '../hub/repoId';

/** Architecture class suffixes and the Hub pipeline tag they mean, most specific first. */
const HEADS: Array<[RegExp, string]> = [
  [/ForSequenceClassification$/, 'text-classification'],
  [/ForTokenClassification$/, 'token-classification'],
  [/ForQuestionAnswering$/, 'question-answering'],
  [/ForMaskedLM$/, 'fill-mask'],
  [/(ForCausalLM|LMHeadModel)$/, 'text-generation'],
  [/ForImageClassification$/, 'image-classification'],
  [/ForObjectDetection$/, 'object-detection'],
  [/ForSemanticSegmentation$/, 'image-segmentation'],
  [/(ForCTC|ForSpeechSeq2Seq)$/, 'automatic-speech-recognition'],
  [/ForAudioClassification$/, 'audio-classification'],
];

/** Encoder-decoder model types whose ForConditionalGeneration head translates (Marian) or maps text to text. */
const TRANSLATION_TYPES = new Set(['marian', 'm2m_100', 'nllb', 'nllb-moe', 'mbart']);
const SPEECH_TYPES = new Set(['whisper', 'speech_to_text', 'speecht5']);

/** The Hub pipeline tag an architecture name implies, or undefined when it does not say. */
export function pipelineTagFor(architecture: string, modelType?: string): string | undefined {
  for (const [re, tag] of HEADS) if (re.test(architecture)) return tag;
  if (/ForConditionalGeneration$/.test(architecture)) {
    if (modelType && TRANSLATION_TYPES.has(modelType)) return 'translation';
    if (modelType && SPEECH_TYPES.has(modelType)) return 'automatic-speech-recognition';
    if (modelType && /^(t5|mt5|bart|pegasus|led|longt5|umt5|flan)/.test(modelType)) return 'text2text-generation';
    return undefined;
  }
  // Marian's head class is MarianMTModel (not …ForConditionalGeneration).
  if (/MTModel$/.test(architecture)) return 'translation';
  // A bare encoder (BertModel, RobertaModel…) gives embeddings; a bare encoder-decoder (T5Model) says nothing.
  const seq2seq = modelType !== undefined && (TRANSLATION_TYPES.has(modelType) || SPEECH_TYPES.has(modelType) || /^(t5|mt5|bart|pegasus|led|longt5|umt5|flan|encoder-decoder)/.test(modelType));
  if (/^[A-Z][A-Za-z0-9]*Model$/.test(architecture) && !/PreTrained|LMHead/.test(architecture) && !seq2seq) return 'feature-extraction';
  return undefined;
}

/** `_name_or_path` when it is a Hub id "namespace/name" (not a local path), else undefined. */
export function baseModelFrom(nameOrPath: unknown): string | undefined {
  if (typeof nameOrPath !== 'string') return undefined;
  const s = nameOrPath.trim();
  if (!s.includes('/') || /^[./~\\]|^[A-Za-z]:|\\/.test(s)) return undefined;
  return repoIdProblem(s) ? undefined : s;
}

export interface CardFacts {
  libraryName?: string;
  pipelineTag?: string;
  baseModel?: string;
  architecture?: string;
  modelType?: string;
  labels?: string[];
  vocabSize?: number;
  maxPositions?: number;
  onnx: boolean;
}

/** What the card can say about the folder `dir`, read from config.json and the file names. */
export function cardFacts(dir: string): CardFacts {
  const files = fs.existsSync(dir) ? listModelFiles(dir) : [];
  const config = readModelJson(dir, 'config.json').value ?? {};
  const architecture = Array.isArray(config.architectures) && typeof config.architectures[0] === 'string' ? config.architectures[0] : undefined;
  const modelType = typeof config.model_type === 'string' ? config.model_type : undefined;
  const onnx = files.some((f) => /^onnx\/.+\.onnx$/.test(f));
  const torchWeights = files.some((f) => /\.(safetensors|bin)$/.test(f) && !f.startsWith('onnx/'));
  const sentenceTransformers = files.includes('modules.json');
  const id2label = config.id2label && typeof config.id2label === 'object' ? (config.id2label as Record<string, unknown>) : undefined;
  const labels = id2label
    ? Object.entries(id2label)
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([, v]) => String(v))
    : undefined;
  return {
    libraryName: sentenceTransformers ? 'sentence-transformers' : onnx && !torchWeights ? 'transformers.js' : Object.keys(config).length ? 'transformers' : undefined,
    pipelineTag: sentenceTransformers ? 'sentence-similarity' : architecture ? pipelineTagFor(architecture, modelType) : undefined,
    baseModel: baseModelFrom(config._name_or_path),
    architecture,
    modelType,
    // LABEL_0, LABEL_1…: the defaults, which say nothing.
    labels: labels && !labels.every((l, i) => l === `LABEL_${i}`) ? labels : undefined,
    vocabSize: typeof config.vocab_size === 'number' ? config.vocab_size : undefined,
    maxPositions: typeof config.max_position_embeddings === 'number' ? config.max_position_embeddings : undefined,
    onnx,
  };
}

/** The README.md text for `dir` (see the module comment); `repoId` names the model in the usage snippet. */
export function cardScaffold(dir: string, repoId?: string): string {
  const f = cardFacts(dir);
  const id = repoId ?? `your-name/${path.basename(path.resolve(dir))}`;
  const known: Record<string, unknown> = {};
  if (f.libraryName) known.library_name = f.libraryName;
  if (f.pipelineTag) known.pipeline_tag = f.pipelineTag;
  if (f.baseModel) known.base_model = f.baseModel;
  if (f.onnx) known.tags = ['onnx'];
  const front = [
    Object.keys(known).length ? dump(known, { lineWidth: 200 }).trimEnd() : '',
    '# TODO: the license (an id such as apache-2.0, mit or cc-by-4.0): https://huggingface.co/docs/hub/repositories-licenses',
    'license:',
    '# TODO: the language(s) of the text it was trained on, as ISO 639-1 codes, e.g. [en]',
    'language:',
    '# TODO: the Hub ids of the datasets it was trained on',
    'datasets:',
    ...(f.pipelineTag ? [] : ['# TODO: the task, e.g. text-classification (https://huggingface.co/tasks)', 'pipeline_tag:']),
    ...(f.baseModel ? [] : ['# TODO: the model this one was fine-tuned from (a Hub id), if any', 'base_model:']),
  ].filter(Boolean);
  const details = [
    f.architecture && `- Architecture: \`${f.architecture}\`${f.modelType ? ` (model_type \`${f.modelType}\`)` : ''}`,
    f.baseModel && `- Fine-tuned from: [${f.baseModel}](https://huggingface.co/${f.baseModel})`,
    f.labels && `- Labels: ${f.labels.map((l) => `\`${l}\``).join(', ')}`,
    f.vocabSize !== undefined && `- Vocabulary: ${f.vocabSize} tokens`,
    f.maxPositions !== undefined && `- Longest input: ${f.maxPositions} tokens`,
    f.onnx && '- ONNX weights in `onnx/` (for transformers.js and AI Lab)',
  ].filter((x): x is string => typeof x === 'string');
  const task = f.pipelineTag ?? 'TASK';
  const usage =
    f.libraryName === 'transformers.js'
      ? ['```js', "import { pipeline } from '@huggingface/transformers';", `const pipe = await pipeline('${task}', '${id}');`, '```']
      : ['```python', 'from transformers import pipeline', '', `pipe = pipeline("${task}", model="${id}")`, '```'];
  return [
    '---',
    ...front,
    '---',
    '',
    `# ${id.split('/').pop()}`,
    '',
    'TODO: one paragraph on what this model does and for whom.',
    '',
    '## Model details',
    '',
    ...(details.length ? details : ['TODO: the architecture and sizes.']),
    '',
    '## Intended uses and limitations',
    '',
    'TODO: what it is for, what it is not for, and where it fails (languages, domains, input lengths).',
    '',
    '## How to use',
    '',
    ...usage,
    '',
    '## Training data',
    '',
    'TODO: the data it was trained on, and how it was split and cleaned.',
    '',
    '## Evaluation',
    '',
    'TODO: the test set, the metrics and the results.',
    '',
  ].join('\n');
}

/**
 * Writes the scaffold to `dir`/README.md and returns its path. Refuses (throws) when README.md exists:
 * a card is never overwritten.
 */
export function writeCardScaffold(dir: string, repoId?: string): string {
  const file = path.join(dir, 'README.md');
  if (fs.existsSync(file)) throw new Error(`${file} exists already; AI Lab does not overwrite a model card.`);
  fs.writeFileSync(file, cardScaffold(dir, repoId), { flag: 'wx' });
  return file;
}
