import { segmentsOf } from './segment';
import { splitSentences, type Span } from './sentences';
import { ESTIMATED_TOKENS, memoCounter, type TokenCounter } from './tokens';

export { estimateTokens, ESTIMATED_TOKENS, type TokenCounter } from './tokens';

/** A part of a text: its span (UTF-16 offsets into the text) and its tokens (without special tokens). */
export interface Chunk extends Span {
  tokens: number;
}

interface Piece {
  start: number;
  end: number;
  tokens: number;
  /** A clause ends after this piece (a comma, a space in Thai): a good place to cut a long run. */
  soft?: boolean;
}

const WORDS = new Intl.Segmenter(undefined, { granularity: 'word' });
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const CLAUSE_END = /^[,;:，、；：۔،؛\s]+$/u;

/**
 * Packs pieces[from…] greedily into one part of at most `budget` tokens, checked on the part's own
 * text: counts of pieces need not add up to the count of their concatenation (BPE merges, prefixes).
 * Returns the end index (exclusive) and the part's tokens; always takes at least one piece.
 */
function pack(text: string, pieces: Piece[], from: number, budget: number, count: TokenCounter, preferSoft: boolean): { to: number; tokens: number } {
  let to = from;
  let sum = 0;
  while (to < pieces.length && sum + pieces[to]!.tokens <= budget) sum += pieces[to++]!.tokens;
  to = Math.max(to, from + 1);
  // A run cut mid-clause reads worse: end on the last clause end in the second half, if any.
  if (preferSoft && to < pieces.length) {
    for (let k = to - 1; k > from + (to - from) / 2; k--) {
      if (pieces[k]!.soft) {
        to = k + 1;
        break;
      }
    }
  }
  for (;;) {
    const tokens = count.count(text.slice(pieces[from]!.start, pieces[to - 1]!.end));
    if (tokens <= budget || to === from + 1) return { to, tokens };
    // Over by `tokens - budget`: drop at least that many tokens' worth of pieces from the end.
    let drop = 0;
    while (to > from + 1 && drop < tokens - budget) drop += Math.max(1, pieces[--to]!.tokens);
  }
}

/** The segments of `sub` as spans offset by `base`, each marked when it is only whitespace. */
function units(segmenter: Intl.Segmenter, sub: string, base: number): Array<{ start: number; end: number; text: string; space: boolean }> {
  return Array.from(segmentsOf(segmenter, sub), (s) => ({ start: base + s.index, end: base + s.index + s.segment.length, text: s.segment, space: !s.segment.trim() }));
}

/**
 * A sentence longer than the budget (a list, a table, text without sentence punctuation, a long
 * run of Chinese or Thai) cut into pieces that fit: at word boundaries (Intl.Segmenter knows the
 * words of Thai, Chinese, Japanese), preferring clause ends; a word that alone is too long at
 * grapheme boundaries, and a grapheme (a long emoji sequence) at code points.
 */
function cutSentence(text: string, s: Span, budget: number, count: TokenCounter): Piece[] {
  const words: Piece[] = [];
  const add = (start: number, end: number, soft: boolean) => words.push({ start, end, tokens: count.count(text.slice(start, end)), soft });
  for (const w of units(WORDS, s.text, s.start)) {
    if (w.space) {
      if (words.length) words[words.length - 1]!.soft = true;
      continue;
    }
    const n = count.count(w.text);
    if (n <= budget) {
      words.push({ start: w.start, end: w.end, tokens: n, soft: CLAUSE_END.test(w.text) });
      continue;
    }
    for (const g of units(GRAPHEMES, w.text, w.start)) {
      if (count.count(g.text) <= budget) add(g.start, g.end, false);
      else for (let i = g.start; i < g.end; ) {
        const cp = text.codePointAt(i)! > 0xffff ? 2 : 1;
        add(i, i + cp, false);
        i += cp;
      }
    }
  }
  const out: Piece[] = [];
  for (let i = 0; i < words.length; ) {
    const { to, tokens } = pack(text, words, i, budget, count, true);
    out.push({ start: words[i]!.start, end: words[to - 1]!.end, tokens });
    i = to;
  }
  return out;
}

/**
 * Splits `text` into parts of at most `maxTokens` tokens as `counter` counts them (the model's own
 * tokenizer, or the estimate), each part whole sentences where a sentence fits; one that does not
 * is cut at word boundaries. Offsets are UTF-16 code units into `text` (chunk.text ===
 * text.slice(start, end)); leading and trailing whitespace is left out. With `overlapTokens`, each
 * part starts with the last sentences of the one before (up to that many tokens, at most half the
 * part), so an answer that straddles a boundary is whole in one of them. Every part's `tokens`
 * (its own count, without special tokens) is ≤ max(8, maxTokens).
 */
export function chunkText(text: string, maxTokens: number, overlapTokens = 0, counter: TokenCounter = ESTIMATED_TOKENS): Chunk[] {
  const budget = Math.max(8, Math.floor(maxTokens));
  // Questions asked one after another of the same document chunk it the same way: once is enough.
  const hit = recent.find((r) => r.text === text && r.budget === budget && r.overlapTokens === overlapTokens && r.counter === counter);
  if (hit) return hit.chunks.slice();
  const chunks = packChunks(text, budget, overlapTokens, counter);
  recent.unshift({ text, budget, overlapTokens, counter, chunks });
  recent.length = Math.min(recent.length, 4);
  return chunks.slice();
}

const recent: Array<{ text: string; budget: number; overlapTokens: number; counter: TokenCounter; chunks: Chunk[] }> = [];

/** The sentences of `text`, each one longer than `budget` tokens cut into pieces that fit. */
function sentencePieces(text: string, budget: number, count: TokenCounter): Piece[] {
  const out: Piece[] = [];
  for (const s of splitSentences(text)) {
    const n = count.count(s.text);
    if (n <= budget) out.push({ start: s.start, end: s.end, tokens: n });
    else out.push(...cutSentence(text, s, budget, count));
  }
  return out;
}

/**
 * The sentences of `text` (see splitSentences), each of at most `maxTokens` tokens: a longer one is
 * cut as chunkText cuts it. For models that read one sentence at a time (sentence embeddings).
 */
export function sentencesWithin(text: string, maxTokens: number, counter: TokenCounter = ESTIMATED_TOKENS): Chunk[] {
  return sentencePieces(text, Math.max(8, Math.floor(maxTokens)), memoCounter(counter)).map((p) => ({ text: text.slice(p.start, p.end), start: p.start, end: p.end, tokens: p.tokens }));
}

function packChunks(text: string, budget: number, overlapTokens: number, counter: TokenCounter): Chunk[] {
  const count = memoCounter(counter);
  const pieces = sentencePieces(text, budget, count);
  const chunks: Chunk[] = [];
  let i = 0;
  while (i < pieces.length) {
    const { to: j, tokens } = pack(text, pieces, i, budget, count, false);
    const start = pieces[i]!.start;
    const end = pieces[j - 1]!.end;
    chunks.push(Object.freeze({ text: text.slice(start, end), start, end, tokens }));
    if (j >= pieces.length) break;
    // Step back over trailing pieces that fit the overlap, never back to this chunk's own start.
    let back = j;
    let kept = 0;
    while (back - 1 > i && kept + pieces[back - 1]!.tokens <= Math.min(overlapTokens, budget / 2)) kept += pieces[--back]!.tokens;
    i = back;
  }
  return chunks;
}

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Text a model can take, or an error that says why not. */
export function checkText(text: string, what = 'the selection'): string {
  if (!text.trim()) throw new InputError(`Nothing to work on: ${what} is empty.`);
  const sample = text.slice(0, 8192);
  const control = (sample.match(/[\u0000-\u0008\u000e-\u001f\ufffd]/g) ?? []).length;
  if (sample.includes('\u0000') || control / sample.length > 0.05) {
    throw new InputError(`${what[0]!.toUpperCase()}${what.slice(1)} looks like binary data, not text; AI Lab works on text.`);
  }
  return text;
}
