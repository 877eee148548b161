/**
 * Where an answer or a similar passage is, as the results panel names it: the file it is in (Ask the
 * Workspace reads many) and its page or pages (PDFs). Shared by the panel's page and the tests.
 */

/** The place fields an answer or hit may carry: `file` relative to the indexed folder, 1-based pages. */
export interface Placed {
  file?: string;
  page?: number;
  pageEnd?: number;
}

/**
 * The labels of `a`'s place: `file` ("docs/dealer.pdf") when the answer names one, `pages` ("p. 3",
 * "pp. 6–7") when it has a page; each undefined when absent. Never throws.
 */
export function placeLabels(a: Placed): { file?: string; pages?: string } {
  const file = a.file?.trim() ? a.file : undefined;
  const pages = a.page === undefined ? undefined : a.pageEnd !== undefined && a.pageEnd !== a.page ? `pp. ${a.page}–${a.pageEnd}` : `p. ${a.page}`;
  return { file, pages };
}
