/**
 * The Hub's JSON API as the sidebar needs it: model and dataset search (one page at a time, following
 * the Link headers the Hub pages with), model/dataset info with card data, /api/tasks and whoami.
 * The token only ever goes to the configured endpoint's origin.
 */
import { command, setting } from '../surface/names';
import { PIPELINE_DATA } from '@huggingface/tasks';
import { readJsonAnswer, webPageRefusal } from './apiAnswer';
import { HubError } from './hubError';
import { BusyError, makeRetryingFetch, type RetryOptions } from './retryFetch';
import { makeGuardedFetch, RefusedRequestError } from './tokenGuard';
import { NetPathError } from '../net/proxyErrors';
import { runsInAiLab } from './compat';

export type ModelSort = 'downloads' | 'likes' | 'trending' | 'lastModified';
export const MODEL_SORTS: readonly ModelSort[] = ['downloads', 'likes', 'trending', 'lastModified'];
const SORT_KEY: Record<ModelSort, string> = { downloads: 'downloads', likes: 'likes', trending: 'trendingScore', lastModified: 'lastModified' };

export interface ModelQuery {
  search?: string;
  /** A pipeline tag, e.g. text-classification. */
  task?: string;
  /** A library tag, e.g. transformers.js, onnx, transformers. */
  library?: string;
  author?: string;
  /** A language code, e.g. en. */
  language?: string;
  /** A license id, e.g. apache-2.0. */
  license?: string;
  sort?: ModelSort;
  limit?: number;
}

export interface DatasetQuery {
  search?: string;
  author?: string;
  /** A task category, e.g. text-classification. */
  taskCategory?: string;
  language?: string;
  /** A size category as the Hub writes it, e.g. 10K<n<100K. */
  sizeCategory?: string;
  license?: string;
  sort?: ModelSort;
  limit?: number;
}

export interface ModelSummary {
  id: string;
  downloads: number;
  likes: number;
  pipelineTag?: string;
  library?: string;
  tags: string[];
  lastModified?: string;
  private: boolean;
  gated: false | 'auto' | 'manual';
  /** Has ONNX weights for transformers.js, judged from its tags (files are checked in model info). */
  runsInAiLab: boolean;
}

export interface DatasetSummary {
  id: string;
  downloads: number;
  likes: number;
  tags: string[];
  lastModified?: string;
  private: boolean;
  gated: false | 'auto' | 'manual';
  description?: string;
}

export interface RepoDetails {
  id: string;
  sha?: string;
  cardData?: Record<string, unknown>;
  files: string[];
  tags: string[];
  gated: false | 'auto' | 'manual';
  private: boolean;
  downloads: number;
  likes: number;
  pipelineTag?: string;
  library?: string;
  lastModified?: string;
  /** The Hub's summary of config.json (architectures, model_type; never id2label), when it gives one. */
  config?: { architectures?: string[]; model_type?: string; is_encoder_decoder?: boolean };
}

export interface Page<T> {
  items: T[];
  /** The next page's URL (from the Link header), when there is one. */
  next?: string;
}

export interface RepoFileEntry {
  path: string;
  size: number;
  lfs: boolean;
}

/** A file of the Hub's tree listing. */
export interface TreeFile {
  path: string;
  /** git blob sha1 (for an LFS file, of its pointer). */
  oid: string;
  size: number;
  /** LFS files: the content's sha256 and real size. */
  lfs?: { oid: string; size: number };
}

export interface HubTask {
  id: string;
  label: string;
  modality: string;
  summary?: string;
  libraries: string[];
}

export interface WhoAmI {
  name: string;
  fullname?: string;
  type?: string;
  orgs: string[];
  tokenName?: string;
  tokenRole?: string;
  /** Each organization's role for this user (read, contributor, write, admin), when whoami gives it. */
  orgRoles?: Record<string, string>;
  /** A fine-grained token's permissions (tokenRole "fineGrained"): global ones and those scoped to a user, org or repo. */
  fineGrained?: { global: string[]; scoped: Array<{ type: string; name: string; permissions: string[] }> };
}

export interface HubClientOptions {
  endpoint: string;
  token?: string;
  signal?: AbortSignal;
  retry?: Pick<RetryOptions, 'attempts' | 'baseDelayMs' | 'timeoutMs'>;
  fetchImpl?: typeof fetch;
}

/** The rel="next" URL of a Link header. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function gatedOf(v: unknown): false | 'auto' | 'manual' {
  return v === 'auto' || v === 'manual' ? v : v === true ? 'auto' : false;
}

type Json = Record<string, unknown>;

export function toModelSummary(m: Json): ModelSummary {
  const tags = asStrings(m.tags);
  const library = typeof m.library_name === 'string' ? m.library_name : undefined;
  return {
    id: String(m.id ?? m.modelId ?? ''),
    downloads: Number(m.downloads ?? 0),
    likes: Number(m.likes ?? 0),
    pipelineTag: typeof m.pipeline_tag === 'string' ? m.pipeline_tag : undefined,
    library,
    tags,
    lastModified: typeof m.lastModified === 'string' ? m.lastModified : undefined,
    private: Boolean(m.private),
    gated: gatedOf(m.gated),
    runsInAiLab: runsInAiLab({ tags, library }),
  };
}

function toDatasetSummary(d: Json): DatasetSummary {
  return {
    id: String(d.id ?? ''),
    downloads: Number(d.downloads ?? 0),
    likes: Number(d.likes ?? 0),
    tags: asStrings(d.tags),
    lastModified: typeof d.lastModified === 'string' ? d.lastModified : undefined,
    private: Boolean(d.private),
    gated: gatedOf(d.gated),
    description: typeof d.description === 'string' ? d.description : undefined,
  };
}

function toDetails(j: Json): RepoDetails {
  const siblings = Array.isArray(j.siblings) ? (j.siblings as Json[]) : [];
  return {
    id: String(j.id ?? ''),
    sha: typeof j.sha === 'string' ? j.sha : undefined,
    cardData: j.cardData && typeof j.cardData === 'object' ? (j.cardData as Record<string, unknown>) : undefined,
    files: siblings.map((s) => String(s.rfilename ?? '')).filter(Boolean),
    tags: asStrings(j.tags),
    gated: gatedOf(j.gated),
    private: Boolean(j.private),
    downloads: Number(j.downloads ?? 0),
    likes: Number(j.likes ?? 0),
    pipelineTag: typeof j.pipeline_tag === 'string' ? j.pipeline_tag : undefined,
    library: typeof j.library_name === 'string' ? j.library_name : undefined,
    lastModified: typeof j.lastModified === 'string' ? j.lastModified : undefined,
    config: configSummary(j.config),
  };
}

function configSummary(c: unknown): RepoDetails['config'] {
  if (!c || typeof c !== 'object') return undefined;
  const o = c as Json;
  return {
    architectures: Array.isArray(o.architectures) ? asStrings(o.architectures) : undefined,
    model_type: typeof o.model_type === 'string' ? o.model_type : undefined,
    is_encoder_decoder: typeof o.is_encoder_decoder === 'boolean' ? o.is_encoder_decoder : undefined,
  };
}

const MODEL_EXPAND = ['downloads', 'likes', 'pipeline_tag', 'library_name', 'tags', 'lastModified', 'private', 'gated'];
const DATASET_EXPAND = ['downloads', 'likes', 'tags', 'lastModified', 'private', 'gated', 'description'];

function fineGrainedOf(v: unknown): WhoAmI['fineGrained'] {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Json;
  const scoped = Array.isArray(o.scoped) ? (o.scoped as Json[]) : [];
  return {
    global: asStrings(o.global),
    scoped: scoped.map((s) => {
      const e = (s.entity ?? {}) as Json;
      return { type: String(e.type ?? ''), name: String(e.name ?? ''), permissions: asStrings(s.permissions) };
    }),
  };
}

export class HubClient {
  readonly endpoint: string;
  private readonly origin: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly o: HubClientOptions) {
    this.endpoint = o.endpoint.replace(/\/+$/, '');
    this.origin = new URL(this.endpoint).origin;
    const retrying = makeRetryingFetch({ attempts: o.retry?.attempts ?? 3, baseDelayMs: o.retry?.baseDelayMs, timeoutMs: o.retry?.timeoutMs ?? 20_000, signal: o.signal, fetchImpl: o.fetchImpl });
    // The guard adds the token for the endpoint's origin only, redirects included.
    this.fetch = makeGuardedFetch({ trusted: [this.endpoint], token: o.token, fetchImpl: retrying });
  }

  /** GET a URL of the endpoint (never another origin) and map failures to clear HubErrors. */
  async get(url: string, what: string): Promise<Response> {
    const u = new URL(url, this.endpoint);
    if (u.origin !== this.origin) throw new HubError(`Refusing to follow ${u.origin}: the Hub endpoint is ${this.origin}`, 'invalid');
    let res: Response;
    try {
      res = await this.fetch(u.href, { headers: { accept: 'application/json' } });
    } catch (err) {
      if (this.o.signal?.aborted) throw this.o.signal.reason ?? err;
      if (err instanceof BusyError) throw new HubError(`${what}: ${err.message}`, 'network');
      if (err instanceof RefusedRequestError) throw new HubError(`${what}: ${err.message}`, 'invalid');
      if (err instanceof NetPathError) throw new HubError(`${what}: ${err.message}`, err.isNetwork ? 'offline' : 'invalid');
      throw new HubError(`Cannot reach the Hub at ${this.endpoint} (${(err as Error).message}). You may be offline; set ${setting('aiLab.hubEndpoint')} for a mirror.`, 'offline');
    }
    if (res.ok) return res;
    const portal = webPageRefusal(res, u.href);
    if (portal) throw new HubError(`${what}: ${portal}`, 'invalid');
    const body = await res.text().catch(() => '');
    let detail = body.slice(0, 200);
    try {
      detail = String((JSON.parse(body) as Json).error ?? detail);
    } catch {
      // Not JSON: keep the text.
    }
    if (res.status === 401 || res.status === 403) {
      throw new HubError(`${what}: access denied (HTTP ${res.status}${detail ? `: ${detail}` : ''}). It may be gated or private: accept its terms on the Hub and sign in (${command('AI Lab: Sign In to Hugging Face')}).`, 'gated');
    }
    if (res.status === 404) throw new HubError(`${what}: not found on ${this.endpoint}${detail ? ` (${detail})` : ''}.`, 'not-found');
    throw new HubError(`${what}: the Hub answered HTTP ${res.status}${detail ? `: ${detail}` : ''}.`, 'network');
  }

  /** The JSON answer of `url`; a web page (captive portal, proxy login) or broken JSON is an 'invalid' HubError naming the host. */
  async json<T>(url: string, what: string): Promise<T> {
    const res = await this.get(url, what);
    return (await this.readJson(res, url, what)) as T;
  }

  private async readJson(res: Response, url: string, what: string): Promise<unknown> {
    try {
      return await readJsonAnswer(res, new URL(url, this.endpoint).href);
    } catch (err) {
      if (err instanceof HubError) throw new HubError(`${what}: ${err.message}`, err.kind);
      throw err;
    }
  }

  private async page<T>(url: string, what: string, map: (j: Json) => T): Promise<Page<T>> {
    const res = await this.get(url, what);
    const body = await this.readJson(res, url, what);
    if (!Array.isArray(body)) throw new HubError(`${what}: the Hub sent an unexpected answer (not a list).`, 'invalid');
    return { items: (body as Json[]).map(map), next: nextLink(res.headers.get('link')) };
  }

  modelSearchUrl(q: ModelQuery): string {
    const p = new URLSearchParams();
    if (q.search?.trim()) p.set('search', q.search.trim());
    if (q.author?.trim()) p.set('author', q.author.trim());
    if (q.task) p.set('pipeline_tag', q.task);
    for (const f of [q.library, q.language, q.license && `license:${q.license}`]) if (f) p.append('filter', f);
    p.set('sort', SORT_KEY[q.sort ?? 'downloads']);
    p.set('direction', '-1');
    p.set('limit', String(q.limit ?? 20));
    for (const e of MODEL_EXPAND) p.append('expand[]', e);
    return `${this.endpoint}/api/models?${p}`;
  }

  datasetSearchUrl(q: DatasetQuery): string {
    const p = new URLSearchParams();
    if (q.search?.trim()) p.set('search', q.search.trim());
    if (q.author?.trim()) p.set('author', q.author.trim());
    const filters = [
      q.taskCategory && `task_categories:${q.taskCategory}`,
      q.language && `language:${q.language}`,
      q.sizeCategory && `size_categories:${q.sizeCategory}`,
      q.license && `license:${q.license}`,
    ];
    for (const f of filters) if (f) p.append('filter', f);
    p.set('sort', SORT_KEY[q.sort ?? 'downloads']);
    p.set('direction', '-1');
    p.set('limit', String(q.limit ?? 20));
    for (const e of DATASET_EXPAND) p.append('expand[]', e);
    return `${this.endpoint}/api/datasets?${p}`;
  }

  /** One page of models; pass the previous page's `next` to load more. */
  searchModels(q: ModelQuery, next?: string): Promise<Page<ModelSummary>> {
    return this.page(next ?? this.modelSearchUrl(q), 'Searching models', toModelSummary);
  }

  searchDatasets(q: DatasetQuery, next?: string): Promise<Page<DatasetSummary>> {
    return this.page(next ?? this.datasetSearchUrl(q), 'Searching datasets', toDatasetSummary);
  }

  private repoUrl(type: 'models' | 'datasets', id: string, revision: string): string {
    return `${this.endpoint}/api/${type}/${id.split('/').map(encodeURIComponent).join('/')}/revision/${encodeURIComponent(revision)}`;
  }

  async modelInfo(id: string, revision = 'main'): Promise<RepoDetails> {
    const d = toDetails(await this.json<Json>(this.repoUrl('models', id, revision), `Model ${id}`));
    return { ...d, id: d.id || id };
  }

  async datasetInfo(id: string, revision = 'main'): Promise<RepoDetails> {
    const d = toDetails(await this.json<Json>(this.repoUrl('datasets', id, revision), `Dataset ${id}`));
    return { ...d, id: d.id || id };
  }

  /**
   * The tree of a repo revision as the Hub lists it (recursive, following Link pages): each file's path,
   * git blob sha1 (`oid`), size, and for LFS files the sha256 and real size.
   */
  async tree(id: string, type: 'model' | 'dataset' = 'model', revision = 'main'): Promise<TreeFile[]> {
    const out: TreeFile[] = [];
    let url: string | undefined = `${this.endpoint}/api/${type}s/${id.split('/').map(encodeURIComponent).join('/')}/tree/${encodeURIComponent(revision)}?recursive=true`;
    while (url) {
      const page: Page<Json> = await this.page(url, `Files of ${id}`, (j) => j);
      for (const f of page.items) {
        if (f.type !== 'file') continue;
        const lfs = f.lfs as Json | undefined;
        out.push({
          path: String(f.path),
          oid: String(f.oid ?? ''),
          size: Number(f.size ?? 0),
          ...(lfs ? { lfs: { oid: String(lfs.oid ?? lfs.sha256 ?? ''), size: Number(lfs.size ?? 0) } } : {}),
        });
      }
      url = page.next;
    }
    return out;
  }

  /** Every file of a repo revision with its size (LFS files at their real size), following Link pages. */
  async files(id: string, type: 'model' | 'dataset' = 'model', revision = 'main'): Promise<RepoFileEntry[]> {
    return (await this.tree(id, type, revision)).map((f) => ({ path: f.path, size: f.lfs?.size ?? f.size, lfs: Boolean(f.lfs) }));
  }

  /** A text file of a repo (README.md for cards); undefined when the repo has none. */
  async readText(id: string, file: string, type: 'model' | 'dataset' = 'model', revision = 'main'): Promise<string | undefined> {
    const prefix = type === 'dataset' ? '/datasets' : '';
    const url = `${this.endpoint}${prefix}/${id}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`;
    try {
      return await (await this.get(url, `${id}/${file}`)).text();
    } catch (err) {
      if (err instanceof HubError && err.kind === 'not-found') return undefined;
      throw err;
    }
  }

  /** /api/tasks, with each task's modality from @huggingface/tasks when the Hub's answer lacks one. */
  async tasks(): Promise<HubTask[]> {
    const body = await this.json<Record<string, Json>>(`${this.endpoint}/api/tasks`, 'Listing tasks');
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HubError('Listing tasks: unexpected answer from the Hub.', 'invalid');
    const known = PIPELINE_DATA as Record<string, { name?: string; modality?: string }>;
    return Object.entries(body)
      .map(([key, t]) => {
        const id = typeof t.id === 'string' ? t.id : key;
        return {
          id,
          label: typeof t.label === 'string' ? t.label : (known[id]?.name ?? id),
          modality: typeof t.modality === 'string' ? t.modality : (known[id]?.modality ?? 'other'),
          summary: typeof t.summary === 'string' ? t.summary : undefined,
          libraries: asStrings(t.libraries),
        };
      })
      .sort((a, b) => a.label.localeCompare(b.label));
  }

  async whoami(): Promise<WhoAmI> {
    if (!this.o.token) throw new HubError('Not signed in: no token to check.', 'gated');
    const j = await this.json<Json>(`${this.endpoint}/api/whoami-v2`, 'Checking the token');
    const auth = (j.auth as Json | undefined)?.accessToken as Json | undefined;
    return {
      name: String(j.name ?? ''),
      fullname: typeof j.fullname === 'string' ? j.fullname : undefined,
      type: typeof j.type === 'string' ? j.type : undefined,
      orgs: Array.isArray(j.orgs) ? (j.orgs as Json[]).map((o) => String(o.name ?? '')).filter(Boolean) : [],
      tokenName: typeof auth?.displayName === 'string' ? auth.displayName : undefined,
      tokenRole: typeof auth?.role === 'string' ? auth.role : undefined,
      orgRoles: Object.fromEntries((Array.isArray(j.orgs) ? (j.orgs as Json[]) : []).filter((o) => typeof o.roleInOrg === 'string').map((o) => [String(o.name ?? ''), String(o.roleInOrg)])),
      fineGrained: fineGrainedOf(auth?.fineGrained),
    };
  }
}
