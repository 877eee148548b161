/**
 * Publish a model folder to the Hub (`ai-lab upload`, AI Lab: Publish Model to the Hub), in this order,
 * stopping at the first refusal:
 * 1. the repo id against the Hub's naming rules (no request);
 * 2. Validate Model Folder (no request): errors stop; warnings stop unless the caller confirms them;
 * 3. whoami: the token must be able to write there (a read token gets where to make a write token);
 * 4. createRepo (a 409 means it exists already, which is fine);
 * 5. the repo's tree against the folder: only new or changed files are sent (publishPlan.ts);
 * 6. @huggingface/hub's commit: preupload, LFS batch, PUT of each LFS object not stored yet, then one
 *    commit. The commit is the only step that changes the repo, so a failure before it leaves the repo
 *    as it was, and a re-run sends only the LFS objects the Hub does not have yet.
 * Every request goes through the token guard (the token only to the endpoint's origin).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commitIter, HubApiError, createRepo, type CommitOutput } from '@huggingface/hub';
import { validateModelFolder } from '../model/validateFolder';
import type { FolderReport } from '../model/findings';
import { netFetch } from '../net/proxy';
import { jsonApiFetch } from './apiAnswer';
import { HubClient } from './hubApi';
import { HubError } from './hubError';
import { linkedModelFiles, localFiles, planPublish, type LocalFile, type SkippedLocal } from './publishPlan';
import { qualifyRepoId, repoIdProblem } from './repoId';
import { isAbort, isNetworkError, makeRetryingFetch } from './retryFetch';
import { makeGuardedFetch } from './tokenGuard';
import { signInWithIt, tokenSettingsUrl, writeRefusal } from './writeAccess';

export type PublishErrorKind = 'invalid-id' | 'folder' | 'links' | 'validation' | 'warnings' | 'not-signed-in' | 'read-token' | 'no-rights' | 'network' | 'cancelled' | 'hub';

/** A publish that stopped, with what to do about it. `settingsUrl`: where to make a write token (token kinds). */
export class PublishError extends Error {
  constructor(
    message: string,
    readonly kind: PublishErrorKind,
    readonly extra: { settingsUrl?: string; report?: FolderReport } = {},
  ) {
    super(message);
    this.name = 'PublishError';
  }
}

export type PublishProgress =
  | { phase: 'validating' }
  | { phase: 'checking-token' }
  | { phase: 'creating-repo'; repo: string }
  /** Reading the folder's files to compare them with the repo (sha256 and git sha1). */
  | { phase: 'hashing'; file: string; filesDone: number }
  | { phase: 'comparing'; upload: number; unchanged: number; bytes: number }
  | { phase: 'uploading'; file: string; filesDone: number; files: number; bytesDone: number; bytes: number }
  | { phase: 'committing'; files: number };

export interface PublishParams {
  dir: string;
  /** "namespace/name", or a bare name (published under the token owner's name). */
  repoId: string;
  endpoint: string;
  token?: string;
  /** Create the repo private (an existing repo keeps its visibility; a note says so). */
  private?: boolean;
  /** The commit title; default "Upload <folder> with AI Lab". */
  message?: string;
  /** A validation the caller already ran (and showed); else it runs here. */
  validation?: FolderReport;
  /** Asked when the validation has warnings (no errors); false or absent stops with a 'warnings' PublishError. */
  confirmWarnings?: (report: FolderReport) => Promise<boolean>;
  signal?: AbortSignal;
  onProgress?: (p: PublishProgress) => void;
  fetchImpl?: typeof fetch;
}

export interface PublishResult {
  repo: string;
  /** The repo page. */
  url: string;
  /** The commit now at the head of main (the new one, or the existing head when nothing changed). */
  commit: string;
  commitUrl?: string;
  uploaded: string[];
  unchanged: string[];
  skipped: SkippedLocal[];
  created: boolean;
  /** Things the user should know (visibility not changed, remote files the folder lacks). */
  notes: string[];
}

const repoPage = (endpoint: string, id: string) => `${endpoint.replace(/\/+$/, '')}/${id}`;

/** The fetch @huggingface/hub gets: guarded; API answers retried and checked as JSON; uploads sent once, without a time limit. */
function publishFetch(endpoint: string, token: string, signal: AbortSignal | undefined, base: typeof fetch | undefined): typeof fetch {
  const impl = base ?? netFetch;
  const api = makeGuardedFetch({ trusted: [endpoint], token, fetchImpl: makeRetryingFetch({ attempts: 3, timeoutMs: 60_000, signal, fetchImpl: impl }) });
  // A PUT of a large object takes as long as it takes, and the commit must not be sent twice.
  const once = makeGuardedFetch({ trusted: [endpoint], token, fetchImpl: impl });
  const checkedApi = jsonApiFetch(api, undefined, endpoint);
  const checkedOnce = jsonApiFetch(once, undefined, endpoint);
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? 'GET').toUpperCase();
    const isApi = url.origin === new URL(endpoint).origin && (url.pathname.startsWith('/api/') || url.pathname.endsWith('/info/lfs/objects/batch'));
    if (method === 'PUT' || !isApi) return once(input, init);
    return /\/commit\/[^/]+$/.test(url.pathname) ? checkedOnce(input, init) : checkedApi(input, init);
  }) as typeof fetch;
}

/** The message of a failed step, with what the repo holds now. */
function explain(err: unknown, step: 'create' | 'upload' | 'commit', repo: string, endpoint: string, signal?: AbortSignal): PublishError {
  if (err instanceof PublishError) return err;
  if (signal?.aborted || isAbort(err)) {
    return new PublishError(step === 'commit' ? `Cancelled while committing to ${repo}: the commit may or may not have been made; publish again to finish (only what is missing is sent).` : `Cancelled: nothing was committed to ${repo}.`, 'cancelled');
  }
  if (err instanceof HubApiError) {
    const settingsUrl = tokenSettingsUrl(endpoint);
    if (err.statusCode === 401) return new PublishError(`The Hub refused the token (HTTP 401): make a write token at ${settingsUrl} and ${signInWithIt()}.`, 'not-signed-in', { settingsUrl });
    if (err.statusCode === 403) return new PublishError(`The Hub refused to write to ${repo} (HTTP 403: ${err.message.replace(/\. URL: .*$/, '')}). Check that the token has write access there (${settingsUrl}). Nothing was committed.`, 'no-rights', { settingsUrl });
    return new PublishError(`The Hub answered HTTP ${err.statusCode} while ${step === 'create' ? 'creating' : step === 'commit' ? 'committing to' : 'uploading to'} ${repo}: ${err.message.replace(/\. URL: .*$/, '')}.${step === 'commit' ? '' : ' Nothing was committed.'}`, 'hub');
  }
  if (err instanceof HubError) return new PublishError(err.message, err.kind === 'gated' ? 'no-rights' : err.kind === 'offline' || err.kind === 'network' ? 'network' : 'hub');
  const network = isNetworkError(err) || /terminated|socket|ECONNRESET|other side closed/i.test(`${(err as Error)?.message} ${String((err as { cause?: unknown })?.cause ?? '')}`);
  const what = (err as Error)?.message ?? String(err);
  if (network) {
    const tail =
      step === 'commit'
        ? 'The connection dropped while committing: the commit may or may not have been made. Publish again: files the repo has are not sent again.'
        : `Nothing was committed: ${repo} is as it was. Publish again to resume: the files the Hub already stored are not sent again.`;
    return new PublishError(`The upload to ${new URL(endpoint).host} was cut (${what}). ${tail}`, 'network');
  }
  return new PublishError(`Publishing to ${repo} failed: ${what}`, 'hub');
}

/** Runs the validation (or takes the caller's) and stops on errors, or on warnings not confirmed. */
async function checkFolder(p: PublishParams): Promise<FolderReport> {
  let report = p.validation;
  if (!report) {
    try {
      report = validateModelFolder(p.dir);
    } catch (err) {
      throw new PublishError((err as Error).message, 'folder');
    }
  }
  const list = (sev: string) => report!.findings.filter((f) => f.severity === sev).map((f) => `${f.check}${f.file ? ` (${f.file})` : ''}: ${f.message}`);
  if (report.errors) throw new PublishError(`${report.errors} validation error${report.errors === 1 ? '' : 's'} in ${p.dir}; fix ${report.errors === 1 ? 'it' : 'them'} first:\n  ${list('error').join('\n  ')}`, 'validation', { report });
  if (report.warnings && !(await p.confirmWarnings?.(report))) {
    throw new PublishError(`${report.warnings} validation warning${report.warnings === 1 ? '' : 's'} in ${p.dir}:\n  ${list('warning').join('\n  ')}`, 'warnings', { report });
  }
  return report;
}

/** Publishes `p.dir` to `p.repoId` (see the module comment). Throws PublishError with a kind and what to do. */
export async function publishModel(p: PublishParams): Promise<PublishResult> {
  const idProblem = repoIdProblem(p.repoId);
  if (idProblem) throw new PublishError(idProblem, 'invalid-id');
  if (!fs.existsSync(p.dir) || !fs.statSync(p.dir).isDirectory()) throw new PublishError(`${p.dir} is not a folder.`, 'folder');
  // Validation follows links, publishing does not: a linked model file would pass one and be missing from the repo.
  const linked = linkedModelFiles(p.dir);
  if (linked.length) {
    throw new PublishError(`${p.dir} holds model files that are symbolic links (${linked.slice(0, 4).join(', ')}${linked.length > 4 ? ', …' : ''}): publishing sends only plain files, so the repo would lack them. Nothing was sent. Replace the links with copies (cp -L, or hf download --local-dir for a Hub cache snapshot), then publish again.`, 'links');
  }
  p.onProgress?.({ phase: 'validating' });
  await checkFolder(p);

  const settingsUrl = tokenSettingsUrl(p.endpoint);
  if (!p.token) throw new PublishError(`Not signed in: publishing needs a Hugging Face token with the write role. Create one at ${settingsUrl} and ${signInWithIt()}.`, 'not-signed-in', { settingsUrl });
  p.onProgress?.({ phase: 'checking-token' });
  const client = new HubClient({ endpoint: p.endpoint, token: p.token, signal: p.signal, fetchImpl: p.fetchImpl, retry: { attempts: 2, timeoutMs: 30_000 } });
  let me;
  try {
    me = await client.whoami();
  } catch (err) {
    if (err instanceof HubError && err.kind === 'gated') {
      // whoami's refusal is about the token itself, not a gated repo: keep only the Hub's status and words.
      const http = /HTTP (\d{3})(?::\s*([^)]*))?/.exec(err.message);
      const said = http ? `HTTP ${http[1]}${http[2] ? `: ${http[2].trim()}` : ''}` : err.message;
      const why = http?.[1] === '401' ? ': it is not a valid token (mistyped, cut short, or revoked)' : '';
      throw new PublishError(`The Hub refused the token (${said})${why}. Make a token with the write role at ${settingsUrl} and ${signInWithIt()}.`, 'not-signed-in', { settingsUrl });
    }
    throw explain(err, 'create', p.repoId, p.endpoint, p.signal);
  }
  const repo = qualifyRepoId(p.repoId, me.name);
  const refusal = writeRefusal(me, repo, settingsUrl);
  if (refusal) throw new PublishError(refusal.message, refusal.kind, { settingsUrl });

  const fetchFn = publishFetch(p.endpoint, p.token, p.signal, p.fetchImpl);
  p.onProgress?.({ phase: 'creating-repo', repo });
  let created = false;
  try {
    await createRepo({ repo: { type: 'model', name: repo }, accessToken: p.token, hubUrl: p.endpoint, fetch: fetchFn, ...(p.private ? { visibility: 'private' as const } : {}) });
    created = true;
  } catch (err) {
    // 409: it exists already (ours, since whoami says we may write there).
    if (!(err instanceof HubApiError && err.statusCode === 409)) {
      if (err instanceof HubApiError && err.statusCode === 403) throw new PublishError(`The Hub will not let ${me.name} create ${repo}: ${err.message.replace(/\. URL: .*$/, '')}. Publish under your own name or an organization you can write to.`, 'no-rights', { settingsUrl });
      throw explain(err, 'create', repo, p.endpoint, p.signal);
    }
  }

  let remote;
  let head: string | undefined;
  let isPrivate: boolean | undefined;
  try {
    const info = await client.modelInfo(repo);
    head = info.sha;
    isPrivate = info.private;
    remote = await client.tree(repo, 'model', 'main');
  } catch (err) {
    throw explain(err, 'upload', repo, p.endpoint, p.signal);
  }
  let local;
  try {
    local = await localFiles(p.dir, p.signal, (file, filesDone) => p.onProgress?.({ phase: 'hashing', file, filesDone }), p.token);
  } catch (err) {
    if (p.signal?.aborted || isAbort(err)) throw explain(err, 'upload', repo, p.endpoint, p.signal);
    throw new PublishError(`Reading ${p.dir} failed: ${(err as Error).message}`, 'folder');
  }
  if (!local.files.length) {
    throw new PublishError(`Nothing to publish: every file of ${p.dir} was left out (${local.skipped.slice(0, 4).map((f) => `${f.path}: ${f.why}`).join('; ')}). Nothing was committed.`, 'links');
  }
  const plan = planPublish(local, remote);
  p.onProgress?.({ phase: 'comparing', upload: plan.upload.length, unchanged: plan.unchanged.length, bytes: plan.uploadBytes });
  const notes: string[] = [];
  if (!created && p.private && isPrivate === false) notes.push(`${repo} exists and is public, and stays so: private applies only to a new repo (change the visibility in the repo's settings on the Hub).`);
  const extra = remote.filter((r) => r.path !== '.gitattributes' && !local.files.some((f) => f.path === r.path)).map((r) => r.path);
  if (extra.length) notes.push(`The repo has ${extra.length} file${extra.length === 1 ? '' : 's'} this folder does not (${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', …' : ''}); publishing never deletes them.`);

  const base = { repo, url: repoPage(p.endpoint, repo), uploaded: plan.upload.map((f) => f.path), unchanged: plan.unchanged.map((f) => f.path), skipped: plan.skipped, created, notes };
  if (!plan.upload.length) return { ...base, commit: head ?? '' };
  const out = await upload(p, repo, plan.upload, plan.uploadBytes, fetchFn);
  return { ...base, commit: out.commit.oid, commitUrl: out.commit.url };
}

async function upload(p: PublishParams, repo: string, files: LocalFile[], bytes: number, fetchFn: typeof fetch): Promise<CommitOutput> {
  const title = p.message?.trim() || `Upload ${path.basename(path.resolve(p.dir))} with AI Lab`;
  const sizes = new Map(files.map((f) => [f.path, f.size]));
  const done = new Set<string>();
  let bytesDone = 0;
  let step: 'upload' | 'commit' = 'upload';
  try {
    const operations = await Promise.all(files.map(async (f) => ({ operation: 'addOrUpdate' as const, path: f.path, content: await fs.openAsBlob(f.abs) })));
    const it = commitIter({
      repo: { type: 'model', name: repo },
      operations,
      title,
      accessToken: p.token,
      hubUrl: p.endpoint,
      fetch: fetchFn,
      abortSignal: p.signal,
      // Plain LFS, not Xet: Xet sends chunks to a separate CAS host with a CAS token the library puts
      // in its own Authorization header, which the token guard strips on any origin but the Hub's
      // (so the upload would be refused there), and the loopback Hub the tests check against has no
      // CAS. The Hub still takes plain LFS uploads.
      useXet: false,
    });
    for (;;) {
      const r = await it.next();
      if (r.done) {
        if (!r.value) throw new Error('the Hub answered the commit without a commit id');
        return r.value;
      }
      const ev = r.value;
      if (ev.event === 'phase' && ev.phase === 'committing') {
        step = 'commit';
        p.onProgress?.({ phase: 'committing', files: files.length });
      } else if (ev.event === 'fileProgress' && ev.state === 'uploading') {
        if (ev.progress >= 1 && !done.has(ev.path)) {
          done.add(ev.path);
          bytesDone += sizes.get(ev.path) ?? 0;
        }
        if (step === 'upload') p.onProgress?.({ phase: 'uploading', file: ev.path, filesDone: done.size, files: files.length, bytesDone, bytes });
      }
    }
  } catch (err) {
    throw explain(err, step, repo, p.endpoint, p.signal);
  }
}
