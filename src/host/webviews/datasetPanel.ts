import * as vscode from 'vscode';
import type { ConfigInfo } from '../../core/hub/datasetViewer';
import { partitionCode, resolveSliceSpec, stratifiedSplit } from '../../core/hub/partitionPlan';
import { DATASET_CHECKS, type DatasetInit, type DatasetProtocol, type DatasetToWebview, type PlanView, type RowsPage } from '../../shared/hubProtocol';
import type { HubSession } from '../hubSession';
import type { Log } from '../log';
import { HostChannel } from './channel';
import { createPanel } from './webviewPage';

const PAGE = 25;

/** A cell as text: strings as they are, everything else as JSON, long values cut. */
function cell(v: unknown): string {
  const s = typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v);
  return s.length > 500 ? `${s.slice(0, 500)}…` : s;
}

/** Plans a partition: slice sizes from the split sizes, stratified counts from the viewer's label statistics. */
export async function planPartition(
  session: HubSession,
  dataset: string,
  config: ConfigInfo,
  slice: string,
  stratify?: { column: string; testSize: number; seed: number },
): Promise<PlanView> {
  const sizes = Object.fromEntries(config.splits.filter((s) => s.numRows !== undefined).map((s) => [s.split, s.numRows!]));
  const r = resolveSliceSpec(slice, sizes);
  const view: PlanView = {
    spec: slice,
    rows: r.rows,
    parts: r.parts.map((p) => `${p.split}[${p.from}:${p.to}] = ${(p.to - p.from).toLocaleString('en-US')} rows`),
    code: partitionCode({ dataset, config: config.config, slice, stratify }),
  };
  if (!stratify) return view;
  const labels = config.features.find((f) => f.name === stratify.column)?.labels;
  if (!labels) throw new Error(`"${stratify.column}" is not a ClassLabel column; datasets can only stratify on one`);
  // Label counts of every split in the slice, scaled to the part of the split the slice takes.
  const viewer = await session.viewer();
  const counts: Record<string, number> = {};
  let estimated = false;
  for (const p of r.parts) {
    const c = await viewer.labelCounts(dataset, config.config, p.split, stratify.column);
    if (!c) throw new Error(`The dataset viewer has no label statistics for ${p.split}.${stratify.column}`);
    const n = sizes[p.split]!;
    const share = n ? (p.to - p.from) / n : 0;
    if (share !== 1) estimated = true;
    for (const [label, k] of Object.entries(c)) counts[label] = (counts[label] ?? 0) + Math.round(k * share);
  }
  const s = stratifiedSplit(counts, stratify.testSize, stratify.seed);
  return { ...view, stratified: { column: stratify.column, train: s.train, test: s.test, perLabel: s.perLabel, estimated } };
}

/** "Preview Split": a paged table of rows, column types, and the partition planner. */
export class DatasetPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly posted = new vscode.EventEmitter<DatasetToWebview>();
  /** For tests: everything sent to a dataset page (init, replies with rows or a plan, their errors). */
  readonly onDidPost = this.posted.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: HubSession,
    private readonly log: Log,
  ) {}

  async open(dataset: string, config: ConfigInfo, split: string): Promise<void> {
    const key = `${dataset}/${config.config}/${split}`;
    const existing = this.panels.get(key);
    if (existing) return existing.reveal();
    const panel = createPanel(this.extensionUri, 'aiLab.dataset', `Dataset: ${dataset} (${split})`, vscode.ViewColumn.Active, { title: key, script: 'dataset', styles: ['results.css', 'hub.css'], body: '<main id="app"><p class="muted">Loading rows…</p></main>' });
    this.panels.set(key, panel);
    panel.onDidDispose(() => this.panels.delete(key));
    const channel = new HostChannel<DatasetProtocol>(panel, { name: 'Dataset panel', validators: DATASET_CHECKS, log: (l) => this.log.warn(l), resets: ['init'] });
    const init: DatasetInit = {
      dataset,
      config: config.config,
      split,
      splits: config.splits.map((s) => ({ split: s.split, rows: s.numRows })),
      columns: config.features.map((f) => ({ name: f.name, type: f.type })),
      labelColumns: config.features.filter((f) => f.labels).map((f) => f.name),
      pageSize: PAGE,
    };
    channel.onReady(() => {
      void channel.notify('init', { init });
      this.posted.fire({ type: 'init', init });
    });
    channel.onRequest('rows', async ({ offset }): Promise<RowsPage> => {
      try {
        const r = await (await this.session.viewer()).rows(dataset, config.config, split, offset, PAGE);
        const columns = init.columns.length ? init.columns.map((c) => c.name) : r.features.map((f) => f.name);
        if (!init.columns.length) init.columns = r.features.map((f) => ({ name: f.name, type: f.type }));
        const rows: RowsPage = { offset, total: r.total ?? config.splits.find((s) => s.split === split)?.numRows, rows: r.rows.map((row) => columns.map((c) => cell(row[c]))), partial: r.partial };
        this.posted.fire({ type: 'rows', ...rows });
        return rows;
      } catch (err) {
        this.log.warn(`Dataset preview ${key}: ${(err as Error).message}`);
        this.posted.fire({ type: 'error', where: 'rows', message: (err as Error).message });
        throw err;
      }
    });
    channel.onRequest('plan', async (m) => {
      try {
        const plan = await planPartition(this.session, dataset, config, m.slice, m.stratify);
        this.posted.fire({ type: 'plan', plan });
        return plan;
      } catch (err) {
        this.posted.fire({ type: 'error', where: 'plan', message: (err as Error).message });
        throw err;
      }
    });
    channel.onNotification('copy', (m) => {
      void vscode.env.clipboard.writeText(m.text).then(() => vscode.window.setStatusBarMessage('AI Lab: copied', 3000));
    });
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    this.posted.dispose();
  }
}
