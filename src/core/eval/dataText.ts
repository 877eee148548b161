/**
 * Local text data files: CSV (header row, parsed with csv-parse) and JSONL (one JSON object per line).
 */
import { parse } from 'csv-parse/sync';
import { columnType, EvalDataError, type DataTable } from './dataTable';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads a CSV text whose first row names the columns. A column whose every non-empty cell is a number
 * reads as numbers (int64 or float64), other columns as strings; an empty cell of a number column is null.
 * Types come from the values, since a CSV header carries none.
 * Errors (EvalDataError, with `line`): an empty file, an empty or repeated column name, a row with more or
 * fewer cells than the header, an unclosed quote; a header without rows.
 */
export function readCsvText(text: string, source: string): DataTable {
  if (!text.trim()) throw new EvalDataError(`${source} is empty: a CSV file needs a header row and at least one row.`);
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false }) as string[][];
  } catch (err) {
    const e = err as Error & { lines?: number; code?: string };
    throw new EvalDataError(`${source}${e.lines ? ` line ${e.lines}` : ''}: malformed CSV (${e.message}).`, e.lines);
  }
  const [header, ...body] = records;
  if (!header) throw new EvalDataError(`${source} is empty: a CSV file needs a header row and at least one row.`);
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (!name.trim()) throw new EvalDataError(`${source} line 1: column ${i + 1} of the header has no name.`, 1);
    if (seen.has(name)) throw new EvalDataError(`${source} line 1: the header names column "${name}" twice.`, 1);
    seen.add(name);
  });
  if (!body.length) throw new EvalDataError(`${source} has a header (${header.join(', ')}) but no rows.`);
  const numeric = header.map((_, c) => body.every((r) => r[c] === '' || NUMBER.test(r[c]!.trim())) && body.some((r) => r[c] !== ''));
  const rows = body.map((r) => Object.fromEntries(header.map((name, c) => [name, numeric[c] ? (r[c] === '' ? null : Number(r[c])) : r[c]!])));
  return {
    source,
    columns: header.map((name) => ({ name, type: columnType(rows.map((r) => r[name])) })),
    rows,
    rowIndex: rows.map((_, i) => i),
    totalRows: rows.length,
  };
}

/**
 * Reads JSONL text: one JSON object per line; blank lines are skipped. Columns are the keys in the order
 * first seen; a row without a column has null there. Types come from the JSON values (string, int64,
 * float64, bool, list(…), {key: type}).
 * Errors (EvalDataError, with `line`): a line that is not JSON, or not an object; a file with no rows.
 */
export function readJsonlText(text: string, source: string): DataTable {
  const rows: Array<Record<string, unknown>> = [];
  const names: string[] = [];
  const known = new Set<string>();
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      throw new EvalDataError(`${source} line ${i + 1}: not valid JSON (${(err as Error).message}). Each line must be one JSON object.`, i + 1);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      throw new EvalDataError(`${source} line ${i + 1}: a JSON object was expected, found ${Array.isArray(v) ? 'an array' : JSON.stringify(v)}.`, i + 1);
    }
    for (const k of Object.keys(v)) if (!known.has(k)) (known.add(k), names.push(k));
    rows.push(v as Record<string, unknown>);
  });
  if (!rows.length) throw new EvalDataError(`${source} has no rows: a JSONL file holds one JSON object per line.`);
  const full = rows.map((r) => Object.fromEntries(names.map((n) => [n, r[n] ?? null])));
  return {
    source,
    columns: names.map((name) => ({ name, type: columnType(full.map((r) => r[name])) })),
    rows: full,
    rowIndex: full.map((_, i) => i),
    totalRows: full.length,
  };
}
