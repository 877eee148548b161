import type * as fs from 'node:fs';

/**
 * What a file that is not a regular file is, in words ("a named pipe (FIFO)"); undefined for a regular
 * file. Inputs (text files, PDFs) are read from regular files only: a device may never end and a FIFO's
 * open waits for a writer.
 */
export function specialFileKind(st: fs.Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}
