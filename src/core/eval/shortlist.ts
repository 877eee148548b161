/**
 * The workspace's model shortlist, `.ai-lab/shortlist.json` (shape and checks in ./shortlistShape): read, add
 * (replacing the same run), remove, set notes. A file that is not valid is reported and never written over.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { entryProblems, fileProblems, SHORTLIST_VERSION, ShortlistEntry, ShortlistEntryFields, ShortlistError, ShortlistFile, ShortlistIdError } from './shortlistShape';

export { METRIC_SCALES, SHORTLIST_VERSION, ShortlistError, ShortlistIdError } from './shortlistShape';
export type { ShortlistDataset, ShortlistEntry, ShortlistEntryFields, ShortlistFile, ShortlistLatency } from './shortlistShape';

/** The shortlist's path inside a workspace folder. */
export const SHORTLIST_RELATIVE_PATH = path.join('.ai-lab', 'shortlist.json');

/** `<folder>/.ai-lab/shortlist.json`. */
export function shortlistPath(workspaceFolder: string): string {
  return path.join(workspaceFolder, SHORTLIST_RELATIVE_PATH);
}

/** A result to add: an entry without its id and time (made here); `notes` optional (see `addToShortlist`). */
export type NewShortlistEntry = Omit<ShortlistEntryFields, 'id' | 'addedAt' | 'notes'> & { notes?: string };

/** The fields that make two rows the same run: model, task, backend and the dataset (source, config, split, sample, seed). */
type RunKey = Pick<ShortlistEntry, 'task' | 'model' | 'backend' | 'dataset'>;

function runKey(e: RunKey): string {
  const d = e.dataset;
  return JSON.stringify([e.task, e.model, e.backend, d.source, d.config ?? null, d.split ?? null, d.sample, d.seed]);
}

/** The id a run gets: the first 12 hex digits of SHA-256 over its run key, so the same run always has the same id. */
export function shortlistEntryId(e: RunKey): string {
  return createHash('sha256').update(runKey(e)).digest('hex').slice(0, 12);
}

/** The whole file (version, entries, any top-level keys a user added). See `readShortlist` for the errors. */
export function readShortlistFile(file: string): ShortlistFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { version: SHORTLIST_VERSION, entries: [] };
    throw new ShortlistError(file, `cannot read the shortlist ${file}: ${code === 'EISDIR' ? 'it is a folder' : (err as Error).message}`);
  }
  // An empty file (e.g. just created in an editor) is not a shortlist: refused like any other bad content.
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ShortlistError(file, `the shortlist ${file} is not valid JSON (${(err as Error).message}); fix or move it away, AI Lab will not write over it`);
  }
  const problems = fileProblems(data);
  if (problems.length) {
    const more = problems.length > 5 ? `; and ${problems.length - 5} more` : '';
    throw new ShortlistError(file, `the shortlist ${file} is not a version-${SHORTLIST_VERSION} shortlist: ${problems.slice(0, 5).join('; ')}${more}. Fix or move it away; AI Lab will not write over it`);
  }
  return data as ShortlistFile;
}

/**
 * The entries of a shortlist file. A missing file is an empty list. Throws ShortlistError naming the file and
 * what is wrong when it cannot be read, is not JSON, or is not the version-1 shape (every write goes through
 * this read first, so such a file is never overwritten).
 */
export function readShortlist(file: string): ShortlistEntry[] {
  return readShortlistFile(file).entries;
}

/**
 * Writes `data` as 2-space JSON with a trailing newline, atomically: a temporary file in the same folder, flushed,
 * then renamed over `file` (readers see the old file or the new one, never half of one). Creates the folder.
 */
function writeAtomic(file: string, data: ShortlistFile): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'wx');
    try {
      fs.writeFileSync(fd, JSON.stringify(data, null, 2) + '\n');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new ShortlistError(file, `cannot write the shortlist ${file}: ${(err as Error).message}`);
  }
}

/** Reads, changes and writes back the file; `change` returns what to hand back. Nothing is written when reading fails. */
function update<T>(file: string, change: (data: ShortlistFile) => T): T {
  const data = readShortlistFile(file);
  const result = change(data);
  writeAtomic(file, data);
  return result;
}

/**
 * Adds a result and returns the new list. A row for the same run (same model, task, backend and dataset
 * source/config/split/sample/seed) is replaced in place: it keeps its id, its notes unless `entry.notes` is a
 * non-empty string, and any keys a user added by hand; `addedAt` becomes now. Throws ShortlistError when the
 * entry is not valid (e.g. accuracy 87: accuracy is kept 0–1) or the file is not a valid shortlist.
 */
export function addToShortlist(file: string, entry: NewShortlistEntry, now: Date = new Date()): ShortlistEntry[] {
  const problems = entryProblems(entry, 'the new entry', false);
  if (problems.length) throw new ShortlistError(file, `not added to the shortlist ${file}: ${problems.join('; ')}`);
  return update(file, (data) => {
    const key = runKey(entry);
    const at = data.entries.findIndex((e) => runKey(e) === key);
    const old = at >= 0 ? data.entries[at] : undefined;
    const notes = entry.notes !== undefined && entry.notes !== '' ? entry.notes : (old?.notes ?? '');
    // Keys the user added to the old row stay; every known key comes from the new result (an optional one it lacks goes).
    const extras = old ? Object.fromEntries(Object.entries(old).filter(([k]) => !KNOWN_KEYS.has(k))) : {};
    // An id or time the caller slipped in (the type has none) does not win over the ones made here.
    const { id: _id, addedAt: _at, notes: _notes, ...given } = withoutUndefined(entry) as NewShortlistEntry & { id?: unknown; addedAt?: unknown };
    const row: ShortlistEntry = { id: old?.id ?? shortlistEntryId(entry), addedAt: now.toISOString(), ...given, notes, ...extras };
    if (at >= 0) data.entries[at] = row;
    else data.entries.push(row);
    return data.entries;
  });
}

const KNOWN_KEYS = new Set(['id', 'addedAt', 'task', 'model', 'backend', 'device', 'dtype', 'parameters', 'sizeBytes', 'license', 'dataset', 'metrics', 'latency', 'partial', 'notes']);

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The index of `id`, or a ShortlistIdError that names the ids there are. */
function indexOf(file: string, entries: ShortlistEntry[], id: string): number {
  const at = entries.findIndex((e) => e.id === id);
  if (at >= 0) return at;
  const there = entries.map((e) => `${e.id} (${e.model}, ${e.task})`);
  throw new ShortlistIdError(file, id, `no entry with id "${id}" in ${file}; ${there.length ? `the ids there: ${there.join(', ')}` : 'the shortlist is empty'}`);
}

/** Removes the entry with `id`; returns the removed entry. Throws ShortlistIdError naming the ids there when it is absent. */
export function removeFromShortlist(file: string, id: string): ShortlistEntry {
  return update(file, (data) => data.entries.splice(indexOf(file, data.entries, id), 1)[0]!);
}

/** Sets the notes of the entry with `id` ("" clears them); returns the changed entry. Throws like `removeFromShortlist`. */
export function setNotes(file: string, id: string, notes: string): ShortlistEntry {
  return update(file, (data) => {
    const e = data.entries[indexOf(file, data.entries, id)]!;
    e.notes = notes;
    return e;
  });
}
