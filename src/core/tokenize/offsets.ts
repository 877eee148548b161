/**
 * Where each token of an encoding is in the text it came from, as [start, end) in UTF-16 code units
 * (JS string indexes, VS Code offsets, webview strings).
 *
 * The JS tokenizers (@huggingface/tokenizers, also inside transformers.js) give tokens but no offsets,
 * so the encoding is replayed step by step as the library runs it (added tokens, normalizer,
 * pre-tokenizer, model, post-processor) keeping track of where every piece came from:
 * - the normalizer keeps where each normalized character came from (normalizeMap.ts);
 * - words and tokens are matched as UTF-8 bytes, so byte-level BPE pieces of one character (an
 *   emoji, a math letter) all get that character's place;
 * - an unknown token ([UNK]) gets the characters it replaced (the whole word for WordPiece).
 * The replay's tokens are checked against the library's own: if they differ, no token gets a place
 * (`mapped: false`), because a wrong place is worse than none. Tokens of a word that cannot be
 * matched to its text stay unplaced; the others keep theirs.
 */
import type { Tokenizer } from '@huggingface/tokenizers';
import { NormalizerMap, type Aligned } from './normalizeMap';
import { findType, internalsOf, type Internals, type Json } from './tokenizerInternals';
import { byteDecoder, toUtf8, type Atoms, SPACE } from './utf8';

export interface TokenSpan {
  start: number;
  end: number;
}

export interface OffsetEncoding {
  ids: number[];
  tokens: string[];
  /** The input each token came from (0: the text, 1: the pair); undefined for tokens the post-processor added. */
  sequence: Array<0 | 1 | undefined>;
  /** [start, end) in that input; undefined for added special tokens and tokens that could not be placed. */
  offsets: Array<TokenSpan | undefined>;
  /** False when the replay did not give the tokenizer's own tokens; then no token has an offset. */
  mapped: boolean;
}

interface Piece {
  token: string;
  span?: TokenSpan;
}

/** Token offsets for one tokenizer; build once per tokenizer, then `encode` any number of texts. */
export class TokenOffsetMapper {
  private readonly t: Internals;
  private readonly byteLevel: boolean;
  private readonly metaspace?: string;
  private readonly subwordPrefix?: string;
  private readonly endOfWord?: string;
  private readonly continuingSuffix?: string;
  private readonly byteFallback: boolean;
  private readonly unk?: string;
  private readonly norm: NormalizerMap;

  /**
   * @param tokenizer a @huggingface/tokenizers Tokenizer (transformers.js keeps one as `tokenizer._tokenizer`)
   * @param json the tokenizer.json it was built from
   * @throws Error when the tokenizer lacks the parts the replay needs (another library version)
   */
  constructor(
    private readonly tokenizer: Tokenizer,
    json: Json,
  ) {
    const t = internalsOf(tokenizer);
    this.t = t;
    this.norm = new NormalizerMap(t);
    const model = (json.model ?? {}) as Json;
    this.byteLevel = Boolean(findType(json.pre_tokenizer, 'ByteLevel'));
    const meta = findType(json.pre_tokenizer, 'Metaspace');
    this.metaspace = meta ? String(meta.replacement ?? '\u2581') : undefined;
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    this.subwordPrefix = str(model.continuing_subword_prefix);
    this.endOfWord = str(model.end_of_word_suffix);
    this.continuingSuffix = str(model.continuing_subword_suffix);
    this.byteFallback = model.byte_fallback === true;
    this.unk = t.model.unk_token ?? undefined;
  }

  /** A word or token as atoms: UTF-8 bytes, SPACE for a Metaspace marker; undefined if it cannot be read. */
  private atoms(s: string): Atoms | undefined {
    if (this.byteLevel) {
      const out: number[] = [];
      for (const ch of s) {
        const b = byteDecoder().get(ch);
        if (b === undefined) return undefined;
        out.push(b);
      }
      return out;
    }
    return toUtf8(s, this.metaspace);
  }

  /** Atoms a token stands for within its word (index k), or 'unk' for the unknown token. */
  private tokenAtoms(token: string, k: number, last: boolean): Atoms | 'unk' | undefined {
    if (this.unk !== undefined && token === this.unk) return 'unk';
    let s = token;
    if (k > 0 && this.subwordPrefix && s.startsWith(this.subwordPrefix)) s = s.slice(this.subwordPrefix.length);
    if (last && this.endOfWord && s.endsWith(this.endOfWord)) s = s.slice(0, -this.endOfWord.length);
    if (!last && this.continuingSuffix && s.endsWith(this.continuingSuffix)) s = s.slice(0, -this.continuingSuffix.length);
    const fallback = this.byteFallback ? /^<0x([0-9A-Fa-f]{2})>$/.exec(s) : null;
    if (fallback) return [parseInt(fallback[1]!, 16)];
    return this.atoms(s);
  }

  /**
   * Splits a word's atoms among its tokens: each known token must match its atoms exactly; an
   * unknown one takes one or more whole characters. Returns each token's [from, to) in atoms.
   */
  private partition(word: Atoms, tokens: string[], starts: boolean[]): Array<[number, number]> | undefined {
    const parts = tokens.map((tok, k) => this.tokenAtoms(tok, k, k === tokens.length - 1));
    if (parts.some((x) => x === undefined)) return undefined;
    const out: Array<[number, number]> = [];
    const failed = new Set<number>();
    const go = (ti: number, wi: number): boolean => {
      if (ti === parts.length) return wi === word.length;
      const key = ti * (word.length + 1) + wi;
      if (failed.has(key)) return false;
      const part = parts[ti]!;
      if (part === 'unk') {
        for (let e = wi + 1; e <= word.length; e++) {
          if (!starts[e] && e < word.length) continue; // Whole characters only.
          out[ti] = [wi, e];
          if (go(ti + 1, e)) return true;
        }
      } else if (wi + part.length <= word.length && part.every((a, i) => a === word[wi + i])) {
        out[ti] = [wi, wi + part.length];
        if (go(ti + 1, wi + part.length)) return true;
      }
      failed.add(key);
      return false;
    };
    return go(0, 0) ? out : undefined;
  }

  /** Tokens of one pre-tokenized subsection (normalized text `norm`, units [a, b)) with their places. */
  private subsection(norm: Aligned, a: number, b: number, sectionIndex: number): Piece[] {
    const t = this.t;
    const sub = norm.text.slice(a, b);
    const words = t.pre_tokenizer ? t.pre_tokenizer(sub, { section_index: sectionIndex }) : [sub];
    const truth = t.model(words);
    const src = toUtf8(sub);
    const starts = src.map((_, i) => i === 0 || (src[i - 1]! & 0xc0) !== 0x80 || (src[i]! & 0xc0) !== 0x80);
    // Each source byte's normalized unit range.
    const unitOf = new Int32Array(src.length + 1);
    const unitEnd = new Int32Array(src.length + 1);
    {
      let byte = 0;
      let unit = 0;
      for (const ch of sub) {
        const n = toUtf8(ch).length;
        for (let k = 0; k < n; k++) {
          unitOf[byte + k] = a + unit;
          unitEnd[byte + k] = a + unit + ch.length;
        }
        byte += n;
        unit += ch.length;
      }
      unitOf[src.length] = unitEnd[src.length] = b;
    }
    const isSpace = (i: number) => i < src.length && (src[i] === 0x20 || src[i] === 0x09 || src[i] === 0x0a || src[i] === 0x0d || src[i] === 0x0c);
    const spaceLen = (i: number): number => {
      if (isSpace(i)) return 1;
      // Multi-byte spaces (U+00A0, U+3000…) left by a normalizer that keeps them.
      const u = unitOf[i]!;
      return /\s/u.test(norm.text.slice(u, unitEnd[i]!)) && starts[i] ? toUtf8(norm.text.slice(u, unitEnd[i]!)).length : 0;
    };
    const marker = this.metaspace ? toUtf8(this.metaspace) : [];
    const pieces: Piece[] = [];
    let cursor = 0;
    let ok = true;
    for (const word of words) {
      const wordTokens = t.model([word]);
      const atoms = this.atoms(word);
      // Where each atom of the word is: a source byte, or none (-1-anchor: inserted, at `anchor`).
      const place: number[] = [];
      let matched = ok && atoms !== undefined;
      if (matched) {
        let k = cursor;
        for (const atom of atoms!) {
          for (;;) {
            if (atom === SPACE) {
              const sp = spaceLen(k);
              if (sp) {
                place.push(k);
                k += sp;
              } else if (marker.length && marker.every((x, i) => src[k + i] === x)) {
                place.push(k);
                k += marker.length;
              } else place.push(-1 - k); // Added by the pre-tokenizer.
              break;
            }
            if (k < src.length && src[k] === atom) {
              place.push(k++);
              break;
            }
            if (atom === 0x20) {
              place.push(-1 - k); // A prefix space the pre-tokenizer added.
              break;
            }
            const sp = spaceLen(k);
            if (!sp) {
              matched = false;
              break;
            }
            k += sp; // Whitespace the pre-tokenizer dropped.
          }
          if (!matched) break;
        }
        if (matched) cursor = k;
      }
      const parts = matched ? this.partition(atoms!, wordTokens, atomStarts(atoms!)) : undefined;
      wordTokens.forEach((token, i) => {
        const range = parts?.[i];
        pieces.push({ token, span: range ? this.spanOf(norm, place.slice(range[0], range[1]), unitOf, unitEnd, src.length) : undefined });
      });
      if (!matched) ok = false; // Later words cannot be placed once the cursor is lost.
    }
    return this.reconcile(pieces, truth);
  }

  /** The source span of a token from its atoms' places (a token of only inserted atoms is empty). */
  private spanOf(norm: Aligned, places: number[], unitOf: Int32Array, unitEnd: Int32Array, srcLen: number): TokenSpan {
    let start = Infinity;
    let end = -Infinity;
    for (const p of places) {
      if (p < 0) continue;
      const u0 = unitOf[p]!;
      const u1 = unitEnd[p]!;
      for (let u = u0; u < u1; u++) {
        start = Math.min(start, norm.from[u]!);
        end = Math.max(end, norm.to[u]!);
      }
    }
    if (start === Infinity) {
      const k = places.length ? -1 - places[0]! : 0;
      const u = unitOf[Math.min(k, srcLen)]!;
      const at = u < norm.text.length ? norm.from[u]! : norm.text.length ? norm.to[norm.text.length - 1]! : norm.end;
      return { start: at, end: at };
    }
    return { start, end };
  }

  /**
   * The model ran word by word here but on all words at once in the library: the same tokens unless
   * it fuses unknown tokens across words, which is done here too (the fused token spans both).
   */
  private reconcile(pieces: Piece[], truth: string[]): Piece[] {
    if (pieces.length === truth.length && pieces.every((p, i) => p.token === truth[i])) return pieces;
    const m = this.t.model;
    if (m.fuse_unk) {
      const id = (s: string) => m.tokens_to_ids.get(s) ?? m.unk_token_id;
      const fused: Piece[] = [];
      for (const p of pieces) {
        const prev = fused.at(-1);
        if (prev && id(prev.token) === m.unk_token_id && id(p.token) === m.unk_token_id) {
          if (m.tokens_to_ids.get(prev.token) !== m.unk_token_id) prev.token += p.token;
          prev.span = prev.span && p.span ? { start: prev.span.start, end: p.span.end } : undefined;
        } else fused.push({ ...p });
      }
      if (fused.length === truth.length && fused.every((p, i) => p.token === truth[i])) return fused;
    }
    return truth.map((token) => ({ token }));
  }

  /** encode_text with places: sections split at added tokens, each normalized and pre-tokenized. */
  private encodeText(text: string): Piece[] {
    const t = this.t;
    const sections = t.splitter_unnormalized.split(text);
    const bounds = consecutiveSpans(sections);
    trimAround(sections, bounds, t.added_tokens_map);
    const out: Piece[] = [];
    sections.forEach((section, si) => {
      const [start, end] = bounds[si]!;
      if (!section.length) return;
      if (t.added_tokens_map.has(section)) return void out.push({ token: section, span: { start, end } });
      const norm = this.norm.map(text, start, end);
      const normalized = norm?.text ?? this.norm.whole(section);
      if (!normalized.length) return;
      const subs = t.splitter_normalized.split(normalized);
      const sb = consecutiveSpans(subs);
      trimAround(subs, sb, t.added_tokens_map);
      subs.forEach((sub, j) => {
        const [a, b] = sb[j]!;
        if (!sub.length) return;
        if (t.added_tokens_map.has(sub)) {
          out.push({ token: sub, span: norm ? { start: norm.from[a]!, end: norm.to[b - 1]! } : undefined });
          return;
        }
        if (!norm) {
          const words = t.pre_tokenizer ? t.pre_tokenizer(sub, { section_index: si }) : [sub];
          for (const token of t.model(words)) out.push({ token });
          return;
        }
        out.push(...this.subsection(norm, a, b, si));
      });
    });
    return out;
  }

  /**
   * Encodes `text` (and `pair`) as tokenizer.encode does, with each token's place in its input.
   * Spans are trimmed of surrounding whitespace unless the token is only whitespace (a "Ġ" token
   * is its space).
   */
  encode(text: string, o: { pair?: string; addSpecialTokens?: boolean } = {}): OffsetEncoding {
    const add = o.addSpecialTokens ?? true;
    const enc = this.tokenizer.encode(text, { text_pair: o.pair ?? null, add_special_tokens: add });
    const unmapped = (): OffsetEncoding => ({ ids: enc.ids, tokens: enc.tokens, sequence: enc.tokens.map(() => undefined), offsets: enc.tokens.map(() => undefined), mapped: false });
    try {
      const first = this.encodeText(text);
      const second = o.pair !== undefined ? this.encodeText(o.pair) : undefined;
      // Where the post-processor puts each input's tokens: run it on markers that say where they came from.
      const mark = (n: number, s: number) => Array.from({ length: n }, (_, i) => `\u0000${s}:${i}\u0000`);
      const post = this.t.post_processor;
      const layout = post ? post(mark(first.length, 0), second ? mark(second.length, 1) : null, add).tokens : [...mark(first.length, 0), ...(second ? mark(second.length, 1) : [])];
      if (layout.length !== enc.tokens.length) return unmapped();
      const sequence: OffsetEncoding['sequence'] = [];
      const offsets: OffsetEncoding['offsets'] = [];
      for (let i = 0; i < layout.length; i++) {
        const m = /^\u0000([01]):(\d+)\u0000$/.exec(layout[i]!);
        if (!m) {
          sequence.push(undefined);
          offsets.push(undefined);
          continue;
        }
        const s = Number(m[1]) as 0 | 1;
        const piece = (s === 0 ? first : second!)[Number(m[2])]!;
        if (piece.token !== enc.tokens[i]) return unmapped();
        sequence.push(s);
        offsets.push(piece.span && trimSpan(s === 0 ? text : o.pair!, piece.span));
      }
      return { ids: enc.ids, tokens: enc.tokens, sequence, offsets, mapped: true };
    } catch {
      return unmapped();
    }
  }
}

/** encode_text's lstrip/rstrip around added tokens, keeping each part's bounds in `text`. */
function trimAround(parts: string[], bounds: Array<[number, number]>, added: Internals['added_tokens_map']): void {
  parts.forEach((part, i) => {
    const tok = added.get(part);
    if (!tok) return;
    if (tok.lstrip && i > 0) {
      parts[i - 1] = parts[i - 1]!.trimEnd();
      bounds[i - 1]![1] = bounds[i - 1]![0] + parts[i - 1]!.length;
    }
    if (tok.rstrip && i < parts.length - 1) {
      const before = parts[i + 1]!.length;
      parts[i + 1] = parts[i + 1]!.trimStart();
      bounds[i + 1]![0] += before - parts[i + 1]!.length;
    }
  });
}

/** Which atoms start a character (an unknown token takes whole characters). */
function atomStarts(atoms: Atoms): boolean[] {
  return atoms.map((a, i) => i === 0 || a === SPACE || (a & 0xc0) !== 0x80 || atoms[i - 1] === SPACE).concat([true]);
}

function trimSpan(text: string, s: TokenSpan): TokenSpan {
  let { start, end } = s;
  if (!text.slice(start, end).trim()) return s;
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return { start, end };
}

/** The [start, end) of each of `parts` laid end to end (UTF-16 units from the first one's start). */
function consecutiveSpans(parts: readonly string[]): Array<[number, number]> {
  let at = 0;
  return parts.map((s): [number, number] => [at, (at += s.length)]);
}
