/** Download a model, use it for a task, delete from the cache, and inspect tokenization. */
import * as vscode from 'vscode';
import { formatBytes } from '../../core/bytes';
import { executeDelete, findCachedRepo, planDelete, scanCache } from '../../core/hub/cacheScan';
import type { RepoType } from '../../core/hub/cacheLayout';
import { executeXetClear, planXetClear, resolveXetCacheDir, scanXetCache } from '../../core/hub/xetCache';
import { downloadSnapshot } from '../../core/hub/snapshot';
import { progressText } from '../../core/hub/fetchBlobs';
import { chooseModelFiles, TASK_KIND } from '../../core/inference/modelFiles';
import { looksLikeLocalPath } from '../../core/inference/resolveModel';
import { LAB_TASKS, type LabTaskId } from '../../core/nlp/tasks';
import { hasVisibleText } from '../../core/text/visible';
import { inspectTokenization } from '../../core/tokenize/inspect';
import { fetchTokenizer } from '../../core/lab/fetchTokenizer';
import { toAbortSignal } from '../cancellation';
import { localWorkspaceFolders, readConfig } from '../config';
import { modelDisplayName } from '../../core/inference/modelName';
import type { HubSession } from '../hubSession';
import type { Log } from '../log';
import type { CacheNode, CacheTreeProvider } from '../views/cacheTree';
import type { ModelsTreeProvider } from '../views/modelsTree';
import type { TokenizerPanel } from '../webviews/tokenizerPanel';
import { chooseModelCommand } from './chooseModel';
import { repoIdOf } from './hubBrowse';

export interface HubCacheDeps {
  session: HubSession;
  log: Log;
  cache: CacheTreeProvider;
  models: ModelsTreeProvider;
  tokenizer: TokenizerPanel;
}

const MAX_TOKENIZE_CHARS = 200_000;

export function createHubCacheCommands(d: HubCacheDeps): Record<string, (...args: unknown[]) => unknown> {
  const refreshAll = () => {
    d.cache.refresh();
    d.models.refresh();
  };

  /** Downloads what AI Lab needs to run the model (or, asked, every file) into the HF cache. */
  const download = async (arg?: unknown, opts?: unknown): Promise<string | undefined> => {
    const id = repoIdOf(arg);
    if (!id) return undefined;
    const o = (opts ?? arg) as { files?: 'ailab' | 'all' } | undefined;
    const cfg = readConfig();
    let which = o?.files;
    if (!which) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'Files AI Lab needs', description: `ONNX weights (${cfg.dtype}), tokenizer, config`, value: 'ailab' as const },
          { label: 'All files', description: 'like hf download', value: 'all' as const },
        ],
        { title: `Download ${id}` },
      );
      if (!pick) return undefined;
      which = pick.value;
    }
    try {
      const token = (await d.session.token())?.token;
      const info = which === 'ailab' ? await (await d.session.client()).modelInfo(id) : undefined;
      const r = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `AI Lab: downloading ${id}`, cancellable: true },
        async (progress, ct) => {
          let last = 0;
          return downloadSnapshot({
            repoId: id,
            endpoint: d.session.endpoint(),
            token,
            cacheDir: d.session.cacheDir(),
            signal: toAbortSignal(ct),
            select: (files) => {
              if (which === 'all') return files;
              const task = info?.pipelineTag && TASK_KIND[info.pipelineTag] ? info.pipelineTag : 'feature-extraction';
              return chooseModelFiles(id, files, task, 'cpu', cfg.modelDtypes[id] ?? cfg.dtype).files;
            },
            onProgress: (p) => {
              const pct = p.totalBytes ? (100 * p.doneBytes) / p.totalBytes : 0;
              progress.report({ message: progressText(p), increment: pct - last });
              last = pct;
            },
            log: (m) => d.log.info(m),
          });
        },
      );
      d.log.info(`Downloaded ${id}@${r.commit}: ${r.files.length} files, ${formatBytes(r.downloadedBytes)} new, in ${r.dir}`);
      void vscode.window.showInformationMessage(`AI Lab: ${id} is in the Hugging Face cache (${r.files.length} files, ${formatBytes(r.downloadedBytes)} downloaded).`);
      if (r.skipped.length) {
        void vscode.window.showWarningMessage(`AI Lab: ${r.skipped.length} file${r.skipped.length > 1 ? 's' : ''} of ${id} skipped: ${r.skipped.map((s) => s.reason).join('; ')}`);
      }
      refreshAll();
      return r.dir;
    } catch (err) {
      await d.log.showError(`AI Lab: downloading ${id} failed`, err);
      return undefined;
    } finally {
      refreshAll();
    }
  };

  /** Deletes a cached repo or one revision after a modal confirmation (tests pass { confirm: false }). */
  const deleteCached = async (target: { id: string; type: RepoType; commit?: string }, opts?: { confirm?: boolean }): Promise<boolean> => {
    try {
      const repo = findCachedRepo(scanCache(d.session.cacheDir()), target.id, target.type);
      const plan = planDelete(repo, target.commit ? [target.commit] : undefined);
      const what = plan.wholeRepo ? `${target.type} ${target.id}` : `revision ${target.commit!.slice(0, 12)} of ${target.id}`;
      if (opts?.confirm !== false) {
        const ok = await vscode.window.showWarningMessage(
          `Delete ${what} from the Hugging Face cache?`,
          { modal: true, detail: `This frees ${formatBytes(plan.freedBytes)} in ${d.session.cacheDir()}. Python programs that use it will download it again.` },
          'Delete',
        );
        if (ok !== 'Delete') return false;
      }
      executeDelete(plan);
      d.log.info(`Deleted ${what} from ${d.session.cacheDir()} (${formatBytes(plan.freedBytes)}).`);
      vscode.window.setStatusBarMessage(`AI Lab: deleted ${what}, freed ${formatBytes(plan.freedBytes)}`, 5000);
      return true;
    } catch (err) {
      await d.log.showError('AI Lab: deleting from the cache failed', err);
      return false;
    } finally {
      refreshAll();
    }
  };

  /**
   * Clears hf_xet's Xet cache (its endpoint folders and logs; never the hub cache, never through a
   * link) after a modal confirmation saying what it frees (tests pass { confirm: false }).
   */
  const clearXet = async (opts?: { confirm?: boolean }): Promise<boolean> => {
    try {
      const xet = scanXetCache(resolveXetCacheDir());
      const plan = planXetClear(xet);
      if (!plan.targets.length) {
        void vscode.window.showInformationMessage(`AI Lab: the Xet cache at ${xet.dir} ${xet.exists ? 'holds nothing hf_xet made' : 'does not exist'}; nothing to clear.`);
        return false;
      }
      if (opts?.confirm !== false) {
        const kept = plan.kept.length ? ` ${plan.kept.length} entr${plan.kept.length > 1 ? 'ies' : 'y'} not made by hf_xet stay.` : '';
        const ok = await vscode.window.showWarningMessage(
          'Clear the Xet cache?',
          {
            modal: true,
            detail: `This frees ${formatBytes(plan.freedBytes)} in ${xet.dir} (chunk, shard and upload-staging folders of ${xet.endpoints.length} endpoint${xet.endpoints.length === 1 ? '' : 's'}${xet.logs ? ', and hf_xet logs' : ''}). Python's huggingface_hub rebuilds it as needed; a Python upload running now may restart and interrupted uploads lose their resume data. Models and datasets in the hub cache are not touched.${kept}`,
          },
          'Clear',
        );
        if (ok !== 'Clear') return false;
      }
      const r = executeXetClear(plan, d.session.cacheDir());
      d.log.info(`Cleared the Xet cache ${xet.dir}: freed ${formatBytes(r.freedBytes)}${r.failed.length ? `; not removed: ${r.failed.map((f) => `${f.path} (${f.reason})`).join('; ')}` : ''}.`);
      if (r.failed.length) {
        void vscode.window.showWarningMessage(`AI Lab: the Xet cache was partly cleared (freed ${formatBytes(r.freedBytes)}); ${r.failed.length} folder(s) could not be removed: ${r.failed.map((f) => `${f.path}: ${f.reason}`).join('; ')}`);
        return false;
      }
      vscode.window.setStatusBarMessage(`AI Lab: cleared the Xet cache, freed ${formatBytes(r.freedBytes)}`, 5000);
      return true;
    } catch (err) {
      await d.log.showError('AI Lab: clearing the Xet cache failed', err);
      return false;
    } finally {
      d.cache.refresh();
    }
  };

  return {
    'aiLab.models.download': download,
    'aiLab.models.useForTask': async (arg?: unknown) => {
      const id = repoIdOf(arg);
      if (!id) return undefined;
      let tag: string | undefined;
      try {
        tag = (await (await d.session.client()).modelInfo(id)).pipelineTag;
      } catch {
        // Offline: offer every task.
      }
      const fits = (Object.keys(LAB_TASKS) as LabTaskId[]).filter((t) => !tag || LAB_TASKS[t].pipeline === tag || (t === 'qnli' && tag === 'text-classification'));
      const task = (arg as { task?: LabTaskId })?.task ?? (await vscode.window.showQuickPick((fits.length ? fits : (Object.keys(LAB_TASKS) as LabTaskId[])).map((t) => ({ label: LAB_TASKS[t].title, t })), { title: `Use ${id} for` }))?.t;
      if (!task) return undefined;
      return chooseModelCommand(d.log, d.session, { task, model: id });
    },
    'aiLab.models.deleteFromCache': (arg?: unknown, opts?: unknown) => {
      const id = repoIdOf(arg);
      return id ? deleteCached({ id, type: 'model' }, opts as { confirm?: boolean }) : false;
    },
    'aiLab.cache.delete': (arg?: unknown, opts?: unknown) => {
      const n = arg as CacheNode | { id: string; type?: RepoType; commit?: string } | undefined;
      if (!n) return false;
      if ('kind' in n) {
        if (n.kind !== 'repo' && n.kind !== 'revision') return false;
        return deleteCached({ id: n.repo.id, type: n.repo.type, commit: n.kind === 'revision' ? n.revision.commit : undefined }, opts as { confirm?: boolean });
      }
      return deleteCached({ id: n.id, type: n.type ?? 'model', commit: n.commit }, opts as { confirm?: boolean });
    },
    'aiLab.cache.clearXet': (_arg?: unknown, opts?: unknown) => clearXet(opts as { confirm?: boolean } | undefined),
    'aiLab.cache.reveal': async (arg?: unknown) => {
      const n = arg as CacheNode | undefined;
      const p = n?.kind === 'repo' ? n.repo.path : n?.kind === 'revision' ? n.revision.path : n?.kind === 'xet' ? n.xet.dir : d.session.cacheDir();
      // revealFileInOS needs a desktop; in a browser or remote window the folder opens in a new window instead.
      if (vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(p));
      else await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(p), { forceNewWindow: true });
    },
    'aiLab.cache.refresh': () => d.cache.refresh(),
    'aiLab.inspectTokenization': async (args?: unknown) => {
      const a = (args ?? {}) as { model?: string; text?: string };
      const editor = vscode.window.activeTextEditor;
      let text = a.text;
      let source: { uri: vscode.Uri; offset: number } | undefined;
      if (text === undefined) {
        if (!editor) {
          void vscode.window.showWarningMessage('AI Lab: open a file and select the text to tokenize.');
          return undefined;
        }
        const range = editor.selection.isEmpty ? editor.document.lineAt(editor.selection.active.line).range : editor.selection;
        text = editor.document.getText(range);
        source = { uri: editor.document.uri, offset: editor.document.offsetAt(range.start) };
      }
      if (!hasVisibleText(text)) {
        // As in the CLI's tokenize: zero-width or whitespace alone is nothing to work on.
        void vscode.window.showWarningMessage(`AI Lab: there is no text to tokenize${text ? ' (the selection has no visible characters)' : ''}: nothing to work on. Select some text first.`);
        return undefined;
      }
      if (text.length > MAX_TOKENIZE_CHARS) {
        void vscode.window.showWarningMessage(`AI Lab: the selection has ${text.length.toLocaleString('en-US')} characters; the inspector takes at most ${MAX_TOKENIZE_CHARS.toLocaleString('en-US')}. Select less.`);
        return undefined;
      }
      const cfg = readConfig();
      const model =
        a.model ??
        (await vscode.window.showQuickPick(
          [...new Set(Object.values(cfg.nlp.models))].map((m) => ({ label: modelDisplayName(m, localWorkspaceFolders()), model: m, description: (Object.keys(LAB_TASKS) as LabTaskId[]).filter((t) => cfg.nlp.models[t] === m).map((t) => LAB_TASKS[t].title).join(', ') })),
          { title: 'AI Lab: tokenize with which model?', placeHolder: 'A task model, or type a Hub id / folder and press Enter' },
        ))?.model;
      if (!model) return undefined;
      try {
        const dir = looksLikeLocalPath(model)
          ? model
          : (
              await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `AI Lab: getting the tokenizer of ${modelDisplayName(model)}`, cancellable: true }, async (progress, ct) =>
                fetchTokenizer(model, await d.session.hubAccess(), {
                  signal: toAbortSignal(ct),
                  onProgress: (p) => p.waitingOn && progress.report({ message: progressText(p) }),
                  log: (m) => d.log.info(m),
                }),
              )
            );
        // The report (and the panel) name a workspace folder by its path from the workspace.
        const report = inspectTokenization(text, dir, modelDisplayName(model, localWorkspaceFolders()));
        d.tokenizer.show(text, report, source);
        return report;
      } catch (err) {
        await d.log.showError(`AI Lab: tokenizing with ${modelDisplayName(model)} failed`, err);
        return undefined;
      }
    },
  };
}
