/**
 * Local Parquet files, read with hyparquet (ES module; bundled by esbuild, and loaded with Node's
 * require(esm) by the compiled tests). Column types come from the file's schema, or from the
 * Hugging Face `datasets` features stored in its key-value metadata (key "huggingface"), which keep
 * ClassLabel names; Hub Parquet exports carry them.
 */
import { promises as fsp } from 'node:fs';
import { parquetMetadataAsync, parquetReadObjects, parquetSchema, type AsyncBuffer, type FileMetaData, type SchemaTree } from 'hyparquet';
import { describeFeature, type Feature } from '../hub/datasetViewer';
import { EvalDataError, type DataTable } from './dataTable';

/** An AsyncBuffer over an open file: reads only the byte ranges hyparquet asks for. */
function fileBuffer(fh: fsp.FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? size, size);
      const buf = new Uint8Array(Math.max(0, stop - start));
      if (buf.length) await fh.read(buf, 0, buf.length, start);
      return buf.buffer;
    },
  };
}

function schemaType(t: SchemaTree): string {
  const e = t.element;
  const logical = e.logical_type?.type;
  if (t.children.length) {
    if (logical === 'LIST' || e.converted_type === 'LIST') {
      // LIST: a repeated group holding one element.
      const inner = t.children[0]!;
      return `list(${schemaType(inner.children.length === 1 ? inner.children[0]! : inner)})`;
    }
    if (logical === 'MAP' || e.converted_type === 'MAP') return 'map';
    return `{${t.children.map((c) => `${c.element.name}: ${schemaType(c)}`).join(', ')}}`;
  }
  if (logical === 'STRING' || e.converted_type === 'UTF8' || logical === 'JSON' || e.converted_type === 'JSON') return 'string';
  const l = e.logical_type;
  if (l?.type === 'INTEGER') return `${l.isSigned ? 'int' : 'uint'}${l.bitWidth}`;
  const plain: Record<string, string> = { BOOLEAN: 'bool', INT32: 'int32', INT64: 'int64', INT96: 'timestamp', FLOAT: 'float32', DOUBLE: 'float64', BYTE_ARRAY: 'binary', FIXED_LEN_BYTE_ARRAY: 'binary' };
  const base = plain[e.type ?? ''] ?? 'unknown';
  return e.repetition_type === 'REPEATED' ? `list(${base})` : base;
}

/** The `datasets` library's features stored in the file ({"info": {"features": {...}}}), if any. */
function hfFeatures(meta: FileMetaData): Record<string, unknown> | undefined {
  const kv = meta.key_value_metadata?.find((k) => k.key === 'huggingface');
  if (!kv?.value) return undefined;
  try {
    const j = JSON.parse(kv.value) as { info?: { features?: unknown } };
    const f = j.info?.features;
    return f && typeof f === 'object' && !Array.isArray(f) ? (f as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // unreadable extra metadata: the schema still types the columns
  }
}

/** Parquet INT64 values arrive as bigint: numbers where exact, else decimal strings; nested values too. */
export function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(plainValue);
  if (v && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Date)) {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, plainValue(x)]));
  }
  return v;
}

/**
 * A Parquet file's columns in schema order: typed from the `datasets` features in its "huggingface"
 * key-value metadata where it has them (ClassLabel names kept, the same words as the dataset viewer's),
 * else from the Parquet schema.
 */
export function parquetTableColumns(meta: FileMetaData): Feature[] {
  const hf = hfFeatures(meta);
  return parquetSchema(meta).children.map((c) => {
    const name = c.element.name;
    return hf && name in hf ? { name, ...describeFeature(hf[name]) } : { name, type: schemaType(c) };
  });
}

export interface ParquetReadOptions {
  /**
   * Row indices to read (0-based, each < the file's row count), e.g. a sample; default all rows.
   * Rows come back in ascending index order; only the row ranges holding them are decoded.
   */
  rows?: number[];
}

/** Columns and row count of a Parquet file, without reading rows. Errors as readParquetFile. */
export async function parquetColumns(file: string): Promise<{ columns: Feature[]; totalRows: number }> {
  return withParquet(file, async (_buf, meta, columns) => ({ columns, totalRows: Number(meta.num_rows) }));
}

/**
 * Reads a Parquet file's rows (all, or the given row indices).
 * Errors (EvalDataError): an empty file; a file that is not Parquet (no PAR1 footer, cut short); a row
 * index out of range; a file with no rows; hyparquet's own message for data it cannot decode (e.g. an
 * unsupported compression codec), prefixed with the path. A missing file: Node's ENOENT error.
 */
export async function readParquetFile(file: string, o: ParquetReadOptions = {}): Promise<DataTable> {
  return withParquet(file, async (buf, meta, columns) => {
    const total = Number(meta.num_rows);
    if (total === 0) throw new EvalDataError(`${file} has no rows (columns: ${columns.map((c) => c.name).join(', ')}).`);
    const wanted = o.rows ? [...new Set(o.rows)].sort((a, b) => a - b) : undefined;
    const bad = wanted?.find((i) => !Number.isInteger(i) || i < 0 || i >= total);
    if (bad !== undefined) throw new EvalDataError(`${file}: row ${bad} does not exist (the file has ${total} rows, 0–${total - 1}).`);
    // Contiguous runs of wanted rows, each read as one range.
    const runs: Array<[number, number]> = [];
    for (const i of wanted ?? []) {
      const last = runs[runs.length - 1];
      if (last && last[1] === i) last[1] = i + 1;
      else runs.push([i, i + 1]);
    }
    if (!wanted) runs.push([0, total]);
    const rows: Array<Record<string, unknown>> = [];
    try {
      for (const [rowStart, rowEnd] of runs) {
        const part = await parquetReadObjects({ file: buf, metadata: meta, rowStart, rowEnd });
        for (const r of part) rows.push(Object.fromEntries(columns.map((c) => [c.name, plainValue(r[c.name]) ?? null])));
      }
    } catch (err) {
      throw new EvalDataError(`${file}: cannot decode its rows (${(err as Error).message}).`);
    }
    return { source: file, columns, rows, rowIndex: wanted ?? rows.map((_, i) => i), totalRows: total };
  });
}

async function withParquet<T>(file: string, use: (buf: AsyncBuffer, meta: FileMetaData, columns: Feature[]) => Promise<T>): Promise<T> {
  const fh = await fsp.open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (size === 0) throw new EvalDataError(`${file} is empty (0 bytes), not a Parquet file.`);
    const buf = fileBuffer(fh, size);
    let meta: FileMetaData;
    try {
      meta = await parquetMetadataAsync(buf);
    } catch (err) {
      throw new EvalDataError(`${file} is not a readable Parquet file (${(err as Error).message}). A Parquet file ends with the bytes PAR1.`);
    }
    return await use(buf, meta, parquetTableColumns(meta));
  } finally {
    await fh.close();
  }
}
