/** Chunks of a document that never run over a page break (PDFs), shared by Find Similar Passages and the workspace index. */
import type { DocumentText } from '../pdf/pageText';
import { chunkText, type Chunk } from './chunks';
import type { TokenCounter } from './tokens';

/**
 * chunkText over each page of `doc` alone when `paged` (offsets in `doc.text`, UTF-16), so every chunk
 * is on one page and a hit opens at the page its words are on: chunked whole, a page's last line (a
 * footer, "Page 2 of 3") would pull the next page's passage to its page. Not paged: chunkText of the
 * whole text. `maxTokens`, `overlapTokens` and `counter` as chunkText takes them.
 */
export function chunkByPage(doc: DocumentText, paged: boolean, maxTokens: number, overlapTokens: number, counter: TokenCounter): Chunk[] {
  if (!paged || !doc.pages.length) return chunkText(doc.text, maxTokens, overlapTokens, counter);
  return doc.pages.flatMap((pg) => chunkText(pg.text, maxTokens, overlapTokens, counter).map((c) => ({ ...c, start: c.start + pg.start, end: c.end + pg.start })));
}
