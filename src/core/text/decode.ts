/**
 * Bytes of a text file to a string, as VS Code opens files: a byte order mark decides (UTF-8,
 * UTF-16 LE/BE), else UTF-16 without a BOM is guessed from zero bytes, else UTF-8. Bytes that are not
 * valid UTF-8 are read in a fallback encoding and a notice says so: never a silent U+FFFD. One decoder
 * for the CLI (--file, stdin) and the extension (files not open in an editor).
 */
import { TextDecoder } from 'node:util';
import { InputError } from './chunks';

export interface DecodeOptions {
  /** How messages name the input, e.g. "notes.txt" or "stdin". */
  name: string;
  /**
   * Encoding for bytes that are not valid UTF-8: a VS Code id (`windows1252`, `shiftjis`, the values of
   * `files.encoding`) or a WHATWG label (`windows-1252`, `latin1`, `shift_jis`). None, a Unicode one
   * (UTF-8, UTF-16), one this platform cannot decode or one the bytes do not fit means windows-1252.
   */
  fallback?: string;
  /** Where the fallback came from, for the notice (e.g. "files.encoding", "--encoding"). */
  fallbackFrom?: string;
  /** The last sentence of the notice: how to choose another encoding. */
  hint?: string;
}

export interface DecodedText {
  /** The text, without its byte order mark. */
  text: string;
  /** The WHATWG name of the encoding used (TextDecoder's `encoding`): "utf-8", "utf-16le", "windows-1252"… */
  encoding: string;
  /** The bytes started with a byte order mark. */
  bom: boolean;
  /** Set when the bytes were not what they first looked like (not valid UTF-8): what was done, for the user. */
  notice?: string;
}

/** VS Code's encoding ids (TextDocument.encoding, `files.encoding`) and the WHATWG labels that decode them. */
const VSCODE_ENCODINGS: Record<string, string> = {
  utf8: 'utf-8', utf8bom: 'utf-8', utf16le: 'utf-16le', utf16be: 'utf-16be',
  windows1252: 'windows-1252', iso88591: 'iso-8859-1', iso88593: 'iso-8859-3', iso885915: 'iso-8859-15',
  macroman: 'macintosh', windows1256: 'windows-1256', iso88596: 'iso-8859-6', windows1257: 'windows-1257',
  iso88594: 'iso-8859-4', iso885914: 'iso-8859-14', windows1250: 'windows-1250', iso88592: 'iso-8859-2',
  windows1251: 'windows-1251', cp866: 'ibm866', iso88595: 'iso-8859-5', koi8r: 'koi8-r', koi8u: 'koi8-u',
  iso885913: 'iso-8859-13', windows1253: 'windows-1253', iso88597: 'iso-8859-7', windows1255: 'windows-1255',
  iso88598: 'iso-8859-8', iso885910: 'iso-8859-10', iso885916: 'iso-8859-16', windows1254: 'windows-1254',
  iso88599: 'iso-8859-9', windows1258: 'windows-1258', gbk: 'gbk', gb18030: 'gb18030', cp950: 'big5',
  big5hkscs: 'big5', shiftjis: 'shift_jis', eucjp: 'euc-jp', euckr: 'euc-kr', windows874: 'windows-874',
  iso885911: 'iso-8859-11', koi8ru: 'koi8-ru', gb2312: 'gb2312',
  // cp437, cp850, cp852, cp865, cp1125 and koi8t have no WHATWG decoder: they fall back to windows-1252.
};

const DEFAULT_FALLBACK = 'windows-1252';

/** A decoder for a VS Code id or WHATWG label, or undefined when this platform has none. */
export function decoderFor(encoding: string, fatal = true): TextDecoder | undefined {
  const key = encoding.trim().toLowerCase();
  try {
    return new TextDecoder(VSCODE_ENCODINGS[key] ?? key, { fatal });
  } catch {
    return undefined;
  }
}

/** The VS Code id (for `openTextDocument(uri, { encoding })`) of a decoded text's encoding. */
export function vscodeEncodingId(d: Pick<DecodedText, 'encoding' | 'bom'>): string | undefined {
  if (d.encoding === 'utf-8') return d.bom ? 'utf8bom' : 'utf8';
  for (const [id, label] of Object.entries(VSCODE_ENCODINGS)) if (decoderFor(label)?.encoding === d.encoding) return id;
  return undefined;
}

const isUnicodeName = (e: string) => ['utf-8', 'utf-16le', 'utf-16be'].includes(decoderFor(e)?.encoding ?? '');

/**
 * VS Code's guess from the first 512 bytes: zero bytes only at odd offsets is UTF-16 LE, only at even
 * offsets UTF-16 BE; zero bytes anywhere else mean binary data.
 */
function guessByZeroBytes(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | 'binary' | undefined {
  let le = true;
  let be = true;
  let zero = false;
  for (let i = 0; i < bytes.length && i < 512; i++) {
    const odd = i % 2 === 1;
    const isZero = bytes[i] === 0;
    zero ||= isZero;
    if (le && (odd ? !isZero : isZero)) le = false;
    if (be && (odd ? isZero : !isZero)) be = false;
    if (isZero && !le && !be) break;
  }
  if (!zero) return undefined;
  return le ? 'utf-16le' : be ? 'utf-16be' : 'binary';
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Lead byte: sequence length, and the allowed range of the second byte (no overlongs, no surrogates, ≤ U+10FFFF).
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k < n; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n;
  }
  return -1;
}

/**
 * windows-1252 as the WHATWG Encoding Standard (and VS Code) decode it: Node 20's TextDecoder decodes
 * this label as ISO-8859-1, so 0x80–0x9F (€, curly quotes, dashes) would come out as C1 controls.
 */
const CP1252_HIGH = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const codes = Array.from(bytes.subarray(i, i + 8192), (b) => (b >= 0x80 && b < 0xa0 ? CP1252_HIGH.charCodeAt(b - 0x80) : b));
    out += String.fromCharCode(...codes);
  }
  return out;
}

/** `d.decode(bytes)`, with windows-1252 (and the labels that mean it: latin1, iso-8859-1, ascii) done right. */
function decodeWith(d: TextDecoder, bytes: Uint8Array): string {
  return d.encoding === 'windows-1252' ? decodeWindows1252(bytes) : d.decode(bytes);
}

const hex = (b: number) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * Decodes a whole file. Throws InputError for binary data (zero bytes that are not UTF-16, or a NUL
 * character in the decoded text), for UTF-32 and for a file that is not valid in its byte order mark's UTF-16; bytes that are not valid UTF-8 are decoded
 * with the fallback (see DecodeOptions) and the result carries a `notice` to show.
 */
export function decodeText(bytes: Uint8Array, o: DecodeOptions): DecodedText {
  const d = decodeBytes(bytes, o);
  // A NUL character is never text: UTF-32 read as UTF-16, or binary data past the first 512 bytes.
  const nul = d.text.indexOf('\u0000');
  if (nul >= 0) throw new InputError(`${o.name} looks like binary data, not text (it has a NUL character at character ${nul} once read as ${d.encoding}); AI Lab works on text.`);
  return d;
}

function decodeBytes(bytes: Uint8Array, o: DecodeOptions): DecodedText {
  const b0 = bytes[0];
  // UTF-32 (VS Code does not read it either): its BOM would otherwise pass for UTF-16's.
  if ((b0 === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0) || (b0 === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff)) {
    throw new InputError(`${o.name} is UTF-32 text (from its byte order mark), which AI Lab does not read; save it again as UTF-8.`);
  }
  const b1 = bytes[1];
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) return decodeUtf8(bytes.subarray(3), true, o);
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    const encoding = b0 === 0xff ? 'utf-16le' : 'utf-16be';
    return { ...decodeUtf16(bytes.subarray(2), encoding, o, 'byte order mark'), bom: true };
  }
  const guess = guessByZeroBytes(bytes);
  if (guess === 'binary') throw new InputError(`${o.name} looks like binary data, not text (it has zero bytes); AI Lab works on text.`);
  if (guess) return { ...decodeUtf16(bytes, guess, o, 'zero bytes'), bom: false };
  return decodeUtf8(bytes, false, o);
}

function decodeUtf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be', o: DecodeOptions, why: string): Omit<DecodedText, 'bom'> {
  try {
    return { text: new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes), encoding };
  } catch {
    const label = encoding === 'utf-16le' ? 'UTF-16 LE' : 'UTF-16 BE';
    throw new InputError(`${o.name} looks like ${label} text (from its ${why}) but is not valid ${label} (an odd number of bytes or a broken surrogate pair); save it again as UTF-8.`);
  }
}

function decodeUtf8(bytes: Uint8Array, bom: boolean, o: DecodeOptions): DecodedText {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), encoding: 'utf-8', bom };
  } catch {
    // Not UTF-8: where, for the notice, then the fallback.
  }
  const bad = Math.max(0, firstInvalidUtf8(bytes));
  const from = o.fallbackFrom ?? 'the fallback encoding';
  // A Unicode fallback cannot read bytes that are not Unicode: those mean "none".
  const wanted = o.fallback && !isUnicodeName(o.fallback) ? o.fallback : undefined;
  let used: TextDecoder | undefined;
  let text = '';
  let why = '';
  if (wanted) {
    const d = decoderFor(wanted);
    if (!d) why = ` (${from} names ${wanted}, which AI Lab cannot decode)`;
    else {
      try {
        text = decodeWith(d, bytes);
        used = d;
        why = ` (${from})`;
      } catch {
        why = ` (${wanted}, from ${from}, does not fit these bytes either)`;
      }
    }
  }
  if (!used) {
    // windows-1252 maps every byte to a character, so this never fails.
    used = decoderFor(DEFAULT_FALLBACK)!;
    text = decodeWith(used, bytes);
  }
  const notice =
    `${o.name} is not valid UTF-8 (byte ${hex(bytes[bad]!)} at offset ${bad + (bom ? 3 : 0)} is not part of a UTF-8 character), ` +
    `so it was read as ${used.encoding}${why}.${o.hint ? ` ${o.hint}` : ''}`;
  return { text, encoding: used.encoding, bom, notice };
}
