import { splitSentences, type Span } from './sentences';

/** Tokens a text will take, estimated without the tokenizer (WordPiece/BPE run ~1.3 tokens a word). */
export function estimateTokens(text: string): number {
  const words = text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)?.length ?? 0;
  return Math.ceil(words * 1.3);
}

/**
 * Packs whole sentences into chunks of at most `maxTokens` (estimated). A single sentence longer than
 * that is cut at word boundaries. Offsets stay those of the original text. With `overlapTokens`, each
 * chunk starts with the last sentences of the one before (up to that many tokens), so an answer that
 * straddles a chunk boundary is whole in one of them.
 */
export function chunkText(text: string, maxTokens: number, overlapTokens = 0): Span[] {
  const budget = Math.max(8, maxTokens);
  const pieces: Span[] = [];
  for (const s of splitSentences(text)) {
    if (estimateTokens(s.text) <= budget) {
      pieces.push(s);
      continue;
    }
    // An over-long "sentence" (a list, a table, no punctuation): cut it by words.
    const words = [...s.text.matchAll(/\S+/g)];
    let from = 0;
    while (from < words.length) {
      let to = from;
      let used = 0;
      while (to < words.length && (used += estimateTokens(words[to]![0])) <= budget) to++;
      to = Math.max(to, from + 1);
      const a = s.start + words[from]!.index!;
      const last = words[to - 1]!;
      const b = s.start + last.index! + last[0].length;
      pieces.push({ text: text.slice(a, b), start: a, end: b });
      from = to;
    }
  }
  const chunks: Span[] = [];
  let i = 0;
  while (i < pieces.length) {
    let j = i;
    let used = 0;
    while (j < pieces.length && used + estimateTokens(pieces[j]!.text) <= budget) used += estimateTokens(pieces[j++]!.text);
    j = Math.max(j, i + 1);
    const start = pieces[i]!.start;
    const end = pieces[j - 1]!.end;
    chunks.push({ text: text.slice(start, end), start, end });
    if (j >= pieces.length) break;
    // Step back over trailing pieces that fit the overlap, never back to this chunk's own start.
    let back = j;
    let kept = 0;
    while (back - 1 > i && kept + estimateTokens(pieces[back - 1]!.text) <= Math.min(overlapTokens, budget / 2)) kept += estimateTokens(pieces[--back]!.text);
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
