/**
 * Opening a PDF on disk: only regular files are read. A device (/dev/zero never ends), a FIFO (its
 * open waits for a writer), a socket or a folder is refused before any byte is read, with what it is.
 */
import * as fs from 'node:fs';
import { specialFileKind } from '../fileKind';
import * as path from 'node:path';
import { PdfError } from './pdfError';

/** The error for a file that is not a regular file. */
export function notAFileError(name: string, kind: string): PdfError {
  if (kind === 'a folder') return new PdfError('notFile', `${name} is a folder, not a PDF file.`);
  return new PdfError('notFile', `${name} is ${kind}, not a regular file: AI Lab reads PDFs only from regular files (a device or a pipe may never end, or never start). Save its content to a file first.`);
}

/**
 * Opens a regular file for reading; throws PdfError 'notFile' for anything else. The open does not
 * block (O_NONBLOCK, where the platform has it), so a FIFO with no writer is refused, not waited on;
 * the check is on the file opened (fstat), not on its name. Other errors (ENOENT…) are thrown as is.
 */
export async function openRegularFile(file: string, name = path.basename(file)): Promise<fs.promises.FileHandle> {
  const fh = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const kind = specialFileKind(await fh.stat());
    if (kind) throw notAFileError(name, kind);
    return fh;
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** A PDF file's bytes, read only when it is a regular file (see openRegularFile). */
export async function readPdfFile(file: string, name = path.basename(file)): Promise<Uint8Array> {
  const fh = await openRegularFile(file, name);
  try {
    return new Uint8Array(await fh.readFile());
  } finally {
    await fh.close();
  }
}

export { specialFileKind };
