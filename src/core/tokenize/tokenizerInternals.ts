/**
 * The parts of a @huggingface/tokenizers Tokenizer that its encode_text uses: runtime fields (not in
 * its typings), read to replay an encoding with offsets. Checked once, so another library version
 * fails with a clear message instead of wrong offsets.
 */
import type { Tokenizer } from '@huggingface/tokenizers';

export type Json = Record<string, unknown>;
type Fn<A extends unknown[], R> = (...args: A) => R;

export interface NormalizerStep {
  normalize(s: string): string;
  config?: Json;
}

export interface Internals {
  normalizer: (Fn<[string], string> & NormalizerStep & { normalizers?: unknown[] }) | null;
  pre_tokenizer: Fn<[string, { section_index?: number }?], string[]> | null;
  model: Fn<[string[]], string[]> & { unk_token?: string; fuse_unk?: boolean; tokens_to_ids: Map<string, number>; unk_token_id?: number };
  post_processor: Fn<[string[], string[] | null, boolean], { tokens: string[] }> | null;
  splitter_unnormalized: { split(s: string): string[] };
  splitter_normalized: { split(s: string): string[] };
  added_tokens_map: Map<string, { lstrip?: boolean; rstrip?: boolean }>;
  remove_space?: boolean;
  do_lowercase_and_remove_accent?: boolean;
}

/**
 * @throws Error when the tokenizer lacks the parts the replay needs (another library version)
 */
export function internalsOf(tokenizer: Tokenizer): Internals {
  const t = tokenizer as unknown as Internals;
  if (typeof t.model !== 'function' || typeof t.splitter_unnormalized?.split !== 'function' || typeof t.splitter_normalized?.split !== 'function' || !(t.added_tokens_map instanceof Map)) {
    throw new Error('This version of the tokenizers library does not expose what AI Lab needs to map tokens back to the text.');
  }
  return t;
}

/** The first step of `type` in a normalizer or pre-tokenizer config (looking into Sequences). */
export function findType(config: unknown, type: string): Json | undefined {
  if (!config || typeof config !== 'object') return undefined;
  const o = config as Json;
  if (o.type === type) return o;
  for (const key of ['pretokenizers', 'normalizers']) {
    const list = o[key];
    if (!Array.isArray(list)) continue;
    for (const x of list) {
      const found = findType(x, type);
      if (found) return found;
    }
  }
  return undefined;
}
