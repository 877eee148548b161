/**
 * The Shortlist view (aiLab.shortlist): the workspace's `.ai-lab/shortlist.json` (src/core/eval/shortlist.ts),
 * one item per entry (model · task · main metric), Edit Notes, Remove, and exports as Markdown or CSV.
 * The file is watched; a file that cannot be read shows its fault in the view and is never written over.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EvalReport } from '../../core/eval/report';
import { addRunToShortlist, shortlistEntryFor } from '../../core/eval/shortlistFromReport';
import { readShortlist, removeFromShortlist, setNotes, shortlistPath, type ShortlistEntry } from '../../core/eval/shortlist';
import { datasetLabel, formatMetric, metricHeader, shortlistCsv, shortlistMarkdown, shortlistMetricKeys } from '../../core/eval/shortlistExport';
import { localWorkspaceFolders } from '../config';
import type { Log } from '../log';

/** The metric an item shows, per task: the first of the task's metrics. */
const MAIN_METRIC = ['accuracy', 'exactMatch', 'rougeL', 'chrf', 'bleu', 'f1', 'macroF1', 'rouge1'];

export function mainMetric(e: ShortlistEntry): string {
  const key = MAIN_METRIC.find((k) => e.metrics[k] !== undefined) ?? shortlistMetricKeys([e])[0];
  return key ? `${metricHeader(key).replace(/ \(0–\d+\)$/, '')} ${formatMetric(key, e.metrics[key]!)}` : 'no metric';
}

/** A folder's last part, a Hub id as it is. */
function modelName(model: string): string {
  return path.isAbsolute(model) ? path.basename(model) : model;
}

export class ShortlistTreeProvider implements vscode.TreeDataProvider<ShortlistEntry>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The fault of the file as last read (shown in the view), or undefined. */
  error: string | undefined;
  private readonly watchers: vscode.Disposable[] = [];
  view: vscode.TreeView<ShortlistEntry> | undefined;

  constructor(private readonly log: Log) {
    for (const folder of localWorkspaceFolders().slice(0, 1)) {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(folder), '.ai-lab/shortlist.json'));
      w.onDidChange(() => this.refresh());
      w.onDidCreate(() => this.refresh());
      w.onDidDelete(() => this.refresh());
      this.watchers.push(w);
    }
  }

  /** `.ai-lab/shortlist.json` of the first local workspace folder, or undefined without one. */
  file(): string | undefined {
    const folder = localWorkspaceFolders()[0];
    return folder ? shortlistPath(folder) : undefined;
  }

  refresh(): void {
    this.changed.fire();
  }

  /** The entries; on a bad file, none, with the fault in `error`, the view's message and a context key for the welcome content. */
  entries(): ShortlistEntry[] {
    const file = this.file();
    let entries: ShortlistEntry[] = [];
    let error: string | undefined;
    if (file) {
      try {
        entries = readShortlist(file);
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
    }
    if (error !== this.error) {
      if (error) this.log.warn(`Shortlist: ${error}`);
      this.error = error;
      void vscode.commands.executeCommand('setContext', 'aiLab.shortlistError', Boolean(error));
    }
    if (this.view) this.view.message = error;
    return entries;
  }

  getChildren(e?: ShortlistEntry): ShortlistEntry[] {
    return e ? [] : this.entries();
  }

  getTreeItem(e: ShortlistEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(modelName(e.model), vscode.TreeItemCollapsibleState.None);
    item.id = e.id;
    item.description = `${e.task} · ${mainMetric(e)}${e.partial ? ' · partial' : ''}`;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${e.model}**\n\n`);
    md.appendText(`${e.task} on ${datasetLabel(e.dataset)}\n`);
    md.appendMarkdown('\n');
    for (const k of shortlistMetricKeys([e])) md.appendText(`${metricHeader(k)}: ${formatMetric(k, e.metrics[k]!)}\n`);
    if (e.latency) md.appendText(`\nLatency p50 ${e.latency.p50Ms.toFixed(1)} ms, p95 ${e.latency.p95Ms.toFixed(1)} ms, ${e.latency.throughput.toFixed(1)} examples/s\n`);
    md.appendText(`\n${[e.backend, e.device, e.dtype, e.license].filter(Boolean).join(' · ')}\n`);
    if (e.notes) md.appendText(`\nNotes: ${e.notes}`);
    item.tooltip = md;
    item.iconPath = new vscode.ThemeIcon(e.partial ? 'warning' : 'star-full');
    item.contextValue = 'shortlistEntry';
    return item;
  }

  dispose(): void {
    this.changed.dispose();
    for (const w of this.watchers) w.dispose();
  }
}

export function createShortlistCommands(tree: ShortlistTreeProvider, log: Log): Record<string, (...args: unknown[]) => unknown> {
  const fileOrSay = (): string | undefined => {
    const f = tree.file();
    if (!f) void vscode.window.showWarningMessage('AI Lab: open a folder first: the shortlist is kept in the workspace (.ai-lab/shortlist.json).');
    return f;
  };
  const guard = async <T>(what: string, fn: () => T | Promise<T>): Promise<T | undefined> => {
    try {
      const out = await fn();
      tree.refresh();
      return out;
    } catch (err) {
      await log.showError(`AI Lab: ${what} failed`, err);
      return undefined;
    }
  };
  const exportAs = async (format: 'md' | 'csv', target?: unknown) => {
    const file = fileOrSay();
    if (!file) return undefined;
    const folder = path.dirname(path.dirname(file));
    return guard(`exporting the shortlist as ${format === 'md' ? 'Markdown' : 'CSV'}`, async () => {
      const entries = readShortlist(file);
      const uri = target instanceof vscode.Uri ? target : await vscode.window.showSaveDialog({ title: `AI Lab: Export Shortlist as ${format === 'md' ? 'Markdown' : 'CSV'}`, defaultUri: vscode.Uri.file(path.join(folder, `shortlist.${format}`)), filters: format === 'md' ? { Markdown: ['md'] } : { CSV: ['csv'] } });
      if (!uri) return undefined;
      await vscode.workspace.fs.writeFile(uri, Buffer.from(format === 'md' ? shortlistMarkdown(entries) : shortlistCsv(entries), 'utf8'));
      log.info(`Shortlist: ${entries.length} entries exported to ${uri.fsPath}`);
      void vscode.window.showInformationMessage(`AI Lab: shortlist exported to ${vscode.workspace.asRelativePath(uri)}.`);
      return uri.fsPath;
    });
  };
  return {
    'aiLab.shortlist.refresh': () => tree.refresh(),
    'aiLab.shortlist.openFile': async () => {
      const file = fileOrSay();
      if (!file) return;
      try {
        await vscode.window.showTextDocument(vscode.Uri.file(file));
      } catch (err) {
        await log.showError(`AI Lab: opening ${file} failed`, err);
      }
    },
    'aiLab.shortlist.editNotes': async (e?: unknown) => {
      const entry = e as ShortlistEntry | undefined;
      const file = fileOrSay();
      if (!entry?.id || !file) return undefined;
      const notes = await vscode.window.showInputBox({ title: `AI Lab: notes on ${modelName(entry.model)}`, value: entry.notes, prompt: 'Observations (empty clears them)' });
      if (notes === undefined) return undefined;
      return guard('saving the notes', () => setNotes(file, entry.id, notes));
    },
    'aiLab.shortlist.remove': async (e?: unknown) => {
      const entry = e as ShortlistEntry | undefined;
      const file = fileOrSay();
      if (!entry?.id || !file) return undefined;
      const ok = await vscode.window.showWarningMessage(`Remove ${modelName(entry.model)} (${entry.task}) from the shortlist?`, { modal: true, detail: entry.notes ? 'Its notes go with it.' : undefined }, 'Remove');
      if (ok !== 'Remove') return undefined;
      return guard('removing from the shortlist', () => removeFromShortlist(file, entry.id));
    },
    'aiLab.shortlist.exportMarkdown': (target?: unknown) => exportAs('md', target),
    'aiLab.shortlist.exportCsv': (target?: unknown) => exportAs('csv', target),
  };
}

/** What the results panel's "Add to Shortlist" does: adds (or replaces) the run's row, says so. */
export function shortlistAdder(tree: ShortlistTreeProvider, log: Log): (report: EvalReport, index: number) => void {
  return (report, index) => {
    const file = tree.file();
    if (!file) {
      void vscode.window.showWarningMessage('AI Lab: open a folder first: the shortlist is kept in the workspace (.ai-lab/shortlist.json).');
      return;
    }
    // The folder that holds .ai-lab/ names the files and folders inside it, as the CLI's --workspace does.
    const entry = shortlistEntryFor(report, report.runs[index]!, undefined, path.dirname(path.dirname(file)));
    const done = addRunToShortlist(file, entry);
    tree.refresh();
    if (done === 'kept-complete') {
      void vscode.window.showWarningMessage(`AI Lab: the shortlist already has the complete run of ${modelName(entry.model)} on these rows; this run stopped part way and was not added.`);
      return;
    }
    log.info(`Shortlist: ${done} ${entry.model} (${entry.task}) in ${file}`);
    void vscode.window.showInformationMessage(`AI Lab: ${modelName(entry.model)} added to the shortlist.`);
  };
}
