/**
 * Glyphs that carry no text: a font without a Unicode mapping makes pdf.js fall back on the glyph's
 * code, which comes out as control characters, U+FFFD (AI Lab's pdf.js fix for composite fonts whose
 * codes are glyph numbers, see pdfjsPatches.ts) or private-use characters. They are dropped from the
 * text and counted, so the page can say that some of its text could not be read.
 */

/**
 * C0 controls but tab and line breaks, DEL and C1 controls, U+FFFD, and the private-use areas (BMP,
 * planes 15 and 16): no reader can tell what they stand for.
 */
const UNREADABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD\uE000-\uF8FF\u{F0000}-\u{FFFFD}\u{100000}-\u{10FFFD}]/gu;

/** `s` without its unreadable glyphs (line breaks in a run become spaces), and how many were dropped (code points). */
export function stripUnreadable(s: string): { text: string; dropped: number } {
  let dropped = 0;
  const text = s.replace(UNREADABLE, () => {
    dropped++;
    return '';
  });
  return { text: text.replace(/[\r\n]/g, ' '), dropped };
}

/** What a page says when `n` glyphs on it could not be read. */
export function unreadableNotice(n: number): string {
  return `some text could not be read: ${n} glyph${n === 1 ? '' : 's'} without a Unicode mapping in the font left out`;
}
