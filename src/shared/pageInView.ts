/**
 * Which page the PDF viewer is on (its page box and what it tells the host), from the pages' layout in
 * CSS px. No DOM here, so the viewer page and the unit tests share it.
 */

export interface ViewLayout {
  /** Each page's top and height in the scrolled content, page 1 first (tops increasing). */
  tops: number[];
  heights: number[];
  scrollTop: number;
  clientHeight: number;
  /** The page last scrolled to on request (goto, an answer, the page box) and the scrollTop it left. */
  asked?: { page: number; scrollTop: number };
}

/**
 * The 1-based page shown: the page last asked for while the view is still where that request left
 * it and the page is in view (near the end of a document a page cannot scroll to the top, and the
 * page above it would otherwise be named); else the last page whose top is above a third of the view.
 * 1 for a document with no pages.
 */
export function pageInView(v: ViewLayout): number {
  const a = v.asked;
  if (a && Math.abs(v.scrollTop - a.scrollTop) <= 1) {
    const top = v.tops[a.page - 1];
    const height = v.heights[a.page - 1] ?? 0;
    if (top !== undefined && top < v.scrollTop + v.clientHeight && top + height > v.scrollTop) return a.page;
  }
  const line = v.scrollTop + v.clientHeight / 3;
  let n = 1;
  for (let i = 0; i < v.tops.length && v.tops[i]! <= line; i++) n = i + 1;
  return n;
}
