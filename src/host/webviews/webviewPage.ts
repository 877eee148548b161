import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface PageOptions {
  title: string;
  /** dist/webview/<script>.js */
  script: string;
  /** media/<name>.css files. */
  styles: string[];
  body: string;
  /** Extra img-src sources (e.g. https: when remote images in cards are allowed). */
  imgSrc?: string;
  /** Extra CSP directives (the PDF viewer loads embedded fonts and pdf.js's CMaps). */
  csp?: string;
  /** Lets the page compile WebAssembly ('wasm-unsafe-eval'; no eval of scripts): pdf.js's image decoders. */
  wasm?: boolean;
}

/**
 * An AI Lab panel: scripts on, resources only from dist/webview and media, the AI Lab icon, and the
 * page below as its HTML.
 */
export function createPanel(
  extensionUri: vscode.Uri,
  viewType: string,
  title: string,
  column: vscode.ViewColumn | { viewColumn: vscode.ViewColumn; preserveFocus: boolean },
  page: PageOptions,
): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(viewType, title, column, {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  });
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ai-lab.svg');
  panel.webview.html = webviewPage(panel.webview, extensionUri, page);
  return panel;
}

/** A page with a strict CSP (a nonce for our one script, no inline code, no remote content by default). */
export function webviewPage(webview: vscode.Webview, extensionUri: vscode.Uri, o: PageOptions): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'${o.wasm ? " 'wasm-unsafe-eval'" : ''}; style-src ${webview.cspSource}; img-src ${webview.cspSource} data:${o.imgSrc ? ` ${o.imgSrc}` : ''}${o.csp ? `; ${o.csp}` : ''}`;
  const media = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', f));
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${o.styles.map((s) => `<link rel="stylesheet" href="${media(s)}">`).join('\n')}
<title>${esc(o.title)}</title></head>
<body>${o.body}
<script nonce="${nonce}" type="module" src="${webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${o.script}.js`))}"></script>
</body></html>`;
}
