import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EvalReport, ModelRun } from '../../core/eval/report';
import { EVAL_CHECKS, type EvalProtocol, type EvalView } from '../../shared/evalProtocol';
import { localWorkspaceFolders } from '../config';
import type { Log } from '../log';
import { HostChannel } from './channel';
import { createPanel } from './webviewPage';

/** Adds a run of the report to the workspace's shortlist (set once the shortlist is wired); says what it did. */
export type AddToShortlist = (report: EvalReport, index: number) => Promise<void> | void;

/**
 * The Compare Models results: one panel, reused by each comparison; it fills in as each model ends
 * (runEnded) and shows the disagreements once the comparison ends (finish). Export JSON saves the report.
 */
export class EvalPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private channel: HostChannel<EvalProtocol> | undefined;
  private view: EvalView | undefined;
  /** Set by the shortlist wiring; without it the page offers no "Add to Shortlist". */
  addToShortlist: AddToShortlist | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {}

  /** What the page shows now (tests). */
  get state(): EvalView | undefined {
    return this.view;
  }

  /** A new comparison: its models, none ended yet. */
  start(v: Omit<EvalView, 'shortlist'>): void {
    this.view = { ...v, shortlist: false };
    this.ensure();
    this.post();
  }

  runEnded(index: number, run: ModelRun): void {
    if (!this.view) return;
    this.view.runs[index] = run;
    this.post();
  }

  finish(report: EvalReport): void {
    if (!this.view) this.view = { task: report.task, dataset: report.dataset, examples: report.examples, models: report.runs.map((r) => r.model), runs: [], shortlist: false };
    this.view.runs = report.runs;
    this.view.report = report;
    this.ensure();
    this.post();
  }

  private post(): void {
    if (!this.view) return;
    this.view.shortlist = Boolean(this.addToShortlist) && Boolean(this.view.report) && localWorkspaceFolders().length > 0;
    void this.channel?.notify('view', { view: this.view });
  }

  private ensure(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const panel = createPanel(this.extensionUri, 'aiLab.eval', 'Model Comparison', vscode.ViewColumn.Active, { title: 'Model Comparison', script: 'eval', styles: ['results.css', 'eval.css'], body: '<main id="app"><p class="muted">Starting…</p></main>' });
    const channel = new HostChannel<EvalProtocol>(panel, { name: 'Compare Models panel', validators: EVAL_CHECKS, log: (l) => this.log.warn(l), resets: ['view'] });
    channel.onReady(() => this.view && void channel.notify('view', { view: this.view }));
    channel.onNotification('exportJson', () => void this.exportJson());
    channel.onNotification('addToShortlist', (m) => void this.add(m.index));
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.channel = undefined;
    });
    this.panel = panel;
    this.channel = channel;
  }

  private async add(index: number): Promise<void> {
    const report = this.view?.report;
    if (!report || !this.addToShortlist || !report.runs[index]) return;
    try {
      await this.addToShortlist(report, index);
    } catch (err) {
      await this.log.showError('AI Lab: adding to the shortlist failed', err);
    }
  }

  /** Saves the report as JSON where the user says (default: eval-report.json in the first workspace folder). */
  async exportJson(target?: vscode.Uri): Promise<string | undefined> {
    const report = this.view?.report;
    if (!report) return undefined;
    const folder = localWorkspaceFolders()[0];
    const uri = target ?? (await vscode.window.showSaveDialog({ title: 'AI Lab: Export the Comparison as JSON', filters: { JSON: ['json'] }, ...(folder ? { defaultUri: vscode.Uri.file(path.join(folder, 'eval-report.json')) } : {}) }));
    if (!uri) return undefined;
    try {
      await vscode.workspace.fs.writeFile(uri, Buffer.from(`${JSON.stringify(report, null, 2)}\n`, 'utf8'));
      this.log.info(`Compare Models: report saved to ${uri.fsPath}`);
      void vscode.window.showInformationMessage(`AI Lab: comparison saved to ${vscode.workspace.asRelativePath(uri)}.`);
      return uri.fsPath;
    } catch (err) {
      await this.log.showError(`AI Lab: saving ${uri.fsPath} failed`, err);
      return undefined;
    }
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
