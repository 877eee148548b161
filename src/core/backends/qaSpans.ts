/**
 * Answers from Python servers locate their span in Unicode code points (Python string indexes);
 * AI Lab's offsets are UTF-16 code units. Every span is converted, then checked against the passage:
 * one whose text there is not the answer is dropped, never shown in a shifted place.
 */

/** A code-point index in `text` as a UTF-16 index; undefined past the end. */
export function codePointToUtf16(text: string, cp: number): number | undefined {
  if (!Number.isInteger(cp) || cp < 0) return undefined;
  let i = 0;
  for (let n = 0; n < cp; n++) {
    if (i >= text.length) return undefined;
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  return i;
}

export interface ServerSpan {
  answer: string;
  score: number;
  start: number;
  end: number;
}

/**
 * The span in UTF-16 offsets, or undefined when the passage's text there is not the answer (after
 * conversion; surrounding whitespace aside, as servers trim answers).
 */
export function checkedSpan(context: string, s: ServerSpan): ServerSpan | undefined {
  if (typeof s.answer !== 'string' || typeof s.start !== 'number' || typeof s.end !== 'number' || typeof s.score !== 'number' || !Number.isFinite(s.score)) return undefined;
  const start = codePointToUtf16(context, s.start);
  const end = codePointToUtf16(context, s.end);
  if (start === undefined || end === undefined || end <= start) return undefined;
  const at = context.slice(start, end);
  if (at === s.answer) return { answer: s.answer, score: s.score, start, end };
  // A server may keep spaces the answer text trims: narrow the span to the answer if it is exactly there.
  const lead = at.length - at.trimStart().length;
  if (at.trim() === s.answer.trim() && s.answer.trim()) {
    const a = start + lead;
    return { answer: context.slice(a, a + at.trim().length), score: s.score, start: a, end: a + at.trim().length };
  }
  return undefined;
}
