import { documentLimit } from './decodeBudget';
import { joinPages, type DocumentText } from './pageText';
import { PdfError } from './pdfError';
import { openRegularFile } from './pdfFile';
import { partsFor, PdfWorkerError, runPdfJob } from './pdfWorkerPool';

export { PdfError, type PdfErrorKind } from './pdfError';

export interface PdfText extends DocumentText {
  pageCount: number;
  /** Pages with no text at all (blank pages, and scans without OCR or other pictures). */
  emptyPages: number[];
  /** Pages with nothing drawn on them at all (no text, picture or line); a subset of emptyPages. */
  blankPages: number[];
  /** Pages with glyphs that have no Unicode mapping (left out of their text; each page says how many). */
  unreadablePages: number[];
  /** Set when the document has no text layer and not only blank pages: it looks scanned, so OCR is the way to its text. */
  scanned: boolean;
  title?: string;
}

export interface ExtractOptions {
  password?: string;
  /** Only these pages (1-based); all by default. */
  pages?: number[];
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

const HEAD = 1024;
const TAIL = 2048;

/** Checks what pdf.js would only report vaguely: no bytes, not a PDF, cut off before its end. */
export function checkPdfBytes(data: Uint8Array, name: string): void {
  checkPdfEnds(data.length, data.subarray(0, HEAD), data.subarray(Math.max(0, data.length - TAIL)), name);
}

/**
 * The same checks on a file on disk, reading only its first and last few KB; a device, FIFO, socket
 * or folder is refused first (PdfError 'notFile', see pdfFile.ts).
 */
export async function checkPdfFile(file: string, name: string): Promise<void> {
  const fh = await openRegularFile(file, name);
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(Math.min(HEAD, size));
    const tail = Buffer.alloc(Math.min(TAIL, size));
    await fh.read(head, 0, head.length, 0);
    await fh.read(tail, 0, tail.length, size - tail.length);
    checkPdfEnds(size, head, tail, name);
  } finally {
    await fh.close();
  }
}

function checkPdfEnds(size: number, head: Uint8Array, tail: Uint8Array, name: string): void {
  if (size === 0) throw new PdfError('empty', `${name} is empty (0 bytes). It may still be downloading or copying; open it again when it is complete.`);
  if (!Buffer.from(head).toString('latin1').includes('%PDF-')) throw new PdfError('notPdf', `${name} is not a PDF (it does not start with %PDF-).`);
  if (!Buffer.from(tail).toString('latin1').includes('%%EOF')) {
    throw new PdfError('truncated', `${name} is truncated: it ends after ${size} bytes, before the PDF's end marker (%%EOF). Download or copy it again.`);
  }
}

function aborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new PdfError('cancelled', 'PDF text extraction was cancelled.');
}

/**
 * The text of a PDF page by page. pdf.js runs in worker threads (see pdfWorkerMain.ts): its polyfills
 * stay out of the caller's realm, long documents are split between cores, and a cancel stops at once.
 */
export async function extractPdf(data: Uint8Array, name: string, o: ExtractOptions = {}): Promise<PdfText> {
  checkPdfBytes(data, name);
  aborted(o.signal);
  const copy = () => data.slice().buffer as ArrayBuffer;
  try {
    // One job per worker at once; each opens the document and takes its share of the pages.
    const parts = partsFor(data.length, o.pages?.length);
    const progress = new Array<number>(parts).fill(0);
    const results = await Promise.all(
      Array.from({ length: parts }, (_, part) =>
        runPdfJob({ data: copy(), password: o.password, pages: o.pages, part, parts }, o.signal, (done, total) => {
          progress[part] = done;
          o.onProgress?.(progress.reduce((a, b) => a + b, 0), total);
        }),
      ),
    );
    const texts = results.flatMap((r) => r.texts);
    aborted(o.signal);
    const pageCount = results[0]!.numPages;
    const emptyPages = texts.filter((t) => !t.text.trim()).map((t) => t.page);
    const blankPages = texts.filter((t) => t.blank).map((t) => t.page);
    const title = results[0]!.title?.trim() || undefined;
    const scanned = texts.length > 0 && emptyPages.length === texts.length && blankPages.length < texts.length;
    const unreadablePages = texts.filter((t) => t.unreadable).map((t) => t.page);
    return { ...joinPages(texts), pageCount, emptyPages, blankPages, unreadablePages, scanned, title };
  } catch (err) {
    throw err instanceof PdfError ? err : pdfjsError(err, name, o.password, data.length);
  }
}

function pdfjsError(err: unknown, name: string, password: string | undefined, size: number): Error {
  const e = err as { name?: string; code?: number; message?: string };
  if (e?.name === 'PasswordException') {
    // pdf.js: code 1 = a password is needed, 2 = the one given is wrong.
    return e.code === 2 || password
      ? new PdfError('wrongPassword', `The password for ${name} is not correct.`)
      : new PdfError('needPassword', `${name} is encrypted; it needs its password to be read.`);
  }
  if (err instanceof PdfWorkerError && err.name === 'PageRangeError') return new PdfError('corrupt', `${name} has ${err.numPages} pages; there is no page ${err.badPage}.`);
  if (err instanceof PdfWorkerError && err.name === 'DecodeLimitError') {
    return new PdfError('tooLarge', `${name} was not read: ${err.message}, more than AI Lab lets one PDF take in memory (128 MiB a stream, ${Math.round(documentLimit(size) / 2 ** 20)} MiB in all for this file). It may be a decompression bomb; if you trust it, extract its text with another tool.`);
  }
  if (e?.name === 'AbortException') return new PdfError('cancelled', 'PDF text extraction was cancelled.');
  const detail = e?.message ? ` (${e.message})` : '';
  return new PdfError('corrupt', `${name} could not be read as a PDF: the file is damaged${detail}. Try opening it in another viewer, or get a fresh copy.`);
}

/**
 * What to tell the user about a document with no text at all: it has no pages, its pages are all
 * blank, or it looks scanned (OCR is the way to its text). Undefined when some page has text.
 */
export function scanAdvice(t: PdfText, name: string): string | undefined {
  if (t.pageCount === 0) return `${name} has 0 pages: there is no text in it to read.`;
  if (t.pages.length > 0 && t.blankPages.length === t.pages.length) {
    const n = t.pages.length;
    return `${name} has no text: ${n === 1 ? `page ${t.pages[0]!.page} is` : t.pages.length === t.pageCount ? `all ${n} pages are` : `the ${n} pages chosen are`} blank (nothing is drawn on ${n === 1 ? 'it' : 'them'}).`;
  }
  if (t.scanned && t.unreadablePages.length) {
    return `${name} has no readable text: its fonts draw glyphs without a Unicode mapping, so the text cannot be told from them. OCR can read it from the rendered pages, e.g. \`ocrmypdf --force-ocr "${name}" "${name.replace(/\.pdf$/i, '')}.ocr.pdf"\`.`;
  }
  if (t.scanned) {
    return `${name} has no text layer: it looks scanned (pages are pictures). Run OCR on it first, e.g. \`ocrmypdf "${name}" "${name.replace(/\.pdf$/i, '')}.ocr.pdf"\`, then open the OCR'd copy.`;
  }
  return undefined;
}
