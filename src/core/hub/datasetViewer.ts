/**
 * The Hub's dataset viewer API (datasets-server): splits, info (features and row counts per config),
 * first rows, paged rows and per-column statistics (label frequencies for the partition planner).
 */
import { setting } from '../surface/names';
import { readJsonAnswer } from './apiAnswer';
import { DEFAULT_HUB_ENDPOINT } from './hubConfig';
import { HubError } from './hubError';
import { BusyError, makeRetryingFetch } from './retryFetch';
import { makeGuardedFetch } from './tokenGuard';
import { NetPathError } from '../net/proxyErrors';

export const DEFAULT_DATASETS_SERVER = 'https://datasets-server.huggingface.co';
const viewerHint = () => `Sign in to the network or proxy in a browser, or check ${setting('aiLab.datasetsServerEndpoint')}.`;

export interface Feature {
  name: string;
  /** A short description of the column type: string, int64, ClassLabel(neg, pos), Sequence(string)… */
  type: string;
  /** ClassLabel names, when the column is a class label. */
  labels?: string[];
}

export interface SplitInfo {
  config: string;
  split: string;
  numRows?: number;
  numBytes?: number;
}

export interface ConfigInfo {
  config: string;
  features: Feature[];
  splits: SplitInfo[];
}

export interface RowsPage {
  features: Feature[];
  rows: Array<Record<string, unknown>>;
  offset: number;
  total?: number;
  /** True when the viewer only has a part of the split. */
  partial: boolean;
}

type Json = Record<string, unknown>;

/** The viewer's feature type JSON in a few words. */
export function describeFeature(t: unknown): { type: string; labels?: string[] } {
  if (!t || typeof t !== 'object') return { type: 'unknown' };
  if (Array.isArray(t)) return { type: `list(${describeFeature(t[0]).type})` };
  const o = t as Json;
  switch (o._type) {
    case 'Value':
      return { type: String(o.dtype ?? 'value') };
    case 'ClassLabel': {
      const labels = Array.isArray(o.names) ? o.names.map(String) : [];
      return { type: `ClassLabel(${labels.join(', ')})`, labels };
    }
    case 'Sequence':
    case 'List':
    case 'LargeList':
      return { type: `${o._type}(${describeFeature(o.feature).type})` };
    case undefined:
      return { type: `{${Object.entries(o).map(([k, v]) => `${k}: ${describeFeature(v).type}`).join(', ')}}` };
    default:
      return { type: String(o._type) };
  }
}

function toFeatures(v: unknown): Feature[] {
  if (Array.isArray(v)) {
    // first-rows / rows: [{ feature_idx, name, type }]
    return (v as Json[]).map((f) => ({ name: String(f.name), ...describeFeature(f.type) }));
  }
  if (v && typeof v === 'object') {
    // info: { name: type }
    return Object.entries(v as Json).map(([name, t]) => ({ name, ...describeFeature(t) }));
  }
  return [];
}

export interface ViewerOptions {
  /** The viewer API (aiLab.datasetsServerEndpoint, --datasets-server); empty: DEFAULT_DATASETS_SERVER. */
  base?: string;
  /** The Hub endpoint in use: the token may go there (a redirect to it) and to the viewer when viewerGetsToken says so. */
  hubEndpoint: string;
  token?: string;
  fetchImpl?: typeof fetch;
}

/**
 * Whether the token may go to the viewer at `base`: one the user configured (user settings or a flag),
 * one on the Hub endpoint's origin, or the Hub's own viewer when the endpoint is the Hub itself. A mirror's
 * token never goes to huggingface.co's viewer, and no token goes anywhere else.
 */
export function viewerGetsToken(base: string | undefined, hubEndpoint: string): boolean {
  if (base?.trim()) return true;
  return new URL(hubEndpoint).origin === new URL(DEFAULT_HUB_ENDPOINT).origin;
}

export class DatasetViewer {
  private readonly fetch: typeof fetch;
  private readonly base: string;

  constructor(o: ViewerOptions) {
    this.base = (o.base?.trim() || DEFAULT_DATASETS_SERVER).replace(/\/+$/, '');
    const retrying = makeRetryingFetch({ attempts: 3, timeoutMs: 30_000, fetchImpl: o.fetchImpl });
    const trusted = [o.hubEndpoint, ...(viewerGetsToken(o.base, o.hubEndpoint) ? [this.base] : [])];
    this.fetch = makeGuardedFetch({ trusted, token: o.token, fetchImpl: retrying });
  }

  private async get(route: string, params: Record<string, string | number>, what: string): Promise<Json> {
    const url = `${this.base}/${route}?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))}`;
    let res: Response;
    try {
      res = await this.fetch(url, { headers: { accept: 'application/json' } });
    } catch (err) {
      if (err instanceof BusyError) throw new HubError(`${what}: ${err.message}`, 'network');
      if (err instanceof NetPathError) throw new HubError(`${what}: ${err.message}`, err.isNetwork ? 'offline' : 'invalid');
      throw new HubError(`${what}: cannot reach the dataset viewer at ${this.base} (${(err as Error).message}). Set ${setting('aiLab.datasetsServerEndpoint')} if you use a mirror.`, 'offline');
    }
    if (res.ok) {
      try {
        return (await readJsonAnswer(res, url, viewerHint())) as Json;
      } catch (err) {
        throw err instanceof HubError ? new HubError(`${what}: ${err.message}`, err.kind) : err;
      }
    }
    const body = (await res.json().catch(() => ({}))) as Json;
    const detail = typeof body.error === 'string' ? body.error : `HTTP ${res.status}`;
    if (res.status === 401 || res.status === 403) throw new HubError(`${what}: the dataset is gated or private (${detail}). Accept its terms on the Hub and sign in.`, 'gated');
    if (res.status === 404) throw new HubError(`${what}: not found (${detail}).`, 'not-found');
    throw new HubError(`${what}: the dataset viewer answered ${detail}. Some datasets have no viewer (scripts, very large or unusual formats).`, 'network');
  }

  /** Configs with their features and splits (row counts from /info, else /splits without counts). */
  async configs(dataset: string): Promise<ConfigInfo[]> {
    try {
      const info = (await this.get('info', { dataset }, `Dataset ${dataset}`)).dataset_info as Record<string, Json> | undefined;
      if (info && Object.keys(info).length) {
        return Object.entries(info).map(([config, c]) => ({
          config,
          features: toFeatures(c.features),
          splits: Object.values((c.splits ?? {}) as Record<string, Json>).map((s) => ({
            config,
            split: String(s.name),
            numRows: typeof s.num_examples === 'number' ? s.num_examples : undefined,
            numBytes: typeof s.num_bytes === 'number' ? s.num_bytes : undefined,
          })),
        }));
      }
    } catch (err) {
      if (!(err instanceof HubError) || err.kind !== 'network') throw err;
    }
    const splits = ((await this.get('splits', { dataset }, `Dataset ${dataset}`)).splits ?? []) as Json[];
    const byConfig = new Map<string, SplitInfo[]>();
    for (const s of splits) byConfig.set(String(s.config), [...(byConfig.get(String(s.config)) ?? []), { config: String(s.config), split: String(s.split) }]);
    return [...byConfig].map(([config, list]) => ({ config, features: [], splits: list }));
  }

  /** Rows [offset, offset+length) of a split; length at most 100, as the viewer allows. */
  async rows(dataset: string, config: string, split: string, offset: number, length: number): Promise<RowsPage> {
    if (!Number.isInteger(offset) || offset < 0) throw new Error('Row offset must be a whole number ≥ 0');
    const len = Math.max(1, Math.min(100, Math.floor(length)));
    const what = `${dataset} (${config}/${split})`;
    let j: Json;
    try {
      j = await this.get('rows', { dataset, config, split, offset, length: len }, what);
    } catch (err) {
      // /rows needs the viewer's parquet export; /first-rows exists for more datasets.
      if (offset !== 0 || !(err instanceof HubError) || (err.kind !== 'network' && err.kind !== 'not-found')) throw err;
      j = await this.get('first-rows', { dataset, config, split }, what);
    }
    const rows = ((j.rows ?? []) as Json[]).slice(0, len).map((r) => (r.row ?? {}) as Record<string, unknown>);
    return {
      features: toFeatures(j.features),
      rows,
      offset,
      total: typeof j.num_rows_total === 'number' ? j.num_rows_total : undefined,
      partial: Boolean(j.partial ?? j.truncated),
    };
  }

  /** Frequencies of each label of a class-label column, from /statistics. */
  async labelCounts(dataset: string, config: string, split: string, column: string): Promise<Record<string, number> | undefined> {
    const j = await this.get('statistics', { dataset, config, split }, `Statistics of ${dataset} (${config}/${split})`);
    const col = ((j.statistics ?? []) as Json[]).find((c) => c.column_name === column);
    const freq = (col?.column_statistics as Json | undefined)?.frequencies;
    if (!freq || typeof freq !== 'object') return undefined;
    return Object.fromEntries(Object.entries(freq as Json).map(([k, v]) => [k, Number(v)]));
  }
}
