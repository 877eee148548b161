import * as vscode from 'vscode';
import { formatBytes } from '../../core/bytes';
import { cachedModelIds } from '../../core/hub/cacheLayout';
import type { ModelQuery, ModelSummary, RepoFileEntry } from '../../core/hub/hubApi';
import type { HubSession } from '../hubSession';
import type { Log } from '../log';
import { HubPages, isOffline } from './hubPages';

export type ModelNode =
  | { kind: 'model'; model: ModelSummary; cached: boolean }
  | { kind: 'file'; model: string; file: RepoFileEntry }
  | { kind: 'more' }
  | { kind: 'message'; text: string; error?: boolean };

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
  private readonly pages: HubPages<ModelSummary>;
  private readonly files = new Map<string, RepoFileEntry[] | string>();

  constructor(
    private readonly session: HubSession,
    private readonly log: Log,
    private readonly onQuery: (description: string) => void = () => undefined,
  ) {
    this.pages = new HubPages(
      async (next) => (await this.session.client()).searchModels({ limit: 20, ...this.query }, next),
      (error) => {
        if (error) this.log.warn(`Models view: ${error}`);
        // Offline shows the view's welcome content (Retry, settings) instead of an error row.
        void vscode.commands.executeCommand('setContext', 'aiLab.hub.offline', isOffline(error));
        this.emitter.fire(undefined);
      },
    );
  }

  /** The last load could not reach the Hub at all (the view shows its welcome: Retry, the mirror setting). */
  get offline(): boolean {
    return isOffline(this.pages.error);
  }

  get models(): readonly ModelSummary[] {
    return this.pages.items;
  }

  get hasMore(): boolean {
    return Boolean(this.pages.next);
  }

  /** For tests: settles when the current load is done. */
  get lastLoad(): Promise<void> {
    return this.pages.lastLoad;
  }

  /** Replaces the query and reloads from the first page. */
  setQuery(q: ModelQuery, taskLabel?: string): Promise<void> {
    this.query = { limit: 20, ...q };
    if (q.task !== undefined || taskLabel !== undefined) this.taskLabel = taskLabel;
    this.onQuery(describeModelQuery(this.query, this.taskLabel));
    return this.reload();
  }

  reload(): Promise<void> {
    this.files.clear();
    return this.pages.reload();
  }

  loadMore(): Promise<void> {
    return this.pages.loadMore();
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
      const p = this.pages;
      if (!p.loaded) await p.load();
      if (isOffline(p.error)) return [];
      if (p.error) return [{ kind: 'message', text: p.error, error: true }];
      if (!p.items.length) return [{ kind: 'message', text: 'No models match. Change the search or clear the filters.' }];
      const cached = new Set(cachedModelIds(this.session.cacheDir()));
      const nodes: ModelNode[] = p.items.map((model) => ({ kind: 'model', model, cached: cached.has(model.id) }));
      return p.next ? [...nodes, { kind: 'more' }] : nodes;
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
