/**
 * A model folder checked before transformers.js loads it: the JSON files it reads (config.json,
 * tokenizer.json, tokenizer_config.json) and the ONNX weights, each problem named with its file.
 * transformers.js itself says "Unexpected token … is not valid JSON" with bytes of an empty file, or
 * "this.tokenizer is not a function" when tokenizer_config.json is missing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';

/** The JSON files transformers.js needs for every text model (v4 loads no tokenizer without tokenizer_config.json). */
export const MODEL_JSON_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
export type ModelJsonFile = (typeof MODEL_JSON_FILES)[number];
/** JSON files transformers.js reads when they are there (generation settings, special tokens). */
export const OPTIONAL_JSON_FILES = ['generation_config.json', 'special_tokens_map.json', 'preprocessor_config.json'] as const;

export class ModelFilesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFilesError';
  }
}

/** What a file of the folder holds: its parsed object, or a problem ("is empty (0 bytes)"). */
export type JsonRead = { value: Record<string, unknown>; problem?: undefined; partial?: boolean } | { value?: undefined; problem: string; partial?: undefined };

/** Bigger JSON files get only the cheap checks in `readModelJson(…, { quick: true })` (a 20 MB tokenizer.json takes a second to parse). */
const QUICK_LIMIT = 2_000_000;

const WORDS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'a property name in double quotes was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: 'a colon was expected',
  CommaExpected: 'a comma was expected',
  CloseBraceExpected: 'a closing } was expected (is the file cut short?)',
  CloseBracketExpected: 'a closing ] was expected (is the file cut short?)',
  EndOfFileExpected: 'more text after the end of the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'a comment is not closed',
  UnexpectedEndOfString: 'a string is not closed (is the file cut short?)',
  UnexpectedEndOfNumber: 'a number is cut short',
  InvalidUnicode: 'a malformed \\u escape',
  InvalidEscapeCharacter: 'a malformed escape',
  InvalidCharacter: 'a control character inside a string',
};

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** Why `text` is not valid JSON, with where: "a comma was expected at line 3, column 5". */
export function describeJsonError(text: string, err: unknown): string {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) return `${WORDS[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error)} at ${lineColumn(text, first.offset)}`;
  // V8's message quotes the text near the error, which may be binary: keep only its words.
  const msg = (err as Error)?.message ?? String(err);
  const at = /at position (\d+)/.exec(msg);
  return `${msg.replace(/,? ".*$/s, '').replace(/ in JSON.*$/s, '')}${at ? ` at ${lineColumn(text, Number(at[1]))}` : ''}`;
}

/**
 * Reads `file` of a model folder as a JSON object, or says what is wrong with it: missing, empty, a Git
 * LFS pointer, not JSON (with line and column), not an object. With `quick`, a file over 2 MB is only
 * checked for its first and last characters.
 */
export function readModelJson(dir: string, file: string, o: { quick?: boolean } = {}): JsonRead {
  const full = path.join(dir, file);
  let st: fs.Stats;
  try {
    st = fs.statSync(full);
  } catch {
    return { problem: 'is missing' };
  }
  if (st.isDirectory()) return { problem: 'is a folder, not a file' };
  if (st.size === 0) return { problem: 'is empty (0 bytes)' };
  if (o.quick && st.size > QUICK_LIMIT) {
    const fd = fs.openSync(full, 'r');
    try {
      const head = Buffer.alloc(64);
      const tail = Buffer.alloc(64);
      fs.readSync(fd, head, 0, 64, 0);
      fs.readSync(fd, tail, 0, 64, st.size - 64);
      const h = head.toString('utf8').replace(/^\uFEFF/, '').trimStart();
      const t = tail.toString('utf8').trimEnd();
      if (!h.startsWith('{')) return { problem: 'is not a JSON object (it does not start with {)' };
      if (!t.endsWith('}')) return { problem: `does not end with } (it is ${st.size} bytes: is it cut short?)` };
    } finally {
      fs.closeSync(fd);
    }
    return { value: {}, partial: true };
  }
  const text = fs.readFileSync(full, 'utf8').replace(/^\uFEFF/, '');
  if (!text.trim()) return { problem: `is empty (only whitespace, ${st.size} bytes)` };
  if (text.startsWith('version https://git-lfs.github.com/spec/')) return { problem: 'is a Git LFS pointer, not the file itself (run "git lfs pull" in the clone, or download the model again)' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { problem: `is not valid JSON: ${describeJsonError(text, err)}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { problem: `is not a JSON object (it holds ${Array.isArray(value) ? 'an array' : JSON.stringify(value)})` };
  return { value: value as Record<string, unknown> };
}

/** The sections every tokenizers-library file has (null when unused); transformers.js refuses a file without one. */
const TOKENIZER_SECTIONS = ['normalizer', 'pre_tokenizer', 'post_processor', 'decoder'] as const;

/**
 * What a JSON file of a model must hold beyond being an object (`partial`: only its ends were read,
 * see readModelJson's `quick`), or undefined.
 */
export function contentProblem(file: string, r: JsonRead): string | undefined {
  const v = r.value;
  if (!v || r.partial) return undefined;
  if (file === 'config.json' && typeof v.model_type !== 'string') return 'has no "model_type": transformers.js cannot tell which model it is';
  if (file === 'tokenizer.json') {
    if (!v.model || typeof v.model !== 'object' || Array.isArray(v.model)) return 'has no "model" section: it is not a fast-tokenizer (tokenizers library) file';
    const absent = TOKENIZER_SECTIONS.filter((k) => !(k in v));
    if (absent.length) return `has no ${absent.map((k) => `"${k}"`).join(', ')} (a tokenizers-library file has each, null when unused): it is incomplete, or not written by the tokenizers library`;
  }
  return undefined;
}

export interface FileProblem {
  file: string;
  /** What is wrong, after the file's name: "is empty (0 bytes)". */
  problem: string;
}

export interface FolderJson {
  config?: Record<string, unknown>;
  /** One per file with a problem, in MODEL_JSON_FILES order (a missing file is "is missing"). */
  problems: FileProblem[];
}

/** "config.json is empty (0 bytes)". */
export const problemText = (p: FileProblem) => `${p.file} ${p.problem}`;

/**
 * The JSON files of a model folder, read and checked (see readModelJson; `quick` as there): the three
 * it needs, and the optional ones that are there.
 */
export function checkModelJson(dir: string, o: { quick?: boolean } = {}): FolderJson {
  const problems: FileProblem[] = [];
  let config: Record<string, unknown> | undefined;
  const optional = OPTIONAL_JSON_FILES.filter((f) => fs.existsSync(path.join(dir, f)));
  for (const file of [...MODEL_JSON_FILES, ...optional]) {
    const r = readModelJson(dir, file, { quick: o.quick && file === 'tokenizer.json' });
    const problem = r.problem ?? contentProblem(file, r);
    if (problem) problems.push({ file, problem });
    else if (file === 'config.json') config = r.value;
  }
  return { config, problems };
}

/** ONNX files that cannot be weights: empty, or Git LFS pointers (a clone without `git lfs pull`). */
export function onnxFileProblems(dir: string, files: string[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    const full = path.join(dir, f);
    let size: number;
    try {
      size = fs.statSync(full).size;
    } catch {
      out.push(`${f} is missing`);
      continue;
    }
    if (size === 0) out.push(`${f} is empty (0 bytes)`);
    else if (size < 1024 && fs.readFileSync(full, 'utf8').startsWith('version https://git-lfs.github.com/spec/')) out.push(`${f} is a Git LFS pointer, not the weights (run "git lfs pull" in the clone)`);
  }
  return out;
}

/** "a; b and c": problems joined for one sentence. */
export function listWords(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join('; ')} and ${items.at(-1)}`;
}
