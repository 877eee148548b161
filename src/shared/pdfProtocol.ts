/**
 * Messages of the PDF viewer (custom editor), shared by the host (src/host/pdf/pdfViewer.ts) and the
 * page (webview-ui/pdf). The host sends the file's bytes; every message from the page is validated.
 */
import { record, type Validators } from './webviewChannel';

export interface Highlight {
  /** The text to mark on the page (an answer), and the sentence around it to find the right place. */
  text: string;
  context?: string;
  /** Where `text` starts in `context` (UTF-16 offset, from the answer's span): which occurrence to mark. */
  at?: number;
}

/** What a goto showed: the page, and what was marked there. */
export interface Shown {
  page: number;
  highlighted: boolean;
  /** The marked text, and the page's text just before it (lower-cased, spaces left out). */
  marked?: string;
  before?: string;
}

/** The file by webview URL (files on disk), else its bytes as base64 (other file systems), and pdf.js's resources. */
export interface OpenParams {
  name: string;
  url?: string;
  base64?: string;
  page?: number;
  cMapUrl: string;
  standardFontDataUrl: string;
  wasmUrl: string;
}

export interface SelectionPart {
  page: number;
  text: string;
}

export interface Selection {
  text: string;
  page?: number;
  /** The selected text of each page, when the selection spans more than one. */
  parts?: SelectionPart[];
}

/**
 * The viewer's protocol (src/shared/webviewChannel.ts). The host sends `open` (or `error`: the host
 * could not read the file) when the page is ready and when the file changes; `goto` is a request
 * answered once the page is on screen, with what was marked. The page asks the host for a password.
 */
export interface PdfProtocol {
  host: {
    notifications: { open: OpenParams; error: { message: string } };
    requests: { goto: { params: { page: number; highlight?: Highlight }; result: Shown } };
  };
  page: {
    notifications: { loaded: { pages: number }; failed: { message: string }; selection: Selection; page: { page: number; zoom: number } };
    /** `password` undefined: the user gave none. */
    requests: { password: { params: { wrong: boolean }; result: { password?: string } } };
  };
}

const MAX_SELECTION = 2_000_000;

const int = (v: unknown, max = 1_000_000) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

function selectionParts(v: unknown): { parts: SelectionPart[] } | undefined {
  if (!Array.isArray(v) || v.length < 2 || v.length > 10_000) return undefined;
  const ok = v.every((p: { page?: unknown; text?: unknown }) => p && int(p.page) && typeof p.text === 'string');
  return ok && v.reduce((n: number, p: SelectionPart) => n + p.text.length, 0) <= MAX_SELECTION ? { parts: v.map((p: SelectionPart) => ({ page: p.page, text: p.text })) } : undefined;
}

const short = (v: unknown) => (typeof v === 'string' && v.length <= 2000 ? v : undefined);

/** Everything the page sends is checked before the host acts on it. */
export const PDF_CHECKS: Validators<PdfProtocol['host'], PdfProtocol['page']> = {
  notifications: {
    loaded: (p) => {
      const o = record(p);
      return o && int(o.pages) ? { pages: o.pages as number } : undefined;
    },
    failed: (p) => {
      const message = record(p)?.message;
      return typeof message === 'string' ? { message: message.slice(0, 2000) } : undefined;
    },
    selection: (p) => {
      const o = record(p);
      if (!o || typeof o.text !== 'string' || o.text.length > MAX_SELECTION) return undefined;
      return { text: o.text, ...(int(o.page) ? { page: o.page as number } : {}), ...(selectionParts(o.parts) ?? {}) };
    },
    page: (p) => {
      const o = record(p);
      return o && int(o.page) && typeof o.zoom === 'number' && o.zoom > 0 && o.zoom < 100 ? { page: o.page as number, zoom: o.zoom } : undefined;
    },
  },
  requests: {
    password: (p) => {
      const o = record(p);
      return o ? { wrong: o.wrong === true } : undefined;
    },
  },
  results: {
    /** What a goto showed; the host keeps only short strings. */
    goto: (r) => {
      const o = record(r);
      if (!o || !int(o.page)) return undefined;
      const marked = short(o.marked);
      const before = short(o.before);
      return { page: o.page as number, highlighted: o.highlighted === true, ...(marked !== undefined ? { marked } : {}), ...(before !== undefined ? { before } : {}) };
    },
  },
};
