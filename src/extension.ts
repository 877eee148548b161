import * as vscode from 'vscode';
import { createCommands, registerCommands } from './host/commands';
import { EnvironmentService } from './host/environmentService';
import { Log } from './host/log';
import { GpuStatusBar } from './host/statusBar';
import { EnvironmentTreeProvider } from './host/views/environmentTree';

/** What activate() hands to tests (and to other extensions). */
export interface AiLabApi {
  activationMs: number;
  environment: EnvironmentService;
  environmentTree: EnvironmentTreeProvider;
  statusBar: GpuStatusBar;
}

export function activate(context: vscode.ExtensionContext): AiLabApi {
  const started = performance.now();
  const log = new Log();
  context.subscriptions.push(log);

  const env = new EnvironmentService(context.extensionPath, log);
  const statusBar = new GpuStatusBar(env);
  const tree = new EnvironmentTreeProvider(env, () => {
    void env.refresh().catch((err: unknown) => log.showError('Probing the environment failed', err));
  });
  const treeView = vscode.window.createTreeView('aiLab.environment', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(env, statusBar, tree, treeView);

  registerCommands(context, createCommands({ env, log, extensionVersion: String(context.extension.packageJSON.version) }));
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('aiLab')) return;
      env.configurationChanged(e);
      statusBar.update();
    }),
    vscode.window.onDidChangeWindowState((s) => env.setFocused(s.focused)),
  );
  void vscode.commands.executeCommand('setContext', 'aiLab.gpuState', 'loading');
  env.startPolling(vscode.window.state.focused);

  const activationMs = performance.now() - started;
  log.info(`AI Lab ${context.extension.packageJSON.version} activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, environment: env, environmentTree: tree, statusBar };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
