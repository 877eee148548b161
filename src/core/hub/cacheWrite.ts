/** Plain-words errors for writing into the Hugging Face cache: disk full, read-only, missing folder. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatBytes } from '../bytes';
import { DiskFullError, isDiskFull, isWriteRefused } from './transferErrors';

export type CacheWriteKind = 'disk-full' | 'read-only';

export class CacheWriteError extends Error {
  constructor(
    message: string,
    readonly kind: CacheWriteKind,
  ) {
    super(message);
    this.name = 'CacheWriteError';
  }
}

const WHERE = 'point HF_HUB_CACHE (or HF_HOME) at a writable folder';

/** Bytes free to this user on the file system holding `dir` (its nearest existing parent); undefined where unknown. */
export function freeBytes(dir: string): number | undefined {
  for (let d = dir; ; ) {
    try {
      const s = fs.statfsSync(d);
      return s.bavail * s.bsize;
    } catch (err) {
      const parent = path.dirname(d);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === d) return undefined;
      d = parent;
    }
  }
}

export interface WriteContext {
  cacheDir: string;
  /** The repo file being written, e.g. onnx/model.onnx. */
  file?: string;
  /** Bytes the whole download still needs (this file included). */
  remainingTotal?: number;
}

/**
 * Turns a write failure in the cache into a CacheWriteError that says what, where and what to do;
 * returns undefined for errors that are not about writing (network, hash…).
 */
export function explainCacheWrite(err: unknown, c: WriteContext): CacheWriteError | undefined {
  if (err instanceof DiskFullError || isDiskFull(err)) {
    const code = (err as { code: string }).code;
    const free = freeBytes(c.cacheDir);
    const fileLeft = err instanceof DiskFullError ? ` ${c.file ?? 'this file'} still needs ${formatBytes(err.remainingBytes)};` : '';
    const total = c.remainingTotal !== undefined ? ` the whole download still needs ${formatBytes(c.remainingTotal)}` : '';
    return new CacheWriteError(
      `Not enough space for the Hugging Face cache ${c.cacheDir} (${code === 'EDQUOT' ? 'disk quota exceeded' : 'disk full'}):${fileLeft}${total}${free !== undefined ? `, and ${formatBytes(free)} is free there` : ''}. ` +
        `Free some space (or ${WHERE} on a bigger disk) and run again: the part already downloaded is kept and the download resumes.`,
      'disk-full',
    );
  }
  const e = err as NodeJS.ErrnoException;
  const at = e?.path ?? c.cacheDir;
  if (isWriteRefused(err)) {
    const what = e.code === 'EROFS' ? 'is on a read-only file system' : `cannot be written (${e.code}: permission denied)`;
    return new CacheWriteError(
      `The Hugging Face cache ${c.cacheDir} ${what}${at !== c.cacheDir ? ` (writing ${at})` : ''}${c.file ? `, and ${c.file} is not in it yet` : ''}. To download, ${WHERE}; files already there can still be used.`,
      'read-only',
    );
  }
  if (e?.code === 'ENOENT' && e.syscall === 'mkdir') {
    return new CacheWriteError(`Cannot create the Hugging Face cache folder ${c.cacheDir}: a folder above it is missing or is a broken link. Create it, or ${WHERE}.`, 'read-only');
  }
  if (e?.code === 'ENOTDIR' && (e.syscall === 'mkdir' || e.syscall === 'open')) {
    return new CacheWriteError(`Cannot create the Hugging Face cache folder ${c.cacheDir}: a file is in the way. ${WHERE[0]!.toUpperCase()}${WHERE.slice(1)}.`, 'read-only');
  }
  return undefined;
}
