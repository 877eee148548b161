import { importEsm } from '../esm';
import { layoutPage, type TextRun } from './layout';
import { joinPages, type DocumentText } from './pageText';

export type PdfErrorKind = 'empty' | 'notPdf' | 'truncated' | 'corrupt' | 'needPassword' | 'wrongPassword' | 'noText' | 'cancelled';

/** A PDF that cannot be read, with a message that says what to do. */
export class PdfError extends Error {
  constructor(
    readonly kind: PdfErrorKind,
    message: string,
  ) {
    super(message);
    this.name = kind === 'cancelled' ? 'AbortError' : 'PdfError';
  }
}

export interface PdfText extends DocumentText {
  pageCount: number;
  /** Pages with no text at all (scans without OCR, pictures). */
  emptyPages: number[];
  /** Set when the document has no text layer: it looks scanned, so OCR is the way to its text. */
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

/** The parts of pdf.js this module uses. */
interface PdfJs {
  getDocument(src: Record<string, unknown>): { promise: Promise<PdfDocument>; destroy(): Promise<void> };
}
interface PdfDocument {
  numPages: number;
  getPage(n: number): Promise<{ getTextContent(o?: object): Promise<{ items: Array<{ str?: string; transform?: number[]; width?: number; height?: number; hasEOL?: boolean }> }>; cleanup(): void }>;
  getMetadata(): Promise<{ info?: Record<string, unknown> }>;
  destroy(): Promise<void>;
}

let pdfjs: Promise<PdfJs> | undefined;
/** pdf.js's legacy build is the one meant for Node; it loads its worker code in-process ("fake worker"). */
export function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= importEsm<PdfJs>('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjs;
}

/** Checks what pdf.js would only report vaguely: no bytes, not a PDF, cut off before its end. */
export function checkPdfBytes(data: Uint8Array, name: string): void {
  if (data.length === 0) throw new PdfError('empty', `${name} is empty (0 bytes). It may still be downloading or copying; open it again when it is complete.`);
  const head = Buffer.from(data.subarray(0, 1024)).toString('latin1');
  if (!head.includes('%PDF-')) throw new PdfError('notPdf', `${name} is not a PDF (it does not start with %PDF-).`);
  const tail = Buffer.from(data.subarray(Math.max(0, data.length - 2048))).toString('latin1');
  if (!tail.includes('%%EOF')) {
    throw new PdfError('truncated', `${name} is truncated: it ends after ${data.length} bytes, before the PDF's end marker (%%EOF). Download or copy it again.`);
  }
}

function runsOf(items: Array<{ str?: string; transform?: number[]; width?: number; height?: number; hasEOL?: boolean }>): TextRun[] {
  return items
    .filter((i) => typeof i.str === 'string')
    .map((i) => ({ str: i.str!, x: i.transform?.[4] ?? 0, y: i.transform?.[5] ?? 0, width: i.width ?? 0, height: i.height ?? Math.abs(i.transform?.[3] ?? 0), hasEOL: Boolean(i.hasEOL) }));
}

function aborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new PdfError('cancelled', 'PDF text extraction was cancelled.');
}

/**
 * The text of a PDF page by page, in the extension host's own Node (no eval, no worker thread). Pages
 * are read one at a time so a 1,000-page file reports progress and stops as soon as it is cancelled.
 */
export async function extractPdf(data: Uint8Array, name: string, o: ExtractOptions = {}): Promise<PdfText> {
  checkPdfBytes(data, name);
  aborted(o.signal);
  const lib = await loadPdfJs();
  // pdf.js takes ownership of the buffer it is given: pass a copy so the caller's bytes stay intact.
  const task = lib.getDocument({ data: new Uint8Array(data), password: o.password, isEvalSupported: false, disableFontFace: true, useSystemFonts: false, stopAtErrors: false, verbosity: 0 });
  let doc: PdfDocument;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    throw pdfjsError(err, name, o.password);
  }
  try {
    const wanted = o.pages ?? Array.from({ length: doc.numPages }, (_, i) => i + 1);
    const bad = wanted.find((p) => p < 1 || p > doc.numPages || !Number.isInteger(p));
    if (bad !== undefined) throw new PdfError('corrupt', `${name} has ${doc.numPages} pages; there is no page ${bad}.`);
    const texts: Array<{ page: number; text: string }> = [];
    for (const [i, n] of wanted.entries()) {
      aborted(o.signal);
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      texts.push({ page: n, text: layoutPage(runsOf(content.items)) });
      page.cleanup();
      o.onProgress?.(i + 1, wanted.length);
    }
    const emptyPages = texts.filter((t) => !t.text.trim()).map((t) => t.page);
    const info = (await doc.getMetadata().catch(() => ({ info: undefined }))).info;
    const title = typeof info?.Title === 'string' && info.Title.trim() ? info.Title.trim() : undefined;
    return { ...joinPages(texts), pageCount: doc.numPages, emptyPages, scanned: texts.length > 0 && emptyPages.length === texts.length, title };
  } catch (err) {
    throw err instanceof PdfError ? err : pdfjsError(err, name, o.password);
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}

function pdfjsError(err: unknown, name: string, password: string | undefined): Error {
  const e = err as { name?: string; code?: number; message?: string };
  if (e?.name === 'PasswordException') {
    // pdf.js: code 1 = a password is needed, 2 = the one given is wrong.
    return e.code === 2 || password
      ? new PdfError('wrongPassword', `The password for ${name} is not correct.`)
      : new PdfError('needPassword', `${name} is encrypted; it needs its password to be read.`);
  }
  if (e?.name === 'AbortException') return new PdfError('cancelled', 'PDF text extraction was cancelled.');
  const detail = e?.message ? ` (${e.message})` : '';
  return new PdfError('corrupt', `${name} could not be read as a PDF: the file is damaged${detail}. Try opening it in another viewer, or get a fresh copy.`);
}

/** What to tell the user about a document without text: it is a scan, or some pages are. */
export function scanAdvice(t: PdfText, name: string): string | undefined {
  if (t.scanned) {
    return `${name} has no text layer: it looks scanned (pages are pictures). Run OCR on it first, e.g. \`ocrmypdf "${name}" "${name.replace(/\.pdf$/i, '')}.ocr.pdf"\`, then open the OCR'd copy.`;
  }
  return undefined;
}
