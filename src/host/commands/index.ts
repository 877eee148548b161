import * as vscode from 'vscode';
import { reportToMarkdown } from '../../core/env/reportMarkdown';
import type { EnvironmentService } from '../environmentService';
import type { HubSession } from '../hubSession';
import type { InferenceHost } from '../inferenceHost';
import type { ResultsPanel } from '../webviews/resultsPanel';
import type { Log } from '../log';
import { isLink, type EnvNode } from '../views/environmentTree';
import { getOnnxWeightsCommand } from './getOnnxWeights';
import { chooseModelCommand } from './chooseModel';
import { enableCudaCommand } from './enableCuda';
import { createNlpCommands } from './nlp';
import { createPdfCommands } from './askQuestion';
import { createTranslateCommands } from './translate';
import { createSimilarityCommands } from './similarity';
import type { PdfTextService } from '../pdf/pdfTextService';
import type { PdfViewerProvider } from '../pdf/pdfViewer';
import { runPipelineCommand, type RunPipelineArgs } from './runPipeline';
import { createSetupCommands } from './setup';
import { runSmokeTestCommand } from './smokeTest';

export interface CommandDeps {
  env: EnvironmentService;
  log: Log;
  inference: InferenceHost;
  state: vscode.Memento;
  workspaceState: vscode.Memento;
  panel: ResultsPanel;
  extensionVersion: string;
  extensionPath: string;
  hub: HubSession;
  pdfText: PdfTextService;
  pdfViewer: PdfViewerProvider;
}

type Handler = (...args: unknown[]) => unknown;

/** name → handler, registered in one loop. */
export function createCommands(d: CommandDeps): Record<string, Handler> {
  const nlp = { inference: d.inference, panel: d.panel, log: d.log, globalState: d.state, workspaceState: d.workspaceState, pdfText: d.pdfText, pdfViewer: d.pdfViewer };
  return {
    'aiLab.refreshEnvironment': async () => {
      try {
        await d.env.refresh();
      } catch (err) {
        await d.log.showError('Refreshing the environment failed', err);
      }
    },
    'aiLab.copyEnvironmentReport': async () => {
      try {
        const report = d.env.report ?? (await d.env.refresh());
        const md = reportToMarkdown(report, {
          'AI Lab': d.extensionVersion,
          'VS Code': `${vscode.version} (${vscode.env.appHost}${vscode.env.remoteName ? `, remote ${vscode.env.remoteName}` : ''})`,
        });
        await vscode.env.clipboard.writeText(md);
        void vscode.window.showInformationMessage('AI Lab: environment report copied to the clipboard as Markdown.');
        return md;
      } catch (err) {
        await d.log.showError('Copying the environment report failed', err);
        return undefined;
      }
    },
    'aiLab.showLog': () => d.log.show(),
    'aiLab.manageWorkspaceTrust': () => vscode.commands.executeCommand('workbench.trust.manage'),
    ...createNlpCommands(nlp),
    ...createTranslateCommands(nlp),
    ...createPdfCommands(nlp),
    ...createSimilarityCommands(nlp),
    'aiLab.chooseModel': (args: unknown) => chooseModelCommand(d.log, d.hub, args as Parameters<typeof chooseModelCommand>[2]),
    'aiLab.getOnnxWeights': (arg: unknown) => getOnnxWeightsCommand(d.log, d.hub, arg),
    ...createSetupCommands(d.extensionPath, d.env, d.log),
    'aiLab.runSmokeTest': (args: unknown) => {
      const n = args as { kind?: string; env?: { path: string }; python?: string } | undefined;
      // From the tree's inline action (a python node) or a caller passing { python }.
      return runSmokeTestCommand(d.extensionPath, d.env, d.log, { python: n?.kind === 'python' ? n.env?.path : n?.python });
    },
    'aiLab.enableCuda': () => enableCudaCommand(d.extensionPath, d.env, d.inference, d.log),
    'aiLab.setBackendApiKey': () => d.inference.backends?.setApiKey(),
    'aiLab.runPipeline': (args: unknown) => runPipelineCommand(d.inference, d.log, d.state, (args ?? {}) as RunPipelineArgs),
    'aiLab.showCpuEnvironment': () => d.env.setShowWithoutGpu(true),
    'aiLab.revealEnvironment': async () => {
      await vscode.commands.executeCommand('workbench.view.extension.aiLab');
      await vscode.commands.executeCommand('aiLab.environment.focus');
    },
    'aiLab.copyFix': async (node: unknown) => {
      const fix = diagnosisOf(node)?.fix;
      if (!fix) return;
      await vscode.env.clipboard.writeText(fix);
      void vscode.window.showInformationMessage(`Copied: ${fix}`);
    },
    'aiLab.openFixLink': async (node: unknown) => {
      const fix = diagnosisOf(node)?.fix;
      if (fix && isLink(fix)) await vscode.env.openExternal(vscode.Uri.parse(fix));
    },
    'aiLab.copyValue': async (node: unknown) => {
      const n = node as EnvNode | undefined;
      const text = n?.kind === 'value' ? `${n.label}: ${n.value}` : n?.kind === 'provider' ? `${n.provider.name}: ${n.provider.reason ?? 'loads'}` : undefined;
      if (text) await vscode.env.clipboard.writeText(text);
    },
  };
}

function diagnosisOf(node: unknown) {
  const n = node as EnvNode | undefined;
  return n?.kind === 'diagnosis' ? n.diagnosis : undefined;
}

export function registerCommands(context: vscode.ExtensionContext, handlers: Record<string, Handler>): void {
  for (const [name, handler] of Object.entries(handlers)) {
    context.subscriptions.push(vscode.commands.registerCommand(name, handler));
  }
}
