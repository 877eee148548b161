/**
 * The download loop of a snapshot: each missing blob under its per-blob lock (shared with Python's
 * huggingface_hub), checked against free space first, then linked into snapshots/<commit>/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatBytes } from '../bytes';
import { acquireBlobLock, blobLockPath } from './blobLock';
import { repoFolderName, type RepoCache } from './cacheLayout';
import { CacheWriteError, explainCacheWrite, freeBytes } from './cacheWrite';
import { transferFile } from './fileTransfer';

export interface BlobToFetch {
  path: string;
  size: number;
  etag: string;
  lfs: boolean;
}

export interface FetchProgress {
  file: string;
  doneBytes: number;
  totalBytes: number;
  filesDone: number;
  filesTotal: number;
  /** Set while another process (AI Lab or Python) downloads this blob: the lock file waited on. */
  waitingOn?: string;
}

export interface FetchBlobsParams {
  cache: RepoCache;
  commit: string;
  /** URL of /resolve/<commit>/<file> on the endpoint. */
  urlOf: (file: string) => string;
  signal?: AbortSignal;
  idleTimeoutMs?: number;
  attempts?: number;
  fetchImpl: typeof fetch;
  log?: (msg: string) => void;
  onProgress?: (p: FetchProgress) => void;
  /** Turns a transfer failure (not a cache write failure) into the caller's error. */
  explain: (err: unknown, file: BlobToFetch) => Error;
}

/** One line for a progress notification: bytes so far, or whom it waits for. */
export function progressText(p: FetchProgress): string {
  if (p.waitingOn) return `waiting for another download of ${p.file} (lock ${p.waitingOn})`;
  return `${p.file}: ${formatBytes(p.doneBytes)} of ${formatBytes(p.totalBytes)}`;
}

const incompleteSize = (blob: string): number => {
  try {
    return fs.statSync(`${blob}.incomplete`).size;
  } catch {
    return 0;
  }
};

/**
 * Fetches the blobs of `wanted` that the cache lacks, then links every wanted file into the snapshot
 * (right links are left alone, so a read-only cache that holds everything writes nothing). Returns the
 * bytes fetched now. Errors: CacheWriteError (disk full, read-only or missing cache folder), the
 * caller's `explain` for the rest, the signal's reason when cancelled.
 */
export async function fetchBlobs(wanted: BlobToFetch[], p: FetchBlobsParams): Promise<number> {
  const { cache } = p;
  const cacheDir = path.dirname(cache.root);
  const todo = wanted.filter((f) => !fs.existsSync(cache.blobPath(f.etag)));
  const remainingOf = (from: number) => todo.slice(from).reduce((s, f) => s + Math.max(0, f.size - incompleteSize(cache.blobPath(f.etag))), 0);
  const totalBytes = todo.reduce((s, f) => s + f.size, 0);
  let doneBytes = 0;
  let fetched = 0;
  let filesDone = 0;
  if (todo.length) {
    const blobs = path.join(cache.root, 'blobs');
    try {
      fs.mkdirSync(blobs, { recursive: true });
    } catch (err) {
      throw explainCacheWrite(err, { cacheDir, file: todo[0]!.path }) ?? err;
    }
    const need = remainingOf(0);
    const free = freeBytes(blobs);
    if (free !== undefined && free < need) {
      throw new CacheWriteError(
        `Not enough space for the Hugging Face cache ${cacheDir}: this download needs ${formatBytes(need)} more and ${formatBytes(free)} is free there. ` +
          `Free some space (or point HF_HUB_CACHE (or HF_HOME) at a bigger disk) and run again.`,
        'disk-full',
      );
    }
  }
  for (let i = 0; i < wanted.length; i++) {
    const f = wanted[i]!;
    const blob = cache.blobPath(f.etag);
    const at = todo.indexOf(f);
    if (at >= 0) {
      const base = doneBytes;
      const report = (waitingOn?: string) => p.onProgress?.({ file: f.path, doneBytes, totalBytes, filesDone, filesTotal: todo.length, ...(waitingOn ? { waitingOn } : {}) });
      report();
      let lock;
      try {
        lock = await acquireBlobLock(blobLockPath(cacheDir, repoFolderName(cache.repoId, cache.type), f.etag), {
          signal: p.signal,
          onWait: (lockFile) => {
            p.log?.(`waiting for another download of ${f.path} (lock ${lockFile})`);
            report(lockFile);
          },
        });
      } catch (err) {
        if (p.signal?.aborted) throw p.signal.reason ?? err;
        throw explainCacheWrite(err, { cacheDir, file: f.path }) ?? err;
      }
      try {
        if (fs.existsSync(blob)) {
          p.log?.(`${f.path}: another process finished downloading it`);
        } else {
          await transferFile({
            url: p.urlOf(f.path),
            dest: blob,
            label: f.path,
            size: f.size,
            hash: { algorithm: f.lfs ? 'sha256' : 'git-sha1', expected: f.etag },
            signal: p.signal,
            idleTimeoutMs: p.idleTimeoutMs,
            attempts: p.attempts,
            fetchImpl: p.fetchImpl,
            log: p.log,
            onBytes: (n) => {
              doneBytes += n;
              fetched += n;
              report();
            },
          });
        }
      } catch (err) {
        if (p.signal?.aborted) throw p.signal.reason ?? err;
        const write = explainCacheWrite(err, { cacheDir, file: f.path, remainingTotal: remainingOf(at) });
        throw write ?? p.explain(err, f);
      } finally {
        await lock.release();
      }
      doneBytes = base + f.size;
      filesDone++;
      report();
    }
    try {
      cache.linkSnapshot(p.commit, f.path, f.etag);
    } catch (err) {
      throw explainCacheWrite(err, { cacheDir, file: `the snapshot link of ${f.path}` }) ?? err;
    }
  }
  return fetched;
}
