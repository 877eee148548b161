/**
 * Reading a text file given by path (the CLI's --file, ask's text files): only regular files. A
 * device (/dev/zero never ends), a FIFO (its open waits for a writer) or a socket is refused before
 * any byte is read, as PDFs are; text from a pipe comes on stdin.
 */
import * as fs from 'node:fs';
import { specialFileKind } from '../fileKind';
import { InputError } from './chunks';

/** The InputError for a text input that is `kind` (see specialFileKind), naming it as `name`. */
export function notATextFileError(name: string, kind: string): InputError {
  if (kind === 'a folder') return new InputError(`${name} is a folder, not a file.`);
  return new InputError(`${name} is ${kind}, not a regular file: AI Lab reads text only from regular files (a device or a pipe may never end, or never start). Save it to a file first, or pipe it on stdin.`);
}

/**
 * The bytes of a regular file. The open does not block (O_NONBLOCK where the platform has it), so a
 * FIFO without a writer is refused, not waited on; the check is on the file opened (fstat).
 * @throws InputError for a folder, device, FIFO or socket; the file system's error (ENOENT…) as is
 */
export function readTextFileBytes(file: string, name = file): Uint8Array {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const kind = specialFileKind(fs.fstatSync(fd));
    if (kind) throw notATextFileError(name, kind);
    return new Uint8Array(fs.readFileSync(fd));
  } finally {
    fs.closeSync(fd);
  }
}
