import * as vscode from 'vscode';
import { createCommands, registerCommands } from './host/commands';
import { createValidateCommands } from './host/commands/validateFolder';
import { createPublishCommand } from './host/commands/publishModel';
import { BackendSettings } from './host/backends/backendSettings';
import { InferenceHost } from './host/inferenceHost';
import { EnvironmentService } from './host/environmentService';
import { createHubViews, type HubViews } from './host/hubViews';
import { Log } from './host/log';
import { GpuStatusBar } from './host/statusBar';
import { EnvironmentTreeProvider } from './host/views/environmentTree';
import { ResultsPanel } from './host/webviews/resultsPanel';
import { PdfTextService } from './host/pdf/pdfTextService';
import { PDF_VIEW_TYPE, PdfViewerProvider } from './host/pdf/pdfViewer';
import { WorkspaceSettingsGuard } from './host/workspaceTrust';
import { watchProxySettings } from './host/net';
import { createWorkspaceIndexCommands, WorkspaceIndexService } from './host/commands/workspaceIndex';
import { createCompareCommands } from './host/eval/compareCommand';
import { EvalPanel } from './host/webviews/evalPanel';
import { createShortlistCommands, shortlistAdder, ShortlistTreeProvider } from './host/eval/shortlistView';

/** What activate() hands to tests (and to other extensions). */
export interface AiLabApi {
  activationMs: number;
  environment: EnvironmentService;
  environmentTree: EnvironmentTreeProvider;
  statusBar: GpuStatusBar;
  inference: InferenceHost;
  results: ResultsPanel;
  hub: HubViews;
  pdfText: PdfTextService;
  pdfViewer: PdfViewerProvider;
  evalPanel: EvalPanel;
}

export function activate(context: vscode.ExtensionContext): AiLabApi {
  const started = performance.now();
  const log = new Log();
  context.subscriptions.push(log);
  context.subscriptions.push(watchProxySettings(log)); // http.proxy & co. for every request, here and in the children

  const env = new EnvironmentService(context.extensionPath, log);
  const statusBar = new GpuStatusBar(env);
  const guard = new WorkspaceSettingsGuard(log, context.workspaceState);
  const tree = new EnvironmentTreeProvider(env, guard, () => {
    void env.probeOnce().catch((err: unknown) => log.showError('Probing the environment failed', err));
  });
  const treeView = vscode.window.createTreeView('aiLab.environment', { treeDataProvider: tree, showCollapseAll: true });
  const hub = createHubViews(context, log);
  // The inference service process starts on the first run, not here.
  const inference = new InferenceHost(context.extensionPath, env, log, () => hub.session.hubAccess());
  inference.backends = new BackendSettings(context.secrets, async () => (await hub.session.token())?.token, log);
  const results = new ResultsPanel(context.extensionUri, log);
  const pdfText = new PdfTextService(log);
  const pdfViewer = new PdfViewerProvider(context.extensionUri, pdfText, log);
  context.subscriptions.push(
    env,
    guard,
    statusBar,
    tree,
    treeView,
    inference,
    results,
    pdfText,
    pdfViewer,
    vscode.window.registerCustomEditorProvider(PDF_VIEW_TYPE, pdfViewer, { webviewOptions: { retainContextWhenHidden: true }, supportsMultipleEditorsPerDocument: true }),
  );

  registerCommands(
    context,
    createCommands({
      env,
      log,
      inference,
      state: context.globalState,
      workspaceState: context.workspaceState,
      panel: results,
      extensionVersion: String(context.extension.packageJSON.version),
      extensionPath: context.extensionPath,
      hub: hub.session,
      pdfText,
      pdfViewer,
    }),
  );
  registerCommands(context, hub.commands);
  const nlpDeps = { inference, panel: results, log, globalState: context.globalState, workspaceState: context.workspaceState, pdfText, pdfViewer };
  const workspaceIndex = new WorkspaceIndexService(nlpDeps, context.storageUri);
  context.subscriptions.push(workspaceIndex);
  registerCommands(context, createWorkspaceIndexCommands(nlpDeps, workspaceIndex));
  const validate = createValidateCommands(context.extensionUri, log);
  context.subscriptions.push(validate.panel);
  registerCommands(context, validate.commands);
  const evalPanel = new EvalPanel(context.extensionUri, log);
  context.subscriptions.push(evalPanel);
  registerCommands(context, createCompareCommands({ inference, session: hub.session, log, panel: evalPanel }));
  const shortlist = new ShortlistTreeProvider(log);
  const shortlistView = vscode.window.createTreeView('aiLab.shortlist', { treeDataProvider: shortlist });
  shortlist.view = shortlistView;
  evalPanel.addToShortlist = shortlistAdder(shortlist, log);
  context.subscriptions.push(shortlist, shortlistView);
  registerCommands(context, createShortlistCommands(shortlist, log));
  registerCommands(context, createPublishCommand({ log, session: hub.session, showReport: (r) => validate.panel.show(r) }));
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('aiLab')) return;
      env.configurationChanged(e);
      statusBar.update();
      void guard.scan();
      if (e.affectsConfiguration('aiLab.device')) tree.refresh();
    }),
    vscode.window.onDidChangeWindowState((s) => env.setFocused(s.focused)),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void guard.scan()),
    // Trusted now: what the workspace names may run. Probe again with it; the service restarts with its libraries.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('The workspace is trusted now: AI Lab uses the programs and libraries its settings name.');
      inference.reset();
      void guard.scan().then(() => guard.notifyOnce([]));
      void env.refresh().catch((err: unknown) => log.error('Probing the environment after the workspace was trusted failed', err));
    }),
  );
  // What the workspace's settings ask for: logged, shown in the Environment view, and told once.
  void guard.scan().then(() => guard.notifyOnce(env.workspacePythonsNotRun()));
  void vscode.commands.executeCommand('setContext', 'aiLab.gpuState', 'loading');
  env.startPolling(vscode.window.state.focused);

  const activationMs = performance.now() - started;
  log.info(`AI Lab ${context.extension.packageJSON.version} activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, environment: env, environmentTree: tree, statusBar, inference, results, hub, pdfText, pdfViewer, evalPanel };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
