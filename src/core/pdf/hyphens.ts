/**
 * Words hyphenated at a line end, joined again: "crys-" / "tals" is "crystals", while a compound keeps
 * its hyphen ("state-of-the-" / "art" is "state-of-the-art", "Anglo-" / "Saxon" is "Anglo-Saxon").
 * The joined word goes on the first line; the rest of the next line stays its own line.
 */

/** Hyphens that may end a line: the ASCII hyphen-minus, the soft hyphen and U+2010 HYPHEN. */
const LINE_END = /(^|\s)(\S*[\p{L}\p{N}])([-\u00AD\u2010])$/u;
/** The first word of the next line, and the space after it. */
const FIRST_WORD = /^(\S+)(\s*)/u;

/**
 * First parts that make compounds far more often than they are a syllable of one word: "well-known",
 * "self-made", "non-linear" keep their hyphen when the line breaks after it. ("pre", "multi", "open"…
 * are not here: "pre-vious", "multi-ple", "open-ing" are how TeX breaks single words.)
 */
const COMPOUND_FIRST = new Set(['well', 'self', 'half', 'non', 'quasi', 'pseudo']);

/** Lower case, letters and digits only: how a word is looked up among the page's words. */
const key = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}-]/gu, '');

/**
 * Whether the hyphen at a line end belongs to the word: the first part already holds a hyphen, is one
 * letter, or is a usual first part of compounds; the next part starts with a capital or a digit; or the
 * page writes the compound with its hyphen elsewhere (and never the word without it).
 */
function keepsHyphen(stem: string, next: string, words: Set<string>): boolean {
  if (stem.includes('-') || /^\p{L}$/u.test(stem.replace(/^\P{L}+/u, '')) || !/^\p{Ll}/u.test(next)) return true;
  const part = key(stem.replace(/^.*[^\p{L}\p{N}]/u, ''));
  const rest = key(next.replace(/[^\p{L}\p{N}].*$/u, ''));
  if (words.has(`${part}${rest}`)) return false;
  if (words.has(`${part}-${rest}`)) return true;
  return COMPOUND_FIRST.has(part);
}

/**
 * Lines of one flow (a page's body in reading order) with line-end hyphenation undone.
 * `joinable(a, b)` says whether line b (of the lines given) continues line a (same type, same flow);
 * by default every pair does. A soft hyphen (U+00AD) always marks a break inside a word; "-" and
 * U+2010 follow keepsHyphen.
 */
export function dehyphenate(lines: string[], joinable: (a: number, b: number) => boolean = () => true): string[] {
  const words = new Set<string>();
  for (const l of lines) for (const w of l.split(/\s+/)) if (w) words.add(key(w));
  const out = [...lines];
  // Which line given each line of `out` is (lines emptied by a join are taken out).
  const from = lines.map((_, i) => i);
  for (let i = 0; i + 1 < out.length; i++) {
    const m = LINE_END.exec(out[i]!);
    const n = FIRST_WORD.exec(out[i + 1]!);
    if (!m || !n || !joinable(from[i]!, from[i + 1]!) || !/^[\p{L}\p{N}]/u.test(n[1]!)) continue;
    const [, , stem, hyphen] = m;
    const next = n[1]!;
    const joined = hyphen === '\u00AD' || !keepsHyphen(stem!, next, words) ? `${stem}${next}` : `${stem}${hyphen}${next}`;
    out[i] = out[i]!.slice(0, m.index + m[1]!.length) + joined;
    out[i + 1] = out[i + 1]!.slice(n[0].length);
    if (!out[i + 1]) {
      out.splice(i + 1, 1);
      from.splice(i + 1, 1);
      // The joined line may end in a hyphen again ("crys-" / "tals-" / …): look at it once more.
      i--;
    }
  }
  // A soft hyphen left inside a line is invisible in print.
  return out.map((l) => l.replace(/\u00AD/g, ''));
}
