/**
 * A text cut after its first N tokens, as a tokenizer's truncation keeps them: the cut falls at the
 * end of token N in the text (the token's place from src/core/tokenize/offsets.ts), so the prefix
 * tokenizes to those N tokens and the model reads what sentence-transformers' truncation gives it.
 */
import { TokenOffsetMapper } from '../tokenize/offsets';
import { loadTokenizer } from '../tokenize/inspect';
import type { TokenCounter } from '../text/tokens';

const mappers = new Map<string, TokenOffsetMapper | null>();

function mapperFor(dir: string): TokenOffsetMapper | undefined {
  if (!mappers.has(dir)) {
    let m: TokenOffsetMapper | null = null;
    try {
      const t = loadTokenizer(dir);
      m = new TokenOffsetMapper(t.tokenizer, t.tokenizerJson);
    } catch {
      m = null; // No tokenizer.json, or one the replay cannot follow: the counter's search is used.
    }
    if (mappers.size >= 4) mappers.delete(mappers.keys().next().value!);
    mappers.set(dir, m);
  }
  return mappers.get(dir) ?? undefined;
}

/**
 * The prefix of `text` that holds its first `tokens` tokens (special tokens not counted), counted by
 * the tokenizer in `dir`; `text` itself when it has no more. Where the token places are not known,
 * the longest prefix that `counter` counts at `tokens` or fewer (found by bisection).
 */
export function cutToTokens(dir: string | undefined, text: string, tokens: number, counter: TokenCounter): string {
  if (counter.count(text) <= tokens) return text;
  const m = dir ? mapperFor(dir) : undefined;
  if (m) {
    const enc = m.encode(text, { addSpecialTokens: false });
    const spans = enc.offsets.filter((_, i) => enc.sequence[i] === 0);
    const last = enc.mapped ? spans[tokens - 1] : undefined;
    if (last && spans.length === enc.ids.length) return text.slice(0, last.end);
  }
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (counter.count(text.slice(0, mid)) <= tokens) lo = mid;
    else hi = mid - 1;
  }
  // Never between the two halves of a surrogate pair.
  if (lo > 0 && /[\uD800-\uDBFF]/.test(text.charAt(lo - 1))) lo--;
  return text.slice(0, lo);
}
