/**
 * The workspace index on disk: one folder, written whole into a temporary folder beside it and
 * renamed into place, its manifest written last, one writer at a time (index.lock). A crash
 * mid-write leaves either the old index or none (and a temporary folder the next write removes), never a mix; a folder whose manifest is
 * missing, of another format, another embedding model or dimension, or whose files do not add up
 * (a truncated vectors file) is not used: loadIndex says why, and the caller rebuilds.
 *
 *   <dir>/index/manifest.json  { format, model, dim, passages, files, vectorsBytes, createdAt }
 *   <dir>/index/files.json     the files read: path, size, mtime, their passages (first, count) or the skip note
 *   <dir>/index/passages.json  each passage: file, [start, end) in its text (UTF-16), page(s) or line, text
 *   <dir>/index/vectors.f32    passages × dim Float32, little-endian, unit length
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { processAlive } from '../process';

/** Bumped whenever what is written changes meaning: an index of another format is rebuilt. */
export const INDEX_FORMAT = 2;
const FOLDER = 'index';

export interface Manifest {
  format: number;
  /** The embedding model as configured (a Hub id, a folder, a remote backend's model). */
  model: string;
  dim: number;
  passages: number;
  files: number;
  vectorsBytes: number;
  createdAt: string;
  /** The embedding model's files when it ran locally (fingerprint.ts): other files, other vectors. */
  weights?: string;
}

export interface FileRecord {
  path: string;
  size: number;
  mtimeMs: number;
  /** Its passages: passages[first … first + count). */
  first: number;
  count: number;
  /** Why it is not indexed (binary, too large, encrypted or scanned PDF…); count is 0. */
  skipped?: string;
  /** A skip that depends on the size limit or a passing state, not on the content (see ReadDocument). */
  retry?: 'size' | 'unreadable';
}

export interface Passage {
  /** Index into the file records. */
  file: number;
  start: number;
  end: number;
  /** 1-based pages (PDFs); pageEnd only when the passage runs over a page break. */
  page?: number;
  pageEnd?: number;
  /** With pageEnd: where each page the passage covers starts in the file's text, to place an answer inside it. */
  pageStarts?: Array<{ page: number; start: number }>;
  /** 1-based line of `start` (text files). */
  line?: number;
  text: string;
}

export interface IndexData {
  manifest: Manifest;
  files: FileRecord[];
  passages: Passage[];
  /** passages × dim. */
  vectors: Float32Array;
}

export type Loaded = { index: IndexData; reason?: undefined } | { index?: undefined; reason: string };

/** The folder the index lives in under `dir`. */
export function indexFolder(dir: string): string {
  return path.join(dir, FOLDER);
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * The index under `dir` when it is whole and made with `model`; else why not ("none yet", "made with
 * model X", "format 0, this AI Lab writes 1", "damaged: …"). Never throws for what is on disk.
 */
export function loadIndex(dir: string, model: string): Loaded {
  const folder = indexFolder(dir);
  if (!fs.existsSync(path.join(folder, 'manifest.json'))) return { reason: 'there is no index yet' };
  try {
    const m = readJson(path.join(folder, 'manifest.json')) as Manifest;
    if (m.format !== INDEX_FORMAT) return { reason: `the index is of format ${String(m.format)}; this AI Lab writes format ${INDEX_FORMAT}` };
    if (m.model !== model) return { reason: `the index was made with the embedding model ${m.model}, now ${model} is set` };
    const files = readJson(path.join(folder, 'files.json')) as FileRecord[];
    const passages = readJson(path.join(folder, 'passages.json')) as Passage[];
    const bytes = fs.readFileSync(path.join(folder, 'vectors.f32'));
    if (!Array.isArray(files) || files.length !== m.files || !Array.isArray(passages) || passages.length !== m.passages) return { reason: 'the index is damaged: its lists do not match its manifest' };
    if (bytes.length !== m.vectorsBytes || bytes.length !== m.passages * m.dim * 4 || !(m.dim > 0 || m.passages === 0)) return { reason: 'the index is damaged: its vectors file has the wrong size' };
    // A copy, aligned for Float32Array whatever offset Node's pool gave the Buffer.
    const vectors = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    return { index: { manifest: m, files, passages, vectors } };
  } catch (err) {
    return { reason: `the index is damaged: ${(err as Error).message}` };
  }
}

function writeSynced(file: string, data: string | Uint8Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Folders a write left behind (a crash between its steps): removed before the next write. */
function removeLeftovers(dir: string): void {
  for (const e of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (e.startsWith(`${FOLDER}.tmp-`) || e.startsWith(`${FOLDER}.old-`)) fs.rmSync(path.join(dir, e), { recursive: true, force: true });
  }
}

const LOCK = `${FOLDER}.lock`;
const LOCK_WAIT_MS = 60_000;

/**
 * Runs `fn` holding `<dir>/index.lock` (created exclusively, holding this process's id), so two
 * writers of one index (two `ai-lab index` of a folder at once) take turns instead of removing or
 * renaming each other's folders mid-write. A lock whose process is gone (a crash) is taken over; one
 * still held after a minute is an Error naming its process.
 */
function withWriteLock<T>(dir: string, fn: () => T): T {
  const lock = path.join(dir, LOCK);
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = NaN;
      let age = 0;
      try {
        holder = Number.parseInt(fs.readFileSync(lock, 'utf8'), 10);
        age = Date.now() - fs.statSync(lock).mtimeMs;
      } catch {
        continue; // Released meanwhile.
      }
      // A holder gone (a crash), or a file left empty for long (a crash between creating and filling it).
      if ((Number.isInteger(holder) && holder > 0 && !processAlive(holder)) || (!Number.isInteger(holder) && age > 10_000)) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > until) throw new Error(`Another process (${Number.isInteger(holder) ? `pid ${holder}` : 'unknown'}) is writing the index in ${dir}; try again when it has finished, or remove ${lock} if it is not running.`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/**
 * Writes the index under `dir` as a whole: into `index.tmp-…`, each file flushed to disk, the manifest
 * last; then the old index moved aside, the new one renamed into place and the old removed. Only
 * the rename makes it visible, so a reader sees the old index or the new one.
 */
export function writeIndex(dir: string, data: Omit<IndexData, 'manifest'> & { model: string; dim: number; weights?: string }, hooks: { beforeRename?: () => void } = {}): Manifest {
  if (data.vectors.length !== data.passages.length * data.dim) throw new Error(`${data.passages.length} passages need ${data.passages.length * data.dim} vector values, not ${data.vectors.length}`);
  fs.mkdirSync(dir, { recursive: true });
  return withWriteLock(dir, () => writeLocked(dir, data, hooks));
}

function writeLocked(dir: string, data: Omit<IndexData, 'manifest'> & { model: string; dim: number; weights?: string }, hooks: { beforeRename?: () => void }): Manifest {
  removeLeftovers(dir);
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const tmp = path.join(dir, `${FOLDER}.tmp-${tag}`);
  fs.mkdirSync(tmp);
  const vectors = Buffer.from(data.vectors.buffer, data.vectors.byteOffset, data.vectors.byteLength);
  const manifest: Manifest = { format: INDEX_FORMAT, model: data.model, dim: data.dim, passages: data.passages.length, files: data.files.length, vectorsBytes: vectors.length, createdAt: new Date().toISOString(), ...(data.weights ? { weights: data.weights } : {}) };
  writeSynced(path.join(tmp, 'vectors.f32'), vectors);
  writeSynced(path.join(tmp, 'passages.json'), JSON.stringify(data.passages));
  writeSynced(path.join(tmp, 'files.json'), JSON.stringify(data.files));
  writeSynced(path.join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2));
  hooks.beforeRename?.();
  const folder = indexFolder(dir);
  const old = path.join(dir, `${FOLDER}.old-${tag}`);
  if (fs.existsSync(folder)) fs.renameSync(folder, old);
  fs.renameSync(tmp, folder);
  fs.rmSync(old, { recursive: true, force: true });
  return manifest;
}

/** Removes the index under `dir` (and what a crashed write left). Returns whether there was one. */
export function deleteIndex(dir: string): boolean {
  if (!fs.existsSync(dir)) return false;
  return withWriteLock(dir, () => {
    const had = fs.existsSync(indexFolder(dir));
    fs.rmSync(indexFolder(dir), { recursive: true, force: true });
    removeLeftovers(dir);
    return had;
  });
}
