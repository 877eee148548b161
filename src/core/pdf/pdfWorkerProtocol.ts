/** Jobs for the pdf.js worker threads (pdfWorkerMain.ts) and their replies. */
export interface PdfJob {
  id: number;
  /** The file's bytes (a copy per worker). */
  data: ArrayBuffer;
  password?: string;
  /** Pages to extract (1-based); all by default. */
  pages?: number[];
  /**
   * This worker's part of the pages, of `parts`: the worker knows the page count once the document is
   * open, so it works out its own share (see sharePages) without a round trip first.
   */
  part: number;
  parts: number;
  standardFontDataUrl: string;
  cMapUrl: string;
}

/** A page's text; `blank` when it has none and nothing is drawn on it either (no picture, no line). */
export interface PageReply {
  page: number;
  text: string;
  blank?: boolean;
  /** Glyphs left out of `text` for want of a Unicode mapping; absent when none. */
  unreadable?: number;
}

export type PdfJobReply =
  | { id: number; type: 'progress'; done: number; total: number }
  | { id: number; type: 'pages'; numPages: number; title?: string; texts: PageReply[]; /** AI Lab's changes to pdf.js in effect. */ fixes: string[] }
  | { id: number; type: 'error'; name: string; code?: number; message: string; numPages?: number; badPage?: number };

/** Fewer pages than this per worker are not worth a second worker opening the document. */
export const MIN_PAGES_PER_PART = 20;

/**
 * Part `part` of `parts` of the wanted pages: contiguous, so each worker's pages come back in order;
 * short documents go to fewer workers and the rest get nothing.
 */
export function sharePages(wanted: number[], part: number, parts: number): number[] {
  const active = Math.max(1, Math.min(parts, Math.ceil(wanted.length / MIN_PAGES_PER_PART)));
  if (part >= active) return [];
  const share = Math.ceil(wanted.length / active);
  return wanted.slice(part * share, (part + 1) * share);
}
