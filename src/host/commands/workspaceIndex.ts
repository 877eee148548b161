/**
 * The workspace index in VS Code: AI Lab: Index Workspace (progress, cancel; kept up to date by a
 * file watcher, debounced), Search Workspace by Meaning (a quick pick with previews that opens the
 * file at the passage or the PDF viewer at the page), Ask the Workspace (results panel; an answer
 * opens its file and page), Delete Workspace Index. The index lives in the extension's storage for
 * this workspace (context.storageUri), one per workspace folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LabOutput } from '../../core/nlp/runner';
import { resolveGuarded } from '../../core/settings/guarded';
import { looksLikePath, resolveSettingPath } from '../../core/settings/workspacePaths';
import { LAB_TASKS } from '../../core/nlp/tasks';
import { buildIndex, type BuildResult } from '../../core/search/buildIndex';
import { DEFAULT_MAX_FILE_MB } from '../../core/search/documents';
import { askFolders, searchFolders, type FolderHit, type IndexedFolder } from '../../core/search/folders';
import { SearchableIndex } from '../../core/search/hybridSearch';
import { deleteIndex, loadIndex } from '../../core/search/indexStore';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE } from '../../core/search/workspaceFiles';
import { toAbortSignal } from '../cancellation';
import { localWorkspaceFolders, readConfig } from '../config';
import { setIndexedEmbedder } from '../indexedEmbedder';
import { stageMessage } from '../inferenceHost';
import { isCancellation } from '../log';
import { askTitle } from './askQuestion';
import { runInPanel, type NlpDeps } from './labRun';

/**
 * aiLab.index.* as read now; the embedding model is guarded as the task models are. `folder`: the
 * workspace folder whose settings apply (a multi-root workspace's folders may each set their globs);
 * the embedding model is the workspace's, one for all folders (their hits are merged).
 */
export function readIndexConfig(folder?: vscode.Uri): { include: string[]; exclude: string[]; embeddingModel: string; maxFileMB: number; watch: boolean } {
  const c = vscode.workspace.getConfiguration('aiLab', folder);
  const list = (key: string, fallback: string[]) => {
    const v = c.get<unknown>(key);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : fallback;
  };
  const raw = resolveGuarded<string>('index.embeddingModel', c.inspect<string>('index.embeddingModel'), vscode.workspace.isTrusted).value?.trim();
  const model = !raw ? LAB_TASKS.extractive.defaultModel : looksLikePath(raw) ? resolveSettingPath(raw, localWorkspaceFolders()[0]) : raw;
  const mb = c.get<number>('index.maxFileMB', DEFAULT_MAX_FILE_MB);
  return { include: list('index.include', DEFAULT_INCLUDE), exclude: list('index.exclude', DEFAULT_EXCLUDE), embeddingModel: model, maxFileMB: Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_MAX_FILE_MB, watch: c.get<boolean>('index.watch', true) };
}

interface Folder {
  root: string;
  /** The folder's name in the workspace (WorkspaceFolder.name). */
  name: string;
  indexDir: string;
}

/** The indexes of this workspace's folders, their watcher, and the commands on them. */
export class WorkspaceIndexService implements vscode.Disposable {
  private watcher?: vscode.FileSystemWatcher;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private cache = new Map<string, { at: number; index: SearchableIndex }>();

  constructor(
    private readonly d: NlpDeps,
    private readonly storage: vscode.Uri | undefined,
  ) {
    if (this.folders().some((f) => fs.existsSync(path.join(f.indexDir, 'index', 'manifest.json')))) this.watch();
    setIndexedEmbedder(() => this.embedderIfIndexed());
  }

  /** One index per local workspace folder, under the extension's workspace storage. */
  folders(): Folder[] {
    if (!this.storage) return [];
    const named = new Map((vscode.workspace.workspaceFolders ?? []).map((f) => [f.uri.fsPath, f.name]));
    return localWorkspaceFolders().map((root, i) => ({ root, name: named.get(root) ?? path.basename(root), indexDir: path.join(this.storage!.fsPath, 'search', `${i}-${path.basename(root).replace(/[^\w.-]+/g, '_')}`) }));
  }

  /** The embedding model of the workspace's index when one is there and made with the configured model: Ask on one PDF then uses hybrid retrieval. */
  embedderIfIndexed(): string | undefined {
    const model = readIndexConfig().embeddingModel;
    return this.folders().some((f) => this.loaded(f, model)) ? model : undefined;
  }

  loaded(f: Folder, model: string): SearchableIndex | undefined {
    const manifest = path.join(f.indexDir, 'index', 'manifest.json');
    let at = 0;
    try {
      at = fs.statSync(manifest).mtimeMs;
    } catch {
      this.cache.delete(f.indexDir);
      return undefined;
    }
    const hit = this.cache.get(f.indexDir);
    if (hit && hit.at === at && hit.index.data.manifest.model === model) return hit.index;
    const l = loadIndex(f.indexDir, model);
    if (!l.index) return undefined;
    const index = new SearchableIndex(l.index);
    this.cache.set(f.indexDir, { at, index });
    return index;
  }

  /** Indexes every folder, with a cancellable progress notification (or in the status bar, `quiet`). */
  async index(quiet = false): Promise<BuildResult[] | undefined> {
    const folders = this.folders();
    if (!folders.length) {
      void vscode.window.showWarningMessage(this.storage ? 'AI Lab: open a folder on disk to index it.' : 'AI Lab: open a folder (not a single file) to index it.');
      return undefined;
    }
    if (this.running) await this.running.catch(() => undefined);
    const cfg = readIndexConfig();
    const work = Promise.resolve(
      vscode.window.withProgress(
      { location: quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title: 'AI Lab: Index Workspace', cancellable: !quiet },
      async (progress, token) => {
        const signal = toAbortSignal(token);
        const { runner, model } = await this.d.inference.runnerFor('extractive', cfg.embeddingModel, (st) => st.stage !== 'resolve' && progress.report({ message: stageMessage(st, cfg.embeddingModel) }));
        const out: BuildResult[] = [];
        for (const f of folders) {
          // Each folder's own globs (its folder settings), matched relative to its own root, with its own .gitignore files.
          const fc = readIndexConfig(vscode.Uri.file(f.root));
          out.push(
            await buildIndex({
              root: f.root,
              indexDir: f.indexDir,
              runner,
              model,
              recordAs: cfg.embeddingModel,
              include: fc.include,
              exclude: fc.exclude,
              maxFileBytes: fc.maxFileMB * 1e6,
              signal,
              onProgress: (p) => progress.report({ message: `${folders.length > 1 ? `${f.name}: ` : ''}${p.message}` }),
            }),
          );
        }
        return out;
      },
      ),
    );
    this.running = work;
    try {
      const results = await work;
      for (const [i, r] of results.entries()) {
        const where = folders.length > 1 ? `${folders[i]!.name}/` : '';
        for (const s of r.skipped) this.d.log.info(`Index Workspace: skipped ${where}${s.path}: ${s.note}`);
        if (r.rebuilt) this.d.log.info(`Index Workspace: ${where ? `${folders[i]!.name} ` : ''}rebuilt (${r.rebuilt})`);
      }
      if (!quiet) {
        const files = results.reduce((n, r) => n + r.files, 0);
        const passages = results.reduce((n, r) => n + r.passages, 0);
        const skipped = results.reduce((n, r) => n + r.skipped.length, 0);
        void vscode.window
          .showInformationMessage(`AI Lab: indexed ${files} file${files === 1 ? '' : 's'} (${passages} passage${passages === 1 ? "" : "s"})${skipped ? `; ${skipped} skipped (see the log)` : ''}.`, ...(skipped ? ['Show Log'] : []))
          .then((c) => c && this.d.log.show());
      }
      if (cfg.watch) this.watch();
      return results;
    } catch (err) {
      if (isCancellation(err) || (err as Error).name === 'AbortError') {
        if (!quiet) void vscode.window.showInformationMessage('AI Lab: indexing cancelled; the index is as it was.');
        return undefined;
      }
      if (quiet) this.d.log.warn(`Updating the workspace index failed: ${(err as Error).message}`);
      else await this.d.log.showError('AI Lab: indexing the workspace failed', err);
      return undefined;
    } finally {
      if (this.running === work) this.running = undefined;
    }
  }

  /** Changes to files re-index (only what changed) 2 s after the last one. */
  private watch(): void {
    if (this.watcher) return;
    this.watcher = vscode.workspace.createFileSystemWatcher('**/*');
    const later = (uri: vscode.Uri) => {
      if (this.storage && uri.fsPath.startsWith(this.storage.fsPath)) return;
      if (!readIndexConfig().watch) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.index(true), 2000);
    };
    this.watcher.onDidChange(later);
    this.watcher.onDidCreate(later);
    this.watcher.onDidDelete(later);
  }

  async delete(): Promise<boolean> {
    clearTimeout(this.timer);
    this.watcher?.dispose();
    this.watcher = undefined;
    if (this.running) await this.running.catch(() => undefined);
    this.cache.clear();
    let had = false;
    for (const f of this.folders()) had = deleteIndex(f.indexDir) || had;
    return had;
  }

  /** The folders whose index is there and made with `model`, with their indexes. */
  indexed(model: string): IndexedFolder[] {
    return this.folders().flatMap((f) => {
      const index = this.loaded(f, model);
      return index ? [{ root: f.root, name: f.name, index }] : [];
    });
  }

  /** The `top` best passages across the folders' indexes (folders.ts: merged by fused score, each naming its folder when there are several). */
  async search(query: string, top = 20, signal?: AbortSignal): Promise<FolderHit[]> {
    const cfg = readIndexConfig();
    const folders = this.indexed(cfg.embeddingModel);
    if (!folders.length) throw new NoIndexError();
    const { runner, model } = await this.d.inference.runnerFor('extractive', cfg.embeddingModel, () => undefined);
    return searchFolders(folders, { runner, query, top, model, signal });
  }

  dispose(): void {
    setIndexedEmbedder(undefined);
    clearTimeout(this.timer);
    this.watcher?.dispose();
  }
}

class NoIndexError extends Error {
  constructor() {
    super('There is no workspace index yet (or it was made with another embedding model): run "AI Lab: Index Workspace" first.');
  }
}

/** Opens a hit or an answer where it is: the PDF viewer at its page (marked), or the text file with the passage selected. */
export async function openAt(d: NlpDeps, file: vscode.Uri, at: { start: number; end: number; page?: number; mark?: { text: string; context?: string; at?: number } }): Promise<unknown> {
  // reveal opens the viewer itself (in the first group): opening it here too, in the group that has the
  // focus (the results panel's, for an answer clicked there), put a second viewer of the file beside it.
  if (/\.pdf$/i.test(file.path)) return d.pdfViewer.reveal(file, at.page ?? 1, at.mark);
  const doc = await vscode.workspace.openTextDocument(file);
  const range = new vscode.Range(doc.positionAt(at.start), doc.positionAt(at.end));
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return range;
}

/** The file of a hit or answer: its folder's root joined with its /-separated path (two folders may hold the same path). */
const hitUri = (h: { root: string; file: string }) => vscode.Uri.file(path.join(h.root, ...h.file.split('/')));

export function createWorkspaceIndexCommands(d: NlpDeps, s: WorkspaceIndexService): Record<string, (args?: unknown) => unknown> {
  return {
    'aiLab.indexWorkspace': () => s.index(),
    'aiLab.deleteWorkspaceIndex': async (a) => {
      const sure = (a as { confirm?: boolean } | undefined)?.confirm === false ? 'Delete' : await vscode.window.showWarningMessage('AI Lab: delete the workspace index? Search and Ask the Workspace need it built again.', { modal: true }, 'Delete');
      if (sure !== 'Delete') return false;
      const had = await s.delete();
      void vscode.window.showInformationMessage(had ? 'AI Lab: the workspace index is deleted.' : 'AI Lab: there was no workspace index.');
      return had;
    },
    'aiLab.searchWorkspace': async (a) => {
      const args = (a ?? {}) as { query?: string; open?: number };
      if (args.query !== undefined) {
        // From a test or another extension: the hits, and the one asked for opened.
        const hits = await s.search(args.query);
        const hit = args.open !== undefined ? hits[args.open] : undefined;
        if (hit) await openAt(d, hitUri(hit), hit);
        return hits;
      }
      return pickHit(d, s);
    },
    'aiLab.askWorkspace': async (a) => {
      const args = (a ?? {}) as { question?: string };
      const question = args.question ?? (await vscode.window.showInputBox({ title: 'AI Lab: Ask the Workspace', prompt: 'A question about the documents of this workspace', ignoreFocusOut: true }));
      if (!question?.trim()) return undefined;
      const cfg = readIndexConfig();
      const folders = s.indexed(cfg.embeddingModel);
      if (!folders.length) {
        const choice = await vscode.window.showWarningMessage(new NoIndexError().message, 'Index Workspace');
        if (choice) await vscode.commands.executeCommand('aiLab.indexWorkspace');
        return undefined;
      }
      const nlp = readConfig().nlp;
      let entry = '';
      let roots: string[] = [];
      const output = await runInPanel(
        d,
        'qa',
        nlp.models.qa,
        { text: question, what: 'the question', title: askTitle(question.trim()), where: `workspace index (${folders.reduce((n, x) => n + x.index.data.files.length, 0)} files)` },
        async (onStage, signal, onProgress) => {
          const { runner, model } = await d.inference.runnerFor('qa', nlp.models.qa, onStage);
          // The question is embedded where the index was (the backend set for extractive summaries).
          const embedder = await d.inference.runnerFor('extractive', cfg.embeddingModel, onStage);
          // Several folders: their answers merged by score, each naming its file and folder; its root is kept for opening.
          // aiLab.qa.retrieveTop 0 reads every passage, as it does on one document.
          const asked = await askFolders(folders, { runner, model, question, embedRunner: embedder.runner, embedModel: embedder.model, topK: nlp.qa.topK, minScore: nlp.qa.minScore, retrieveTop: nlp.qa.retrieveTop, signal, onProgress });
          roots = asked.roots;
          return asked.output as LabOutput;
        },
        (id) => (entry = id),
      );
      d.panel.setOpener(entry, async (i) => {
        if (output?.kind !== 'answers') return undefined;
        const x = output.answers[i];
        if (!x?.file) return undefined;
        return openAt(d, hitUri({ root: roots[i]!, file: x.file }), { start: x.start, end: x.end, page: x.page, mark: { text: x.answer, context: x.context, at: x.inContext.start } });
      });
      return output;
    },
  };
}

/** The quick pick: hits as the query is typed (after a pause), each with its file, line or page and preview. */
async function pickHit(d: NlpDeps, s: WorkspaceIndexService): Promise<unknown> {
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { hit?: FolderHit }>();
  qp.title = 'AI Lab: Search Workspace by Meaning';
  qp.placeholder = 'Describe what you are looking for';
  qp.matchOnDescription = false;
  qp.matchOnDetail = false;
  let timer: NodeJS.Timeout | undefined;
  let ac: AbortController | undefined;
  let seq = 0;
  qp.onDidChangeValue((v) => {
    clearTimeout(timer);
    if (!v.trim()) {
      qp.items = [];
      return;
    }
    timer = setTimeout(async () => {
      const mine = ++seq;
      ac?.abort();
      ac = new AbortController();
      qp.busy = true;
      try {
        const hits = await s.search(v, 20, ac.signal);
        if (mine !== seq) return;
        // alwaysShow: the quick pick must not filter the hits by its own fuzzy match on the query.
        qp.items = hits.map((h) => ({ label: h.preview, description: `${h.folder ? `${h.folder}/` : ''}${h.file} · ${h.page !== undefined ? `p. ${h.page}` : `line ${h.line}`}`, alwaysShow: true, hit: h }));
      } catch (err) {
        if (mine !== seq || isCancellation(err) || (err as Error).name === 'AbortError') return;
        qp.items = [{ label: (err as Error).message, alwaysShow: true }];
      } finally {
        if (mine === seq) qp.busy = false;
      }
    }, 300);
  });
  const picked = await new Promise<FolderHit | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]?.hit));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!picked) return undefined;
  return openAt(d, hitUri(picked), { ...picked, mark: { text: picked.preview.replace(/…$/, '').split(/(?<=[.!?])\s/)[0] ?? picked.preview } });
}
