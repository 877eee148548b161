import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FolderReport } from '../../core/model/findings';
import { VALIDATE_CHECKS, type ValidateProtocol } from '../../shared/validateProtocol';
import type { Log } from '../log';
import { HostChannel } from './channel';
import { createPanel } from './webviewPage';

/** The Validate Model Folder report: one panel, reused; a finding's file opens in the editor; Validate Again runs the checks anew. */
export class ValidatePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private channel: HostChannel<ValidateProtocol> | undefined;
  private last: FolderReport | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
    private readonly revalidate: (dir: string) => unknown,
  ) {}

  get report(): FolderReport | undefined {
    return this.last;
  }

  show(report: FolderReport): void {
    this.last = report;
    if (!this.panel) {
      const panel = createPanel(this.extensionUri, 'aiLab.validate', 'Model Folder', vscode.ViewColumn.Active, { title: 'Validate Model Folder', script: 'validate', styles: ['results.css', 'hub.css'], body: '<main id="app"></main>' });
      const channel = new HostChannel<ValidateProtocol>(panel, { name: 'Validate panel', validators: VALIDATE_CHECKS, log: (l) => this.log.warn(l), resets: ['report'] });
      // A reloaded page shows the last report again.
      channel.onReady(() => this.last && void channel.notify('report', { report: this.last }));
      channel.onNotification('openFile', (m) => void this.openFile(m.file));
      channel.onNotification('revalidate', () => this.last && this.revalidate(this.last.dir));
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.channel = undefined;
      });
      this.panel = panel;
      this.channel = channel;
    } else {
      this.panel.reveal(undefined, false);
      void this.channel?.notify('report', { report });
    }
    this.panel.title = `Model Folder: ${path.basename(report.dir)}`;
  }

  /** Opens `file` (relative to the report's folder, checked to stay inside it) in the editor; a folder is revealed in the Explorer. */
  async openFile(file: string): Promise<void> {
    if (!this.last) return;
    const full = path.resolve(this.last.dir, file);
    if (path.relative(this.last.dir, full).startsWith('..')) return;
    if (!fs.existsSync(full)) {
      void vscode.window.showInformationMessage(`AI Lab: ${file} is not in ${this.last.dir} (the finding is that it is missing).`);
      return;
    }
    const uri = vscode.Uri.file(full);
    if (fs.statSync(full).isDirectory()) await vscode.commands.executeCommand('revealInExplorer', uri);
    // Weights are binary: the Explorer shows where they are instead of a binary editor.
    else if (/\.(safetensors|bin|onnx|onnx_data|h5|msgpack|model)$/.test(full)) await vscode.commands.executeCommand('revealInExplorer', uri);
    else await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
