/** A workspace file as text with pages (PDFs) or a note saying why it is left out of the index. */
import * as path from 'node:path';
import { extractPdf, PdfError, scanAdvice } from '../pdf/extract';
import { setting } from '../surface/names';
import { joinPages, type DocumentText } from '../pdf/pageText';
import { readPdfFile } from '../pdf/pdfFile';
import { checkText, InputError } from '../text/chunks';
import { decodeText } from '../text/decode';
import { readTextFileBytes } from '../text/textFile';
import { hasVisibleText } from '../text/visible';

/** Files larger than this (megabytes) are left out with a note; the setting and the CLI flag change it. */
export const DEFAULT_MAX_FILE_MB = 20;

const mb = (bytes: number) => `${Number((bytes / 1e6).toFixed(1))} MB`;

/**
 * The file's text, or why it is left out; `retry` when that depends on a setting or a passing state,
 * not on the file's content ('size': over the size limit, which may be raised; 'unreadable': a
 * permission change may fix it), so an update looks at the file again even when it has not changed.
 */
export type ReadDocument = { doc: DocumentText; paged: boolean } | { skipped: string; retry?: 'size' | 'unreadable' };

/** The note for a file over the size limit (`maxBytes`). */
export function tooLargeNote(size: number, maxBytes: number): string {
  return `larger than ${mb(maxBytes)} (${mb(size)}); ${setting('aiLab.index.maxFileMB')} sets the limit`;
}

/**
 * The text of `abs` (named `rel` in notes): a PDF's pages through the PDF text code, a text file
 * decoded as VS Code decodes it (BOM, UTF-16, else UTF-8, else windows-1252). Returns a note instead
 * for a file over `maxBytes`, binary data, a PDF that is encrypted, scanned, blank or broken, and a
 * file with no visible text. File system errors (ENOENT when removed meanwhile) are thrown.
 */
export async function readDocument(abs: string, rel: string, size: number, maxBytes: number, signal?: AbortSignal): Promise<ReadDocument> {
  if (size > maxBytes) return { skipped: tooLargeNote(size, maxBytes), retry: 'size' };
  const name = path.posix.basename(rel);
  if (/\.pdf$/i.test(rel)) {
    try {
      const t = await extractPdf(await readPdfFile(abs, name), name, { signal });
      const advice = scanAdvice(t, name);
      if (advice) return { skipped: advice };
      if (!hasVisibleText(t.text)) return { skipped: 'no text' };
      return { doc: { text: t.text, pages: t.pages }, paged: true };
    } catch (err) {
      if (err instanceof PdfError && err.kind === 'cancelled') throw err;
      if (err instanceof PdfError && err.kind === 'needPassword') return { skipped: 'encrypted: it needs a password to be read (not indexed)' };
      if (err instanceof PdfError) return { skipped: err.message };
      throw err;
    }
  }
  const bytes = readTextFileBytes(abs, rel);
  const head = Buffer.from(bytes.subarray(0, 64)).toString('latin1');
  if (/^\s*%PDF-/.test(head)) return { skipped: 'a PDF without the .pdf extension' };
  try {
    const { text } = decodeText(bytes, { name });
    checkText(text, `the file ${rel}`);
    if (!hasVisibleText(text)) return { skipped: 'no text' };
    return { doc: joinPages([{ page: 1, text }]), paged: false };
  } catch (err) {
    if (err instanceof InputError) return { skipped: /binary/.test(err.message) ? 'binary data, not text' : 'no text' };
    throw err;
  }
}
