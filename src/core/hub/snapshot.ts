import { command, surface } from '../surface/names';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { datasetInfo, listFiles, modelInfo } from '@huggingface/hub';
import { COMMIT_HASH, RepoCache, type RepoType } from './cacheLayout';
import { CacheWriteError, explainCacheWrite } from './cacheWrite';
import { fetchBlobs, type FetchProgress } from './fetchBlobs';
import { jsonApiFetch } from './apiAnswer';
import { HubError } from './hubError';
import { repoNameProblem, selectWritable, type NameProblem, type SkippedFile } from './repoFileNames';
import { BusyError, isNetworkError, makeRetryingFetch, type RetryOptions } from './retryFetch';
import { makeGuardedFetch } from './tokenGuard';
import { NetPathError } from '../net/proxyErrors';

export { HubError };

export interface RemoteFile {
  path: string;
  size: number;
  /** sha256 for LFS files, git blob sha1 otherwise: the blob's name in the cache. */
  etag: string;
  lfs: boolean;
}

/** Progress of a snapshot download; `waitingOn` (a lock file) while another process fetches this file. */
export type DownloadProgress = FetchProgress;

export interface SnapshotParams {
  repoId: string;
  /** model (default) or dataset. */
  type?: Exclude<RepoType, 'space'>;
  revision?: string;
  endpoint: string;
  token?: string;
  cacheDir: string;
  /** Picks the files to fetch from what the repo (or, offline, the cached snapshot) holds; may throw to say what is missing. */
  select: (available: string[]) => string[];
  offline?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  log?: (msg: string) => void;
  retry?: Pick<RetryOptions, 'attempts' | 'baseDelayMs' | 'timeoutMs'>;
  fetchImpl?: typeof fetch;
}

export interface SnapshotResult {
  commit: string;
  dir: string;
  files: string[];
  /** Bytes actually downloaded now (0 when all came from the cache). */
  downloadedBytes: number;
  offline: boolean;
  /** Files of the repo left out because this OS cannot hold their names (or they would escape the cache). */
  skipped: SkippedFile[];
}

function walk(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? walk(path.join(dir, e.name), rel) : [rel];
  });
}

/** Uses what the cache holds for the revision; says exactly what is missing. */
function fromCache(cache: RepoCache, p: SnapshotParams, why: string, whyIsWhole = false): SnapshotResult {
  const revision = p.revision ?? 'main';
  const commit = cache.resolveRevision(revision);
  // A dataset has no local stand-in to suggest: connecting (or a mirror) is the way.
  const hint = p.type === 'dataset' ? `Connect once to download it (or use a Hub mirror that can be reached).` : `Connect once to download it, or use a local model folder.`;
  if (!commit || !fs.existsSync(cache.snapshotDir(commit))) {
    // A proxy failure is its own sentence: it names the proxy, not the Hub.
    throw new HubError(`${p.repoId}@${revision} is not in the Hugging Face cache (${p.cacheDir}) and ${whyIsWhole ? why : `the Hub cannot be reached (${why})`}. ${hint}`, 'offline');
  }
  const available = walk(cache.snapshotDir(commit)).filter((f) => fs.existsSync(cache.snapshotPath(commit, f)));
  let files: string[];
  try {
    files = p.select(available);
  } catch (err) {
    throw new HubError(`${err instanceof Error ? err.message : String(err)} (offline: only the cached files of ${p.repoId} were considered; ${why}). ${hint}`, 'offline');
  }
  const missing = files.filter((f) => !available.includes(f));
  if (missing.length) {
    throw new HubError(`Offline (${why}) and not in the cache for ${p.repoId}@${revision}: ${missing.join(', ')}. ${hint}`, 'offline');
  }
  p.log?.(`${p.repoId}: using the cached snapshot ${commit} (${why})`);
  return { commit, dir: cache.snapshotDir(commit), files, downloadedBytes: 0, offline: true, skipped: [] };
}

function explainHubFailure(err: unknown, p: SnapshotParams): HubError | undefined {
  const status = (err as { statusCode?: number; status?: number }).statusCode ?? (err as { status?: number }).status;
  const page = `${p.endpoint}${p.type === 'dataset' ? '/datasets' : ''}/${p.repoId}`;
  if (status === 401 || status === 403) {
    return new HubError(`${p.repoId} is gated or private: accept its licence at ${page} and sign in (${command('AI Lab: Sign In to Hugging Face')})${surface().id === 'cli' ? '' : ' or set HF_TOKEN'}.${p.token ? ' The token in use was refused or lacks access.' : ''}`, 'gated');
  }
  if (status === 404) return new HubError(`${p.repoId}${p.revision ? `@${p.revision}` : ''} was not found on ${p.endpoint}. Check the id (e.g. Xenova/distilbert-base-uncased-finetuned-sst-2-english).`, 'not-found');
  if (err instanceof BusyError) return new HubError(`${p.repoId}: ${err.message}`, 'network');
  if (status !== undefined && (status === 429 || status >= 500)) {
    return new HubError(`${p.repoId}: ${new URL(p.endpoint).host} answered HTTP ${status} after retries (${(err as Error).message}); try again later.`, 'network');
  }
  return undefined;
}

/**
 * Fetches the selected files of a Hub repo revision into the Hugging Face cache, laid out as Python's
 * huggingface_hub does (blobs/, snapshots/<commit>/, refs/<revision>), so both share downloads.
 */
export async function downloadSnapshot(p: SnapshotParams): Promise<SnapshotResult> {
  const type = p.type ?? 'model';
  const cache = new RepoCache(p.cacheDir, p.repoId, type);
  const revision = p.revision ?? 'main';
  if (p.offline) return fromCache(cache, p, 'offline mode: HF_HUB_OFFLINE');
  const retrying = makeRetryingFetch({
    attempts: p.retry?.attempts ?? 5,
    baseDelayMs: p.retry?.baseDelayMs,
    timeoutMs: p.retry?.timeoutMs,
    signal: p.signal,
    fetchImpl: p.fetchImpl,
    onRetry: (r) => p.log?.(`retrying ${r.url} in ${Math.round(r.delayMs)} ms (${r.status ? `HTTP ${r.status}` : r.error})`),
  });
  // The library never gets the token: the guard adds it for the endpoint's origin only (Link pages and
  // redirects to other origins go without it), and checks that API answers are JSON.
  const guarded = makeGuardedFetch({ trusted: [p.endpoint], token: p.token, fetchImpl: retrying });
  const creds = { hubUrl: p.endpoint, fetch: jsonApiFetch(guarded, undefined, p.endpoint) };
  let commit: string;
  let remote: RemoteFile[];
  const unwritable = new Map<string, NameProblem>();
  try {
    const info = (
      type === 'dataset'
        ? await datasetInfo({ name: p.repoId, revision, additionalFields: ['sha'], ...creds })
        : await modelInfo({ name: p.repoId, revision, additionalFields: ['sha'], ...creds })
    ) as { sha?: string };
    if (!info.sha || !COMMIT_HASH.test(info.sha)) throw new HubError(`The Hub did not say which commit ${p.repoId}@${revision} is`, 'invalid');
    commit = info.sha;
    remote = [];
    for await (const f of listFiles({ repo: { type, name: p.repoId }, revision: commit, recursive: true, ...creds })) {
      if (f.type !== 'file') continue;
      // Names that escape the cache or that this OS cannot hold are never written; skipped unless selected.
      const problem = repoNameProblem(f.path);
      if (problem) {
        unwritable.set(f.path, problem);
        continue;
      }
      const etag = f.lfs?.oid ?? f.oid;
      if (!etag) throw new HubError(`The Hub listed ${f.path} without a hash`, 'invalid');
      remote.push({ path: f.path, size: f.lfs?.size ?? f.size, etag, lfs: Boolean(f.lfs) });
    }
  } catch (err) {
    if (p.signal?.aborted) throw p.signal.reason ?? err;
    if (err instanceof HubError) throw err;
    const explained = explainHubFailure(err, p);
    if (explained) throw explained;
    if (err instanceof NetPathError) {
      if (err.isNetwork) return fromCache(cache, p, err.message, true);
      throw new HubError(`${p.repoId}: ${err.message}`, 'invalid');
    }
    if (isNetworkError(err)) return fromCache(cache, p, `cannot reach ${p.endpoint}: ${(err as Error).message}`);
    throw err;
  }
  const { files, skipped } = selectWritable(p.select, remote.map((f) => f.path), unwritable);
  for (const s of skipped) p.log?.(`warning: ${p.repoId}: skipped ${s.path}: ${s.reason}`);
  const wanted = files.map((name) => {
    const f = remote.find((r) => r.path === name);
    if (!f) throw new HubError(`${p.repoId} has no file ${name}`, 'not-found');
    return f;
  });
  let downloadedBytes: number;
  try {
    downloadedBytes = await fetchBlobs(wanted, {
      cache,
      commit,
      urlOf: (file) => `${p.endpoint}${type === 'dataset' ? '/datasets' : ''}/${p.repoId}/resolve/${commit}/${file.split('/').map(encodeURIComponent).join('/')}`,
      signal: p.signal,
      idleTimeoutMs: p.retry?.timeoutMs,
      attempts: p.retry?.attempts,
      fetchImpl: guarded,
      log: p.log,
      onProgress: p.onProgress,
      explain: (err, f) => explainHubFailure(err, p) ?? new HubError(`Downloading ${p.repoId}/${f.path} failed: ${(err as Error).message}`, 'network'),
    });
  } catch (err) {
    if (err instanceof CacheWriteError) throw new HubError(err.message, err.kind);
    throw err;
  }
  try {
    cache.writeRef(revision, commit);
  } catch (err) {
    const write = explainCacheWrite(err, { cacheDir: p.cacheDir, file: `refs/${revision}` });
    if (write) throw new HubError(write.message, write.kind);
    throw err;
  }
  return { commit, dir: cache.snapshotDir(commit), files, downloadedBytes, offline: false, skipped };
}
