import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeNameProblem, repoNameProblem } from './repoFileNames';

/** The Hugging Face hub cache layout, as Python's huggingface_hub writes it. */
export type RepoType = 'model' | 'dataset' | 'space';

export const COMMIT_HASH = /^[0-9a-f]{40}$/;

export function repoFolderName(repoId: string, type: RepoType = 'model'): string {
  return [`${type}s`, ...repoId.split('/')].join('--');
}

export function validateRepoId(repoId: string): void {
  if (!/^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/.test(repoId) || repoId.includes('..') || repoId.length > 96) {
    throw new Error(`"${repoId}" is not a Hub repo id (expected "org/name" or "name")`);
  }
}

/**
 * A repo file name as a relative path under a snapshot, or an Error: names that escape the cache
 * (absolute, "..", empty segments, backslashes) or that this OS cannot hold (see
 * repoNameProblem). Hub listings are remote input, so every name is checked.
 */
export function safeRepoPath(name: string, platform: string = process.platform): string {
  const problem = repoNameProblem(name, platform);
  if (problem) throw new Error(describeNameProblem(name, problem));
  return name.split('/').join(path.sep);
}

export class RepoCache {
  readonly root: string;
  constructor(
    readonly cacheDir: string,
    readonly repoId: string,
    readonly type: RepoType = 'model',
  ) {
    validateRepoId(repoId);
    this.root = path.join(cacheDir, repoFolderName(repoId, type));
  }

  blobPath(etag: string): string {
    if (!/^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(etag)) throw new Error(`Unexpected etag "${etag}" from the Hub`);
    return path.join(this.root, 'blobs', etag);
  }

  snapshotDir(commit: string): string {
    if (!COMMIT_HASH.test(commit)) throw new Error(`Unexpected commit "${commit}" from the Hub`);
    return path.join(this.root, 'snapshots', commit);
  }

  snapshotPath(commit: string, file: string): string {
    return path.join(this.snapshotDir(commit), safeRepoPath(file));
  }

  /** refs/<revision> → commit; a commit hash resolves to itself. */
  resolveRevision(revision: string): string | undefined {
    if (COMMIT_HASH.test(revision)) return revision;
    try {
      const c = fs.readFileSync(path.join(this.root, 'refs', ...revision.split('/')), 'utf8').trim();
      return COMMIT_HASH.test(c) ? c : undefined;
    } catch {
      return undefined;
    }
  }

  /** Writes refs/<revision> (atomically, by rename); writes nothing when it already names `commit`. */
  writeRef(revision: string, commit: string): void {
    if (COMMIT_HASH.test(revision)) return;
    if (this.resolveRevision(revision) === commit) return; // A read-only cache stays usable.
    const p = path.join(this.root, 'refs', ...revision.split('/').map((s) => safeRepoPath(s)));
    fs.mkdirSync(path.dirname(p), { recursive: true });
    const tmp = `${p}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    fs.writeFileSync(tmp, commit);
    fs.renameSync(tmp, p);
  }

  /** Whether snapshots/<commit>/<file> already gives blobs/<etag> (a link to it, or a copy of its size). */
  snapshotIsRight(commit: string, file: string, etag: string): boolean {
    const dest = this.snapshotPath(commit, file);
    const blob = this.blobPath(etag);
    try {
      if (fs.lstatSync(dest).isSymbolicLink()) return fs.realpathSync(dest) === fs.realpathSync(blob);
      // A copy (where links are refused, as Python does on Windows without developer mode).
      const [d, b] = [fs.statSync(dest), fs.statSync(blob)];
      return d.isFile() && d.size === b.size;
    } catch {
      return false;
    }
  }

  /**
   * Points snapshots/<commit>/<file> at blobs/<etag> with a relative symlink (a copy where links are
   * refused). A right link is left alone (nothing written: a read-only cache works); otherwise the new
   * link is made under a temporary name and renamed over the old one, so another process never sees it
   * missing and never has a right link deleted under it.
   */
  linkSnapshot(commit: string, file: string, etag: string): string {
    const dest = this.snapshotPath(commit, file);
    if (this.snapshotIsRight(commit, file, etag)) return dest;
    const blob = this.blobPath(etag);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      fs.symlinkSync(path.relative(path.dirname(dest), blob), tmp);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EROFS' || (err as NodeJS.ErrnoException).code === 'ENOSPC') throw err;
      fs.copyFileSync(blob, tmp);
    }
    try {
      fs.renameSync(tmp, dest);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    return dest;
  }
}

/** Model ids in a Hugging Face cache (its models--org--name folders that are folders with snapshots), sorted. */
export function cachedModelIds(cacheDir: string): string[] {
  try {
    return fs
      .readdirSync(cacheDir)
      // A dangling link (a disk not mounted) or a half-made folder is not a model one can use.
      .filter((n) => n.startsWith('models--') && isDirectory(path.join(cacheDir, n, 'snapshots')))
      .map((n) => n.slice('models--'.length).split('--').join('/'))
      .sort();
  } catch {
    return [];
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
