/**
 * A local evaluation data file by its extension: .csv, .jsonl / .ndjson, .parquet; whole, or a seeded sample.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { decodeText } from '../text/decode';
import { parquetColumns, readParquetFile } from './dataParquet';
import { EvalDataError, type DataTable } from './dataTable';
import { readCsvText, readJsonlText } from './dataText';
import { chooseSample } from './sample';

export const DATA_FILE_EXTENSIONS = ['.csv', '.jsonl', '.ndjson', '.parquet'] as const;

export interface SampleSpec {
  /** Rows wanted; a size ≥ the file's rows takes every row. */
  size: number;
  /** Integer seed of the shuffle (see sample.ts). */
  seed: number;
}

/** Keeps the rows a sample chose (indices ascending, as chooseSample gives them). */
export function sampleTable(t: DataTable, indices: number[]): DataTable {
  return { ...t, rows: indices.map((i) => t.rows[i]!), rowIndex: indices.map((i) => t.rowIndex[i]!) };
}

/**
 * Reads a local data file into a DataTable (see dataTable.ts), sampled when `sample` is given
 * (rowIndex then holds each kept row's 0-based index in the file; Parquet decodes only those rows).
 * Errors (EvalDataError): an extension other than DATA_FILE_EXTENSIONS, and each reader's errors
 * (empty file, malformed CSV row, bad JSONL line with its line number, a file that is not Parquet);
 * a sample of a file without rows. A missing file: "… does not exist".
 */
export async function readDataFile(file: string, sample?: SampleSpec): Promise<DataTable> {
  const ext = path.extname(file).toLowerCase();
  if (!(DATA_FILE_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new EvalDataError(`${file}: unsupported data file type "${ext || '(no extension)'}"; use ${DATA_FILE_EXTENSIONS.join(', ')}.`);
  }
  try {
    if (ext === '.parquet') {
      if (!sample) return await readParquetFile(file);
      const { totalRows } = await parquetColumns(file);
      return await readParquetFile(file, { rows: chooseSample(totalRows, sample.size, sample.seed, file).indices });
    }
    // As VS Code reads a file: a byte order mark or UTF-16 as such, UTF-8, else windows-1252 with a notice
    // (a Latin-1 CSV read as UTF-8 would carry U+FFFD into every text the models see).
    const decoded = decodeText(await fsp.readFile(file), { name: file, hint: 'Save it as UTF-8 to be sure of its text.' });
    const table: DataTable = ext === '.csv' ? readCsvText(decoded.text, file) : readJsonlText(decoded.text, file);
    if (decoded.notice) table.notice = decoded.notice;
    return sample ? sampleTable(table, chooseSample(table.rows.length, sample.size, sample.seed, file).indices) : table;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new EvalDataError(`${file} does not exist.`);
    throw err;
  }
}
