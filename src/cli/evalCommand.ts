/** `ai-lab eval`: compare models on a dataset split or a local data file (src/core/eval). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeviceSetting } from '../core/inference/device';
import type { Dtype } from '../core/inference/modelFiles';
import { makeRunner, type LabRunner } from '../core/lab/makeRunner';
import { DatasetViewer } from '../core/hub/datasetViewer';
import { HubClient } from '../core/hub/hubApi';
import { EVAL_TASKS, suggestColumns, type ColumnMapping, type ColumnRole, type EvalTask } from '../core/eval/columns';
import { readDataFile } from '../core/eval/dataFiles';
import { fetchSplitSample } from '../core/eval/dataHub';
import { fetchSplitParquet } from '../core/eval/dataHubParquet';
import type { DataTable } from '../core/eval/dataTable';
import { buildExamples } from '../core/eval/examples';
import { assertLabelMapping, userLabelMapping, type DatasetLabel, type LabelMapping } from '../core/eval/labels';
import { modelLabels, suggestMapping } from '../core/eval/modelFacts';
import { runComparison, type EvalModel } from '../core/lab/compareModels';
import type { EvalDataset } from '../core/eval/report';
import { formatReport } from '../core/eval/reportText';
import { readShortlist, shortlistPath } from '../core/eval/shortlist';
import { addRunToShortlist, shortlistEntryFor } from '../core/eval/shortlistFromReport';
import { BACKEND_FLAGS, BACKEND_USAGE, backendFlags, remoteDefaultModel } from './backendFlags';
import { oneOf, parseFlags, UsageError, urlFlag, wholeNumber } from './args';
import { CLI_SERVICE, cliDevice, cliHub } from './context';
import { InputError } from '../core/text/chunks';
import { looksLikeLocalPath } from '../core/inference/modelName';
import { parseLanguage } from '../core/nlp/languages';
import { checkLabels } from '../core/nlp/labels';

export const EVAL_USAGE = `  eval --task TASK --model ID|DIR [--model …] (--data FILE.csv|.jsonl|.parquet | --dataset ID [--config C] [--split S] [--parquet])
      [--column ROLE=NAME …] [--sample N (100)] [--seed S (0)] [--label-map [MODEL@]DATASET=MODEL_LABEL,… …]
      [--accept-label-guess] [--allow-unmapped-labels] [--candidates DATASET=TEXT,…] [--from LANG --to LANG] [--preset short|medium|long]
      [--device auto|cpu|cuda] [--dtype auto|fp32|fp16|q8] [--endpoint URL] [--offline] [--json] [--out FILE [--force]]
      [--shortlist [--workspace DIR]] (adds each model's row to DIR/.ai-lab/shortlist.json; DIR: the current folder)
${BACKEND_USAGE}
      Compares 1–10 models on the same seeded sample: the task's metrics, latency p50/p95, throughput, size,
      licence, and the examples where they disagree or all fail. Tasks: ${EVAL_TASKS.join(', ')}.
      Roles: text, pair, label; question, context, answers; document, summary; translation or source, target.
      Ctrl+C stops: the models' results so far are printed and marked (exit 130).`;

const ROLES: ColumnRole[] = ['text', 'pair', 'label', 'question', 'context', 'answers', 'document', 'summary', 'translation', 'source', 'target'];
const PIPELINE: Record<EvalTask, string> = {
  'text-classification': 'text-classification',
  'zero-shot-classification': 'zero-shot-classification',
  'question-answering': 'question-answering',
  summarization: 'summarization',
  translation: 'translation',
};

export async function evalCommand(argv: string[]): Promise<number> {
  // Ctrl+C at any point: during the runs the report so far is printed; before them, nothing ran.
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    return await evalWith(argv, ac);
  } catch (err) {
    if (!ac.signal.aborted) throw err;
    process.stderr.write('ai-lab: cancelled before any model ran\n');
    return 130;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function evalWith(argv: string[], ac: AbortController): Promise<number> {
  const a = parseFlags('eval', argv, {
    values: ['--workspace', '--task', '--model', '--data', '--dataset', '--config', '--split', '--column', '--sample', '--seed', '--label-map', '--candidates', '--from', '--to', '--preset', '--device', '--dtype', '--endpoint', '--datasets-server', '--out', ...BACKEND_FLAGS],
    switches: ['--json', '--offline', '--accept-label-guess', '--allow-unmapped-labels', '--parquet', '--shortlist', '--force'],
  });
  if (a.positional.length) throw new UsageError(`unexpected argument "${a.positional[0]}"`);
  const task = a.flags.get('--task') as EvalTask | undefined;
  if (!task) throw new UsageError(`eval needs --task (${EVAL_TASKS.join(', ')})`);
  if (!EVAL_TASKS.includes(task)) throw new UsageError(`unknown --task "${task}"; one of ${EVAL_TASKS.join(', ')}`);
  const remote = backendFlags(a, PIPELINE[task]);
  // A TEI or OpenAI-compatible server (or an Inference Endpoint) serves one model: without --model, that one ('').
  // A folder is named by its full path: ./m and m/ are one model, and the shortlist keeps where it was.
  const models = (a.all.get('--model') ?? (remote && remoteDefaultModel(remote, 'x') === '' ? [''] : [])).map((m) => (m && looksLikeLocalPath(m) ? path.resolve(m) : m));
  if (!models.length) throw new UsageError('eval needs at least one --model (repeat it to compare: --model A --model B)');
  if (models.length > 10) throw new UsageError(`at most 10 models at once (got ${models.length})`);
  const dup = models.find((m, i) => models.indexOf(m) !== i);
  if (dup) throw new UsageError(`--model ${dup} is given twice`);
  const data = a.flags.get('--data');
  const dataset = a.flags.get('--dataset');
  if (data && dataset) throw new UsageError('give --data FILE or --dataset ID, not both');
  if (!data && !dataset) throw new UsageError('eval needs one of --data FILE or --dataset ID');
  if (dataset && a.switches.has('--offline')) throw new UsageError('--offline: a Hub dataset is read from the Hub (its viewer or Parquet export); save it as a file and give --data FILE', false);
  if (data && (a.flags.has('--config') || a.flags.has('--split'))) throw new UsageError('--config and --split go with --dataset, not --data');
  const parquet = a.switches.has('--parquet');
  if (parquet && !dataset) throw new UsageError('--parquet reads a Hub split\'s Parquet export: it goes with --dataset (a local .parquet file is --data FILE.parquet)');
  const size = wholeNumber('--sample', a.flags.get('--sample'), 1) ?? 100;
  // The sampler's seed is 32 bits (mulberry32): a larger one would pick the same rows as another.
  const seed = wholeNumber('--seed', a.flags.get('--seed'), 0, 2 ** 32 - 1) ?? 0;
  const given = columnFlags(a.all.get('--column') ?? []);
  const deviceSetting = oneOf<DeviceSetting>('--device', a.flags.get('--device'), ['auto', 'cpu', 'cuda'], 'auto');
  const dtype = oneOf<Dtype>('--dtype', a.flags.get('--dtype'), ['auto', 'fp32', 'fp16', 'q8'], 'auto');
  const preset = oneOf('--preset', a.flags.get('--preset'), ['short', 'medium', 'long'] as const, 'medium');
  const labelMaps = labelMapFlags(a.all.get('--label-map') ?? [], models);
  const candidates = a.flags.has('--candidates') ? pairsFlag('--candidates', a.flags.get('--candidates')!) : undefined;
  if (candidates && task !== 'zero-shot-classification') throw new UsageError('--candidates is for --task zero-shot-classification');
  if ((a.flags.has('--from') || a.flags.has('--to')) && task !== 'translation') throw new UsageError('--from and --to are for --task translation');
  for (const f of ['--from', '--to']) if (a.flags.has(f)) parseLanguage(a.flags.get(f)!, f);
  const out = a.flags.get('--out');
  if (out) checkOutFile(out, a.switches.has('--force'), data);
  const workspace = a.flags.get('--workspace');
  if (workspace && !a.switches.has('--shortlist')) throw new UsageError('--workspace says where --shortlist writes: give --shortlist too');
  if (workspace && !fs.existsSync(workspace)) throw new UsageError(`--workspace ${workspace} does not exist`, false);
  if (workspace && !fs.statSync(workspace).isDirectory()) throw new UsageError(`--workspace ${workspace} is a file, not a folder`, false);
  const shortlistFile = a.switches.has('--shortlist') ? shortlistPath(workspace ?? process.cwd()) : undefined;
  // A shortlist that cannot be written to is found out before the models run, not after.
  if (shortlistFile) readShortlist(shortlistFile);
  const json = a.switches.has('--json');

  // The data, its columns and the examples: every data fault is reported before a model is fetched.
  const hub = cliHub(a);
  let table: DataTable;
  let where: Pick<EvalDataset, 'dataset' | 'config' | 'split'> = {};
  if (data) {
    if (!fs.existsSync(data)) throw new UsageError(`--data ${data} does not exist`, false);
    table = await readDataFile(data, { size, seed });
  } else {
    const viewer = new DatasetViewer({ base: urlFlag('--datasets-server', a.flags.get('--datasets-server')), hubEndpoint: new HubClient({ endpoint: hub.endpoint, token: hub.token }).endpoint, token: hub.token });
    const givenConfig = a.flags.get('--config');
    const givenSplit = a.flags.get('--split');
    // The Parquet export needs no viewer: with both given, the viewer is not asked.
    const { config, split } = parquet && givenConfig && givenSplit ? { config: givenConfig, split: givenSplit } : await chooseSplit(viewer, dataset!, givenConfig, givenSplit);
    where = { dataset, config, split };
    table = parquet
      ? await fetchSplitParquet({ endpoint: hub.endpoint, token: hub.token, dataset: dataset!, config, split, size, seed })
      : await fetchSplitSample(viewer, { dataset: dataset!, config, split, size, seed });
  }
  if (table.notice) process.stderr.write(`ai-lab: note: ${table.notice}\n`);
  const suggestion = suggestColumns(task, table.columns, table.rows[0]);
  const mapping: ColumnMapping = { ...suggestion.mapping, ...given };
  if (given.source || given.target) delete mapping.translation;
  if (given.translation) {
    delete mapping.source;
    delete mapping.target;
  }
  const guessed = suggestion.byType.filter((r) => !given[r] && mapping[r]);
  if (guessed.length && !json) process.stderr.write(`ai-lab: note: ${guessed.map((r) => `${r} = "${mapping[r]}"`).join(', ')} chosen by type alone; give --column ROLE=NAME to choose otherwise\n`);
  let set: ReturnType<typeof buildExamples>;
  try {
    set = buildExamples(task, table, mapping, { from: a.flags.get('--from'), to: a.flags.get('--to') });
  } catch (err) {
    // A role left empty although a column of its very name is there: its values did not look the part.
    const named = suggestion.missing.filter((r) => !mapping[r]).map((r) => table.columns.find((c) => c.name.trim().toLowerCase() === r)).filter((c) => c !== undefined);
    if (!(err instanceof Error) || !/needs columns for/.test(err.message) || !named.length) throw err;
    err.message += ` ${named.map((c) => `The column "${c.name}" (${c.type}) was not taken as ${c.name.trim().toLowerCase()}: its values do not have the usual shape; give --column ${c.name.trim().toLowerCase()}=${c.name} to use it anyway.`).join(' ')}`;
    throw err;
  }
  if (candidates) {
    const names = (set.labels ?? []).map((l) => l.name);
    const unknown = Object.keys(candidates).filter((k) => !names.includes(k));
    if (unknown.length) throw new UsageError(`--candidates names ${unknown.join(', ')}, which the dataset does not have; its labels are ${names.join(', ')}`, false);
  }
  // Zero-shot tests each label's words: a bare number ("2") tells the model nothing, and two labels with the same words cannot be told apart.
  let zeroShot: Record<string, string> | undefined;
  if (task === 'zero-shot-classification') {
    zeroShot = Object.fromEntries((set.labels ?? []).map((l) => [l.name, candidates?.[l.name] ?? l.name]));
    const bare = Object.entries(zeroShot).filter(([, t]) => /^\s*-?\d+(\.\d+)?\s*$/.test(t)).map(([n]) => n);
    if (bare.length) throw new UsageError(`the dataset's label${bare.length > 1 ? 's' : ''} ${bare.join(', ')} ${bare.length > 1 ? 'are bare numbers' : 'is a bare number'}: zero-shot needs words to test for each, give them with --candidates ${bare.map((b, i) => `${b}=${['negative', 'positive', 'neutral'][i] ?? 'word'}`).join(',')}`, false);
    try {
      checkLabels(Object.values(zeroShot));
    } catch (err) {
      throw new UsageError(`zero-shot candidates: ${(err as Error).message}`, false);
    }
  }

  const device = remote ? { device: undefined, reason: undefined } : await cliDevice(deviceSetting);
  const runner: LabRunner = makeRunner({ backend: remote, device: device.device ?? 'cpu', dtype, hub, service: CLI_SERVICE });
  try {
    const evalModels: EvalModel[] = [];
    for (const model of models) {
      let labelMapping: LabelMapping | undefined;
      if (task === 'text-classification') labelMapping = await chooseLabelMapping(runner, model, set.labels!, set.examples[0]!, labelMaps.get(model), { accept: a.switches.has('--accept-label-guess'), allowUnmapped: a.switches.has('--allow-unmapped-labels') }, ac.signal);
      // A local model is fetched and checked for the task (taskMismatch) before the first run: refused early.
      else if (runner.modelDir) await runner.modelDir(PIPELINE[task], model, ac.signal);
      evalModels.push({ model, runner, ...(labelMapping ? { labelMapping } : {}) });
    }
    const tty = !json && process.stderr.isTTY;
    const report = await runComparison(
      {
        task,
        examples: set.examples,
        dataset: { source: data ? path.resolve(data) : table.source, ...where, totalRows: table.totalRows, sample: table.rows.length, seed, mapping, skipped: set.skipped, ...(set.labels ? { labels: set.labels.map((l) => l.name) } : {}), ...(set.from ? { from: set.from, to: set.to } : {}) },
        models: evalModels,
        ...(zeroShot ? { candidates: zeroShot } : {}),
        preset,
      },
      {
        signal: ac.signal,
        onProgress: tty ? (p) => process.stderr.write(`\r${p.model} (${p.modelIndex + 1} of ${p.models}): ${p.done}/${p.total}   `) : undefined,
        onRun: tty ? () => process.stderr.write('\n') : undefined,
        licenseOf: hub.offline ? undefined : (model) => hubLicense(new HubClient({ endpoint: hub.endpoint, token: hub.token }), model),
      },
    );
    process.stdout.write(json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report) + '\n');
    // The report is on stdout first: a file that cannot be written loses nothing.
    if (out) fs.writeFileSync(out, JSON.stringify(report, null, 2) + '\n', { flag: a.switches.has('--force') ? 'w' : 'wx' });
    if (shortlistFile) {
      const kept = report.runs.filter((r) => r.done > 0);
      let added = 0;
      for (const run of kept) {
        if (addRunToShortlist(shortlistFile, shortlistEntryFor(report, run, undefined, path.resolve(workspace ?? process.cwd()))) !== 'kept-complete') added++;
        else process.stderr.write(`ai-lab: ${run.model}: the shortlist's complete row for this run is kept; this run stopped at ${run.done} of ${run.total}\n`);
      }
      process.stderr.write(`ai-lab: ${added} of ${report.runs.length} models added to ${shortlistFile}${kept.length < report.runs.length ? ' (a model that ran no example is left out)' : ''}\n`);
    }
    if (report.runs.some((r) => r.status === 'cancelled' || r.status === 'not-run')) return 130;
    return report.runs.some((r) => r.status === 'failed') ? 1 : 0;
  } finally {
    runner.dispose();
  }
}

/**
 * --out, checked before anything runs: an existing file is kept unless --force (never the --data file),
 * and its folder must exist. UsageError (exit 2) otherwise.
 */
function checkOutFile(out: string, force: boolean, data: string | undefined): void {
  if (data && path.resolve(out) === path.resolve(data)) throw new UsageError(`--out ${out} is the --data file: the report would replace the dataset; name another file`, false);
  if (fs.existsSync(out)) {
    if (fs.statSync(out).isDirectory()) throw new UsageError(`--out ${out} is a folder; name a file in it, e.g. ${path.join(out, 'report.json')}`, false);
    if (!force) throw new UsageError(`--out ${out} exists; give --force to replace it, or name another file`, false);
  }
  const dir = path.dirname(path.resolve(out));
  if (!fs.existsSync(dir)) throw new UsageError(`--out ${out}: the folder ${dir} does not exist`, false);
}

/** A Hub model's licence from its model info (card metadata, else a license: tag); none for a folder. */
async function hubLicense(client: HubClient, model: string): Promise<string | undefined> {
  if (!model || looksLikeLocalPath(model)) return undefined;
  const info = await client.modelInfo(model);
  const l = info.cardData?.license;
  if (typeof l === 'string' && l) return l === 'other' && typeof info.cardData?.license_name === 'string' ? info.cardData.license_name : l;
  return info.tags.find((t) => t.startsWith('license:'))?.slice('license:'.length);
}

/** --column ROLE=NAME, each role once. */
function columnFlags(values: string[]): ColumnMapping {
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
function pairsFlag(flag: string, value: string, shape = 'DATASET_LABEL=TEXT'): Record<string, string> {
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
function labelMapFlags(values: string[], models: string[]): Map<string, Record<string, string>> {
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
async function chooseLabelMapping(runner: LabRunner, model: string, labels: DatasetLabel[], probe: Parameters<typeof modelLabels>[3], user: Record<string, string> | undefined, o: { accept: boolean; allowUnmapped: boolean }, signal: AbortSignal): Promise<LabelMapping> {
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
async function chooseSplit(viewer: DatasetViewer, dataset: string, config: string | undefined, split: string | undefined): Promise<{ config: string; split: string }> {
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
