import * as vscode from 'vscode';
import { formatBytes } from '../core/bytes';
import { createHubBrowseCommands } from './commands/hubBrowse';
import { createHubCacheCommands } from './commands/hubCache';
import { HubSession, type HubState } from './hubSession';
import type { Log } from './log';
import { CacheTreeProvider } from './views/cacheTree';
import { DatasetsTreeProvider } from './views/datasetsTree';
import { ModelsTreeProvider } from './views/modelsTree';
import { TasksTreeProvider } from './views/tasksTree';
import { DatasetPanels } from './webviews/datasetPanel';
import { ModelCardPanels } from './webviews/modelCardPanel';
import { TokenizerPanel } from './webviews/tokenizerPanel';

/** The Hub side of the sidebar: its session, four views, three panels, and their commands. */
export interface HubViews {
  session: HubSession;
  models: ModelsTreeProvider;
  /** The Models view itself (its message line says who is signed in, unless the Hub cannot be reached). */
  modelsView: vscode.TreeView<unknown>;
  datasets: DatasetsTreeProvider;
  cache: CacheTreeProvider;
  tasks: TasksTreeProvider;
  cards: ModelCardPanels;
  datasetPanels: DatasetPanels;
  tokenizer: TokenizerPanel;
  commands: Record<string, (...args: unknown[]) => unknown>;
}

function accountMessage(s: HubState): string {
  switch (s.kind) {
    case 'signedIn':
      return `Signed in as ${s.user.name}${s.source !== 'signed-in' ? ` (token from ${s.source})` : ''}`;
    case 'invalid':
      return `The Hugging Face token from ${s.source} was refused: sign in again`;
    case 'offline':
      return '';
    case 'anonymous':
      return 'Not signed in: public models and datasets only';
    default:
      return 'Not signed in: public models and datasets only';
  }
}

export function createHubViews(context: vscode.ExtensionContext, log: Log): HubViews {
  const session = new HubSession(context.secrets, log);
  // Nothing here touches the network: each view loads when it is first shown.
  let modelsView: vscode.TreeView<unknown> | undefined;
  let datasetsView: vscode.TreeView<unknown> | undefined;
  let cacheView: vscode.TreeView<unknown> | undefined;
  const models = new ModelsTreeProvider(session, log, (desc) => modelsView && (modelsView.description = desc));
  const datasets = new DatasetsTreeProvider(session, log, (desc) => datasetsView && (datasetsView.description = desc));
  const cache = new CacheTreeProvider(session, (scan, xet) => cacheView && (cacheView.description = `${formatBytes(scan.size)} · ${scan.repos.length} repos${xet.exists ? ` · Xet ${formatBytes(xet.size)}` : ''}`));
  const tasks = new TasksTreeProvider(session);
  // Several models at once: Compare Models on a Dataset takes the selection (2–5).
  modelsView = vscode.window.createTreeView('aiLab.models', { treeDataProvider: models, canSelectMany: true }) as vscode.TreeView<unknown>;
  datasetsView = vscode.window.createTreeView('aiLab.datasets', { treeDataProvider: datasets }) as vscode.TreeView<unknown>;
  cacheView = vscode.window.createTreeView('aiLab.cache', { treeDataProvider: cache }) as vscode.TreeView<unknown>;
  const tasksView = vscode.window.createTreeView('aiLab.tasks', { treeDataProvider: tasks });
  modelsView.description = 'transformers.js · by downloads';
  // Python (or a model run) may have changed the cache: look again whenever the view is shown, and
  // when a repo folder appears or goes.
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(session.cacheDir()), '*'));
  watcher.onDidCreate(() => cache.refresh());
  watcher.onDidDelete(() => cache.refresh());
  cacheView.onDidChangeVisibility((e) => e.visible && cache.refresh());
  context.subscriptions.push(watcher);
  cacheView.description = session.cacheDir();
  // The account line, unless the Hub cannot be reached: then the welcome content (Retry, the mirror
  // setting) speaks alone, signed in or not.
  const showAccount = () => {
    if (modelsView) modelsView.message = models.offline ? undefined : accountMessage(session.state) || undefined;
  };
  session.onDidChange(showAccount);
  models.onDidChangeTreeData(showAccount);
  // Whoami is asked when the Models view (which shows it) is first shown, not at activation.
  let checked = false;
  const checkAccount = () => {
    if (checked || !modelsView?.visible) return;
    checked = true;
    void session.refresh();
  };
  modelsView.onDidChangeVisibility(checkAccount);
  checkAccount();
  showAccount();

  const cards = new ModelCardPanels(context.extensionUri, session, log);
  const datasetPanels = new DatasetPanels(context.extensionUri, session, log);
  const tokenizer = new TokenizerPanel(context.extensionUri, log);
  context.subscriptions.push(session, models, datasets, cache, tasks, modelsView, datasetsView, cacheView, tasksView, cards, datasetPanels, tokenizer);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('aiLab.hubEndpoint')) {
        void session.refresh();
        void models.reload();
        void datasets.reload();
        tasks.refresh();
      } else if (e.affectsConfiguration('aiLab.datasetsServerEndpoint')) {
        void datasets.reload();
      }
    }),
  );
  const commands = {
    ...createHubBrowseCommands({ session, log, models, datasets, tasks, cards, datasetPanels }),
    ...createHubCacheCommands({ session, log, cache, models, tokenizer }),
  };
  return { session, models, modelsView, datasets, cache, tasks, cards, datasetPanels, tokenizer, commands };
}
