/**
 * Builds or updates the workspace index: files listed (globs, .gitignore), each changed or new file
 * read and cut into passages, the passages embedded, the whole written at once (indexStore.ts). A
 * file whose size and modification time are those recorded keeps its passages and vectors; a
 * removed file's are dropped. An index of another format or embedding model is rebuilt, never mixed.
 */
import * as path from 'node:path';
import type { Progress, TaskRunner } from '../nlp/runner';
import { partBudget } from '../nlp/runner';
import { pagesOf, type DocumentText } from '../pdf/pageText';
import { chunkByPage } from '../text/pageChunks';
import { embedderFingerprint } from './fingerprint';
import { embeddingRecipe } from '../nlp/similarity';
import { embedTexts } from './embed';
import { DEFAULT_MAX_FILE_MB, readDocument, tooLargeNote, type ReadDocument } from './documents';
import { deleteIndex, loadIndex, writeIndex, type FileRecord, type IndexData, type Passage } from './indexStore';
import { listWorkspaceFiles, type FileFilter } from './workspaceFiles';

/** Passage size and overlap in the embedding model's tokens (all-MiniLM-L6-v2 reads 256). */
export const PASSAGE_DEFAULTS = { tokens: 200, overlap: 32 } as const;

export interface BuildParams extends FileFilter {
  /** The folder whose files are indexed. */
  root: string;
  /** Where the index is kept (the CLI: <root>/.ai-lab; the extension: its workspace storage). */
  indexDir: string;
  runner: TaskRunner;
  /** A feature-extraction (sentence embedding) model, as the runner takes it. */
  model: string;
  /** The model as the index records it, when the runner's name differs (a remote backend's): `model` by default. */
  recordAs?: string;
  maxFileBytes?: number;
  passageTokens?: number;
  overlapTokens?: number;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface BuildResult {
  files: number;
  passages: number;
  /** Files read and embedded this time, kept from the last index, and dropped (removed since). */
  updated: number;
  kept: number;
  removed: number;
  /** Files left out, each with why. */
  skipped: Array<{ path: string; note: string }>;
  /** Set when an existing index could not be reused: why it was rebuilt. */
  rebuilt?: string;
  model: string;
  dim: number;
  ms: number;
}

function pageStarts(doc: DocumentText, first: number, last: number): Array<{ page: number; start: number }> {
  return doc.pages.filter((pg) => pg.page >= first && pg.page <= last).map((pg) => ({ page: pg.page, start: pg.start }));
}

/**
 * The 1-based line of an offset in `text`, for offsets asked in increasing order (passages in file
 * order): counting goes on from the last offset asked, so a file's lines are counted once, not once
 * per passage (quadratic in a long file). An earlier offset starts again from the top.
 */
function lineCounter(text: string): (offset: number) => number {
  let at = 0;
  let line = 1;
  return (offset) => {
    if (offset < at) [at, line] = [0, 1];
    for (let i = text.indexOf('\n', at); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    at = offset;
    return line;
  };
}

/**
 * Indexes `p.root` into `p.indexDir` (see the module comment). Cancelled through `p.signal` before
 * anything is written (the old index stays). Throws what the runner throws (model not found…).
 */
export async function buildIndex(p: BuildParams): Promise<BuildResult> {
  const started = performance.now();
  const recorded = p.recordAs ?? p.model;
  const prior = loadIndex(p.indexDir, recorded);
  const old = prior.index;
  const byPath = new Map((old?.files ?? []).map((f) => [f.path, f]));
  // The index's own folder is never read, whatever the globs (--include "**/*" would index the index).
  const own = path.relative(p.root, p.indexDir).split(path.sep).join('/');
  const inside = own !== '' && !own.startsWith('../') && own !== '..' && !path.isAbsolute(own);
  const links: string[] = [];
  const listed = listWorkspaceFiles(p.root, p, (rel) => links.push(rel)).filter((f) => !(inside && (f.path === own || f.path.startsWith(`${own}/`))));
  const maxBytes = p.maxFileBytes ?? DEFAULT_MAX_FILE_MB * 1e6;
  // Passages no longer than the embedder reads (its max_seq_length, special tokens included): a longer
  // one would be embedded from its first tokens only, and the rest never found by meaning.
  const recipe = await embeddingRecipe(p.runner, p.model, p.signal);
  const weights = await embedderFingerprint(p.runner, p.model, p.signal);
  if (old?.manifest.weights && weights && old.manifest.weights !== weights) {
    // Same model name, other files (a folder whose weights were replaced): no old vector can be kept.
    deleteIndex(p.indexDir);
    return { ...(await buildIndex(p)), rebuilt: `the embedding model's files changed since the index was made (${recorded})` };
  }
  const configured = p.passageTokens ?? PASSAGE_DEFAULTS.tokens;
  const budget = await partBudget(p.runner, 'feature-extraction', p.model, configured, { signal: p.signal });
  const part = recipe.maxTokens !== undefined ? { ...budget, tokens: Math.max(8, Math.min(budget.tokens, recipe.maxTokens - budget.counter.specials.single)) } : budget;
  const overlap = Math.min(p.overlapTokens ?? PASSAGE_DEFAULTS.overlap, Math.floor(part.tokens / 2));

  const files: FileRecord[] = [];
  const passages: Passage[] = [];
  /** For each new passage: where its vector comes from (an old row, or the list to embed). */
  const source: Array<{ oldRow: number } | { text: string }> = [];
  const skipped: BuildResult['skipped'] = [];
  let updated = 0;
  let kept = 0;
  for (const [i, f] of listed.entries()) {
    if (p.signal?.aborted) throw new DOMException('Indexing was cancelled.', 'AbortError');
    const was = byPath.get(f.path);
    const record: FileRecord = { path: f.path, size: f.size, mtimeMs: f.mtimeMs, first: passages.length, count: 0 };
    const unchanged = was !== undefined && was.size === f.size && was.mtimeMs === f.mtimeMs;
    if (unchanged && was.retry === 'size' && f.size > maxBytes) {
      // Still over the limit: nothing to read (the note names today's limit).
      kept++;
      record.skipped = tooLargeNote(f.size, maxBytes);
      record.retry = 'size';
    } else if (unchanged && !was.retry && f.size <= maxBytes) {
      // Unchanged and its skip (if any) is the content's: kept. A raised limit, an unreadable file
      // (a permission since fixed) or a lowered limit go through readDocument again.
      kept++;
      if (was.skipped) record.skipped = was.skipped;
      for (let k = 0; k < was.count; k++) {
        passages.push({ ...old!.passages[was.first + k]!, file: files.length });
        source.push({ oldRow: was.first + k });
      }
    } else {
      updated++;
      p.onProgress?.({ done: i, total: listed.length, message: `reading ${f.path}` });
      let read: ReadDocument;
      try {
        read = await readDocument(path.join(p.root, ...f.path.split('/')), f.path, f.size, maxBytes, p.signal);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.name === 'AbortError' || (e as { kind?: string }).kind === 'cancelled') throw err;
        read = { skipped: `could not be read: ${e.message}`, retry: 'unreadable' };
      }
      if ('skipped' in read) {
        record.skipped = read.skipped;
        if (read.retry) record.retry = read.retry;
      }
      else {
        const lineAt = lineCounter(read.doc.text);
        // A PDF is cut page by page: each passage on one page, so a hit opens where its words are.
        for (const c of chunkByPage(read.doc, read.paged, part.tokens, overlap, part.counter)) {
          const pages = read.paged ? pagesOf(read.doc, c.start, c.end) : undefined;
          passages.push({
            file: files.length,
            start: c.start,
            end: c.end,
            ...(pages ? { page: pages.first, ...(pages.last !== pages.first ? { pageEnd: pages.last, pageStarts: pageStarts(read.doc, pages.first, pages.last) } : {}) } : { line: lineAt(c.start) }),
            text: c.text,
          });
          source.push({ text: c.text });
        }
      }
    }
    record.count = passages.length - record.first;
    if (record.skipped) skipped.push({ path: f.path, note: record.skipped });
    files.push(record);
  }
  const linkNotes = links.map((l) => ({ path: l, note: 'a symbolic link: not followed (index the folder it points to, or copy the file in)' }));
  const listedPaths = new Set(listed.map((f) => f.path));
  const removed = [...byPath.keys()].filter((k) => !listedPaths.has(k)).length;

  if (old && !updated && !removed) {
    // Nothing changed (a watcher's event on a file outside the globs): the index on disk is this one.
    return { files: files.length - skipped.length, passages: passages.length, updated, kept, removed, skipped: [...skipped, ...linkNotes], model: recorded, dim: old.manifest.dim, ms: Math.round(performance.now() - started) };
  }
  const toEmbed = source.flatMap((s, row) => ('text' in s ? [row] : []));
  const fresh = await embedTexts(
    p.runner,
    p.model,
    toEmbed.map((row) => (source[row] as { text: string }).text),
    { signal: p.signal, batchSize: p.batchSize, onProgress: (done, total) => p.onProgress?.({ done, total, message: `embedded ${done} of ${total} passages` }) },
  );
  const dim = fresh[0]?.length ?? old?.manifest.dim ?? 0;
  const rebuilt = old || prior.reason === 'there is no index yet' ? undefined : prior.reason;
  if (old && old.passages.length && fresh.length && dim !== old.manifest.dim) {
    // Same model name, other vectors (a folder whose model was replaced): nothing old can be kept.
    deleteIndex(p.indexDir);
    const again = await buildIndex(p);
    return { ...again, rebuilt: `the embedding model now gives ${dim}-dimension vectors; the index held ${old.manifest.dim}` };
  }
  const vectors = new Float32Array(passages.length * dim);
  let k = 0;
  source.forEach((s, row) => {
    if ('oldRow' in s) vectors.set(old!.vectors.subarray(s.oldRow * dim, (s.oldRow + 1) * dim), row * dim);
    else vectors.set(fresh[k++]!, row * dim);
  });
  if (p.signal?.aborted) throw new DOMException('Indexing was cancelled.', 'AbortError');
  writeIndex(p.indexDir, { model: recorded, dim, files, passages, vectors, ...(weights ? { weights } : {}) });
  return { files: files.length - skipped.length, passages: passages.length, updated, kept, removed, skipped: [...skipped, ...linkNotes], ...(rebuilt ? { rebuilt } : {}), model: recorded, dim, ms: Math.round(performance.now() - started) };
}

export type { IndexData };
