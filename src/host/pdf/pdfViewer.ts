import * as vscode from 'vscode';
import { checkPdfBytes, checkPdfFile, PdfError } from '../../core/pdf/extract';
import { PDF_CHECKS, type Highlight, type PdfProtocol, type SelectionPart, type Shown } from '../../shared/pdfProtocol';
import { ChannelError } from '../../shared/webviewChannel';
import type { Log } from '../log';
import { HostChannel } from '../webviews/channel';
import { webviewPage } from '../webviews/webviewPage';
import { fileName, type PdfTextService } from './pdfTextService';

export const PDF_VIEW_TYPE = 'aiLab.pdfViewer';

/** One open viewer: what the page last said (pages, page on screen, selection). */
export interface ViewerState {
  uri: vscode.Uri;
  panel: vscode.WebviewPanel;
  channel: HostChannel<PdfProtocol>;
  pages?: number;
  page: number;
  zoom: number;
  selection?: { text: string; page?: number; parts?: SelectionPart[] };
  /** The last goto the page finished (for tests). */
  shown?: Shown;
  error?: string;
}

/**
 * The PDF viewer: a read-only custom editor (registered with priority "option": other PDF viewers
 * keep the file unless the user picks this one). pdf.js renders in the webview; the host reads the
 * file and hands over its bytes, and asks for a password when the page needs one.
 */
export class PdfViewerProvider implements vscode.CustomReadonlyEditorProvider, vscode.Disposable {
  private readonly viewers = new Set<ViewerState>();
  private readonly opened = new vscode.EventEmitter<ViewerState>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly texts: PdfTextService,
    private readonly log: Log,
  ) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  private resources(): vscode.Uri[] {
    const pdfjs = vscode.Uri.joinPath(this.extensionUri, 'node_modules', 'pdfjs-dist');
    return [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media'), vscode.Uri.joinPath(pdfjs, 'cmaps'), vscode.Uri.joinPath(pdfjs, 'standard_fonts'), vscode.Uri.joinPath(pdfjs, 'wasm')];
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    // The provider is registered with retainContextWhenHidden (src/extension.ts): a hidden page keeps its state.
    const channel = new HostChannel<PdfProtocol>(panel, { name: 'PDF viewer', validators: PDF_CHECKS, log: (l) => this.log.warn(l), resets: ['open', 'error'] });
    const state: ViewerState = { uri: document.uri, panel, channel, page: 1, zoom: 1 };
    this.viewers.add(state);
    this.opened.fire(state);
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [...this.resources(), vscode.Uri.joinPath(document.uri, '..')] };
    webview.html = webviewPage(webview, this.extensionUri, {
      title: fileName(document.uri),
      script: 'pdf',
      styles: ['pdfViewer.css'],
      csp: `font-src ${webview.cspSource} data: blob:; connect-src ${webview.cspSource}`,
      // pdf.js decodes JPEG 2000 images (common in scans) and ICC colours with WebAssembly only.
      wasm: true,
      body: `<div id="toolbar" role="toolbar" aria-label="PDF viewer">
  <button id="prev" title="Previous page (PageUp)" aria-label="Previous page">‹</button>
  <input id="pageNumber" type="number" min="1" value="1" aria-label="Page number"><span id="pageCount">/ …</span>
  <button id="next" title="Next page (PageDown)" aria-label="Next page">›</button>
  <span class="sep"></span>
  <button id="zoomOut" title="Zoom out (Ctrl+-)" aria-label="Zoom out">−</button>
  <select id="zoom" aria-label="Zoom"><option value="fit">Fit width</option><option value="0.5">50 %</option><option value="0.75">75 %</option><option value="1">100 %</option><option value="1.25">125 %</option><option value="1.5">150 %</option><option value="2">200 %</option><option value="3">300 %</option></select>
  <button id="zoomIn" title="Zoom in (Ctrl+=)" aria-label="Zoom in">+</button>
  <span class="sep"></span>
  <input id="find" type="search" placeholder="Find (Ctrl+F)" aria-label="Find in document">
  <button id="findPrev" title="Previous match (Shift+Enter)" aria-label="Previous match">↑</button>
  <button id="findNext" title="Next match (Enter)" aria-label="Next match">↓</button>
  <span id="findStatus" class="muted" aria-live="polite"></span>
</div>
<div id="status" class="muted" role="status"></div>
<div id="viewer" tabindex="0" aria-label="PDF pages"></div>`,
    });
    const load = async () => {
      try {
        const asWebview = (dir: string) => `${webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'node_modules', 'pdfjs-dist', dir)).toString()}/`;
        // The page fetches files on disk itself (no copy through messages; the host reads only the ends
        // to check them); others go as base64.
        let source: { url: string } | { base64: string };
        if (document.uri.scheme === 'file') {
          await checkPdfFile(document.uri.fsPath, fileName(document.uri));
          source = { url: `${webview.asWebviewUri(document.uri).toString()}?v=${Date.now()}` };
        } else {
          const data = await vscode.workspace.fs.readFile(document.uri);
          checkPdfBytes(data, fileName(document.uri));
          source = { base64: Buffer.from(data).toString('base64') };
        }
        void channel.notify('open', { name: fileName(document.uri), ...source, page: state.page, cMapUrl: asWebview('cmaps'), standardFontDataUrl: asWebview('standard_fonts'), wasmUrl: asWebview('wasm') });
      } catch (err) {
        state.error = err instanceof Error ? err.message : String(err);
        void channel.notify('error', { message: state.error });
        if (err instanceof PdfError) void vscode.window.showWarningMessage(`AI Lab: ${state.error}`);
        else await this.log.showError(`AI Lab: could not open ${fileName(document.uri)}`, err);
      }
    };
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(document.uri, '..'), fileName(document.uri)));
    watcher.onDidChange(() => void load());
    // Each page that loads (the first, and a reloaded one) gets the file.
    channel.onReady(() => void load());
    channel.onRequest('password', async ({ wrong }) => {
      const known = !wrong ? this.texts.password(document.uri) : undefined;
      return { password: known ?? (await this.texts.askPassword(document.uri, wrong)) };
    });
    channel.onNotification('loaded', (m) => {
      state.pages = m.pages;
      state.error = undefined;
    });
    channel.onNotification('failed', (m) => {
      state.error = m.message;
      this.log.warn(`PDF viewer: ${fileName(document.uri)}: ${m.message}`);
    });
    channel.onNotification('selection', (m) => {
      state.selection = m.text.trim() ? { text: m.text, page: m.page, parts: m.parts } : undefined;
      this.updateContext();
    });
    channel.onNotification('page', (m) => {
      state.page = m.page;
      state.zoom = m.zoom;
    });
    panel.onDidChangeViewState(() => this.updateContext());
    panel.onDidDispose(() => {
      watcher.dispose();
      this.viewers.delete(state);
      this.updateContext();
    });
    this.updateContext();
  }

  private updateContext(): void {
    const active = this.active();
    void vscode.commands.executeCommand('setContext', 'aiLab.pdfHasSelection', Boolean(active?.selection));
  }

  /** The viewer the user is looking at (the active editor tab), if it is one of ours. */
  active(): ViewerState | undefined {
    return [...this.viewers].find((v) => v.panel.active);
  }

  viewerFor(uri: vscode.Uri): ViewerState | undefined {
    return [...this.viewers].find((v) => v.uri.toString() === uri.toString());
  }

  /**
   * Opens the PDF in this viewer (or brings it forward) at `page`, with `highlight` marked; resolves
   * when the page says it is shown.
   */
  async reveal(uri: vscode.Uri, page: number, highlight?: Highlight, timeoutMs = 20_000): Promise<Shown> {
    await vscode.commands.executeCommand('vscode.openWith', uri, PDF_VIEW_TYPE, { preview: false, viewColumn: vscode.ViewColumn.One });
    const state = this.viewerFor(uri) ?? (await this.nextViewer(uri, timeoutMs));
    // The request waits in the channel until the page is ready, and the page answers once the file is
    // loaded and the page is drawn (or with why the file could not be shown).
    try {
      state.shown = await state.channel.request('goto', { page, highlight }, { timeoutMs });
      return state.shown;
    } catch (err) {
      if (err instanceof ChannelError && err.code === 'timeout') throw new Error(`The PDF viewer did not show page ${page} of ${fileName(uri)} in ${timeoutMs / 1000} s.`);
      throw err instanceof ChannelError && err.code === 'failed' ? new Error(err.message) : err;
    }
  }

  /** The viewer of `uri` once VS Code resolves it (an event, no polling); fails after `timeoutMs`. */
  private nextViewer(uri: vscode.Uri, timeoutMs: number): Promise<ViewerState> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (sub.dispose(), reject(new Error(`The PDF viewer did not open ${fileName(uri)} in ${timeoutMs / 1000} s.`))), timeoutMs);
      const sub = this.opened.event((s) => {
        if (s.uri.toString() !== uri.toString()) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(s);
      });
    });
  }

  dispose(): void {
    for (const v of this.viewers) v.channel.dispose();
    this.opened.dispose();
  }
}
