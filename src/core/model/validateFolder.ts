/**
 * Validate Model Folder (`ai-lab validate DIR`): what the notes' "Auto Models and Tokenizers" chapter
 * says people get wrong when they ship a model — config.json, the tokenizer paired with the model
 * (sizes, special tokens, case), the weights (format, shards, embedding rows) and the model card's
 * front matter — each finding with its file, why it matters and the fix. Reads headers and JSON only:
 * no weights are loaded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitFrontMatter } from '../hub/modelCard';
import { listModelFiles } from '../inference/modelCheck';
import { readModelJson } from '../inference/modelFolder';
import { knownModelType } from '../inference/taskFit';
import { FindingList, type FolderReport } from './findings';
import { specialTokens, tokenizerFacts, type TokenizerFacts } from './tokenizerFacts';
import { checkWeights } from './weightChecks';

export class FolderError extends Error {}

function checkConfig(config: Record<string, unknown>, list: FindingList): void {
  const type = config.model_type;
  const arch = Array.isArray(config.architectures) ? config.architectures.filter((a): a is string => typeof a === 'string') : [];
  if (typeof type !== 'string') list.error('config.model_type', 'config.json', 'config.json has no model_type.', 'transformers (and transformers.js) pick the model class from model_type: AutoModel fails without it.', 'Add "model_type" (e.g. "bert"): save the config with save_pretrained, which writes it.');
  else if (!knownModelType(type)) list.info('config.model_type', 'config.json', `model_type "${type}" is not one AI Lab knows (its tasks may still work if transformers.js supports it).`, 'AI Lab checks task fit from the model type.', 'Nothing to do if transformers.js lists this architecture.');
  else list.ok('config.model_type');
  if (!arch.length) list.warning('config.architectures', 'config.json', 'config.json names no architectures.', 'The head (classification, QA, LM…) is read from architectures: the Hub and AI Lab cannot tell what the model does.', 'Save the model with its head class (e.g. AutoModelForSequenceClassification) so save_pretrained writes "architectures".');
  else list.ok('config.architectures');

  const id2label = config.id2label && typeof config.id2label === 'object' ? (config.id2label as Record<string, unknown>) : undefined;
  const label2id = config.label2id && typeof config.label2id === 'object' ? (config.label2id as Record<string, unknown>) : undefined;
  if (id2label || label2id) {
    const ids = Object.keys(id2label ?? {});
    const problems: string[] = [];
    if (ids.some((k) => !/^\d+$/.test(k))) problems.push('id2label has keys that are not ids');
    else if (ids.length && ids.map(Number).sort((a, b) => a - b).some((n, i) => n !== i)) problems.push(`id2label's ids are not 0…${ids.length - 1}`);
    if (label2id && id2label) {
      for (const [id, label] of Object.entries(id2label)) if (label2id[String(label)] !== Number(id)) problems.push(`label2id["${String(label)}"] is ${JSON.stringify(label2id[String(label)])}, id2label says ${id}`);
      if (Object.keys(label2id).length !== ids.length) problems.push(`id2label has ${ids.length} labels, label2id ${Object.keys(label2id).length}`);
    }
    if (typeof config.num_labels === 'number' && ids.length && config.num_labels !== ids.length) problems.push(`num_labels is ${config.num_labels}, id2label has ${ids.length}`);
    if (problems.length) list.error('config.labels', 'config.json', `Labels disagree: ${problems.slice(0, 3).join('; ')}.`, 'Predictions are named through id2label: a wrong map gives confident wrong labels.', 'Make id2label and label2id inverse maps of the same labels (ids 0…n-1), as set when the head was trained.');
    else list.ok('config.labels');
  }
}

function checkTokenizer(dir: string, files: string[], config: Record<string, unknown> | undefined, tok: TokenizerFacts, list: FindingList, embeddingRows: number | undefined): void {
  for (const p of tok.problems) list.error('tokenizer.files', p.file, `${p.file} ${p.problem}.`, 'The tokenizer does not load.', 'Save the tokenizer again with save_pretrained.');
  // A tokenizer file that is there but unreadable is reported above, not as missing.
  if (!tok.source) {
    if (!tok.problems.length) list.error('tokenizer.files', '', 'Tokenizer missing: no tokenizer.json, vocab.txt, vocab.json or SentencePiece model.', 'The Hub shows "Tokenizer missing" and nobody can run the model: text has to become the ids it was trained on.', 'Save the tokenizer the model was trained with into this folder: AutoTokenizer.from_pretrained(base).save_pretrained(DIR).');
  } else if (tok.source !== 'tokenizer.json') list.warning('tokenizer.files', tok.source, `Only a slow tokenizer's files (${tok.source}); no tokenizer.json.`, 'transformers.js (and so AI Lab) reads only tokenizer.json; fast tokenizers load faster from it.', 'Write it: AutoTokenizer.from_pretrained(DIR).save_pretrained(DIR) (a fast tokenizer saves tokenizer.json).');
  else list.ok('tokenizer.files');
  const tcBroken = files.includes('tokenizer_config.json') ? readModelJson(dir, 'tokenizer_config.json').problem : undefined;
  if (tcBroken) list.error('tokenizer.config', 'tokenizer_config.json', `tokenizer_config.json ${tcBroken}.`, 'transformers and transformers.js read the tokenizer class, special tokens and model_max_length from it: the tokenizer does not load.', 'Save the tokenizer again with save_pretrained, or download the file again.');
  if (!files.includes('tokenizer_config.json') && tok.source) list.warning('tokenizer.config', 'tokenizer_config.json', 'tokenizer_config.json is missing.', 'It holds the tokenizer class, special tokens and model_max_length; transformers.js loads no tokenizer without it.', 'Save the tokenizer with save_pretrained, which writes it.');
  else if (tok.source) list.ok('tokenizer.config');

  const vocabSize = typeof config?.vocab_size === 'number' ? config.vocab_size : undefined;
  if (tok.size !== undefined && vocabSize !== undefined) {
    if (tok.size > vocabSize) list.error('tokenizer.size', tok.source!, `The tokenizer has ${tok.size} ids (largest ${tok.size - 1}), config.json's vocab_size is ${vocabSize}.`, `Ids ${vocabSize}…${tok.size - 1} index past the embedding matrix: an out-of-range error, or garbage on some runtimes. Usually tokens were added to the tokenizer without resizing the model.`, 'After adding tokens: model.resize_token_embeddings(len(tokenizer)), train, then save model and tokenizer together.');
    else list.ok('tokenizer.size');
  }
  if (embeddingRows !== undefined && tok.size !== undefined && tok.size > embeddingRows) {
    list.error('weights.embedding_rows', '', `The embedding matrix has ${embeddingRows} rows, the tokenizer ${tok.size} ids.`, 'Added special tokens without resizing the embeddings: their ids have no row.', 'model.resize_token_embeddings(len(tokenizer)), then save the model again.');
  }
  if (embeddingRows !== undefined && vocabSize !== undefined && embeddingRows !== vocabSize) {
    list.error('config.vocab_size', 'config.json', `config.json's vocab_size is ${vocabSize}, the embedding matrix has ${embeddingRows} rows.`, 'The model is built from the config, then the weights are loaded into it: the shapes differ and loading fails.', `Set vocab_size to ${embeddingRows} (what the weights have), or save model and config together with save_pretrained.`);
  } else if (vocabSize !== undefined) list.ok('config.vocab_size');

  // Special tokens must be in the vocabulary, with an id the embedding has.
  const tcRead = readModelJson(dir, 'tokenizer_config.json');
  const maxLength = tcRead.value?.model_max_length;
  const positions = config?.max_position_embeddings;
  if (typeof maxLength === 'number' && typeof positions === 'number') {
    if (maxLength > positions) list.warning('tokenizer.max_length', 'tokenizer_config.json', `model_max_length is ${maxLength}, config.json's max_position_embeddings ${positions}.`, `Inputs the tokenizer lets through past ${positions} tokens have no position embedding: an index error, or truncation by the runtime.`, `Set model_max_length to ${positions} or less (RoBERTa-style models keep 2 positions for padding: ${positions - 2}).`);
    else list.ok('tokenizer.max_length');
  }
  const stRead = readModelJson(dir, 'special_tokens_map.json');
  const specials = specialTokens(tcRead.value, stRead.value);
  const limit = Math.min(vocabSize ?? Infinity, embeddingRows ?? Infinity);
  const bad: string[] = [];
  for (const [role, content] of specials) {
    const id = tok.ids.get(content);
    if (tok.ids.size && id === undefined) bad.push(`${role} "${content}" is not in the vocabulary`);
    else if (id !== undefined && id >= limit) bad.push(`${role} "${content}" has id ${id}, past the model's ${limit} rows`);
  }
  if (bad.length) list.error('tokenizer.special_tokens', specials.size && tcRead.value ? 'tokenizer_config.json' : 'special_tokens_map.json', `Special tokens: ${bad.join('; ')}.`, 'A special token the model has no id (or row) for becomes [UNK] or an out-of-range id: every input that uses it is wrong.', 'Add the token to the tokenizer and resize the embeddings (model.resize_token_embeddings), or name the token the vocabulary has.');
  else if (specials.size && tok.ids.size) list.ok('tokenizer.special_tokens');

  // Case: lowercasing must match the vocabulary (and the name when it says cased/uncased).
  if (tok.source && tok.ids.size && (tok.modelType === 'WordPiece' || tok.source === 'vocab.txt')) {
    const words = [...tok.ids.keys()].filter((t) => /^(##)?\p{L}{2,}$/u.test(t));
    const cased = words.filter((t) => /\p{Lu}/u.test(t)).length;
    const name = `${path.basename(dir)} ${typeof config?._name_or_path === 'string' ? config._name_or_path : ''}`.toLowerCase();
    const saysUncased = /uncased/.test(name);
    const saysCased = /(^|[^n])cased/.test(name.replace(/uncased/g, ''));
    const vocabCased = words.length > 0 && cased / words.length > 0.05;
    if (tok.lowercase === true && vocabCased) list.warning('tokenizer.case', tok.source, `The tokenizer lowercases text, but ${cased} of its ${words.length} word pieces have capitals.`, 'Those pieces can never be produced: capitalised words split into worse pieces than the model was trained on (a cased model run uncased).', 'Set do_lower_case false (tokenizer_config.json) and lowercase: false in tokenizer.json\'s normalizer, as the cased checkpoint has.');
    else if (tok.lowercase === false && words.length > 0 && cased === 0) list.warning('tokenizer.case', tok.source, 'The tokenizer keeps capitals, but its vocabulary has none (an uncased vocabulary).', 'Every capitalised word becomes [UNK] or falls apart into pieces the model never saw.', 'Set do_lower_case true (tokenizer_config.json) and lowercase: true in the normalizer, as the uncased checkpoint has.');
    else if (saysUncased && tok.lowercase === false) list.warning('tokenizer.case', tok.source, 'The name says uncased, but the tokenizer keeps capitals.', 'An uncased model expects lowercased input.', 'Set do_lower_case true, or rename the model if it is cased.');
    else if (saysCased && !saysUncased && tok.lowercase === true) list.warning('tokenizer.case', tok.source, 'The name says cased, but the tokenizer lowercases.', 'A cased model loses the information it was trained to use.', 'Set do_lower_case false, or rename the model if it is uncased.');
    else list.ok('tokenizer.case');
  }
}

const CARD_FIELDS: Array<[string, 'warning' | 'info', string]> = [
  ['license', 'warning', 'Without a license nobody may legally reuse the model; the Hub shows "license: unknown".'],
  ['pipeline_tag', 'warning', 'The Hub files the model under a task (and its widget) from it; AI Lab reads the task from it.'],
  ['base_model', 'info', 'The Hub links a fine-tune to its base model (the model tree) from it.'],
  ['datasets', 'info', 'The Hub links the datasets it was trained on from it.'],
  ['language', 'info', 'The Hub filters models by language from it.'],
];

function checkCard(dir: string, files: string[], list: FindingList): void {
  if (!files.includes('README.md')) {
    list.warning('card.present', 'README.md', 'No model card (README.md).', 'The Hub page is empty: no license, task, intended use or limits.', 'Write README.md with a YAML front matter between --- lines at its top (license, pipeline_tag, base_model, datasets, language), then what the model is for and its limits.');
    return;
  }
  list.ok('card.present');
  const card = splitFrontMatter(fs.readFileSync(path.join(dir, 'README.md'), 'utf8'));
  if (card.error) {
    list.error('card.front_matter', 'README.md', `${card.error}.`, 'The Hub reads the card\'s metadata (license, pipeline_tag…) as a YAML mapping and rejects a push whose metadata is not valid YAML.', 'Fix the YAML between the two --- lines at the top of README.md: one "key: value" per line.');
    return;
  }
  for (const [key, severity, why] of CARD_FIELDS) {
    const v = card.meta?.[key];
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) list[severity](`card.${key}`, 'README.md', `The card's front matter has no ${key}.`, why, `Add "${key}: …" to the YAML front matter at the top of README.md.`);
    else list.ok(`card.${key}`);
  }
}

/**
 * Validates the model folder `dir` (see the module comment). Throws FolderError when `dir` is not a
 * readable folder; every problem inside it is a finding. Order: config, weights, tokenizer, card.
 */
export function validateModelFolder(dir: string): FolderReport {
  const abs = path.resolve(dir);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new FolderError(`${dir} does not exist.`);
  }
  if (!st.isDirectory()) throw new FolderError(`${dir} is a file, not a model folder: give the folder that holds config.json.`);
  const files = listModelFiles(abs);
  const list = new FindingList();
  const cfg = readModelJson(abs, 'config.json');
  if (cfg.problem) list.error('config.present', 'config.json', `config.json ${cfg.problem}.`, 'Every Auto class reads the architecture and sizes from config.json: nothing loads without it.', 'Save the model with save_pretrained, which writes config.json (or download it again).');
  else if (cfg.value) {
    list.ok('config.present');
    checkConfig(cfg.value, list);
  }
  const weights = checkWeights(abs, files, list, cfg.value);
  const tc = readModelJson(abs, 'tokenizer_config.json');
  checkTokenizer(abs, files, cfg.value, tokenizerFacts(abs, tc.value), list, weights.embeddingRows?.rows);
  checkCard(abs, files, list);
  return list.report(abs);
}
