import { unreadableNotice } from './unreadable';

/** A document's text with its pages: every character offset maps back to the page it is on. */
export interface PageText {
  /** 1-based page number. */
  page: number;
  text: string;
  /** Offsets of this page's text in the document's text. */
  start: number;
  end: number;
  /** Glyphs on the page with no Unicode mapping, left out of `text`; absent when none. */
  unreadable?: number;
  /** What the reader should know about the page's text (some of it could not be read); absent when nothing. */
  notice?: string;
}

export interface DocumentText {
  text: string;
  pages: PageText[];
}

/** Pages joined by one line break, so a sentence may run on across a page break as it does in print. */
export const PAGE_JOIN = '\n';

export function joinPages(texts: Array<{ page: number; text: string; unreadable?: number }>): DocumentText {
  const pages: PageText[] = [];
  let text = '';
  for (const p of texts) {
    if (pages.length) text += PAGE_JOIN;
    const page: PageText = { page: p.page, text: p.text, start: text.length, end: text.length + p.text.length };
    if (p.unreadable) Object.assign(page, { unreadable: p.unreadable, notice: unreadableNotice(p.unreadable) });
    pages.push(page);
    text += p.text;
  }
  return { text, pages };
}

/**
 * The page an offset is on. An offset in the break between two pages belongs to the next page (the
 * text that follows it is there).
 */
export function pageAt(doc: DocumentText, offset: number): number {
  const pages = doc.pages;
  if (!pages.length) return 1;
  let lo = 0;
  let hi = pages.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pages[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  const p = pages[lo]!;
  return offset >= p.end && lo + 1 < pages.length ? pages[lo + 1]!.page : p.page;
}

/** The pages a range of text covers, first and last (the range [start, end) is not empty). */
export function pagesOf(doc: DocumentText, start: number, end: number): { first: number; last: number } {
  // Leading or trailing page-break characters do not drag the range onto a page it has no text on.
  let a = start;
  let b = Math.max(start + 1, end);
  while (a < b - 1 && /\s/.test(doc.text.charAt(a))) a++;
  while (b > a + 1 && /\s/.test(doc.text.charAt(b - 1))) b--;
  return { first: pageAt(doc, a), last: pageAt(doc, b - 1) };
}

/** "p. 3" or "pp. 3–5". */
export function pageLabel(first: number, last = first): string {
  return first === last ? `p. ${first}` : `pp. ${first}–${last}`;
}

/**
 * Pages from a range like "1-3, 7, 10-" (1-based, inclusive; an open end runs to the last page).
 * Throws an Error with the reason for a range that is malformed, reversed (5-3: write 3-5), or past
 * the last page (11-20 of 12: use 11-12).
 */
export function parsePageRange(spec: string, pageCount: number): number[] {
  const pages = new Set<number>();
  const trimmed = spec.trim();
  if (!trimmed || trimmed.toLowerCase() === 'all') return Array.from({ length: pageCount }, (_, i) => i + 1);
  for (const part of trimmed.split(',')) {
    const m = /^\s*(\d+)?\s*(?:(-|–)\s*(\d+)?)?\s*$/.exec(part);
    if (!m || (!m[1] && !m[3])) throw new Error(`"${part.trim()}" is not a page or a range; write e.g. 1-3, 7, 10-`);
    const from = m[1] ? Number(m[1]) : 1;
    const to = m[2] ? (m[3] ? Number(m[3]) : pageCount) : from;
    const what = part.trim();
    if (m[3] && from > to) throw new Error(`${what} is reversed: write ${to}-${from}`);
    if (from < 1) throw new Error(`${what}: pages start at 1`);
    const total = pageCount === 1 ? '1 page' : `${pageCount} pages`;
    if (from > pageCount) throw new Error(`${what} is past the end: the document has ${total} (1–${pageCount})`);
    if (to > pageCount) throw new Error(`${what} runs past the end: the document ends at page ${pageCount}; use ${from === pageCount ? `${from}` : `${from}-${pageCount}`}`);
    for (let p = from; p <= to; p++) pages.add(p);
  }
  return [...pages].sort((a, b) => a - b);
}
