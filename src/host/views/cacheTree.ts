import * as vscode from 'vscode';
import { formatBytes } from '../../core/bytes';
import { scanCache, type CachedRepo, type CachedRevision, type CacheScan } from '../../core/hub/cacheScan';
import type { HubSession } from '../hubSession';

export type CacheNode = { kind: 'repo'; repo: CachedRepo } | { kind: 'revision'; repo: CachedRepo; revision: CachedRevision } | { kind: 'warning'; text: string };

function ago(ms: number): string {
  if (!ms) return 'never';
  const s = (Date.now() - ms) / 1000;
  if (s < 90) return 'just now';
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129_600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}

/** The Hugging Face cache shared with Python (HF_HOME / HF_HUB_CACHE), like `hf cache scan`. */
export class CacheTreeProvider implements vscode.TreeDataProvider<CacheNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<CacheNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  scan: CacheScan | undefined;

  constructor(
    private readonly session: HubSession,
    private readonly onScan: (scan: CacheScan) => void = () => undefined,
  ) {}

  refresh(): void {
    this.scan = undefined;
    this.emitter.fire(undefined);
  }

  current(): CacheScan {
    if (!this.scan) {
      this.scan = scanCache(this.session.cacheDir());
      void vscode.commands.executeCommand('setContext', 'aiLab.cache.empty', this.scan.repos.length === 0);
      this.onScan(this.scan);
    }
    return this.scan;
  }

  getTreeItem(n: CacheNode): vscode.TreeItem {
    if (n.kind === 'warning') {
      const item = new vscode.TreeItem(n.text);
      item.iconPath = new vscode.ThemeIcon('warning');
      item.tooltip = n.text; // Long: the row is cut, the tooltip is not.
      item.contextValue = 'cacheWarning';
      return item;
    }
    if (n.kind === 'revision') {
      const r = n.revision;
      const item = new vscode.TreeItem(r.commit.slice(0, 12));
      item.id = `rev:${n.repo.type}:${n.repo.id}:${r.commit}`;
      item.description = `${r.refs.length ? r.refs.join(', ') : 'detached'} · ${formatBytes(r.size)} · ${r.files} files${r.missing.length ? ` · ${r.missing.length} missing` : ''}`;
      item.tooltip = `${r.commit}\n${r.path}${r.missing.length ? `\nMissing (blob deleted): ${r.missing.join(', ')}` : ''}`;
      item.iconPath = new vscode.ThemeIcon('git-commit');
      item.contextValue = 'cacheRevision';
      item.resourceUri = vscode.Uri.file(r.path);
      return item;
    }
    const repo = n.repo;
    const item = new vscode.TreeItem(repo.id, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `cache:${repo.type}:${repo.id}`;
    item.description = `${formatBytes(repo.size)} · ${repo.revisions.length} rev · used ${ago(repo.lastAccessed)}`;
    item.tooltip = `${repo.type} ${repo.id}\n${formatBytes(repo.size)} in ${repo.files} files\nlast used ${new Date(repo.lastAccessed).toLocaleString()}\n${repo.path}${repo.linkTarget ? ` → ${repo.linkTarget}` : ''}`;
    item.iconPath = new vscode.ThemeIcon(repo.type === 'dataset' ? 'database' : repo.type === 'space' ? 'rocket' : 'package');
    item.contextValue = `cacheRepo;${repo.type}`;
    item.resourceUri = vscode.Uri.file(repo.path);
    return item;
  }

  getChildren(n?: CacheNode): CacheNode[] {
    if (!n) {
      const scan = this.current();
      return [...scan.repos.map((repo): CacheNode => ({ kind: 'repo', repo })), ...scan.warnings.map((text): CacheNode => ({ kind: 'warning', text }))];
    }
    if (n.kind === 'repo') return n.repo.revisions.map((revision) => ({ kind: 'revision', repo: n.repo, revision }));
    return [];
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
