/** `ai-lab eval`: compare models on a dataset split or a local data file (src/core/eval). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeviceSetting } from '../core/inference/device';
import type { Dtype } from '../core/inference/modelFiles';
import { makeRunner, type LabRunner } from '../core/lab/makeRunner';
import { DatasetViewer } from '../core/hub/datasetViewer';
import { HubClient } from '../core/hub/hubApi';
import { EVAL_TASKS, suggestColumns, type ColumnMapping, type EvalTask } from '../core/eval/columns';
import { readDataFile } from '../core/eval/dataFiles';
import { fetchSplitSample } from '../core/eval/dataHub';
import { fetchSplitParquet } from '../core/eval/dataHubParquet';
import type { DataTable } from '../core/eval/dataTable';
import { buildExamples } from '../core/eval/examples';
import type { LabelMapping } from '../core/eval/labels';
import { runComparison, type EvalModel } from '../core/lab/compareModels';
import type { EvalDataset } from '../core/eval/report';
import { formatReport } from '../core/eval/reportText';
import { readShortlist, shortlistPath } from '../core/eval/shortlist';
import { addRunToShortlist, shortlistEntryFor } from '../core/eval/shortlistFromReport';
import { BACKEND_FLAGS, BACKEND_USAGE, backendFlags, remoteDefaultModel } from './backendFlags';
import { checkOutFile, chooseLabelMapping, chooseSplit, columnFlags, hubLicense, labelMapFlags, pairsFlag } from './evalFlags';
import { oneOf, parseFlags, UsageError, urlFlag, wholeNumber } from './args';
import { CLI_SERVICE, cliDevice, cliHub } from './context';
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
