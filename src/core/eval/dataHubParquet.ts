/**
 * A Hub dataset split read from its Parquet export (the `refs/convert/parquet` branch the dataset viewer
 * writes) with hyparquet over HTTP range requests: only each file's footer and the row groups holding
 * sampled rows are fetched. Files are listed with the Hub's `GET /api/datasets/{repo}/parquet/{config}/{split}`
 * (a JSON list of `…/parquet/{config}/{split}/{n}.parquet` URLs that redirect to the files), or, where that
 * API is missing (a mirror) or does not know the split, from the branch's tree. Column types and ClassLabel
 * names come from the `datasets` features in each file's "huggingface" metadata, read as the viewer's are.
 */
import { parquetMetadataAsync, parquetReadObjects, type FileMetaData } from 'hyparquet';
import { HubClient } from '../hub/hubApi';
import { HubError } from '../hub/hubError';
import { BusyError, isAbort, isNetworkError, makeRetryingFetch } from '../hub/retryFetch';
import { command } from '../surface/names';
import { makeGuardedFetch, RefusedRequestError } from '../hub/tokenGuard';
import { NetPathError } from '../net/proxyErrors';
import { parquetTableColumns, plainValue } from './dataParquet';
import { EvalDataError, type DataTable } from './dataTable';
import type { HubSplitRequest } from './dataHub';
import { openRangeBuffer, RangeFetchError, type RangeBuffer } from './rangeBuffer';
import { chooseSample } from './sample';

/** The revision the dataset viewer publishes Parquet exports on. */
export const PARQUET_REVISION = 'refs/convert/parquet';
/** Tail bytes read first for a file's footer (hyparquet reads more when the footer is bigger). */
const FOOTER_BYTES = 64 * 1024;
/** Files whose footers are read at once. */
const PARALLEL = 4;

export interface HubParquetRequest extends HubSplitRequest {
  /** The Hub endpoint (resolveHubEndpoint); the token goes only to its origin, redirects included. */
  endpoint: string;
  token?: string;
  fetchImpl?: typeof fetch;
  signal?: AbortSignal;
}

export interface HubParquetTable extends DataTable {
  /** The split's Parquet files in row order (the listing's URLs). */
  files: string[];
  /** True when the export holds only part of the split (the converter's `partial-{split}` folder). */
  partial: boolean;
  /** Bytes of Parquet data fetched (footers and row groups), for the curious and for tests. */
  bytesFetched: number;
}

type Listing = { urls: string[]; partial: boolean };

const encPath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

function noExport(source: string, why: string): HubError {
  return new HubError(
    `${source}: no Parquet export to read (${why}). Read the split through the dataset viewer instead, or download the data and open it as a local CSV, JSONL or Parquet file.`,
    'not-found',
  );
}

/** A file refused with 401/403: the dataset is gated or private, or the token may not read it. */
function gated(label: string, detail: string, token: string | undefined): HubError {
  const ask = token
    ? 'The token was refused: accept the dataset\'s terms on its Hub page, or use a token that may read it.'
    : `Accept its terms on the Hub page and sign in (${command('AI Lab: Sign In to Hugging Face')}).`;
  return new HubError(`${label}: the dataset is gated or private (${detail}). ${ask}`, 'gated');
}

/** A fetch failure (HTTP refusal, network, abort) rather than bytes that are not Parquet. */
function isFetchFailure(err: unknown): boolean {
  return err instanceof RangeFetchError || err instanceof BusyError || err instanceof RefusedRequestError || err instanceof NetPathError || isNetworkError(err) || isAbort(err);
}

/** Files of the split from the Hub's /parquet API; undefined when the API or the split is not there. */
async function listFromApi(client: HubClient, r: HubParquetRequest, source: string): Promise<Listing | undefined> {
  const url = `${client.endpoint}/api/datasets/${encPath(r.dataset)}/parquet/${encodeURIComponent(r.config)}/${encodeURIComponent(r.split)}`;
  let body: unknown;
  try {
    body = await client.json<unknown>(url, `Parquet files of ${source}`);
  } catch (err) {
    if (err instanceof HubError && err.kind === 'not-found') return undefined;
    throw err; // 'gated' included: the Hub's message says to sign in
  }
  if (!Array.isArray(body) || body.some((u) => typeof u !== 'string')) throw new HubError(`${source}: the Hub's Parquet list is not a list of URLs.`, 'invalid');
  return body.length ? { urls: (body as string[]).map((u) => new URL(u, client.endpoint).href), partial: false } : undefined;
}

/** A path's numbers in order, so shard 10 sorts after shard 9. */
const byShard = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/**
 * Files of the split from the refs/convert/parquet tree: `{config}/{split}/*.parquet`, else the
 * `partial-{split}` folder, else the older layout `{config}/{name}-{split}.parquet` or
 * `{config}/{name}-{split}-0000k-of-0000n.parquet`.
 */
async function listFromTree(client: HubClient, r: HubParquetRequest, source: string): Promise<Listing> {
  let paths: string[];
  try {
    paths = (await client.tree(r.dataset, 'dataset', PARQUET_REVISION)).map((f) => f.path).filter((p) => p.endsWith('.parquet'));
  } catch (err) {
    if (err instanceof HubError && err.kind === 'not-found') throw noExport(source, `the dataset is not on ${client.endpoint}, or has no ${PARQUET_REVISION} branch: the Hub has not converted it`);
    throw err;
  }
  const inConfig = paths.filter((p) => p.startsWith(`${r.config}/`));
  const folder = (f: string) => inConfig.filter((p) => p.slice(r.config.length + 1).split('/').length === 2 && p.split('/')[1] === f);
  const old = new RegExp(`^[^/]*-${r.split.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:-\\d+-of-\\d+)?\\.parquet$`);
  const layouts: Listing[] = [
    { urls: folder(r.split), partial: false },
    { urls: folder(`partial-${r.split}`), partial: true },
    { urls: inConfig.filter((p) => old.test(p.slice(r.config.length + 1))), partial: false },
  ];
  const found = layouts.find((l) => l.urls.length);
  if (!found) {
    const configs = [...new Set(paths.map((p) => p.split('/')[0]!))].sort();
    const splits = [...new Set(inConfig.map((p) => p.split('/')[1]!).filter((s) => !s.endsWith('.parquet')))].sort();
    throw noExport(
      source,
      inConfig.length
        ? `${PARQUET_REVISION} has no files for split "${r.split}" of config "${r.config}"${splits.length ? `; its splits there: ${splits.join(', ')}` : ''}`
        : `${PARQUET_REVISION} has no config "${r.config}"${configs.length ? `; its configs: ${configs.join(', ')}` : ''}`,
    );
  }
  const rev = encodeURIComponent(PARQUET_REVISION);
  return { urls: found.urls.sort(byShard).map((p) => `${client.endpoint}/datasets/${encPath(r.dataset)}/resolve/${rev}/${encPath(p)}`), partial: found.partial };
}

/** A failure to fetch a file's bytes as a HubError (an abort as the signal's reason). */
function fileError(err: unknown, label: string, endpoint: string, token: string | undefined, signal?: AbortSignal): unknown {
  if (signal?.aborted || isAbort(err)) return signal?.reason ?? err;
  if (err instanceof RangeFetchError) {
    const at = new URL(err.answeredBy);
    if ((err.status === 401 || err.status === 403) && at.origin !== new URL(endpoint).origin) {
      // A redirect target the Hub named: it never gets the token, so its refusal says nothing about access.
      return new HubError(`${label}: ${at.host} refused it with HTTP ${err.status}. It is not the Hub endpoint (${new URL(endpoint).origin}), so AI Lab sent it no token; the Hub redirected there. Check the Hub endpoint or mirror.`, 'invalid');
    }
    if (err.status === 401 || err.status === 403) return gated(label, `HTTP ${err.status}`, token);
    if (err.status === 404) return new HubError(`${label} is listed but not found (${err.message}); the export may be being rebuilt, try again later.`, 'not-found');
    return new HubError(`${err.message}.`, 'network');
  }
  if (err instanceof BusyError) return new HubError(`${label}: ${err.message}`, 'network');
  if (err instanceof RefusedRequestError) return new HubError(`${label}: ${err.message}`, 'invalid');
  if (err instanceof NetPathError) return new HubError(`${label}: ${err.message}`, err.isNetwork ? 'offline' : 'invalid');
  return new HubError(`${label}: cannot fetch it (${(err as Error).message}).`, 'offline');
}

interface OpenFile {
  url: string;
  label: string;
  buf: RangeBuffer;
  meta: FileMetaData;
  rows: number;
}

/** Runs `f` over `items`, at most `n` at a time, keeping the order of results. */
async function pool<T, U>(items: T[], n: number, f: (x: T, i: number) => Promise<U>): Promise<U[]> {
  const out: U[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i]!, i);
      }
    }),
  );
  return out;
}

/**
 * Fetches a seeded sample of `size` rows of a Hub split from its Parquet export.
 * Reads every file's footer (row counts: totalRows is their sum), chooses the sample with chooseSample
 * over the whole split (the same rows as fetchSplitSample through the viewer for the same size and seed),
 * then reads only the row groups that hold chosen rows, each once. rowIndex: each row's index in the
 * split, counted across the files in order. Columns: the first file's.
 * Errors: HubError 'not-found' when the dataset has no Parquet export for the config/split (the message
 * says to use the viewer or a local file), 'gated' for a gated or private dataset without a token that
 * may read it, 'offline' / 'network' / 'invalid' for an unreachable Hub or a bad answer; EvalDataError for
 * an empty split, a bad size or seed, or a file that is not Parquet (no PAR1 magic, unreadable footer,
 * rows hyparquet cannot decode). An abort through `signal` rejects with the signal's reason.
 */
export async function fetchSplitParquet(r: HubParquetRequest): Promise<HubParquetTable> {
  const source = `${r.dataset} (${r.config}/${r.split})`;
  const client = new HubClient({ endpoint: r.endpoint, token: r.token, signal: r.signal, fetchImpl: r.fetchImpl });
  const listing = (await listFromApi(client, r, source)) ?? (await listFromTree(client, r, source));
  const retrying = makeRetryingFetch({ attempts: 3, timeoutMs: 60_000, signal: r.signal, fetchImpl: r.fetchImpl });
  const fileFetch = makeGuardedFetch({ trusted: [client.endpoint], token: r.token, fetchImpl: retrying });

  const files = await pool(listing.urls, PARALLEL, async (url, k): Promise<OpenFile> => {
    const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? url);
    const label = `${source} file ${k + 1} of ${listing.urls.length} (${name})`;
    try {
      const buf = await openRangeBuffer(url, label, fileFetch, r.signal);
      let meta: FileMetaData;
      try {
        meta = await parquetMetadataAsync(buf, { initialFetchSize: FOOTER_BYTES });
      } catch (err) {
        if (isFetchFailure(err)) throw err;
        throw new EvalDataError(`${label} is not a readable Parquet file (${(err as Error).message}).`);
      }
      return { url, label, buf, meta, rows: Number(meta.num_rows) };
    } catch (err) {
      throw isFetchFailure(err) ? fileError(err, label, client.endpoint, r.token, r.signal) : err;
    }
  });

  const totalRows = files.reduce((n, f) => n + f.rows, 0);
  const { indices } = chooseSample(totalRows, r.size, r.seed, source);
  const columns = parquetTableColumns(files[0]!.meta);
  const rows: Array<Record<string, unknown>> = [];
  let first = 0; // the split's index of the current file's row 0
  let at = 0; // next index of `indices` to place
  for (const f of files) {
    const end = first + f.rows;
    // The row groups of this file that hold chosen rows, each read once from its first to its last chosen row.
    let groupStart = first;
    for (const g of f.meta.row_groups) {
      const groupEnd = groupStart + Number(g.num_rows);
      const wanted: number[] = [];
      while (at < indices.length && indices[at]! < groupEnd) wanted.push(indices[at++]!);
      if (wanted.length) {
        const rowStart = wanted[0]! - first;
        const rowEnd = wanted[wanted.length - 1]! - first + 1;
        let part: Array<Record<string, unknown>>;
        try {
          part = await parquetReadObjects({ file: f.buf, metadata: f.meta, rowStart, rowEnd });
        } catch (err) {
          if (isFetchFailure(err)) throw fileError(err, f.label, client.endpoint, r.token, r.signal);
          if (err instanceof EvalDataError) throw err;
          throw new EvalDataError(`${f.label}: cannot decode its rows (${(err as Error).message}).`);
        }
        for (const i of wanted) {
          const row = part[i - first - rowStart];
          if (!row) throw new EvalDataError(`${f.label}: its footer promised row ${i - first} but the data ended before it; the file may be damaged.`);
          rows.push(Object.fromEntries(columns.map((c) => [c.name, plainValue(row[c.name]) ?? null])));
        }
      }
      groupStart = groupEnd;
    }
    if (groupStart !== end) throw new EvalDataError(`${f.label}: its row groups hold ${groupStart - first} rows but its footer says ${f.rows}; the file may be damaged.`);
    first = end;
  }
  return {
    source,
    columns,
    rows,
    rowIndex: indices,
    totalRows,
    files: listing.urls,
    partial: listing.partial,
    bytesFetched: files.reduce((n, f) => n + f.buf.bytesFetched(), 0),
  };
}
