import * as vscode from 'vscode';
import type { TokenReport } from '../../core/tokenize/types';
import { TOKENIZER_CHECKS, type TokenizerProtocol } from '../../shared/hubProtocol';
import type { Log } from '../log';
import { HostChannel } from './channel';
import { createPanel } from './webviewPage';

/** The tokenizer inspector's panel: one, reused; clicking a token selects its characters in the editor. */
export class TokenizerPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private channel: HostChannel<TokenizerProtocol> | undefined;
  private last: TokenizerProtocol['host']['notifications']['report'] | undefined;
  private source: { uri: vscode.Uri; offset: number } | undefined;
  report: TokenReport | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {}

  show(text: string, report: TokenReport, source?: { uri: vscode.Uri; offset: number }): void {
    this.report = report;
    this.source = source;
    this.last = { text, report };
    if (!this.panel) {
      const panel = createPanel(this.extensionUri, 'aiLab.tokenizer', 'Tokenization', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { title: 'Tokenization', script: 'tokenizer', styles: ['results.css', 'hub.css'], body: '<main id="app"></main>' });
      const channel = new HostChannel<TokenizerProtocol>(panel, { name: 'Tokenizer panel', validators: TOKENIZER_CHECKS, log: (l) => this.log.warn(l), resets: ['report'] });
      // A reloaded page shows the last report again.
      channel.onReady(() => this.last && void channel.notify('report', this.last));
      channel.onNotification('reveal', (m) => void this.reveal(m.start, m.end));
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.channel = undefined;
      });
      this.panel = panel;
      this.channel = channel;
    } else {
      this.panel.reveal(undefined, true);
      void this.channel?.notify('report', this.last);
    }
    this.panel.title = `Tokens: ${report.model.split(/[\\/]/).slice(-2).join('/')}`;
  }

  /**
   * Selects a token's characters in the editor the text came from: [start, end) are the report's
   * UTF-16 offsets in that text, what the page sends when a token is clicked. Returns the range.
   */
  async reveal(start: number, end: number): Promise<vscode.Range | undefined> {
    if (!this.source) return undefined;
    const doc = await vscode.workspace.openTextDocument(this.source.uri);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
    const range = new vscode.Range(doc.positionAt(this.source.offset + start), doc.positionAt(this.source.offset + end));
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return range;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
