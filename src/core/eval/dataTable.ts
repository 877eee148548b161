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
 * A column's type from its values: the one type all non-null values share; int64 and float64 together
 * read as float64; anything else mixed reads as `mixed(a|b)`; no values at all as `null`.
 */
export function columnType(values: unknown[]): string {
  const kinds = new Set(values.filter((v) => v !== null && v !== undefined).map(describeValue));
  if (kinds.size === 0) return 'null';
  if (kinds.size === 2 && kinds.has('int64') && kinds.has('float64')) return 'float64';
  if (kinds.size === 1) return [...kinds][0]!;
  return `mixed(${[...kinds].sort().join('|')})`;
}

/** Column names of a table, for error messages. */
export function columnList(columns: Feature[]): string {
  return columns.length ? columns.map((c) => c.name).join(', ') : '(none)';
}
