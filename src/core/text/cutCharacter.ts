/**
 * Generated text that stopped at its token limit inside a character: byte-level BPE writes an emoji,
 * a CJK character or an accented letter as several byte tokens, and a decode of only the first ones
 * ends in U+FFFD. That is a cut, not text the model wrote: drop it rather than show a replacement mark.
 */

/** `text` without the U+FFFD characters at its very end (one cut character can decode as up to three). */
export function dropCutCharacter(text: string): string {
  return text.replace(/\uFFFD+$/u, '');
}
