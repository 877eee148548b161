/** Errors of one file transfer that callers tell apart (and must not retry blindly). */

/** The server sent, or announced, a body that is not the listed size: the bytes are refused. */
export class SizeMismatchError extends Error {
  readonly final = true;
  constructor(message: string) {
    super(message);
    this.name = 'SizeMismatchError';
  }
}

/**
 * The disk (or the user's quota) is full while writing `file`. The partial `.incomplete` is kept, so a
 * later run resumes; `remainingBytes` is what this file still needs.
 */
export class DiskFullError extends Error {
  readonly final = true;
  constructor(
    readonly code: 'ENOSPC' | 'EDQUOT',
    readonly file: string,
    readonly remainingBytes: number,
  ) {
    super(`${code === 'EDQUOT' ? 'disk quota exceeded' : 'no space left on the device'} while writing ${file} (${remainingBytes} bytes of it still to write)`);
    this.name = 'DiskFullError';
  }
}

export function isDiskFull(err: unknown): err is NodeJS.ErrnoException & { code: 'ENOSPC' | 'EDQUOT' } {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** A write the file system refuses: read-only mount, no permission, or a missing parent folder. */
export function isWriteRefused(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EROFS' || code === 'EACCES' || code === 'EPERM';
}
