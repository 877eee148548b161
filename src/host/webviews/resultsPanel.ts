import * as vscode from 'vscode';
import type { LabOutput } from '../../core/nlp/runner';
import { entryText, RESULTS_CHECKS, type EntryAction, type ResultEntry, type ResultsProtocol } from '../../shared/resultsProtocol';
import type { Log } from '../log';
import { HostChannel } from './channel';
import { createPanel } from './webviewPage';

/** Where a run's input came from, so the panel can reveal it and edit next to it. */
export interface InputSource {
  uri: vscode.Uri;
  range: vscode.Range;
  /** The text at `range` when the run started: edits apply only if it is still there. */
  text: string;
}

const MAX_ENTRIES = 50;

/** One reusable "AI Lab Results" panel with a history of runs (not a new panel per run). */
export class ResultsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private channel: HostChannel<ResultsProtocol> | undefined;
  private readonly entries: ResultEntry[] = [];
  private readonly sources = new Map<string, InputSource>();
  /** How to show an entry's answers where they are (the PDF viewer, or a text editor). */
  private readonly openers = new Map<string, (index: number) => Promise<unknown>>();
  private nextId = 1;
  private readonly changed = new vscode.EventEmitter<ResultEntry>();
  /** For tests and status: fires on every change of an entry. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {}

  get history(): readonly ResultEntry[] {
    return this.entries;
  }

  get visible(): boolean {
    return Boolean(this.panel?.visible);
  }

  /** Shows the panel (reusing it) without taking focus from the editor. */
  show(): void {
    if (this.panel) {
      // In the editor's own group it would cover the editor the run came from: beside it instead.
      const editor = vscode.window.activeTextEditor?.viewColumn;
      this.panel.reveal(editor !== undefined && this.panel.viewColumn === editor ? vscode.ViewColumn.Beside : undefined, true);
      return;
    }
    const panel = createPanel(this.extensionUri, 'aiLab.results', 'AI Lab Results', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      title: 'AI Lab Results',
      script: 'results',
      styles: ['results.css'],
      body: `<header><h1>AI Lab Results</h1><button id="clear" title="Clear the history">Clear</button></header>
<p id="empty" class="muted">Run an AI Lab command on a selection (editor context menu → AI Lab) to see results here.</p>
<ul id="entries" aria-live="polite"></ul>`,
    });
    const channel = new HostChannel<ResultsProtocol>(panel, { name: 'Results panel', validators: RESULTS_CHECKS, log: (l) => this.log.warn(l), resets: ['init'] });
    channel.onReady(() => void channel.notify('init', { entries: this.entries }));
    channel.onNotification('clear', () => {
      this.entries.length = 0;
      this.sources.clear();
      this.openers.clear();
      void channel.notify('init', { entries: [] });
    });
    channel.onNotification('openAnswer', (m) => void this.openAnswer(m.id, m.index));
    channel.onNotification('action', (m) => void this.act(m.id, m.action));
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.channel = undefined;
    });
    this.panel = panel;
    this.channel = channel;
  }

  setOpener(id: string, open: (index: number) => Promise<unknown>): void {
    this.openers.set(id, open);
  }

  /** Shows answer `index` of an entry where it is (what a click on it does); errors are told once. */
  async openAnswer(id: string, index: number): Promise<unknown> {
    const open = this.openers.get(id);
    if (!open) {
      void vscode.window.showWarningMessage('AI Lab: this answer can no longer be shown (its document is not known).');
      return undefined;
    }
    try {
      return await open(index);
    } catch (err) {
      await this.log.showError('AI Lab: could not show the answer', err);
      return undefined;
    }
  }

  /** Runs an entry's action; also the way tests and commands drive it. */
  async act(id: string, action: EntryAction): Promise<boolean> {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry) return false;
    const src = this.sources.get(id);
    if (action === 'copy') {
      await vscode.env.clipboard.writeText(entryText(entry));
      vscode.window.setStatusBarMessage('AI Lab: copied', 3000);
      return true;
    }
    if (!src) {
      void vscode.window.showWarningMessage('AI Lab: this result did not come from an editor.');
      return false;
    }
    const doc = await vscode.workspace.openTextDocument(src.uri);
    if (action === 'reveal') {
      const editor = await vscode.window.showTextDocument(doc, { preserveFocus: false, viewColumn: vscode.ViewColumn.One });
      editor.selection = new vscode.Selection(src.range.start, src.range.end);
      editor.revealRange(src.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      return true;
    }
    if (doc.getText(src.range) !== src.text) {
      void vscode.window.showWarningMessage('AI Lab: the text changed since this result was made; nothing was edited. Run the command again on the new text.');
      return false;
    }
    const text = entryText(entry);
    const edit = new vscode.WorkspaceEdit();
    if (action === 'replace') {
      edit.replace(src.uri, src.range, text);
    } else {
      const line = doc.lineAt(src.range.end.line);
      edit.insert(src.uri, line.range.end, `${doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n'}${text}`);
    }
    const ok = await vscode.workspace.applyEdit(edit);
    if (ok && action === 'replace') src.text = text; // A second click then works on what is there now.
    return ok;
  }

  start(init: Omit<ResultEntry, 'id' | 'status' | 'startedAt' | 'canEdit'>, source?: InputSource): string {
    const id = String(this.nextId++);
    const entry: ResultEntry = { ...init, id, status: 'running', startedAt: Date.now(), canEdit: Boolean(source) };
    this.entries.unshift(entry);
    if (source) this.sources.set(id, source);
    for (const dropped of this.entries.splice(MAX_ENTRIES)) {
      this.sources.delete(dropped.id);
      this.openers.delete(dropped.id);
    }
    this.show();
    this.update(entry);
    return id;
  }

  partial(id: string, text: string): void {
    const e = this.entries.find((x) => x.id === id);
    if (!e) return;
    e.partial = (e.partial ?? '') + text;
    void this.channel?.notify('partial', { id, text });
    this.changed.fire(e);
  }

  /** The entry's result; its model, device and backend become those that produced it (`output.producedBy`). */
  finish(id: string, output: LabOutput, durationMs: number): void {
    const by = output.producedBy;
    const run = by ? { ...(by.dtype ? { dtype: by.dtype } : {}), ...(by.batchSize ? { batchSize: by.batchSize } : {}) } : {};
    this.patch(id, { status: 'done', output, durationMs, ...(by ? { model: by.model, backend: by.backend, ...(by.device || by.backend !== 'local' ? { device: by.device ?? '' } : {}), ...run } : {}) });
  }

  fail(id: string, error: string, cancelled = false): void {
    this.patch(id, { status: cancelled ? 'cancelled' : 'error', error, durationMs: undefined });
  }

  private patch(id: string, p: Partial<ResultEntry>): void {
    const e = this.entries.find((x) => x.id === id);
    if (!e) return;
    Object.assign(e, p);
    this.update(e);
  }

  private update(e: ResultEntry): void {
    void this.channel?.notify('upsert', { entry: e });
    this.changed.fire(e);
  }

  dispose(): void {
    this.panel?.dispose();
    this.changed.dispose();
  }
}
