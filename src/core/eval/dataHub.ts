/**
 * A Hub dataset split as evaluation data: rows through the dataset viewer API (DatasetViewer, which pages
 * /rows by 100 and falls back to /first-rows), features (with ClassLabel names) from the viewer's answer.
 */
import type { DatasetViewer, Feature } from '../hub/datasetViewer';
import { columnType, EvalDataError, type DataTable } from './dataTable';
import { chooseSample } from './sample';

/** The viewer's page size limit (/rows answers at most 100 rows). */
const PAGE = 100;

export interface HubSplitRequest {
  dataset: string;
  config: string;
  split: string;
  /** Rows wanted; a size ≥ the split's rows takes every row. */
  size: number;
  /** Integer seed: the same dataset, split, size and seed give the same rows (see sample.ts). */
  seed: number;
}

/**
 * Fetches a seeded sample of `size` rows of a split through the viewer: the first page gives the row
 * count and features, then only the 100-row pages holding chosen rows are fetched, in order.
 * Returns a DataTable (source `dataset (config/split)`, rowIndex: each row's index in the split,
 * totalRows: the split's row count as the viewer reports it).
 * When the viewer reports no total (only /first-rows answered) the sample is drawn from the rows it
 * returned, and `partial` says so.
 * Errors: HubError from the viewer (not found, gated, unreachable); EvalDataError for an empty split or a
 * bad size/seed, or a page that came back without a row the count promised.
 */
export async function fetchSplitSample(viewer: DatasetViewer, r: HubSplitRequest): Promise<DataTable & { partial: boolean }> {
  const source = `${r.dataset} (${r.config}/${r.split})`;
  const first = await viewer.rows(r.dataset, r.config, r.split, 0, PAGE);
  // An answer without features: name and type the columns from the rows themselves.
  const features: Feature[] = first.features.length
    ? first.features
    : [...new Set(first.rows.flatMap((row) => Object.keys(row)))].map((name) => ({ name, type: columnType(first.rows.map((row) => row[name])) }));
  const total = first.total ?? first.rows.length;
  const partial = first.total === undefined || first.partial;
  const { indices } = chooseSample(total, r.size, r.seed, source);
  const pages = new Map<number, Array<Record<string, unknown>>>([[0, first.rows]]);
  const rows: Array<Record<string, unknown>> = [];
  for (const i of indices) {
    const start = Math.floor(i / PAGE) * PAGE;
    let page = pages.get(start);
    if (!page) {
      page = (await viewer.rows(r.dataset, r.config, r.split, start, PAGE)).rows;
      pages.clear(); // indices ascend: an earlier page is never needed again
      pages.set(start, page);
    }
    const row = page[i - start];
    if (!row) throw new EvalDataError(`${source}: the viewer reported ${total} rows but returned none at row ${i}; the split may have changed, try again.`);
    rows.push(Object.fromEntries(features.map((f) => [f.name, row[f.name] ?? null])));
  }
  return { source, columns: features, rows, rowIndex: indices, totalRows: total, partial };
}
