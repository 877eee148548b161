/**
 * Messages of the PDF viewer (custom editor), shared by the host (src/host/pdf/pdfViewer.ts) and the
 * page (webview-ui/pdf). The host sends the file's bytes; every message from the page is validated.
 */

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

export type ToViewer =
  /** The file by webview URL (files on disk), else its bytes as base64 (other file systems). */
  | { type: 'open'; name: string; url?: string; base64?: string; page?: number; cMapUrl: string; standardFontDataUrl: string; wasmUrl: string }
  | { type: 'password'; password?: string; wrong: boolean }
  | { type: 'goto'; page: number; highlight?: Highlight }
  /** The host could not read the file (empty, truncated, not a PDF): shown instead of pages. */
  | { type: 'error'; message: string };

export interface SelectionPart {
  page: number;
  text: string;
}

export type FromViewer =
  | { type: 'ready' }
  | { type: 'needPassword'; wrong: boolean }
  | { type: 'loaded'; pages: number }
  | { type: 'failed'; message: string }
  /** `parts`: the selected text of each page, when the selection spans more than one. */
  | { type: 'selection'; text: string; page?: number; parts?: SelectionPart[] }
  | { type: 'page'; page: number; zoom: number }
  /** A goto finished: the page is on screen, and whether (and what) the highlight marked on it. */
  | ({ type: 'shown' } & Shown);

const MAX_SELECTION = 2_000_000;

const int = (v: unknown, max = 1_000_000) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

function selectionParts(v: unknown): { parts: SelectionPart[] } | undefined {
  if (!Array.isArray(v) || v.length < 2 || v.length > 10_000) return undefined;
  const ok = v.every((p: { page?: unknown; text?: unknown }) => p && int(p.page) && typeof p.text === 'string');
  return ok && v.reduce((n: number, p: SelectionPart) => n + p.text.length, 0) <= MAX_SELECTION ? { parts: v.map((p: SelectionPart) => ({ page: p.page, text: p.text })) } : undefined;
}

export function parseFromViewer(m: unknown): FromViewer | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
      return { type: 'ready' };
    case 'needPassword':
      return { type: 'needPassword', wrong: o.wrong === true };
    case 'loaded':
      return int(o.pages) ? { type: 'loaded', pages: o.pages as number } : undefined;
    case 'failed':
      return typeof o.message === 'string' ? { type: 'failed', message: o.message.slice(0, 2000) } : undefined;
    case 'selection':
      if (typeof o.text !== 'string' || o.text.length > MAX_SELECTION) return undefined;
      return { type: 'selection', text: o.text, ...(int(o.page) ? { page: o.page as number } : {}), ...(selectionParts(o.parts) ?? {}) };
    case 'page':
      return int(o.page) && typeof o.zoom === 'number' && o.zoom > 0 && o.zoom < 100 ? { type: 'page', page: o.page as number, zoom: o.zoom } : undefined;
    case 'shown': {
      if (!int(o.page)) return undefined;
      const text = (v: unknown) => (typeof v === 'string' && v.length <= 2000 ? v : undefined);
      const marked = text(o.marked);
      const before = text(o.before);
      return { type: 'shown', page: o.page as number, highlighted: o.highlighted === true, ...(marked !== undefined ? { marked } : {}), ...(before !== undefined ? { before } : {}) };
    }
    default:
      return undefined;
  }
}
