import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../../core/bytes';
import { summarizeProvider } from '../../core/env/providerSummary';
import { FeedUnreachableError, installCudaProvider, planCudaProvider } from '../../core/onnx/cudaProvider';
import { readConfig } from '../config';
import type { EnvironmentService } from '../environmentService';
import type { InferenceHost } from '../inferenceHost';
import type { Log } from '../log';
import { toAbortSignal } from '../cancellation';

/** "AI Lab: Enable CUDA Acceleration": fetch and install the CUDA provider, then probe again and say what loads. */
export async function enableCudaCommand(extensionPath: string, env: EnvironmentService, inference: InferenceHost, log: Log): Promise<boolean | undefined> {
  const ortDir = env.report?.onnxRuntime.path ?? path.join(extensionPath, 'node_modules', 'onnxruntime-node');
  let plan;
  try {
    plan = planCudaProvider(ortDir);
  } catch (err) {
    void vscode.window.showWarningMessage(`AI Lab: ${(err as Error).message}`);
    return undefined;
  }
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `AI Lab: ${plan.packageName} ${plan.version}`, cancellable: true },
      async (progress, token) => {
        const signal = toAbortSignal(token);
        let shown = 0;
        await installCudaProvider({
          ortDir,
          feedIndex: readConfig().cudaProviderFeed,
          signal: signal,
          log: (m) => log.info(m),
          onProgress: (p) => {
            if (p.stage === 'download' && p.totalBytes) {
              const pct = Math.floor((100 * (p.doneBytes ?? 0)) / p.totalBytes);
              progress.report({ message: `downloading ${formatBytes(p.doneBytes ?? 0)} of ${formatBytes(p.totalBytes)}`, increment: Math.max(0, pct - shown) });
              shown = Math.max(shown, pct);
            } else {
              progress.report({ message: { resolve: 'finding the package…', verify: 'verifying…', install: 'installing…', download: 'downloading…' }[p.stage] });
            }
          },
        });
      },
    );
  } catch (err) {
    if (err instanceof FeedUnreachableError) {
      // Offline or behind a proxy: say which source, and open the mirror setting in one click.
      log.error('Installing the CUDA provider failed', err);
      void vscode.window.showErrorMessage(`AI Lab: ${err.message[0]!.toUpperCase()}${err.message.slice(1)}`, 'Open Settings', 'Retry', 'Show Log').then((pick) => {
        if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'aiLab.cudaProviderFeed');
        if (pick === 'Retry') void vscode.commands.executeCommand('aiLab.enableCuda');
        if (pick === 'Show Log') log.show();
      });
      return undefined;
    }
    await log.showError('AI Lab: installing the CUDA provider failed', err);
    return undefined;
  }
  inference.reset();
  const report = await env.refresh();
  const cuda = report.onnxRuntime.providers.find((p) => p.name === 'cuda');
  if (cuda?.loadable) {
    void vscode.window.showInformationMessage('AI Lab: CUDA acceleration is on: ONNX Runtime\'s CUDA provider creates sessions here.');
    return true;
  }
  log.warn(`CUDA provider installed but does not load: ${cuda?.reason}`);
  // The why in a few words; the loader's own message is in the log (Show Log) and the Environment view.
  const hasGpu = report.gpus.length > 0;
  const why = cuda ? summarizeProvider(cuda, hasGpu).short : 'it was not probed';
  void vscode.window
    .showWarningMessage(
      hasGpu
        ? `AI Lab: the CUDA provider is installed but does not load here (${why}). It needs CUDA 12 and cuDNN 9 libraries: install them, or add a Python venv with torch cu12x to aiLab.cudaLibraryPaths. The loader's message is in the log.`
        : 'AI Lab: the CUDA provider is installed but does not load here: there is no NVIDIA GPU, so models run on the CPU. The loader\'s message is in the log.',
      'Open Settings',
      'Show Log',
    )
    .then((pick) => {
      if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'aiLab.cudaLibraryPaths');
      if (pick === 'Show Log') log.show();
    });
  return false;
}
