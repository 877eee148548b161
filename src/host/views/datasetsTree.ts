import * as vscode from 'vscode';
import type { ConfigInfo, SplitInfo } from '../../core/hub/datasetViewer';
import type { DatasetQuery, DatasetSummary } from '../../core/hub/hubApi';
import type { HubSession } from '../hubSession';
import type { Log } from '../log';
import { HubPages, isOffline } from './hubPages';
import { compact } from './modelsTree';

export type DatasetNode =
  | { kind: 'dataset'; dataset: DatasetSummary }
  | { kind: 'config'; dataset: string; config: ConfigInfo }
  | { kind: 'split'; dataset: string; split: SplitInfo; config: ConfigInfo }
  | { kind: 'feature'; dataset: string; name: string; type: string }
  | { kind: 'more' }
  | { kind: 'message'; text: string; error?: boolean };

export function describeDatasetQuery(q: DatasetQuery): string {
  return [q.search && `"${q.search}"`, q.taskCategory, q.language, q.sizeCategory, q.license, q.author && `by ${q.author}`, `by ${q.sort ?? 'downloads'}`].filter(Boolean).join(' · ');
}

/** Hub datasets for the current query; a dataset expands into configs, then splits (row counts) and features. */
export class DatasetsTreeProvider implements vscode.TreeDataProvider<DatasetNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<DatasetNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  query: DatasetQuery = { sort: 'downloads' };
  private readonly pages: HubPages<DatasetSummary>;
  private readonly configs = new Map<string, ConfigInfo[] | string>();

  constructor(
    private readonly session: HubSession,
    private readonly log: Log,
    private readonly onQuery: (description: string) => void = () => undefined,
  ) {
    this.pages = new HubPages(
      async (next) => (await this.session.client()).searchDatasets({ limit: 20, ...this.query }, next),
      (error) => {
        if (error) this.log.warn(`Datasets view: ${error}`);
        void vscode.commands.executeCommand('setContext', 'aiLab.hub.datasetsOffline', isOffline(error));
        this.emitter.fire(undefined);
      },
    );
  }

  get datasets(): readonly DatasetSummary[] {
    return this.pages.items;
  }

  setQuery(q: DatasetQuery): Promise<void> {
    this.query = q;
    this.onQuery(describeDatasetQuery(q));
    return this.reload();
  }

  reload(): Promise<void> {
    this.configs.clear();
    return this.pages.reload();
  }

  loadMore(): Promise<void> {
    return this.pages.loadMore();
  }

  /** Configs and splits from the dataset viewer, fetched once per dataset. */
  async configsOf(id: string): Promise<ConfigInfo[]> {
    const known = this.configs.get(id);
    if (Array.isArray(known)) return known;
    const list = await (await this.session.viewer()).configs(id);
    this.configs.set(id, list);
    return list;
  }

  getTreeItem(n: DatasetNode): vscode.TreeItem {
    switch (n.kind) {
      case 'message': {
        const item = new vscode.TreeItem(n.text);
        item.iconPath = new vscode.ThemeIcon(n.error ? 'error' : 'info');
        item.tooltip = n.text;
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem('Load more…');
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: 'aiLab.datasets.loadMore', title: 'Load More Datasets' };
        return item;
      }
      case 'config': {
        const item = new vscode.TreeItem(n.config.config, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `config:${n.dataset}:${n.config.config}`;
        item.description = `${n.config.splits.length} splits · ${n.config.features.length} columns`;
        item.iconPath = new vscode.ThemeIcon('settings');
        return item;
      }
      case 'split': {
        const item = new vscode.TreeItem(n.split.split);
        item.id = `split:${n.dataset}:${n.split.config}:${n.split.split}`;
        item.description = n.split.numRows !== undefined ? `${n.split.numRows.toLocaleString('en-US')} rows` : 'rows unknown';
        item.iconPath = new vscode.ThemeIcon('table');
        item.contextValue = 'datasetSplit';
        item.tooltip = `Preview ${n.dataset} (${n.split.config}/${n.split.split})`;
        item.command = { command: 'aiLab.datasets.previewSplit', title: 'Preview Split', arguments: [n] };
        return item;
      }
      case 'feature': {
        const item = new vscode.TreeItem(n.name);
        item.description = n.type;
        item.iconPath = new vscode.ThemeIcon('symbol-field');
        return item;
      }
      case 'dataset': {
        const d = n.dataset;
        const item = new vscode.TreeItem(d.id, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `dataset:${d.id}`;
        item.description = `${compact(d.downloads)} downloads · ${compact(d.likes)} likes${d.gated ? ' · gated' : ''}`;
        item.iconPath = new vscode.ThemeIcon('database');
        item.tooltip = [d.id, d.tags.filter((t) => /^(task_categories|size_categories|language|license):/.test(t)).join(', '), d.description?.slice(0, 300)].filter(Boolean).join('\n');
        item.contextValue = 'dataset';
        return item;
      }
    }
  }

  async getChildren(n?: DatasetNode): Promise<DatasetNode[]> {
    if (!n) {
      const p = this.pages;
      if (!p.loaded) await p.load();
      if (isOffline(p.error)) return [];
      if (p.error) return [{ kind: 'message', text: p.error, error: true }];
      if (!p.items.length) return [{ kind: 'message', text: 'No datasets match. Change the search or clear the filters.' }];
      const nodes: DatasetNode[] = p.items.map((dataset) => ({ kind: 'dataset', dataset }));
      return p.next ? [...nodes, { kind: 'more' }] : nodes;
    }
    if (n.kind === 'dataset') {
      try {
        const configs = await this.configsOf(n.dataset.id);
        if (!configs.length) return [{ kind: 'message', text: 'The dataset viewer lists no configs for this dataset.' }];
        return configs.map((config) => ({ kind: 'config', dataset: n.dataset.id, config }));
      } catch (err) {
        return [{ kind: 'message', text: (err as Error).message, error: true }];
      }
    }
    if (n.kind === 'config') {
      return [
        ...n.config.splits.map((split): DatasetNode => ({ kind: 'split', dataset: n.dataset, split, config: n.config })),
        ...n.config.features.map((f): DatasetNode => ({ kind: 'feature', dataset: n.dataset, name: f.name, type: f.type })),
      ];
    }
    return [];
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
