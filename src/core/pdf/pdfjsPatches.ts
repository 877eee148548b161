/**
 * Fixes to pdf.js's worker code, applied to its source when a PDF worker thread loads it
 * (pdfWorkerMain.ts). Each replaces an exact piece of the pinned pdfjs-dist; one that no longer
 * matches (pdfjs-dist upgraded) is skipped and reported, and pdf.js then runs as shipped. A unit test
 * checks that every patch still applies and that extraction gives the same text with and without them.
 */
import { DECODE_HOOK } from './decodeBudget';
import type { SourcePatch } from '../sourcePatches';

export { applyPatches } from '../sourcePatches';
export type { SourcePatch, PatchResult } from '../sourcePatches';

export const PDFJS_WORKER_PATCHES: readonly SourcePatch[] = [
  {
    // TextState.clone made each clone inherit from the state it copies (Object.create(this)), so every
    // q/Q pair left a text state with its own prototype: V8 gives each a new hidden class and the
    // per-glyph text code runs megamorphic. A plain copy has the same own fields; 20–30 % faster.
    name: 'TextState.clone copies instead of inheriting',
    find: 'clone() {\n    const clone = Object.assign(Object.create(this), this);\n    clone.textMatrix = this.textMatrix.slice();',
    replace: 'clone() {\n    const clone = Object.assign(new TextState(), this);\n    clone.textMatrix = this.textMatrix.slice();',
  },
  {
    // pdf.js's own decoders (Flate with a predictor, LZW, run-length, ASCII85…) grow their output
    // buffer without bound, so a few KB can inflate to gigabytes: each growth is charged to the job's
    // decode budget, which throws past its limit (decodeBudget.ts). Where no hook is set (the viewer),
    // nothing changes.
    name: 'DecodeStream buffers charged to a decode budget',
    find: '    let size = this.minBufferLength;\n    while (size < requested) {\n      size *= 2;\n    }\n    const buffer2 = new Uint8Array(size);',
    replace: `    let size = this.minBufferLength;\n    while (size < requested) {\n      size *= 2;\n    }\n    globalThis.${DECODE_HOOK}?.(size, size - buffer.byteLength);\n    const buffer2 = new Uint8Array(size);`,
  },
  {
    // pdf.js leaves soft hyphens (U+00AD) out of the text, so a word broken at one ("hyphen\u00AD" /
    // "ation") could not be joined again: kept, and left out by the layout (hyphens.ts) once it has
    // done its work. Its width now counts, as it does when the page is drawn.
    name: 'soft hyphens kept in the text',
    find: '        if (category.isInvisibleFormatMark) {\n          continue;\n        }',
    replace: '        if (category.isInvisibleFormatMark && glyph.unicode !== "\\u00AD") {\n          continue;\n        }',
  },
  {
    // A composite font without a ToUnicode map, whose CIDs no known collection maps, gets an identity
    // "mapping" from pdf.js: its glyph numbers come out as junk letters ("+LGGHQ" for "Hidden"). The
    // guess is marked, and its glyphs come out as U+FFFD, which the layout drops and counts as
    // unreadable (unreadable.ts) instead of returning junk.
    name: 'glyphs of composite fonts without a Unicode mapping marked unreadable',
    find: '    return new IdentityToUnicodeMap(properties.firstChar, properties.lastChar);\n  }\n  async readToUnicode(cmapObj) {',
    replace: '    const guessed = new IdentityToUnicodeMap(properties.firstChar, properties.lastChar);\n    guessed.aiLabGuessed = true;\n    return guessed;\n  }\n  async readToUnicode(cmapObj) {',
  },
  {
    name: 'glyphs of composite fonts without a Unicode mapping marked unreadable (their text)',
    find: '    let unicode = this.toUnicode.get(charcode) || charcode;',
    replace: '    let unicode = this.toUnicode.aiLabGuessed ? "\\uFFFD" : this.toUnicode.get(charcode) || charcode;',
  },
];
