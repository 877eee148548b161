/**
 * Token counts for sizing the parts a model reads. With the model's own tokenizer a count is exact;
 * without it, an estimate that errs on the high side so parts still fit.
 */

/** How many tokens a text takes for one model. */
export interface TokenCounter {
  /** Tokens of `text` alone, without the special tokens the model adds around it. */
  count(text: string): number;
  /** Special tokens added around one text ([CLS] … [SEP]) and around a pair of texts. */
  readonly specials: { single: number; pair: number };
  /** 'model': counted with the model's tokenizer; 'estimate': no tokenizer at hand. */
  readonly source: 'model' | 'estimate';
}

// Scripts written without spaces between words: a tokenizer gives each character one token or more
// (WordPiece splits CJK into characters; byte-level BPE often takes 2–3 tokens for one).
const DENSE = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}\\p{Script=Tibetan}\\p{Script=Bopomofo}\\p{Script=Yi}';
const PIECES = new RegExp(`([${DENSE}])|((?:\\p{Script=Latin}|[\\p{M}'’])+)|(\\p{N}+)|([\\p{L}\\p{M}]+)|(\\S)`, 'gu');

/**
 * Tokens a text will take, estimated without a tokenizer, on the high side for the common ones
 * (WordPiece, byte-level BPE, SentencePiece): Latin words about a token per 4 letters, numbers per
 * 3 digits, other alphabets per 2 letters, 2 per character of scripts without spaces (Chinese,
 * Japanese, Korean, Thai…), 1 per other symbol (2 beyond the BMP, e.g. emoji).
 */
export function estimateTokens(text: string): number {
  let n = 0;
  for (const m of text.matchAll(PIECES)) {
    if (m[1]) n += 2;
    else if (m[2]) n += 1 + Math.floor((m[2].length - 1) / 4);
    else if (m[3]) n += 1 + Math.floor((m[3].length - 1) / 3);
    else if (m[4]) n += Math.ceil(m[4].length / 2);
    else n += m[5]!.length; // a surrogate pair (emoji, rare CJK) counts 2
  }
  return n;
}

/** The estimate as a counter: for runners that cannot reach the model's tokenizer. */
export const ESTIMATED_TOKENS: TokenCounter = { count: estimateTokens, specials: { single: 2, pair: 4 }, source: 'estimate' };

/**
 * A counter that remembers the counts of short texts (sentences, words), so a text that comes back
 * (repeated lines, the same word in a long run) is tokenized once. Long texts are counted each time.
 */
export function memoCounter(counter: TokenCounter, maxEntries = 50_000): TokenCounter {
  const memo = new Map<string, number>();
  return {
    specials: counter.specials,
    source: counter.source,
    count(text: string): number {
      if (text.length > 2000) return counter.count(text);
      let n = memo.get(text);
      if (n === undefined) {
        n = counter.count(text);
        if (memo.size >= maxEntries) memo.clear();
        memo.set(text, n);
      }
      return n;
    },
  };
}
