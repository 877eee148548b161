import * as vscode from 'vscode';
import type { TokenReport } from '../../core/tokenize/types';
import { parseTokenizerMessage, type TokenizerToWebview } from '../../shared/hubProtocol';
import type { Log } from '../log';
import { createPanel } from './webviewPage';

/** The tokenizer inspector's panel: one, reused; clicking a token selects its characters in the editor. */
export class TokenizerPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private last: TokenizerToWebview | undefined;
  private source: { uri: vscode.Uri; offset: number } | undefined;
  report: TokenReport | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {}

  show(text: string, report: TokenReport, source?: { uri: vscode.Uri; offset: number }): void {
    this.report = report;
    this.source = source;
    this.last = { type: 'report', text, report };
    if (!this.panel) {
      const panel = createPanel(this.extensionUri, 'aiLab.tokenizer', 'Tokenization', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { title: 'Tokenization', script: 'tokenizer', styles: ['results.css', 'hub.css'], body: '<main id="app"></main>' });
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
      });
      panel.webview.onDidReceiveMessage(async (raw) => {
        const m = parseTokenizerMessage(raw);
        if (!m) return this.log.warn('Tokenizer panel: ignored a message that is not in the protocol');
        if (m.type === 'ready') {
          this.ready = true;
          if (this.last) void panel.webview.postMessage(this.last);
          return;
        }
        await this.reveal(m.start, m.end);
      });
      this.panel = panel;
    } else {
      this.panel.reveal(undefined, true);
    }
    this.panel.title = `Tokens: ${report.model.split(/[\\/]/).slice(-2).join('/')}`;
    if (this.ready) void this.panel.webview.postMessage(this.last);
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
