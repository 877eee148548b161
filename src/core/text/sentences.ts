import { segmentsOf } from './segment';

/** Sentence spans with character offsets into the original text, so results can point back at it. */
export interface Span {
  text: string;
  /** UTF-16 code unit offsets into the original text: text === original.slice(start, end). */
  start: number;
  end: number;
}

// Intl.Segmenter follows Unicode's sentence rules (UAX #29): . ! ? and 。！？ and other scripts'
// sentence ends, no break inside "3.5" or before a lower-case word ("e.g. the"). It does not know
// abbreviations before a capital ("Dr. Smith"): those are joined back below.
const SENTENCES = new Intl.Segmenter(undefined, { granularity: 'sentence' });

const ABBREVIATIONS = new Set(['e.g', 'i.e', 'etc', 'vs', 'cf', 'al', 'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'no', 'nos', 'fig', 'figs', 'eq', 'approx', 'inc', 'ltd', 'co', 'corp', 'dept', 'u.s', 'u.k', 'a.m', 'p.m', 'vol', 'pp', 'ch', 'sec', 'ref']);

/** Whether a sentence as segmented ends in a word that does not end a sentence ("Dr.", "J.", "3."). */
function endsInAbbreviation(s: string): boolean {
  if (/(?:^|\s)\(?(?:\p{N}{1,3}|[ivx]{1,4})[.)]$/iu.test(s)) return true; // a list number: "2." "(iv)"
  const word = /(?:^|[^\p{L}.])([\p{L}.]+)\.$/u.exec(s)?.[1]?.toLowerCase();
  if (!word) return false;
  return ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word); // an initial: "J. Smith"
}

/**
 * The text with each single line break turned into spaces (same length, same offsets): a line break
 * inside a paragraph (wrapped text, PDF lines) does not end a sentence; a blank line does.
 */
function joinLines(text: string): string {
  return text.replace(/\s+/g, (ws) => {
    const breaks = (ws.match(/\r\n|[\n\r\u0085\u2028]/g) ?? []).length + 2 * (ws.match(/\u2029/g) ?? []).length;
    return breaks === 1 ? ' '.repeat(ws.length) : ws;
  });
}

// Thai and Lao put no mark at the end of a sentence: a space between two of their letters ends a
// sentence or a clause.
const SPACE_ENDS = /(?<=[\p{Script=Thai}\p{Script=Lao}])\s+(?=[\p{Script=Thai}\p{Script=Lao}])/gu;

/**
 * Sentences of `text`, in order, trimmed, with their offsets (UTF-16 code units into `text`).
 * Ends: sentence punctuation of any script (. ! ? 。 ！ ？ । ។ …, by Unicode's rules), a blank line,
 * and a space inside Thai or Lao text. Not ends: abbreviations ("e.g.", "Dr.", "Fig."), initials,
 * list numbers, decimals ("3.5"), a single line break.
 */
export function splitSentences(text: string): Span[] {
  const ranges: Array<[number, number]> = [];
  for (const seg of segmentsOf(SENTENCES, joinLines(text))) {
    const raw = seg.segment;
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (!trimmed) continue;
    const start = seg.index + lead;
    const end = start + trimmed.length;
    const prev = ranges[ranges.length - 1];
    // Never across a blank line: a paragraph ends there whatever its last word is.
    if (prev && endsInAbbreviation(text.slice(prev[0], prev[1])) && !/\n\s*\n/.test(text.slice(prev[1], start))) prev[1] = end;
    else ranges.push([start, end]);
  }
  const out: Span[] = [];
  for (const [start, end] of ranges) {
    const s = text.slice(start, end);
    let from = 0;
    for (const m of s.matchAll(SPACE_ENDS)) {
      out.push({ text: s.slice(from, m.index), start: start + from, end: start + m.index! });
      from = m.index! + m[0].length;
    }
    out.push({ text: s.slice(from), start: start + from, end });
  }
  return out;
}
