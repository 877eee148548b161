import * as vscode from 'vscode';
import { NO_GPU_LABEL, summarizeForStatusBar } from '../core/env/statusSummary';
import { describeDevice } from '../core/inference/device';
import { readConfig } from './config';
import type { EnvironmentService } from './environmentService';

/** One status bar item: the GPU (or several, and how many are lost), CPU when there is none, or unknown when nvidia-smi hangs. */
export class GpuStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly sub: vscode.Disposable;

  constructor(private readonly env: EnvironmentService) {
    this.item = vscode.window.createStatusBarItem('aiLab.gpu', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'AI Lab GPU';
    this.item.command = 'aiLab.revealEnvironment';
    this.sub = env.onDidChange(() => this.update());
    this.update();
  }

  update(): void {
    const cfg = readConfig();
    const probe = this.env.lastPoll;
    if (!cfg.statusBarEnabled || !probe) {
      this.item.hide();
      return;
    }
    const s = summarizeForStatusBar(probe);
    if (s.state === 'cpu' && !cfg.statusBarShowWhenNoGpu) {
      this.item.hide();
      return;
    }
    const icon = s.state === 'unknown' ? '$(question)' : s.state === 'lost' ? '$(warning)' : '$(circuit-board)';
    this.item.text = `${icon} ${s.text}`;
    this.item.backgroundColor = s.memoryWarning || s.lostGpus ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const md = new vscode.MarkdownString(s.tooltip.join('\n'));
    const ort = this.env.report?.onnxRuntime;
    let enableCuda = false;
    if (ort?.providers.length) {
      // One line: the device and why, in a few words. The CUDA loader's message is in the Environment view and the log.
      const d = describeDevice(cfg.device, ort, s.state === 'unknown' ? undefined : s.state === 'gpu');
      enableCuda = d.offerEnableCuda;
      md.appendMarkdown(`\n\n**Inference:** ${d.label === NO_GPU_LABEL ? 'CPU' : d.label}: ${d.reason.replace(/[\\`*_[\]]/g, '\\$&')}`);
      if (enableCuda) md.appendMarkdown(' · [Enable CUDA Acceleration](command:aiLab.enableCuda)');
    }
    md.appendMarkdown(
      `\n\n${s.memoryWarning ? '$(warning) GPU memory above 90 %\n\n' : ''}[Show environment](command:aiLab.revealEnvironment) · [Refresh](command:aiLab.refreshEnvironment) · [Show log](command:aiLab.showLog)`,
    );
    md.supportThemeIcons = true;
    md.isTrusted = { enabledCommands: ['aiLab.revealEnvironment', 'aiLab.refreshEnvironment', 'aiLab.showLog', ...(enableCuda ? ['aiLab.enableCuda'] : [])] };
    this.item.tooltip = md;
    this.item.accessibilityInformation = { label: `AI Lab: ${s.text}`, role: 'button' };
    this.item.show();
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
