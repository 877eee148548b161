import { partTokens, type LabOutput } from '../nlp/runner';
import { summarize, type SummarizeParams } from '../nlp/summarize';
import { SUMMARY_DEFAULTS } from '../nlp/tasks';
import { estimateTokens, InputError } from '../text/chunks';
import { hasVisibleText } from '../text/visible';
import { pageLabel, pagesOf, type DocumentText } from './pageText';

/** Summarize's parameters, with the PDF's pages in place of a text. */
export interface SummarizePagesParams extends Omit<SummarizeParams, 'text'> {
  doc: DocumentText;
}

/**
 * A summary of PDF pages with page references: consecutive pages are grouped into sections that fit
 * the model, each section is summarized and labelled with its pages, and the section summaries are
 * summarized again into one (a single section is the summary itself).
 */
export async function summarizePages(p: SummarizePagesParams): Promise<Extract<LabOutput, { kind: 'summary' }>> {
  const pages = p.doc.pages.filter((pg) => hasVisibleText(pg.text));
  if (!pages.length) throw new InputError('The pages chosen have no text to summarize (scanned pages need OCR first).');
  const budget = await partTokens(p.runner, 'summarization', p.model, p.chunkTokens ?? SUMMARY_DEFAULTS.chunkTokens, p.signal);
  const groups: Array<typeof pages> = [];
  let used = 0;
  for (const pg of pages) {
    const t = estimateTokens(pg.text);
    if (!groups.length || used + t > budget) {
      groups.push([pg]);
      used = t;
    } else {
      groups.at(-1)!.push(pg);
      used += t;
    }
  }
  const sections: Array<{ pages: string; text: string }> = [];
  let chunks = 0;
  for (const [i, g] of groups.entries()) {
    const first = g[0]!;
    const last = g.at(-1)!;
    const label = pageLabel(first.page, last.page);
    p.onProgress?.({ done: i, total: groups.length + (groups.length > 1 ? 1 : 0), message: `summarizing ${label} (${i + 1} of ${groups.length})` });
    const text = p.doc.text.slice(first.start, last.end);
    const s = await summarize({ runner: p.runner, model: p.model, text, preset: p.preset, chunkTokens: p.chunkTokens, signal: p.signal, onPartial: groups.length === 1 ? p.onPartial : undefined });
    chunks += s.chunks;
    sections.push({ pages: label, text: s.text });
  }
  if (sections.length === 1) return { kind: 'summary', text: sections[0]!.text, chunks, levels: 1, sections };
  p.onProgress?.({ done: groups.length, total: groups.length + 1, message: 'combining the section summaries' });
  const all = await summarize({ runner: p.runner, model: p.model, text: sections.map((s) => s.text).join(' '), preset: p.preset, chunkTokens: p.chunkTokens, signal: p.signal, onPartial: p.onPartial });
  return { kind: 'summary', text: all.text, chunks, levels: all.levels + 1, sections };
}

/** Each extractive sentence followed by its page: "… sentence. (p. 4)". */
export function withPageRefs(doc: DocumentText, sentences: Array<{ text: string; start: number; end: number }>): string {
  return sentences
    .map((s) => {
      const { first, last } = pagesOf(doc, s.start, s.end);
      return `${s.text} (${pageLabel(first, last)})`;
    })
    .join(' ');
}
