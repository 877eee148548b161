/**
 * What a comparison says about each model besides its scores: its labels (for the label mapping), the
 * bytes of the ONNX weights it loaded, and its licence from the model card.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitFrontMatter } from '../hub/modelCard';
import type { LabelScore, TaskRunner } from '../nlp/runner';
import { DTYPE_SUFFIX, type ConcreteDtype } from '../inference/modelFiles';
import { EvalDataError } from './dataTable';
import { suggestLabelMapping, userLabelMapping, type DatasetLabel, type LabelMapping } from './labels';
import type { EvalExample } from './report';

export interface ModelLabels {
  id2label: Record<string, string>;
  /** config.json (a local model's own), or the labels a remote model answered with on one example. */
  from: 'config.json' | 'output';
}

/**
 * A classifier's labels: the id2label of its config.json when the runner has the model's folder (local),
 * else the labels it returns for `probe` with every score asked for (remote servers give all classes).
 * Labels read from an answer carry no class ids unless named LABEL_k: they are numbered in the order of
 * the answer, and the mapping must not pair them by position (see suggestMapping).
 * Errors: the runner's (download, a model for another task); EvalDataError when the model names no labels.
 */
export async function modelLabels(runner: TaskRunner, pipeline: string, model: string, probe: EvalExample, signal?: AbortSignal): Promise<ModelLabels> {
  if (runner.modelDir) {
    const dir = await runner.modelDir(pipeline, model, signal);
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { id2label?: Record<string, string> };
    if (!config.id2label || !Object.keys(config.id2label).length) throw new EvalDataError(`${model} has no id2label in its config.json: it does not name its classes, so its predictions cannot be compared with the dataset's labels.`);
    return { id2label: config.id2label, from: 'config.json' };
  }
  if (probe.kind !== 'classification') throw new Error('modelLabels: a classification example is needed');
  const out = (probe.pair !== undefined
    ? await runner.run('text-pair-classification', model, [[[probe.text, probe.pair]]], { signal })
    : await runner.run('text-classification', model, [probe.text, { top_k: null }], { signal })) as LabelScore[] | LabelScore[][];
  const labels = ((Array.isArray(out[0]) ? out[0] : out) as LabelScore[]).map((l) => l.label);
  if (!labels.length) throw new EvalDataError(`${model} answered with no labels.`);
  const generic = labels.every((l) => /^LABEL_\d+$/i.test(l));
  const id2label = Object.fromEntries(generic ? labels.map((l) => [l.replace(/^LABEL_/i, ''), l]) : [...labels].sort().map((l, i) => [String(i), l]));
  return { id2label, from: 'output' };
}

/**
 * The suggested mapping (suggestLabelMapping), except that labels read from an answer (not config.json)
 * and named otherwise than LABEL_k are never paired by position: their order says nothing.
 */
export function suggestMapping(datasetLabels: DatasetLabel[], labels: ModelLabels): LabelMapping {
  const m = suggestLabelMapping(datasetLabels, labels.id2label);
  if (labels.from === 'config.json' || !m.pairs.some((p) => p.how === 'index')) return m;
  const generic = Object.values(labels.id2label).every((l) => /^LABEL_\d+$/i.test(l));
  if (generic) return m;
  return userLabelMapping({}, datasetLabels, labels.id2label);
}

/** Bytes of the ONNX weights a local model loads for `dtype` (onnx/*{suffix}.onnx and their external data); undefined when none are found. */
export function weightsBytes(dir: string, dtype: string | undefined): number | undefined {
  const suffix = DTYPE_SUFFIX[(dtype ?? 'fp32') as ConcreteDtype];
  if (suffix === undefined) return undefined;
  const onnx = path.join(dir, 'onnx');
  let names: string[];
  try {
    names = fs.readdirSync(onnx);
  } catch {
    return undefined;
  }
  const graphs = names.filter((n) => n.endsWith(`${suffix}.onnx`) && (suffix || !/_(fp16|quantized|q4|q4f16|int8|uint8|bnb4)\.onnx$/.test(n)));
  if (!graphs.length) return undefined;
  let bytes = 0;
  for (const g of graphs) {
    for (const n of names) if (n === g || n.startsWith(`${g}_data`) || n.startsWith(`${g}.data`)) bytes += fs.statSync(path.join(onnx, n)).size;
  }
  return bytes;
}

/** The `license` of a local model folder's README.md front matter (license_name for "other"), when it has one. */
export function cardLicense(dir: string): string | undefined {
  let md: string;
  try {
    md = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
  } catch {
    return undefined;
  }
  const meta = splitFrontMatter(md).meta;
  const l = meta?.license;
  const name = meta?.license_name;
  if (typeof l !== 'string' || !l) return undefined;
  return l === 'other' && typeof name === 'string' && name ? name : l;
}
