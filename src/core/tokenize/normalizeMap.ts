/**
 * A tokenizer's normalizer, with where each normalized character came from. The normalizer runs on
 * each character (with its combining marks) alone and the result is aligned with the whole text's
 * normalization, which is what the tokenizer really reads; steps that look at the whole text
 * (Prepend, Strip) are done on the whole text, the rest of any difference (a final sigma, collapsed
 * spaces) is resynchronised within a few characters, or the mapping gives up (undefined).
 */
import type { Internals, Json, NormalizerStep } from './tokenizerInternals';

/** Normalized text with, for each of its UTF-16 units, the source range it came from. */
export interface Aligned {
  text: string;
  from: Int32Array;
  to: Int32Array;
  /** Source offset just past the input (the place of insertions at the end). */
  end: number;
}

/** Normalizer steps that depend on the whole text, left out when one grapheme is normalized alone. */
const WHOLE_TEXT_STEPS = new Set(['Prepend', 'Strip']);
/**
 * The units normalized alone: a character with the combining marks that follow it, or a Hangul jamo
 * syllable (what NFC/NFKC compose and accent stripping removes). Intl.Segmenter's grapheme clusters
 * would also do, but cost ~30 µs each in V8; emoji sequences (ZWJ, skin tones, flags) are left
 * unchanged by every normalizer, so their code points may go one by one.
 */
const UNITS = /[\u1100-\u115f]+[\u1160-\u11a7]+[\u11a8-\u11ff]*\p{M}*|[\s\S]\p{M}*/gu;

/**
 * Aligns `ref` (the whole text normalized) with `p` (each grapheme normalized alone, with source
 * ranges): equal runs map one to one; where they differ (a prefix added, spaces stripped or
 * collapsed) the difference is resynchronised within a few characters, else undefined.
 */
function alignStrings(ref: string, p: string, pFrom: Int32Array, pTo: Int32Array, end: number): Aligned | undefined {
  if (ref === p) return { text: ref, from: pFrom, to: pTo, end };
  const n = ref.length;
  const m = p.length;
  const from = new Int32Array(n);
  const to = new Int32Array(n);
  const at = (j: number) => (j < m ? pFrom[j]! : end);
  const same = (a: number, b: number) => {
    for (let k = 0; k < 8; k++) {
      if (a + k >= n) return true;
      if (b + k >= m || ref[a + k] !== p[b + k]) return false;
    }
    return true;
  };
  let i = 0;
  let j = 0;
  while (i < n) {
    if (j < m && ref[i] === p[j]) {
      from[i] = pFrom[j]!;
      to[i] = pTo[j]!;
      i++;
      j++;
      continue;
    }
    let fixed = false;
    for (let d = 1; d <= 16 && !fixed; d++) {
      if (same(i + d, j)) {
        // Inserted by the normalizer (a prefix): no source characters.
        for (let k = 0; k < d && i + k < n; k++) from[i + k] = to[i + k] = at(j);
        i += d;
        fixed = true;
      } else if (same(i, j + d)) {
        j += d; // Dropped by the normalizer (stripped or collapsed spaces).
        fixed = true;
      } else if (j + d <= m && same(i + d, j + d)) {
        for (let k = 0; k < d && i + k < n; k++) {
          from[i + k] = pFrom[j]!;
          to[i + k] = pTo[j + d - 1]!;
        }
        i += d;
        j += d;
        fixed = true;
      }
    }
    if (!fixed) return undefined;
  }
  return { text: ref, from, to, end };
}

/** Normalizes sections of a text as one tokenizer does, with source ranges (UTF-16). */
export class NormalizerMap {
  private readonly perUnit?: (s: string) => string;
  private readonly cache = new Map<string, string>();
  /** Prepend and Strip steps, done here on the whole text after the per-character steps. */
  private readonly wholeSteps: Json[];

  constructor(private readonly t: Internals) {
    const n = t.normalizer;
    const normalizers = n ? (Array.isArray(n.normalizers) && n.config?.type === 'Sequence' ? n.normalizers : [n]) : [];
    const all = (normalizers as Array<NormalizerStep | null>).filter((x): x is NormalizerStep => Boolean(x));
    const steps = all.filter((x) => !WHOLE_TEXT_STEPS.has(String(x.config?.type)));
    this.wholeSteps = all.filter((x) => WHOLE_TEXT_STEPS.has(String(x.config?.type))).map((x) => x.config!);
    const lower = Boolean(t.do_lowercase_and_remove_accent);
    if (steps.length || lower) this.perUnit = (s) => steps.reduce((x, step) => step.normalize(x), lower ? s.toLowerCase().replace(/\p{M}/gu, '') : s);
  }

  /** What encode_text does to a section before pre-tokenizing it. */
  whole(s: string): string {
    let x = s;
    if (this.t.remove_space === true) x = x.trim().split(/\s+/).join(' ');
    if (this.t.do_lowercase_and_remove_accent) x = x.toLowerCase().replace(/\p{M}/gu, '');
    if (this.t.normalizer) x = this.t.normalizer(x);
    return x;
  }

  /** The section [start, end) of `text` normalized, with each normalized unit's source range. */
  map(text: string, start: number, end: number): Aligned | undefined {
    const s = text.slice(start, end);
    const ref = this.whole(s);
    let p = '';
    const from: number[] = [];
    const to: number[] = [];
    for (const g of s.matchAll(UNITS)) {
      const unit = g[0];
      let out = this.cache.get(unit);
      if (out === undefined) {
        out = this.perUnit ? this.perUnit(unit) : unit;
        if (this.cache.size < 50_000) this.cache.set(unit, out);
      }
      p += out;
      const at = start + g.index;
      if (out === unit) {
        // Unchanged: each code point keeps its own place (a token may stand for part of a cluster).
        let k = 0;
        for (const ch of out) {
          for (let u = 0; u < ch.length; u++) {
            from.push(at + k);
            to.push(at + k + ch.length);
          }
          k += ch.length;
        }
      } else {
        // Changed (lowercased, composed, accents stripped): all of it comes from the whole cluster.
        for (let k = 0; k < out.length; k++) {
          from.push(at);
          to.push(at + unit.length);
        }
      }
    }
    for (const step of this.wholeSteps) {
      if (step.type === 'Prepend' && typeof step.prepend === 'string') {
        p = step.prepend + p;
        from.unshift(...Array.from(step.prepend, () => start));
        to.unshift(...Array.from(step.prepend, () => start));
      } else if (step.type === 'Strip') {
        const left = step.strip_left ? p.length - p.trimStart().length : 0;
        const right = step.strip_right ? p.length - p.trimEnd().length : 0;
        const keep = Math.max(0, p.length - left - right);
        p = p.slice(left, left + keep);
        from.splice(0, left);
        to.splice(0, left);
        from.length = to.length = keep;
      }
    }
    return alignStrings(ref, p, Int32Array.from(from), Int32Array.from(to), end);
  }
}
