import * as vscode from 'vscode';
import { extractPdf, PdfError, scanAdvice, type PdfText } from '../../core/pdf/extract';
import { closePdfWorkers } from '../../core/pdf/pdfWorkerPool';
import { toAbortSignal } from '../cancellation';
import type { Log } from '../log';

interface Entry {
  mtime: number;
  size: number;
  text: PdfText;
}

const MAX_CACHED = 8;

export function fileName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString();
}

/**
 * PDF text for the commands: extracted once per file (a progress notification with cancel), cached
 * until the file changes, and the password asked for when the file is encrypted (kept for the session,
 * so the viewer and the commands ask once).
 */
export class PdfTextService implements vscode.Disposable {
  private readonly cache = new Map<string, Entry>();
  private readonly passwords = new Map<string, string>();
  private readonly watcher: vscode.FileSystemWatcher;
  /** Extractions run so far (tests check the cache through it). */
  extractions = 0;

  constructor(private readonly log: Log) {
    this.watcher = vscode.workspace.createFileSystemWatcher('**/*.{pdf,PDF}');
    const drop = (uri: vscode.Uri) => this.cache.delete(uri.toString());
    this.watcher.onDidChange(drop);
    this.watcher.onDidDelete(drop);
  }

  password(uri: vscode.Uri): string | undefined {
    return this.passwords.get(uri.toString());
  }

  /** A password a caller already has (tests, other extensions); kept for the session like a typed one. */
  setPassword(uri: vscode.Uri, password: string): void {
    this.passwords.set(uri.toString(), password);
    this.cache.delete(uri.toString());
  }

  /** Asks for the password (again, after a wrong one); undefined when the user gives up. */
  async askPassword(uri: vscode.Uri, wrong: boolean): Promise<string | undefined> {
    const pw = await vscode.window.showInputBox({
      title: `AI Lab: ${fileName(uri)} is encrypted`,
      prompt: wrong ? 'That password is not correct. Try again.' : 'Its password, to read the text (kept in memory for this session only)',
      password: true,
      ignoreFocusOut: true,
    });
    if (pw !== undefined) this.passwords.set(uri.toString(), pw);
    return pw;
  }

  /**
   * The whole document's text, from the cache when the file has not changed. `beforePrompt`: a prompt
   * the caller has open (Ask's question box) that a password box must wait for, not replace.
   */
  async text(uri: vscode.Uri, o: { beforePrompt?: Promise<unknown> } = {}): Promise<PdfText> {
    const key = uri.toString();
    const stat = await vscode.workspace.fs.stat(uri);
    const hit = this.cache.get(key);
    if (hit && hit.mtime === stat.mtime && hit.size === stat.size) {
      // Most recently used last, so the oldest is dropped first.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit.text;
    }
    const data = await vscode.workspace.fs.readFile(uri);
    const name = fileName(uri);
    this.log.info(`Reading the text of ${name} (${data.length} bytes)`);
    let wrong = false;
    for (;;) {
      try {
        const text = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `AI Lab: reading ${name}`, cancellable: true },
          async (progress, token) => {
            let last = 0;
            return extractPdf(data, name, {
              password: this.passwords.get(key),
              signal: toAbortSignal(token),
              onProgress: (done, total) => {
                const pct = Math.floor((100 * done) / total);
                progress.report({ message: `page ${done} of ${total}`, increment: pct - last });
                last = pct;
              },
            });
          },
        );
        this.extractions++;
        this.log.info(`Extracted text of ${name}: ${text.pageCount} pages, ${text.text.length} characters${text.emptyPages.length ? `, ${text.emptyPages.length} pages without text` : ''}`);
        const advice = scanAdvice(text, name);
        if (advice) throw new PdfError('noText', advice);
        if (text.unreadablePages.length) {
          const which = text.unreadablePages.length > 5 ? `${text.unreadablePages.length} pages` : `${text.unreadablePages.length === 1 ? 'page' : 'pages'} ${text.unreadablePages.join(', ')}`;
          this.log.warn(`${name}: some text could not be read on ${which} (glyphs without a Unicode mapping, left out)`);
          void vscode.window.showWarningMessage(`AI Lab: some text of ${name} could not be read (${which}): its fonts have glyphs without a Unicode mapping. They are left out of the text.`);
        }
        this.cache.set(key, { mtime: stat.mtime, size: stat.size, text });
        for (const old of [...this.cache.keys()].slice(0, Math.max(0, this.cache.size - MAX_CACHED))) this.cache.delete(old);
        return text;
      } catch (err) {
        if (err instanceof PdfError && (err.kind === 'needPassword' || err.kind === 'wrongPassword')) {
          await o.beforePrompt;
          const pw = await this.askPassword(uri, wrong || err.kind === 'wrongPassword');
          if (pw === undefined) throw new PdfError('needPassword', `${name} is encrypted; AI Lab needs its password to read it.`);
          wrong = true;
          continue;
        }
        if (err instanceof PdfError && err.kind === 'cancelled') throw new vscode.CancellationError();
        throw err;
      }
    }
  }

  dispose(): void {
    this.watcher.dispose();
    this.cache.clear();
    this.passwords.clear();
    void closePdfWorkers();
  }
}
