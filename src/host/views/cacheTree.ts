import * as vscode from 'vscode';
import { formatBytes } from '../../core/bytes';
import { scanCache, type CachedRepo, type CachedRevision, type CacheScan } from '../../core/hub/cacheScan';
import { resolveXetCacheDir, scanXetCache, type XetCacheScan, type XetEndpointCache, type XetKeptEntry, type XetUsage } from '../../core/hub/xetCache';
import type { HubSession } from '../hubSession';

export type CacheNode =
  | { kind: 'repo'; repo: CachedRepo }
  | { kind: 'revision'; repo: CachedRepo; revision: CachedRevision }
  | { kind: 'warning'; text: string }
  /** hf_xet's Xet cache ($HF_HOME/xet), with its endpoint folders, logs and foreign entries below. */
  | { kind: 'xet'; xet: XetCacheScan }
  | { kind: 'xetEndpoint'; endpoint: XetEndpointCache }
  | { kind: 'xetLogs'; logs: XetUsage & { path: string } }
  | { kind: 'xetKept'; entry: XetKeptEntry };

const usage = (u: XetUsage) => `${formatBytes(u.size)} · ${u.files} files`;

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
  xet: XetCacheScan | undefined;

  constructor(
    private readonly session: HubSession,
    private readonly onScan: (scan: CacheScan, xet: XetCacheScan) => void = () => undefined,
  ) {}

  refresh(): void {
    this.scan = undefined;
    this.xet = undefined;
    this.emitter.fire(undefined);
  }

  current(): CacheScan {
    if (!this.scan || !this.xet) {
      this.scan = scanCache(this.session.cacheDir());
      this.xet = scanXetCache(resolveXetCacheDir());
      void vscode.commands.executeCommand('setContext', 'aiLab.cache.empty', this.scan.repos.length === 0 && !this.xet.exists);
      this.onScan(this.scan, this.xet);
    }
    return this.scan;
  }

  /** The Xet cache as last scanned (scanning both caches when neither is). */
  currentXet(): XetCacheScan {
    this.current();
    return this.xet!;
  }

  private xetItem(n: Extract<CacheNode, { kind: `xet${string}` }>): vscode.TreeItem {
    if (n.kind === 'xet') {
      const x = n.xet;
      const item = new vscode.TreeItem('Xet cache (hf_xet)', vscode.TreeItemCollapsibleState.Collapsed);
      item.id = 'xet';
      item.description = `${usage(x)} · ${x.endpoints.length} endpoint${x.endpoints.length === 1 ? '' : 's'}`;
      item.tooltip = `${x.dir}${x.linkTarget ? ` → ${x.linkTarget}` : ''}\nChunks, shards and upload staging that Python's huggingface_hub (hf_xet) keeps for Xet transfers: ${formatBytes(x.size)} in ${x.files} files; clearing frees ${formatBytes(x.clearable)}. hf_xet rebuilds it as needed; the hub cache above is not part of it.`;
      item.iconPath = new vscode.ThemeIcon('layers');
      item.contextValue = 'cacheXet';
      item.resourceUri = vscode.Uri.file(x.dir);
      return item;
    }
    if (n.kind === 'xetEndpoint') {
      const e = n.endpoint;
      const item = new vscode.TreeItem(e.name);
      item.id = `xet:${e.name}`;
      item.description = `${formatBytes(e.size)} · chunk-cache ${formatBytes(e.chunkCache.size)} · shard-cache ${formatBytes(e.shardCache.size)} · staging ${formatBytes(e.staging.size)}`;
      item.tooltip = `${e.path}\nchunk-cache (downloads): ${usage(e.chunkCache)}\nshard-cache (upload deduplication): ${usage(e.shardCache)}\nstaging (upload resume): ${usage(e.staging)}${e.other.files ? `\nother: ${usage(e.other)}` : ''}`;
      item.iconPath = new vscode.ThemeIcon('server');
      item.contextValue = 'cacheXetEndpoint';
      return item;
    }
    if (n.kind === 'xetLogs') {
      const item = new vscode.TreeItem('logs');
      item.id = 'xet:logs';
      item.description = usage(n.logs);
      item.tooltip = `${n.logs.path}\nhf_xet's log files`;
      item.iconPath = new vscode.ThemeIcon('output');
      item.contextValue = 'cacheXetLogs';
      return item;
    }
    const item = new vscode.TreeItem(n.entry.name);
    item.id = `xet-kept:${n.entry.name}`;
    item.description = `${formatBytes(n.entry.size)} · kept when clearing`;
    item.tooltip = `${n.entry.path}\n${n.entry.why}`;
    item.iconPath = new vscode.ThemeIcon('question');
    item.contextValue = 'cacheXetKept';
    return item;
  }

  getTreeItem(n: CacheNode): vscode.TreeItem {
    if (n.kind === 'xet' || n.kind === 'xetEndpoint' || n.kind === 'xetLogs' || n.kind === 'xetKept') return this.xetItem(n);
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
      const xet = this.xet!;
      return [
        ...scan.repos.map((repo): CacheNode => ({ kind: 'repo', repo })),
        ...(xet.exists ? [{ kind: 'xet', xet } as CacheNode] : []),
        ...scan.warnings.map((text): CacheNode => ({ kind: 'warning', text })),
        ...xet.warnings.map((text): CacheNode => ({ kind: 'warning', text: `Xet cache: ${text}` })),
      ];
    }
    if (n.kind === 'repo') return n.repo.revisions.map((revision) => ({ kind: 'revision', repo: n.repo, revision }));
    if (n.kind === 'xet') {
      return [
        ...n.xet.endpoints.map((endpoint): CacheNode => ({ kind: 'xetEndpoint', endpoint })),
        ...(n.xet.logs ? [{ kind: 'xetLogs', logs: n.xet.logs } as CacheNode] : []),
        ...n.xet.kept.map((entry): CacheNode => ({ kind: 'xetKept', entry })),
      ];
    }
    return [];
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
