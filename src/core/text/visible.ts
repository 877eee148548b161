/**
 * Whether a text has anything a model could work on. Whitespace, zero-width and other
 * Default_Ignorable_Code_Point characters (U+200B, U+2060, U+FEFF, variation selectors, Hangul
 * fillers), format and control characters and lone combining marks show nothing: a tokenizer drops
 * or unknowns them, so a model would see its special tokens alone and still give a confident label.
 */
import { InputError } from './chunks';

/** Characters that show nothing on their own (U+2800 BRAILLE PATTERN BLANK is a common invisible filler). */
const INVISIBLE = /[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\p{Cs}\p{M}\u2800]/u;
/** Format characters that are drawn: the prepended concatenation marks (Arabic number signs and the like). */
const DRAWN_FORMAT = /[\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u{110bd}\u{110cd}]/u;

/** True when some character of `text` would be seen (a letter, digit, punctuation, symbol, emoji…). */
export function hasVisibleText(text: string): boolean {
  for (const ch of text) if (!INVISIBLE.test(ch) || DRAWN_FORMAT.test(ch)) return true;
  return false;
}

const NAMES: Record<number, string> = {
  0x00a0: 'NO-BREAK SPACE',
  0x00ad: 'SOFT HYPHEN',
  0x034f: 'COMBINING GRAPHEME JOINER',
  0x061c: 'ARABIC LETTER MARK',
  0x115f: 'HANGUL CHOSEONG FILLER',
  0x1160: 'HANGUL JUNGSEONG FILLER',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202f: 'NARROW NO-BREAK SPACE',
  0x2060: 'WORD JOINER',
  0x2800: 'BRAILLE PATTERN BLANK',
  0x3000: 'IDEOGRAPHIC SPACE',
  0x3164: 'HANGUL FILLER',
  0xfeff: 'BYTE ORDER MARK (ZERO WIDTH NO-BREAK SPACE)',
  0xffa0: 'HALFWIDTH HANGUL FILLER',
};

const ASCII_SPACE = /^[ \t\n\r\f\v]$/;

/** "2 × U+200B ZERO WIDTH SPACE, 1 × U+2060 WORD JOINER": the invisible characters, most frequent first (whitespace apart). */
export function describeInvisible(text: string, max = 3): string {
  const counts = new Map<number, number>();
  let spaces = 0;
  for (const ch of text) {
    if (ASCII_SPACE.test(ch)) spaces++;
    else counts.set(ch.codePointAt(0)!, (counts.get(ch.codePointAt(0)!) ?? 0) + 1);
  }
  const top = [...counts].sort((a, b) => b[1] - a[1]);
  const parts = top.slice(0, max).map(([cp, n]) => `${n} × U+${cp.toString(16).toUpperCase().padStart(4, '0')}${NAMES[cp] ? ` ${NAMES[cp]}` : ''}`);
  if (top.length > max) parts.push(`${top.length - max} other kinds`);
  if (spaces) parts.push(`${spaces} spaces, tabs or line breaks`);
  return parts.join(', ');
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * `text` when it has something visible; else an InputError whose message names `what` ("the file
 * notes.txt", "the selection") and what it holds, ending "nothing to work on".
 */
export function requireVisibleText(text: string, what: string): string {
  if (hasVisibleText(text)) return text;
  if (!text.length) throw new InputError(`${capital(what)} is empty: nothing to work on.`);
  if ([...text].every((ch) => ASCII_SPACE.test(ch))) throw new InputError(`${capital(what)} has only whitespace: nothing to work on.`);
  throw new InputError(`${capital(what)} has no visible text, only ${describeInvisible(text)}: nothing to work on.`);
}

/**
 * Labels for zero-shot classification, each with something visible in it: a label of zero-width
 * characters would be scored as a real class. Throws InputError naming the label by its place (1-based).
 */
export function requireVisibleLabels(labels: string[]): string[] {
  labels.forEach((l, i) => requireVisibleText(l, `label ${i + 1} of ${labels.length}`));
  return labels;
}
