/**
 * Several indexed folders searched and asked as one (a multi-root VS Code workspace): each folder has
 * its own index (its own files, .gitignore and globs relative to its own root); hits and answers are
 * merged by score and each says which folder it is in, so two folders' "notes.md" stay apart and a
 * hit opens the file of its own folder.
 */
import * as path from 'node:path';
import type { Answer } from '../nlp/runner';
import { QA_DEFAULTS } from '../nlp/tasks';
import { askWorkspace, type AskWorkspaceParams, type WorkspaceAnswers } from './askWorkspace';
import { searchIndex, type SearchableIndex, type SearchHit, type SearchParams } from './hybridSearch';

export interface IndexedFolder {
  /** The folder's absolute path. */
  root: string;
  /** Its name as the workspace shows it (VS Code's WorkspaceFolder.name; the folder's base name by default). */
  name?: string;
  index: SearchableIndex;
}

/** A hit and the folder it is in: `root` to open it, `folder` to show (set only when there are several folders). */
export type FolderHit = SearchHit & { root: string; folder?: string };

/**
 * Names that tell the folders apart: each folder's name, or its base name; two folders of one name
 * get their paths instead. Only for several folders: one folder gives [undefined] (hits stay as one
 * folder's, without a folder name).
 */
export function folderLabels(folders: ReadonlyArray<Pick<IndexedFolder, 'root' | 'name'>>): Array<string | undefined> {
  if (folders.length < 2) return folders.map(() => undefined);
  const names = folders.map((f) => f.name?.trim() || path.basename(f.root) || f.root);
  return names.map((n, i) => (names.filter((m) => m === n).length > 1 ? folders[i]!.root : n));
}

/**
 * The first of each place in `items` (best first): a folder inside another workspace folder is in both
 * indexes, and its files' hits would otherwise come twice. A place is the file's absolute path and
 * the [start, end) offsets `place` gives.
 */
function onePerPlace<T>(items: T[], place: (t: T) => [root: string, file: string, start: number, end: number]): T[] {
  const seen = new Set<string>();
  return items.filter((t) => {
    const [root, file, start, end] = place(t);
    const key = `${path.resolve(root, file)}\0${start}\0${end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The `p.top` best passages across the folders' indexes: each folder's hits (hybridSearch.ts), merged
 * by fused score (ties: folder order, then rank), each with its folder's root and label.
 */
export async function searchFolders(folders: readonly IndexedFolder[], p: SearchParams): Promise<FolderHit[]> {
  const labels = folderLabels(folders);
  const all: Array<FolderHit & { order: number }> = [];
  for (const [i, f] of folders.entries()) {
    for (const h of await searchIndex(f.index, p)) all.push({ ...h, root: f.root, ...(labels[i] ? { folder: labels[i] } : {}), order: all.length });
  }
  return onePerPlace(all.sort((a, b) => b.score - a.score || a.order - b.order), (h) => [h.root, h.file, h.start, h.end])
    .slice(0, Math.max(1, p.top ?? 10))
    .map(({ order, ...h }) => (void order, h));
}

/** Ask the Workspace over several folders: the answers with `folder` set (several folders), and each answer's root, in order. */
export interface FolderAnswers {
  output: WorkspaceAnswers & { answers: Array<Answer & { file: string; folder?: string }> };
  roots: string[];
}

/**
 * askWorkspace on each folder's index, the answers merged by score (topK in all), each naming its file
 * and, with several folders, its folder; `roots[i]` is the folder of `output.answers[i]`. `read` and
 * `chunks` add up over the folders; the minimum score and a rejected best guess are the best folder's.
 * Throws what askWorkspace throws; an empty list of folders is an error.
 */
export async function askFolders(folders: readonly IndexedFolder[], p: Omit<AskWorkspaceParams, 'index'>): Promise<FolderAnswers> {
  if (!folders.length) throw new Error('no indexed folder to ask');
  const labels = folderLabels(folders);
  const outs: WorkspaceAnswers[] = [];
  for (const f of folders) outs.push(await askWorkspace({ ...p, index: f.index }));
  const merged = outs
    .flatMap((o, i) => (o.answers as Array<Answer & { file: string }>).map((answer, rank) => {
      const a: Answer & { file: string; folder?: string } = labels[i] ? { ...answer, folder: labels[i] } : answer;
      return { a, root: folders[i]!.root, i, rank };
    }))
    .sort((x, y) => y.a.score - x.a.score || x.i - y.i || x.rank - y.rank);
  const kept = onePerPlace(merged, (m) => [m.root, m.a.file, m.a.start, m.a.end]).slice(0, Math.max(1, p.topK ?? QA_DEFAULTS.topK));
  const rejected = kept.length ? undefined : outs.map((o) => o.rejected).filter((r) => r !== undefined).sort((x, y) => y!.score - x!.score)[0];
  const retrieval = outs.every((o) => o.retrieval === 'all') ? 'all' : 'hybrid';
  const { rejected: _r, ...first } = outs[0]!;
  void _r;
  return {
    output: { ...first, answers: kept.map((m) => m.a), read: outs.reduce((n, o) => n + o.read, 0), chunks: outs.reduce((n, o) => n + o.chunks, 0), retrieval, ...(rejected ? { rejected } : {}) },
    roots: kept.map((m) => m.root),
  };
}
