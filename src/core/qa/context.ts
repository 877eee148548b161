import type { Span } from '../text/sentences';
import { splitSentences } from '../text/sentences';

/** The sentence(s) around an answer, as shown to a person, and where the answer is in them. */
export interface AnswerContext {
  /** The sentence(s), whitespace runs collapsed to one space. */
  text: string;
  /** Where those sentences are in the document (UTF-16 offsets). */
  start: number;
  end: number;
  /** The answer's [start, end) in `text` (UTF-16 offsets into the collapsed string). */
  answerStart: number;
  answerEnd: number;
}

/**
 * The sentence(s) of `chunk` that hold the answer [start, end) (document offsets, `chunk.text` being
 * the document's text from `chunk.start`), with the answer's place in the collapsed sentence text
 * counted through the collapsing, not found by searching.
 */
export function answerContext(chunk: Span, start: number, end: number): AnswerContext {
  const sentences = splitSentences(chunk.text).map((s) => ({ start: s.start + chunk.start, end: s.end + chunk.start }));
  const hit = sentences.filter((s) => s.end > start && s.start < end);
  const a = Math.min(hit[0]?.start ?? start, start);
  const b = Math.max(hit[hit.length - 1]?.end ?? end, end);
  const raw = chunk.text.slice(a - chunk.start, b - chunk.start);
  let text = '';
  let answerStart = -1;
  let answerEnd = -1;
  let space = false;
  for (let i = 0; i <= raw.length; i++) {
    const at = a + i;
    if (at === start) answerStart = text.length + (space && text ? 1 : 0);
    if (at === end) answerEnd = text.length;
    if (i === raw.length) break;
    const c = raw[i]!;
    if (/\s/.test(c)) {
      space = true;
      continue;
    }
    if (space && text) text += ' ';
    space = false;
    text += c;
  }
  return { text, start: a, end: b, answerStart: Math.max(0, answerStart), answerEnd: Math.max(answerStart, answerEnd) };
}
