/** What `ai-lab eval` checks and settles before the runs: its flags, the output file, the split, each model's label mapping. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DatasetViewer } from '../core/hub/datasetViewer';
import type { HubClient } from '../core/hub/hubApi';
import type { ColumnMapping, ColumnRole } from '../core/eval/columns';
import { assertLabelMapping, userLabelMapping, type DatasetLabel, type LabelMapping } from '../core/eval/labels';
import { modelLabels, suggestMapping } from '../core/eval/modelFacts';
import { looksLikeLocalPath } from '../core/inference/modelName';
import type { LabRunner } from '../core/lab/makeRunner';
import { InputError } from '../core/text/chunks';
import { UsageError } from './args';

/** The column roles --column takes. */
export const ROLES: ColumnRole[] = ['text', 'pair', 'label', 'question', 'context', 'answers', 'document', 'summary', 'translation', 'source', 'target'];

/**
 * --out, checked before anything runs: an existing file is kept unless --force (never the --data file),
 * and its folder must exist. UsageError (exit 2) otherwise.
 */
export function checkOutFile(out: string, force: boolean, data: string | undefined): void {
  if (data && path.resolve(out) === path.resolve(data)) throw new UsageError(`--out ${out} is the --data file: the report would replace the dataset; name another file`, false);
  if (fs.existsSync(out)) {
    if (fs.statSync(out).isDirectory()) throw new UsageError(`--out ${out} is a folder; name a file in it, e.g. ${path.join(out, 'report.json')}`, false);
    if (!force) throw new UsageError(`--out ${out} exists; give --force to replace it, or name another file`, false);
  }
  const dir = path.dirname(path.resolve(out));
  if (!fs.existsSync(dir)) throw new UsageError(`--out ${out}: the folder ${dir} does not exist`, false);
}

/** A Hub model's licence from its model info (card metadata, else a license: tag); none for a folder. */
export async function hubLicense(client: HubClient, model: string): Promise<string | undefined> {
  if (!model || looksLikeLocalPath(model)) return undefined;
  const info = await client.modelInfo(model);
  const l = info.cardData?.license;
  if (typeof l === 'string' && l) return l === 'other' && typeof info.cardData?.license_name === 'string' ? info.cardData.license_name : l;
  return info.tags.find((t) => t.startsWith('license:'))?.slice('license:'.length);
}

/** --column ROLE=NAME, each role once. */
export function columnFlags(values: string[]): ColumnMapping {
  const m: ColumnMapping = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    const role = v.slice(0, eq) as ColumnRole;
    if (eq < 1 || eq === v.length - 1) throw new UsageError(`--column takes ROLE=NAME (got "${v}")`);
    if (!ROLES.includes(role)) throw new UsageError(`--column: unknown role "${role}"; roles are ${ROLES.join(', ')}`);
    if (m[role]) throw new UsageError(`--column ${role} is given twice`);
    m[role] = v.slice(eq + 1);
  }
  return m;
}

/** A=B,C=D as a record (labels may hold spaces; a comma or = inside one is not supported). */
export function pairsFlag(flag: string, value: string, shape = 'DATASET_LABEL=TEXT'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (eq < 0 || !k || !v) throw new UsageError(`${flag} takes ${shape} pairs separated by commas (got "${part}")`);
    if (k in out) throw new UsageError(`${flag}: "${k}" is given twice`);
    out[k] = v;
  }
  return out;
}

/** --label-map [MODEL@]DATASET=MODEL_LABEL,…: per model, or (no MODEL@) for every model without its own. */
export function labelMapFlags(values: string[], models: string[]): Map<string, Record<string, string>> {
  const byModel = new Map<string, Record<string, string>>();
  let all: Record<string, string> | undefined;
  for (const v of values) {
    const at = v.lastIndexOf('@', v.indexOf('='));
    if (at > 0) {
      const model = v.slice(0, at);
      if (!models.includes(model)) throw new UsageError(`--label-map names ${model}, which is not one of the --model values (${models.join(', ')})`);
      byModel.set(model, pairsFlag('--label-map', v.slice(at + 1), 'DATASET=MODEL_LABEL'));
    } else all = pairsFlag('--label-map', v, 'DATASET=MODEL_LABEL');
  }
  if (all) for (const m of models) if (!byModel.has(m)) byModel.set(m, all);
  return byModel;
}

/**
 * The label mapping for one model: the user's (--label-map), else the suggestion. A suggestion with
 * dataset labels left unmapped, or paired by position only (LABEL_0/LABEL_1 models) without
 * --accept-label-guess, is refused with what was found and the flag that settles it (never applied silently).
 */
export async function chooseLabelMapping(runner: LabRunner, model: string, labels: DatasetLabel[], probe: Parameters<typeof modelLabels>[3], user: Record<string, string> | undefined, o: { accept: boolean; allowUnmapped: boolean }, signal: AbortSignal): Promise<LabelMapping> {
  const found = await modelLabels(runner, probe.kind === 'classification' && probe.pair !== undefined ? 'text-pair-classification' : 'text-classification', model, probe, signal);
  let m: LabelMapping;
  try {
    m = user ? userLabelMapping(user, labels, found.id2label) : suggestMapping(labels, found);
  } catch (err) {
    // Which model a --label-map does not fit, and exit 2: it is the flag that is wrong.
    throw new InputError(`--label-map for ${model}: ${(err as Error).message}`);
  }
  try {
    // Dataset labels the model has no class for (a 3-class dataset, a 2-class model) may be let through on
    // purpose: their examples then count as wrong, as the README says.
    assertLabelMapping(o.allowUnmapped ? { ...m, unmappedDataset: [] } : m, o.accept || Boolean(user));
  } catch (err) {
    const modelNames = Object.entries(found.id2label).map(([id, l]) => `${id}=${l}`).join(', ');
    const suggested = m.pairs.map((p) => `${p.dataset.name}=${p.model}`).join(',');
    throw new InputError(
      `${model}: ${(err as Error).message.replace(/\.$/, '')}. The dataset's labels: ${labels.map((l) => l.name).join(', ')}; the model's: ${modelNames}. ` +
        (m.hasGuess && !m.unmappedDataset.length ? `Accept the pairing with --accept-label-guess, or give --label-map "${model}@${suggested}".` : `Give --label-map "${model}@DATASET=MODEL_LABEL,…"${m.unmappedDataset.length ? ', or --allow-unmapped-labels to count their examples as wrong' : ''}.`),
    );
  }
  return m;
}

/** The config and split: as given, else the only one there is; several without a choice is a usage error listing them. */
export async function chooseSplit(viewer: DatasetViewer, dataset: string, config: string | undefined, split: string | undefined): Promise<{ config: string; split: string }> {
  const configs = await viewer.configs(dataset);
  const c = config ? configs.find((x) => x.config === config) : configs.length === 1 ? configs[0] : undefined;
  if (!c) {
    if (config) throw new UsageError(`${dataset} has no config "${config}"; its configs are ${configs.map((x) => x.config).join(', ')}`, false);
    throw new UsageError(`${dataset} has ${configs.length} configs: give --config (${configs.map((x) => x.config).join(', ')})`, false);
  }
  const s = split ? c.splits.find((x) => x.split === split) : c.splits.length === 1 ? c.splits[0] : undefined;
  if (!s) {
    const list = c.splits.map((x) => `${x.split}${x.numRows !== undefined ? ` (${x.numRows} rows)` : ''}`).join(', ');
    if (split) throw new UsageError(`${dataset} (${c.config}) has no split "${split}"; its splits are ${list}`, false);
    throw new UsageError(`${dataset} (${c.config}) has several splits: give --split (${list})`, false);
  }
  return { config: c.config, split: s.split };
}
