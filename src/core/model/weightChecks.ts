/**
 * The weights of a model folder: safetensors preferred over pickled PyTorch files, every shard of an
 * index present and matching it, the embedding matrix's rows (from the safetensors header, no weights
 * loaded) against the vocabulary, and ONNX weights for AI Lab. Shard index format (transformers'
 * `save_pretrained`): `{"metadata": {"total_size": bytes}, "weight_map": {"<tensor>": "<shard file>"}}`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { command } from '../surface/names';
import type { FindingList } from './findings';
import { checkOnnx } from './onnxChecks';
import { readSafetensorsHeader, SafetensorsError, type SafetensorsTensor } from './safetensors';

/** Tensor names of the input embedding matrix in common architectures (rows = vocabulary size). */
const EMBEDDING_NAME = /(^|\.)(word_embeddings|embed_tokens|wte|shared|tok_embeddings|embed_in|word_emb)\.weight$/;

export interface WeightFacts {
  /** Rows of the input embedding matrix, when a safetensors header names one. */
  embeddingRows?: { rows: number; tensor: string; file: string };
}

/** A shard name an index may give: a relative path inside the folder (save_pretrained writes bare file names). */
const insideFolder = (f: unknown): f is string => typeof f === 'string' && f.trim() !== '' && !path.isAbsolute(f) && !/^[A-Za-z]:/.test(f) && !f.split(/[\\/]/).includes('..');

/**
 * The shards an index names that are there, and its tensor → shard map (entries naming no usable
 * shard left out and reported). Every content problem is a finding, never a throw.
 */
function shardsOf(dir: string, indexFile: string, list: FindingList): { shards: string[]; map: Record<string, string> } | undefined {
  let index: unknown;
  try {
    index = JSON.parse(fs.readFileSync(path.join(dir, indexFile), 'utf8'));
  } catch (err) {
    list.error('weights.index', indexFile, `${indexFile} is not valid JSON (${(err as Error).message.split('\n')[0]}).`, 'transformers reads the shard list from it: the model does not load.', 'Save the model again with save_pretrained, or download the file again.');
    return undefined;
  }
  if (!index || typeof index !== 'object' || Array.isArray(index)) {
    list.error('weights.index', indexFile, `${indexFile} is not a JSON object (it holds ${Array.isArray(index) ? 'an array' : JSON.stringify(index)}).`, 'transformers reads the shard list from its weight_map: the model does not load.', 'Save the model again with save_pretrained, or download the file again.');
    return undefined;
  }
  const raw = (index as { weight_map?: unknown }).weight_map;
  const entries = raw && typeof raw === 'object' && !Array.isArray(raw) ? Object.entries(raw as Record<string, unknown>) : [];
  const map: Record<string, string> = {};
  const bad: Array<[string, unknown]> = [];
  for (const [tensor, file] of entries) {
    if (insideFolder(file)) map[tensor] = file;
    else bad.push([tensor, file]);
  }
  if (bad.length) list.error('weights.index', indexFile, `${bad.length} tensor${bad.length === 1 ? '' : 's'} of ${indexFile} name${bad.length === 1 ? 's' : ''} no shard file inside the folder (first: ${bad[0]![0]} → ${JSON.stringify(bad[0]![1])}).`, 'Each weight_map value must be a shard file beside the index: those tensors cannot be loaded.', 'Save the model again with save_pretrained (index and shards together).');
  const shards = [...new Set(Object.values(map))].sort();
  const isFile = (s: string) => {
    try {
      return fs.statSync(path.join(dir, s)).isFile();
    } catch {
      return false;
    }
  };
  const missing = shards.filter((s) => !isFile(s));
  if (!entries.length) list.error('weights.index', indexFile, `${indexFile} lists no tensors (its weight_map is empty or missing).`, 'Nothing can be loaded from it.', 'Save the model again with save_pretrained.');
  else if (missing.length) list.error('weights.shards', indexFile, `${missing.length} of ${shards.length} shards named in ${indexFile} are missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}.`, 'The model fails to load, or loads with those tensors left at random values.', 'Copy or download the missing shard files into the folder.');
  else if (shards.length) list.ok('weights.shards');
  return { shards: shards.filter((s) => !missing.includes(s)), map };
}

/**
 * Checks the weight files of `dir` (`files`: its files, relative with "/"); returns what later checks
 * need. `config` (config.json) names the class in the conversion command and what the ONNX files must give.
 */
export function checkWeights(dir: string, files: string[], list: FindingList, config?: Record<string, unknown>): WeightFacts {
  const architecture = Array.isArray(config?.architectures) && typeof config.architectures[0] === 'string' && /^\w+$/.test(config.architectures[0]) ? config.architectures[0] : undefined;
  const facts: WeightFacts = {};
  const top = files.filter((f) => !f.includes('/'));
  const safeIndex = top.find((f) => f === 'model.safetensors.index.json');
  const binIndex = top.find((f) => f === 'pytorch_model.bin.index.json');
  const safeShards = safeIndex ? shardsOf(dir, safeIndex, list) : undefined;
  const safetensors = safeIndex ? safeShards?.shards ?? [] : top.filter((f) => f.endsWith('.safetensors'));
  const pickles = binIndex ? shardsOf(dir, binIndex, list)?.shards ?? [] : top.filter((f) => /^pytorch_model.*\.bin$/.test(f));
  const onnx = files.filter((f) => /^onnx\/[^/]+\.onnx$/.test(f) || /^model[^/]*\.onnx$/.test(f));

  if (!safetensors.length && !pickles.length && !onnx.length && !top.some((f) => /\.(h5|msgpack|gguf)$/.test(f))) {
    list.error('weights.present', '', 'No weights: no model.safetensors, pytorch_model.bin or onnx/model.onnx.', 'A model folder without weights loads nothing (a tokenizer-only folder is not a model).', 'Save the model with save_pretrained into this folder, or copy its weight files here.');
  } else list.ok('weights.present');

  if (pickles.length && !safetensors.length) {
    list.warning('weights.format', pickles[0]!, `Weights only as pickled PyTorch files (${pickles.length === 1 ? pickles[0] : `${pickles.length} shards`}).`, 'Loading a pickle can run any code it holds, so the Hub flags such files and careful users refuse them; safetensors loads without running code, and faster.', `Convert: python -c "from transformers import ${architecture ?? 'AutoModel'} as M; M.from_pretrained('${dir}').save_pretrained('${dir}', safe_serialization=True)"${architecture ? '' : ' (AutoModel keeps no head: name the class config.json\'s architectures would)'}, then remove the .bin files.`);
  } else if (safetensors.length) list.ok('weights.format');

  // Each safetensors file's header: well-formed, not cut short; the index's tensors where it says.
  const tensors = new Map<string, { t: SafetensorsTensor; file: string }>();
  for (const file of safetensors) {
    try {
      for (const t of readSafetensorsHeader(path.join(dir, file)).tensors) tensors.set(t.name, { t, file });
    } catch (err) {
      if (!(err instanceof SafetensorsError)) throw err;
      list.error('weights.safetensors', file, `${file} ${err.message}.`, 'transformers refuses a damaged safetensors file: the model does not load.', 'Download or save the file again.');
    }
  }
  if (safeIndex && safeShards && tensors.size) {
    const map = safeShards.map;
    const wrong = Object.entries(map).filter(([name, file]) => tensors.get(name)?.file !== file && safetensors.includes(file));
    if (wrong.length) list.error('weights.index', safeIndex, `${wrong.length} tensors of ${safeIndex} are not in the shard it names (first: ${wrong[0]![0]} in ${wrong[0]![1]}).`, 'The loader looks for each tensor in the shard the index names: they load missing.', 'Save the model again with save_pretrained (index and shards together).');
    else list.ok('weights.index');
  }
  const emb = [...tensors.values()].find(({ t }) => EMBEDDING_NAME.test(t.name) && t.shape.length === 2);
  if (emb) facts.embeddingRows = { rows: emb.t.shape[0]!, tensor: emb.t.name, file: emb.file };

  if (!onnx.length) {
    list.warning('onnx.present', '', 'No ONNX weights (onnx/model.onnx): AI Lab cannot run this folder.', 'AI Lab runs models with ONNX Runtime (transformers.js); PyTorch weights alone do not load in it.', `${command('AI Lab: Get ONNX Weights')} finds a transformers.js-ready copy on the Hub or exports one with Optimum (into a folder beside this one, .onnx files in onnx/); by hand: pip install "optimum-onnx[onnxruntime]", optimum-cli export onnx --model "${dir}" --task <task> "${dir}-onnx", then move its .onnx files into "${dir}-onnx/onnx/".`);
  } else list.ok('onnx.present');
  checkOnnx(dir, onnx, config, list);
  return facts;
}
