/**
 * The first steps of Compare Models on a Dataset: the task, the data (a workspace file or a Hub split),
 * the column mapping, and the sample. Each step is a QuickPick or InputBox; Escape anywhere ends the flow
 * (undefined). Data faults (EvalDataError, HubError) are thrown for the caller to show.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkMapping, EVAL_TASKS, suggestColumns, type ColumnMapping, type ColumnRole, type EvalTask } from '../../core/eval/columns';
import { DATA_FILE_EXTENSIONS, readDataFile, sampleTable } from '../../core/eval/dataFiles';
import { fetchSplitSample } from '../../core/eval/dataHub';
import { parquetColumns } from '../../core/eval/dataParquet';
import type { DataTable, Feature } from '../../core/eval/dataTable';
import { chooseSample } from '../../core/eval/sample';
import type { HubSession } from '../hubSession';

export const TASK_TITLES: Record<EvalTask, string> = {
  'text-classification': 'Text classification (sentiment, grammar, QNLI…)',
  'zero-shot-classification': 'Zero-shot classification (the dataset\'s labels as candidates)',
  'question-answering': 'Extractive question answering (SQuAD-style)',
  summarization: 'Summarization',
  translation: 'Translation',
};

/** A Hub split as the Datasets view names it. */
export interface HubSplit {
  dataset: string;
  config?: string;
  split?: string;
}

/** Where the rows come from: a local file, or a Hub split with the columns the viewer lists. */
export type DataSource = { kind: 'file'; file: string; columns: Feature[]; firstRow?: Record<string, unknown>; table?: DataTable } | { kind: 'hub'; dataset: string; config: string; split: string; columns: Feature[]; numRows?: number };

const title = 'AI Lab: Compare Models on a Dataset';

export async function pickTask(preset?: EvalTask): Promise<EvalTask | undefined> {
  if (preset) return preset;
  const pick = await vscode.window.showQuickPick(
    EVAL_TASKS.map((t) => ({ label: t, description: TASK_TITLES[t], task: t })),
    { title, placeHolder: 'The task the models are compared on' },
  );
  return pick?.task;
}

/** A workspace data file (listed), one chosen in a dialog, or a Hub dataset id → config → split. */
export async function pickData(session: HubSession, preset?: HubSplit): Promise<DataSource | undefined> {
  if (preset) return pickHubSplit(session, preset);
  const glob = `**/*.{${DATA_FILE_EXTENSIONS.map((e) => e.slice(1)).join(',')}}`;
  const files = await vscode.workspace.findFiles(glob, '**/{node_modules,.git,.ai-lab}/**', 200);
  type Item = vscode.QuickPickItem & { file?: string; action?: 'browse' | 'hub' };
  const items: Item[] = [
    ...files
      .sort((a, b) => a.fsPath.localeCompare(b.fsPath))
      .map((u) => ({ label: path.basename(u.fsPath), description: vscode.workspace.asRelativePath(u, true), file: u.fsPath })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(folder-opened) Choose a File…', description: 'CSV, JSONL or Parquet', action: 'browse' },
    { label: '$(database) A Hugging Face Dataset…', description: 'a split through the dataset viewer', action: 'hub' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder: 'The data: a CSV, JSONL or Parquet file, or a Hub dataset' });
  if (!pick) return undefined;
  let file = pick.file;
  if (pick.action === 'hub') {
    const dataset = await vscode.window.showInputBox({ title, prompt: 'Hugging Face dataset id', placeHolder: 'stanfordnlp/sst2', validateInput: (v) => (/^[\w.-]+(\/[\w.-]+)?$/.test(v.trim()) ? undefined : 'owner/name') });
    return dataset ? pickHubSplit(session, { dataset: dataset.trim() }) : undefined;
  }
  if (pick.action === 'browse') {
    const chosen = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectMany: false, openLabel: 'Use This Data', filters: { 'Data files': DATA_FILE_EXTENSIONS.map((e) => e.slice(1)) } });
    file = chosen?.[0]?.fsPath;
  }
  if (!file) return undefined;
  if (file.toLowerCase().endsWith('.parquet')) return { kind: 'file', file, columns: (await parquetColumns(file)).columns };
  const table = await readDataFile(file);
  return { kind: 'file', file, columns: table.columns, firstRow: table.rows[0], table };
}

async function pickHubSplit(session: HubSession, s: HubSplit): Promise<DataSource | undefined> {
  const configs = await (await session.viewer()).configs(s.dataset);
  if (!configs.length) throw new Error(`The dataset viewer lists no configs for ${s.dataset}.`);
  let config = configs.find((c) => c.config === s.config);
  if (!config) {
    config =
      configs.length === 1
        ? configs[0]
        : (await vscode.window.showQuickPick(configs.map((c) => ({ label: c.config, description: c.splits.map((x) => x.split).join(', '), c })), { title, placeHolder: `${s.dataset}: the config` }))?.c;
  }
  if (!config) return undefined;
  let split = config.splits.find((x) => x.split === s.split);
  if (!split) {
    // Validation first: test splits of benchmarks often hold no labels (GLUE's -1).
    const order = (n: string) => (n === 'validation' ? 0 : n === 'test' ? 1 : 2);
    const splits = [...config.splits].sort((a, b) => order(a.split) - order(b.split));
    split = (await vscode.window.showQuickPick(splits.map((x) => ({ label: x.split, description: x.numRows !== undefined ? `${x.numRows} rows` : '', x })), { title, placeHolder: `${s.dataset} (${config.config}): the split` }))?.x;
  }
  if (!split) return undefined;
  return { kind: 'hub', dataset: s.dataset, config: config.config, split: split.split, columns: config.features, numRows: split.numRows };
}

/**
 * The column mapping: suggestColumns' guess, with a question only for the roles it is missing or only
 * guessed by type (the suggestion preselected). Then checkMapping (throws EvalDataError).
 */
export async function pickColumns(task: EvalTask, data: DataSource): Promise<{ mapping: ColumnMapping; languages?: string[] } | undefined> {
  const s = suggestColumns(task, data.columns, data.kind === 'file' ? data.firstRow : undefined);
  const mapping: ColumnMapping = { ...s.mapping };
  for (const role of [...s.missing, ...s.byType] as ColumnRole[]) {
    const suggested = mapping[role];
    const items = data.columns.map((c) => ({ label: c.name, description: `${c.type}${c.name === suggested ? ' · suggested' : ''}`, name: c.name }));
    const qp = vscode.window.createQuickPick<(typeof items)[number]>();
    qp.title = title;
    qp.placeholder = `The column for "${role}"${s.byType.includes(role) ? ' (guessed from its type: confirm)' : ''}`;
    qp.items = items;
    const pre = items.find((i) => i.name === suggested);
    if (pre) qp.activeItems = [pre];
    const picked = await new Promise<string | undefined>((resolve) => {
      qp.onDidAccept(() => resolve(qp.selectedItems[0]?.name ?? qp.activeItems[0]?.name));
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    if (!picked) return undefined;
    mapping[role] = picked;
  }
  checkMapping(task, mapping, data.columns, data.kind === 'file' ? data.file : `${data.dataset} (${data.config}/${data.split})`);
  return { mapping, languages: s.languages };
}

/** Translation from a {lang: text} column: the source and target languages, from those it holds. */
export async function pickLanguages(languages: string[]): Promise<{ from: string; to: string } | undefined> {
  if (languages.length < 2) return undefined;
  const from = (await vscode.window.showQuickPick(languages, { title, placeHolder: 'Translate from' })) ?? undefined;
  if (!from) return undefined;
  const to = await vscode.window.showQuickPick(languages.filter((l) => l !== from), { title, placeHolder: `Translate ${from} into` });
  return to ? { from, to } : undefined;
}

const integer = (min: number) => (v: string) => (/^\d+$/.test(v.trim()) && Number(v) >= min ? undefined : `A whole number ≥ ${min}`);

/** Sample size (default 100) and seed (default 0). */
export async function pickSample(): Promise<{ size: number; seed: number } | undefined> {
  const size = await vscode.window.showInputBox({ title, prompt: 'Examples to run (a seeded random sample; the whole data when it has fewer rows)', value: '100', validateInput: integer(1) });
  if (size === undefined) return undefined;
  const seed = await vscode.window.showInputBox({ title, prompt: 'Seed of the sample (the same seed gives the same rows)', value: '0', validateInput: integer(0) });
  if (seed === undefined) return undefined;
  return { size: Number(size), seed: Number(seed) };
}

/** The sampled rows: from the file read earlier (or its Parquet rows), or fetched from the viewer. */
export async function sampleRows(session: HubSession, data: DataSource, sample: { size: number; seed: number }): Promise<DataTable & { partial?: boolean }> {
  if (data.kind === 'hub') return fetchSplitSample(await session.viewer(), { dataset: data.dataset, config: data.config, split: data.split, ...sample });
  if (!data.table) return readDataFile(data.file, sample);
  return sampleTable(data.table, chooseSample(data.table.rows.length, sample.size, sample.seed, data.file).indices);
}
