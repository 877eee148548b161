/**
 * What the Hugging Face cache holds, like `hf cache scan` (huggingface_hub's scan_cache_dir), and
 * deleting repos or revisions from it (cacheDelete.ts), like `hf cache delete`. The cache is read as
 * Python leaves it: a broken entry (a dangling link, an empty or unreadable folder) is a warning that
 * names the repo and the file, and the scan goes on with the rest; files copied into snapshots
 * (Windows without symlinks) count like blobs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMIT_HASH, type RepoType } from './cacheLayout';
import { flattenedLink, isLink, maxOf, readDir, readLinkOr, realpathOr, reason, snapshotEntry, walkFiles } from './cacheFiles';

export { executeDelete, findCachedRepo, planDelete, type DeletePlan } from './cacheDelete';

export interface CachedRevision {
  commit: string;
  /** Refs (main, a branch or tag) that point at this commit. */
  refs: string[];
  /** Readable files in the snapshot (links to blobs, or copies). */
  files: number;
  /** Bytes of the files this revision holds: the blobs it links to, or its copies. */
  size: number;
  lastModified: number;
  path: string;
  /** Snapshot files whose blob is gone (dangling links), relative to the revision folder, "/"-separated. */
  missing: string[];
}

export interface CachedRepo {
  id: string;
  type: RepoType;
  path: string;
  /** Where the repo folder really is, when it is a link (to another disk). */
  linkTarget?: string;
  /** Bytes on disk: every blob once (shared ones too), plus the files copied into snapshots. */
  size: number;
  files: number;
  revisions: CachedRevision[];
  /** Newest access time of its files (ms since the epoch). */
  lastAccessed: number;
  lastModified: number;
}

export interface CacheScan {
  dir: string;
  repos: CachedRepo[];
  size: number;
  /**
   * What looks broken, one line each, starting with the repo folder's name and naming the file: a
   * dangling link, a missing blob, an empty or unreadable folder. Reported, never deleted.
   */
  warnings: string[];
}

const TYPES: Record<string, RepoType> = { models: 'model', datasets: 'dataset', spaces: 'space' };
/** huggingface_hub's FILES_TO_IGNORE, and folders it keeps beside the repos. */
const IGNORED = new Set(['.DS_Store', '.locks']);

/** The target of a snapshot link, as huggingface_hub writes it. */
const BLOB_LINK = /^(\.\.[\\/])+blobs[\\/][0-9a-f]{40}([0-9a-f]{24})?$/;
const ANY_PATH = /^(\/|\.\.?[\\/]|[A-Za-z]:[\\/]|\\\\)[^\n]*$/;
const rel = (from: string, p: string) => path.relative(from, p).split(path.sep).join('/');

/** `p` is a link whose target is missing (fs.existsSync says false for it, as for nothing there). */
const isDanglingLink = (p: string) => isLink(p) && !fs.existsSync(p);

/** "refs links to /mnt/x, which is missing" for a repo's folder that is a dangling link; undefined otherwise. */
function danglingFolder(repoDir: string, name: string, what: string): string | undefined {
  const p = path.join(repoDir, name);
  return isDanglingLink(p) ? `${name} links to ${readLinkOr(p)}, which is missing (a disk that is not mounted?); ${what}` : undefined;
}

function readRefs(repoDir: string, warn: (m: string) => void): Map<string, string[]> {
  const byCommit = new Map<string, string[]>();
  const refsDir = path.join(repoDir, 'refs');
  const dangling = danglingFolder(repoDir, 'refs', 'no revision has a ref name');
  if (dangling) warn(dangling);
  if (!fs.existsSync(refsDir)) return byCommit;
  const files = walkFiles(refsDir, (f, err) => warn(`${rel(repoDir, f)} cannot be read (${reason(err)})`));
  for (const file of files) {
    if (IGNORED.has(path.basename(file))) continue;
    let commit: string;
    try {
      commit = fs.readFileSync(file, 'utf8').trim();
    } catch (err) {
      warn(`${rel(repoDir, file)} cannot be read (${reason(err)})`);
      continue;
    }
    const ref = rel(path.join(repoDir, 'refs'), file);
    byCommit.set(commit, [...(byCommit.get(commit) ?? []), ref]);
  }
  return byCommit;
}

interface Counted {
  size: number;
  atimeMs: number;
  mtimeMs: number;
}

/** One snapshot folder: its files (each real file once in `seen`), and what is broken in it. */
function scanRevision(repoDir: string, revPath: string, commit: string, refs: string[], seen: Map<string, Counted>, warn: (m: string) => void): CachedRevision {
  let unreadable = false;
  const entries = walkFiles(revPath, (f, err) => {
    unreadable = true;
    warn(`${rel(repoDir, f)} cannot be read (${reason(err)}); its files are not counted`);
  }).map(snapshotEntry);
  const own = new Map<string, Counted>();
  const missing: string[] = [];
  for (const e of entries) {
    if (e.kind === 'missing') {
      missing.push(rel(revPath, e.path));
      warn(`${rel(repoDir, e.path)} links to ${e.target}, which is missing (its blob was deleted); not counted`);
    } else if (e.kind === 'unreadable') {
      if (!IGNORED.has(path.basename(e.path))) warn(`${rel(repoDir, e.path)} cannot be read (${e.why}); not counted`);
    } else {
      const text = e.linked ? undefined : flattenedLink(e.path, e.stat.size, BLOB_LINK);
      if (text) warn(`${rel(repoDir, e.path)} is a file holding the text "${text}", not the file itself (a link that a copy or git turned into a file?)`);
      const c = { size: e.stat.size, atimeMs: e.stat.atimeMs, mtimeMs: e.stat.mtimeMs };
      own.set(e.real, c);
      seen.set(e.real, c);
    }
  }
  if (!entries.length && !unreadable) warn(`${rel(repoDir, revPath)} is empty (an interrupted download?)`);
  let folderMtime = 0;
  try {
    folderMtime = fs.statSync(revPath).mtimeMs;
  } catch {
    // Already reported by the walk.
  }
  return {
    commit,
    refs,
    files: own.size,
    size: [...own.values()].reduce((s, c) => s + c.size, 0),
    lastModified: Math.max(maxOf([...own.values()].map((c) => c.mtimeMs)), folderMtime),
    path: revPath,
    missing,
  };
}

function folderTimes(dir: string): { atimeMs: number; mtimeMs: number } {
  try {
    return fs.statSync(dir);
  } catch {
    return { atimeMs: 0, mtimeMs: 0 };
  }
}

/** One repo folder, or null when it is not listed (reasons go to `warn`). */
function scanRepo(dir: string, type: RepoType, id: string, warn: (m: string) => void): CachedRepo | null {
  const snapshots = path.join(dir, 'snapshots');
  const listing = readDir(snapshots);
  if (listing.error) {
    const dangling = danglingFolder(dir, 'snapshots', 'not listed');
    warn(dangling ?? (listing.error.code === 'ENOENT' ? 'no snapshots folder (an interrupted download?); not listed' : `snapshots cannot be read (${reason(listing.error)}); not listed`));
    return null;
  }
  const refs = readRefs(dir, warn);
  const seen = new Map<string, Counted>();
  const revisions: CachedRevision[] = [];
  for (const entry of listing.entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (IGNORED.has(entry.name)) continue;
    const revPath = path.join(snapshots, entry.name);
    let st: fs.Stats;
    try {
      st = fs.statSync(revPath);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      warn(code === 'ENOENT' ? `snapshots/${entry.name} links to ${readLinkOr(revPath)}, which is missing; skipped` : `snapshots/${entry.name} cannot be read (${reason(err)}); skipped`);
      continue;
    }
    if (!st.isDirectory()) {
      warn(`snapshots/${entry.name} is a file, not a revision folder; skipped`);
      continue;
    }
    revisions.push(scanRevision(dir, revPath, entry.name, refs.get(entry.name) ?? [], seen, warn));
  }
  if (!revisions.length) warn('snapshots holds no revision (an interrupted download?)');
  for (const [commit, names] of refs) {
    if (!revisions.some((r) => r.commit === commit)) {
      warn(`${names.map((n) => `refs/${n}`).join(', ')} ${names.length > 1 ? 'point' : 'points'} at ${COMMIT_HASH.test(commit) ? commit : `"${commit.slice(0, 60)}"`}, which has no snapshot`);
    }
  }
  const blobsGone = danglingFolder(dir, 'blobs', 'the files linked into it are not counted');
  if (blobsGone) warn(blobsGone);
  // Blobs no snapshot points at (an interrupted download, a Windows copy's leftover) still take space.
  for (const blob of walkFiles(path.join(dir, 'blobs'), (f, err) => (err.code === 'ENOENT' ? undefined : warn(`${rel(dir, f)} cannot be read (${reason(err)})`)))) {
    const real = realpathOr(blob);
    if (seen.has(real)) continue;
    try {
      const st = fs.statSync(blob);
      if (st.isFile()) seen.set(real, { size: st.size, atimeMs: st.atimeMs, mtimeMs: st.mtimeMs });
    } catch (err) {
      warn(`${rel(dir, blob)} cannot be read (${reason(err)}); not counted`);
    }
  }
  const counted = [...seen.values()];
  revisions.sort((a, b) => b.lastModified - a.lastModified);
  const linkTarget = isLink(dir) ? realpathOr(dir) : undefined;
  return {
    id,
    type,
    path: dir,
    ...(linkTarget ? { linkTarget } : {}),
    size: counted.reduce((s, c) => s + c.size, 0),
    files: counted.length,
    revisions,
    // Without files, the folder's own times (as huggingface_hub does).
    lastAccessed: counted.length ? maxOf(counted.map((c) => c.atimeMs)) : folderTimes(dir).atimeMs,
    lastModified: counted.length ? maxOf(counted.map((c) => c.mtimeMs)) : folderTimes(dir).mtimeMs,
  };
}

/**
 * Scans the cache folder (HF_HUB_CACHE). A missing folder is an empty cache (a dangling link to one
 * is a warning); nothing in it makes the scan throw: each broken entry becomes a line in `warnings` and the other repos are still listed.
 */
export function scanCache(dir: string): CacheScan {
  const out: CacheScan = { dir, repos: [], size: 0, warnings: [] };
  const top = readDir(dir);
  if (top.error) {
    if (isDanglingLink(dir)) out.warnings.push(`${dir} is a link to ${readLinkOr(dir)}, which does not exist (a disk that is not mounted?)`);
    else if (top.error.code !== 'ENOENT') out.warnings.push(`${dir} cannot be read (${reason(top.error)})`);
    return out;
  }
  for (const name of top.entries.map((e) => e.name).sort()) {
    if (name.startsWith('.')) continue; // .locks
    const full = path.join(dir, name);
    const [kind, ...parts] = name.split('--');
    const type = TYPES[kind ?? ''];
    const warn = (m: string) => out.warnings.push(`${name}: ${m}`);
    let st: fs.Stats;
    try {
      st = fs.statSync(full);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') warn(`a link to ${readLinkOr(full)}, which does not exist (a disk that is not mounted?); skipped`);
      else warn(`cannot be read (${reason(err)}); skipped`);
      continue;
    }
    if (!st.isDirectory()) {
      // version.txt, CACHEDIR.TAG are expected; a file named like a repo is not.
      if (type && parts.length) {
        const text = flattenedLink(full, st.size, ANY_PATH);
        warn(text ? `a file holding the path ${text}, not a repo folder (a link that a copy or git turned into a file?); skipped` : 'a file, not a repo folder; skipped');
      }
      continue;
    }
    if (!type || !parts.length) {
      warn('not a repo folder');
      continue;
    }
    const repo = scanRepo(full, type, parts.join('/'), warn);
    if (repo) out.repos.push(repo);
  }
  out.repos.sort((a, b) => b.size - a.size);
  out.size = out.repos.reduce((s, r) => s + r.size, 0);
  return out;
}
