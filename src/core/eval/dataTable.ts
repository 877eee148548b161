/**
 * The shape every evaluation data source is read into (a local CSV / JSONL / Parquet file, or a Hub split
 * through the dataset viewer): named, typed columns and plain rows.
 */
import type { Feature } from '../hub/datasetViewer';

export type { Feature };

export interface DataTable {
  /** Where the rows came from, for messages: a file path, or `owner/name (config/split)`. */
  source: string;
  /** Columns in file order: name, a short type (string, int64, ClassLabel(neg, pos), {text: list(string), …}) and ClassLabel names. */
  columns: Feature[];
  /** Rows as objects keyed by column name; a cell a row lacks is null. */
  rows: Array<Record<string, unknown>>;
  /** Row index in the source of each row (after sampling, the rows kept). */
  rowIndex: number[];
  /** Rows the source holds in all (may exceed rows.length when sampled). */
  totalRows: number;
}

/** Bad or unusable evaluation data; `line` is the 1-based line of a text file where the fault is, when known. */
export class EvalDataError extends Error {
  constructor(message: string, readonly line?: number) {
    super(message);
    this.name = 'EvalDataError';
  }
}

/** A JSON-like value in a few words, in the viewer's type words: string, int64, float64, bool, list(string), {a: string}. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return `list(${v.length ? describeValue(v.find((x) => x !== null && x !== undefined) ?? null) : 'null'})`;
  if (typeof v === 'object') return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${describeValue(x)}`).join(', ')}}`;
  return typeof v;
}

/**
 * A column's type from its values: the one type all non-null values share, where a null (a missing
 * cell, an empty list's element, a null field) takes the type of the others, so an unanswerable SQuAD v2
 * row `{text: [], answer_start: []}` reads as the answerable rows do; int64 and float64 together read
 * as float64; anything else mixed reads as `mixed(a|b)`; no values at all as `null`.
 */
export function columnType(values: unknown[]): string {
  let merged: Shape = null;
  const kinds = new Set<string>();
  for (const v of values) {
    if (v === null || v === undefined) continue;
    kinds.add(describeValue(v));
    if (merged !== CONFLICT) merged = mergeShapes(merged, shapeOf(v));
  }
  if (kinds.size === 0) return 'null';
  if (merged !== CONFLICT) return renderShape(merged);
  return `mixed(${[...kinds].sort().join('|')})`;
}

/** A value's type as a tree: null (unknown yet), a scalar word, a list of one shape, or an object's fields. */
type Shape = null | string | { list: Shape } | { fields: Array<[string, Shape]> };
const CONFLICT = 'mixed';

function shapeOf(v: unknown): Shape {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return { list: v.reduce<Shape>((s, x) => (s === CONFLICT ? s : mergeShapes(s, shapeOf(x))), null) };
  if (typeof v === 'object') return { fields: Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, shapeOf(x)]) };
  return describeValue(v);
}

function mergeShapes(a: Shape, b: Shape): Shape {
  if (a === null) return b;
  if (b === null) return a;
  if (a === CONFLICT || b === CONFLICT) return CONFLICT;
  if (typeof a === 'string' || typeof b === 'string') {
    if (a === b) return a;
    return (a === 'int64' && b === 'float64') || (a === 'float64' && b === 'int64') ? 'float64' : CONFLICT;
  }
  if ('list' in a && 'list' in b) {
    const inner = mergeShapes(a.list, b.list);
    return inner === CONFLICT ? CONFLICT : { list: inner };
  }
  if ('fields' in a && 'fields' in b) {
    if (a.fields.length !== b.fields.length || a.fields.some(([k], i) => b.fields[i]![0] !== k)) return CONFLICT;
    const fields: Array<[string, Shape]> = [];
    for (const [i, [k, s]] of a.fields.entries()) {
      const m = mergeShapes(s, b.fields[i]![1]);
      if (m === CONFLICT) return CONFLICT;
      fields.push([k, m]);
    }
    return { fields };
  }
  return CONFLICT;
}

function renderShape(s: Shape): string {
  if (s === null) return 'null';
  if (typeof s === 'string') return s;
  if ('list' in s) return `list(${renderShape(s.list)})`;
  return `{${s.fields.map(([k, x]) => `${k}: ${renderShape(x)}`).join(', ')}}`;
}

/** Column names of a table, for error messages. */
export function columnList(columns: Feature[]): string {
  return columns.length ? columns.map((c) => c.name).join(', ') : '(none)';
}
