/**
 * Reading a Hugging Face cache folder as Python leaves it, without ever throwing: dangling links (a
 * deleted blob, a repo folder on a disk that is not mounted), unreadable folders, files copied into
 * snapshots where symlinks are not available (Windows). Callers turn problems into warnings.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** "EACCES: permission denied", "ELOOP: too many symbolic links", … from any error. */
export function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code) return `${e.code}: ${e.message.replace(/^\w+: /, '').replace(/,.*$/, '')}`;
  return String((err as Error)?.message ?? err);
}

/** Entries of a folder, or the error that kept us from reading it. */
export function readDir(dir: string): { entries: fs.Dirent[]; error?: undefined } | { entries?: undefined; error: NodeJS.ErrnoException } {
  try {
    return { entries: fs.readdirSync(dir, { withFileTypes: true }) };
  } catch (err) {
    return { error: err as NodeJS.ErrnoException };
  }
}

/**
 * Every non-folder entry under `dir` (files, links, anything else), recursively, not following links
 * to folders. A folder that cannot be read is passed to `onError` and skipped.
 */
export function walkFiles(dir: string, onError: (folder: string, err: NodeJS.ErrnoException) => void = () => undefined): string[] {
  const r = readDir(dir);
  if (r.error) {
    onError(dir, r.error);
    return [];
  }
  return r.entries.flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walkFiles(p, onError) : [p];
  });
}

/** What one entry of a snapshot stands for. */
export type SnapshotEntry =
  /** A readable file: `real` is the blob its link resolves to, or the entry itself when it is a plain (copied) file. */
  | { kind: 'file'; path: string; real: string; stat: fs.Stats; linked: boolean }
  /** A link whose target is gone (its blob was deleted). */
  | { kind: 'missing'; path: string; target: string }
  /** Anything else: cannot be read, a link loop, a link to a folder, not a regular file. */
  | { kind: 'unreadable'; path: string; why: string };

/** Resolves one snapshot entry (see SnapshotEntry); never throws. */
export function snapshotEntry(p: string): SnapshotEntry {
  let lst: fs.Stats;
  try {
    lst = fs.lstatSync(p);
  } catch (err) {
    return { kind: 'unreadable', path: p, why: reason(err) };
  }
  if (lst.isFile()) return { kind: 'file', path: p, real: realpathOr(p), stat: lst, linked: false };
  if (!lst.isSymbolicLink()) return { kind: 'unreadable', path: p, why: 'not a regular file' };
  try {
    const stat = fs.statSync(p);
    if (!stat.isFile()) return { kind: 'unreadable', path: p, why: stat.isDirectory() ? 'a link to a folder' : 'not a regular file' };
    return { kind: 'file', path: p, real: fs.realpathSync(p), stat, linked: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing', path: p, target: readLinkOr(p) };
    return { kind: 'unreadable', path: p, why: reason(err) };
  }
}

export function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

export function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

export function readLinkOr(p: string): string {
  try {
    return fs.readlinkSync(p);
  } catch {
    return '?';
  }
}

/**
 * The path a small file holds when it is a symbolic link turned into a file (git without symlink
 * support, some copy tools write the target as the file's text); `pattern` says what a target looks like.
 */
export function flattenedLink(p: string, size: number, pattern: RegExp): string | undefined {
  if (size === 0 || size > 512) return undefined;
  try {
    const text = fs.readFileSync(p, 'utf8').trim();
    return pattern.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `p` is `dir` or lies under it (both already resolved). */
export function isInside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The largest of many numbers without spreading them as arguments (a revision may hold 100 000 files). */
export function maxOf(values: Iterable<number>): number {
  let m = 0;
  for (const v of values) if (v > m) m = v;
  return m;
}
