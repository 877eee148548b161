/** Text as the byte-level atoms token offsets are matched in (see offsets.ts). */

/** A Metaspace marker ("▁"): a space in the text, or none (the pre-tokenizer adds one before a word). */
export const SPACE = -1;

/** UTF-8 bytes (0–255), with SPACE for markers. */
export type Atoms = number[];

const encoder = new TextEncoder();

/** UTF-8 bytes of `s`; each `marker` character (a Metaspace replacement) becomes SPACE. */
export function toUtf8(s: string, marker?: string): Atoms {
  if (!marker || !s.includes(marker)) return Array.from(encoder.encode(s));
  const out: Atoms = [];
  for (const ch of s) {
    if (ch === marker) out.push(SPACE);
    else out.push(...encoder.encode(ch));
  }
  return out;
}

let decoder: Map<string, number> | undefined;

/**
 * GPT-2's bytes_to_unicode, reversed: the character byte-level BPE writes for each byte (printable
 * bytes stand for themselves, the others map above U+0100, so a space is "Ġ") → the byte.
 */
export function byteDecoder(): Map<string, number> {
  if (decoder) return decoder;
  const keep = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  decoder = new Map();
  let n = 0;
  for (let b = 0; b < 256; b++) decoder.set(String.fromCharCode(keep(b) ? b : 256 + n++), b);
  return decoder;
}
