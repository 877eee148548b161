import * as vscode from 'vscode';
import { checkPdfBytes, checkPdfFile, PdfError } from '../../core/pdf/extract';
import { parseFromViewer, type FromViewer, type Highlight, type SelectionPart, type Shown, type ToViewer } from '../../shared/pdfProtocol';
import type { Log } from '../log';
import { webviewPage } from '../webviews/webviewPage';
import { fileName, type PdfTextService } from './pdfTextService';

export const PDF_VIEW_TYPE = 'aiLab.pdfViewer';

/** One open viewer: what the page last said (pages, page on screen, selection). */
export interface ViewerState {
  uri: vscode.Uri;
  panel: vscode.WebviewPanel;
  pages?: number;
  page: number;
  zoom: number;
  selection?: { text: string; page?: number; parts?: SelectionPart[] };
  /** The last goto the page finished, for tests and the reveal promise. */
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
  private readonly events = new vscode.EventEmitter<{ state: ViewerState; message: FromViewer }>();
  /** Every validated message from a viewer page (selection, page, shown…). */
  readonly onDidMessage = this.events.event;

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
    const state: ViewerState = { uri: document.uri, panel, page: 1, zoom: 1 };
    this.viewers.add(state);
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
    const post = (m: ToViewer) => void webview.postMessage(m);
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
        post({ type: 'open', name: fileName(document.uri), ...source, page: state.page, cMapUrl: asWebview('cmaps'), standardFontDataUrl: asWebview('standard_fonts'), wasmUrl: asWebview('wasm') });
      } catch (err) {
        state.error = err instanceof Error ? err.message : String(err);
        post({ type: 'error', message: state.error });
        if (err instanceof PdfError) void vscode.window.showWarningMessage(`AI Lab: ${state.error}`);
        else await this.log.showError(`AI Lab: could not open ${fileName(document.uri)}`, err);
      }
    };
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(document.uri, '..'), fileName(document.uri)));
    watcher.onDidChange(() => void load());
    webview.onDidReceiveMessage(async (raw) => {
      const m = parseFromViewer(raw);
      if (!m) return this.log.warn(`PDF viewer: ignored a message that is not in the protocol: ${JSON.stringify(raw)?.slice(0, 200)}`);
      if (m.type === 'ready') await load();
      else if (m.type === 'needPassword') {
        const known = !m.wrong ? this.texts.password(document.uri) : undefined;
        const password = known ?? (await this.texts.askPassword(document.uri, m.wrong));
        post({ type: 'password', password, wrong: m.wrong });
      } else if (m.type === 'loaded') {
        state.pages = m.pages;
        state.error = undefined;
      } else if (m.type === 'failed') {
        state.error = m.message;
        this.log.warn(`PDF viewer: ${fileName(document.uri)}: ${m.message}`);
      } else if (m.type === 'selection') {
        state.selection = m.text.trim() ? { text: m.text, page: m.page, parts: m.parts } : undefined;
        this.updateContext();
      } else if (m.type === 'page') {
        state.page = m.page;
        state.zoom = m.zoom;
      } else if (m.type === 'shown') state.shown = { page: m.page, highlighted: m.highlighted, marked: m.marked, before: m.before };
      this.events.fire({ state, message: m });
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
    const started = Date.now();
    let state = this.viewerFor(uri);
    while ((!state || state.pages === undefined) && Date.now() - started < timeoutMs) {
      if (state?.error) throw new Error(state.error);
      await new Promise((r) => setTimeout(r, 50));
      state = this.viewerFor(uri);
    }
    if (!state || state.pages === undefined) throw new Error(`The PDF viewer did not load ${fileName(uri)} in ${timeoutMs / 1000} s.`);
    const viewer = state;
    const shown = new Promise<Shown>((resolve, reject) => {
      const timer = setTimeout(() => (sub.dispose(), reject(new Error(`The PDF viewer did not show page ${page}.`))), timeoutMs);
      const sub = this.onDidMessage(({ state: s, message }) => {
        if (s !== viewer || message.type !== 'shown' || message.page !== page) return;
        clearTimeout(timer);
        sub.dispose();
        resolve({ page: message.page, highlighted: message.highlighted, ...(message.marked !== undefined ? { marked: message.marked, before: message.before } : {}) });
      });
    });
    void viewer.panel.webview.postMessage({ type: 'goto', page, highlight } satisfies ToViewer);
    return shown;
  }

  dispose(): void {
    this.events.dispose();
  }
}
