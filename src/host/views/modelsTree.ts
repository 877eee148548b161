import * as vscode from 'vscode';
import { formatBytes } from '../../core/bytes';
import { cachedModelIds } from '../../core/hub/cacheLayout';
import type { ModelQuery, ModelSummary, RepoFileEntry } from '../../core/hub/hubApi';
import type { HubSession } from '../hubSession';
import type { Log } from '../log';

export type ModelNode =
  | { kind: 'model'; model: ModelSummary; cached: boolean }
  | { kind: 'file'; model: string; file: RepoFileEntry }
  | { kind: 'more' }
  | { kind: 'message'; text: string; error?: boolean };

/** Whether an error message is the Hub client's "cannot reach the Hub". */
export function isOffline(error: string | undefined): boolean {
  return Boolean(error && /^Cannot reach the Hub/.test(error));
}

export function compact(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

/** The query in a few words, for the view's description. */
export function describeModelQuery(q: ModelQuery, taskLabel?: string): string {
  const parts = [
    q.search && `"${q.search}"`,
    q.task && (taskLabel ?? q.task),
    q.library,
    q.author && `by ${q.author}`,
    q.language,
    q.license,
    `by ${q.sort ?? 'downloads'}`,
  ].filter(Boolean);
  return parts.join(' · ');
}

/**
 * Hub models for the current query, 20 at a time ("Load more" follows the Hub's Link header); a model
 * expands into its files. Transformers.js/ONNX ports come first by default, since those run here.
 */
export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ModelNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  query: ModelQuery = { library: 'transformers.js', sort: 'downloads' };
  taskLabel: string | undefined;
  private items: ModelSummary[] = [];
  private next: string | undefined;
  private loaded = false;
  private error: string | undefined;
  private loading: Promise<void> | undefined;
  /** Bumped by every reload: a page that arrives for an older query is dropped. */
  private generation = 0;
  private readonly files = new Map<string, RepoFileEntry[] | string>();
  /** For tests: settles when the current load is done. */
  lastLoad: Promise<void> = Promise.resolve();

  constructor(
    private readonly session: HubSession,
    private readonly log: Log,
    private readonly onQuery: (description: string) => void = () => undefined,
  ) {}

  get models(): readonly ModelSummary[] {
    return this.items;
  }

  get hasMore(): boolean {
    return Boolean(this.next);
  }

  /** Replaces the query and reloads from the first page. */
  setQuery(q: ModelQuery, taskLabel?: string): Promise<void> {
    this.query = { limit: 20, ...q };
    if (q.task !== undefined || taskLabel !== undefined) this.taskLabel = taskLabel;
    this.onQuery(describeModelQuery(this.query, this.taskLabel));
    return this.reload();
  }

  reload(): Promise<void> {
    this.generation++;
    this.items = [];
    this.next = undefined;
    this.files.clear();
    this.loaded = false;
    this.loading = undefined;
    return this.load();
  }

  loadMore(): Promise<void> {
    return this.next ? this.load(this.next) : Promise.resolve();
  }

  private load(next?: string): Promise<void> {
    const gen = this.generation;
    this.loading ??= (async () => {
      try {
        const client = await this.session.client();
        const page = await client.searchModels({ limit: 20, ...this.query }, next);
          if (gen !== this.generation) return;
        const seen = new Set(this.items.map((m) => m.id));
        this.items.push(...page.items.filter((m) => !seen.has(m.id)));
        this.next = page.next;
        this.error = undefined;
      } catch (err) {
        if (gen !== this.generation) return;
        this.error = (err as Error).message;
        this.log.warn(`Models view: ${this.error}`);
      } finally {
        // Offline shows the view's welcome content (Retry, settings) instead of an error row.
        void vscode.commands.executeCommand('setContext', 'aiLab.hub.offline', isOffline(this.error));
        if (gen === this.generation) {
          this.loaded = true;
          this.loading = undefined;
          this.emitter.fire(undefined);
        }
      }
    })();
    this.lastLoad = this.loading;
    return this.loading;
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  getTreeItem(n: ModelNode): vscode.TreeItem {
    if (n.kind === 'message') {
      const item = new vscode.TreeItem(n.text);
      item.iconPath = new vscode.ThemeIcon(n.error ? 'error' : 'info');
      item.tooltip = n.text;
      return item;
    }
    if (n.kind === 'more') {
      const item = new vscode.TreeItem('Load more…');
      item.id = 'more';
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.command = { command: 'aiLab.models.loadMore', title: 'Load More Models' };
      return item;
    }
    if (n.kind === 'file') {
      const item = new vscode.TreeItem(n.file.path);
      item.id = `file:${n.model}:${n.file.path}`;
      item.description = `${formatBytes(n.file.size)}${n.file.lfs ? ' · LFS' : ''}`;
      item.iconPath = new vscode.ThemeIcon(n.file.path.endsWith('.onnx') ? 'circuit-board' : 'file');
      item.contextValue = 'modelFile';
      return item;
    }
    const m = n.model;
    const item = new vscode.TreeItem(m.id, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `model:${m.id}`;
    item.description = `${compact(m.downloads)} downloads · ${compact(m.likes)} likes${m.runsInAiLab ? ' · runs in AI Lab' : ''}${n.cached ? ' · cached' : ''}`;
    item.iconPath = new vscode.ThemeIcon(m.runsInAiLab ? 'pass-filled' : 'circle-large-outline', m.runsInAiLab ? new vscode.ThemeColor('testing.iconPassed') : undefined);
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${m.id}**\n\n`);
    md.appendText(`${m.pipelineTag ?? 'no task tag'} · ${m.library ?? 'no library tag'}\n${m.downloads.toLocaleString('en-US')} downloads · ${m.likes} likes`);
    if (m.lastModified) md.appendText(` · updated ${m.lastModified.slice(0, 10)}`);
    md.appendMarkdown(`\n\n${m.runsInAiLab ? '$(pass) Has ONNX weights for transformers.js: runs in AI Lab.' : '$(circle-slash) No transformers.js/ONNX tag: probably does not run in AI Lab (open its card for the verdict).'}`);
    if (m.gated) md.appendMarkdown(`\n\n$(lock) Gated (${m.gated}): accept its terms on the Hub and sign in to download.`);
    item.tooltip = md;
    item.contextValue = ['model', m.runsInAiLab ? 'runnable' : '', n.cached ? 'cached' : '', m.gated ? 'gated' : ''].filter(Boolean).join(';');
    item.command = { command: 'aiLab.models.openCard', title: 'Open Model Card', arguments: [n] };
    return item;
  }

  async getChildren(n?: ModelNode): Promise<ModelNode[]> {
    if (!n) {
      if (!this.loaded) await this.load();
      if (isOffline(this.error)) return [];
      if (this.error) return [{ kind: 'message', text: this.error, error: true }];
      if (!this.items.length) return [{ kind: 'message', text: 'No models match. Change the search or clear the filters.' }];
      const cached = new Set(cachedModelIds(this.session.cacheDir()));
      const nodes: ModelNode[] = this.items.map((model) => ({ kind: 'model', model, cached: cached.has(model.id) }));
      return this.next ? [...nodes, { kind: 'more' }] : nodes;
    }
    if (n.kind !== 'model') return [];
    let files = this.files.get(n.model.id);
    if (!files) {
      try {
        files = await (await this.session.client()).files(n.model.id);
      } catch (err) {
        files = (err as Error).message;
      }
      this.files.set(n.model.id, files);
    }
    if (typeof files === 'string') return [{ kind: 'message', text: files, error: true }];
    return files.map((file) => ({ kind: 'file', model: n.model.id, file }));
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
