/**
 * Installs onnxruntime-node's CUDA execution provider, which its npm package leaves out: the same
 * NuGet package and file list its own install script uses (read from its install-metadata.js, so
 * it always matches the installed version), downloaded with progress, cancel and resume, verified
 * (NuGet's SHA-512, the nuspec's id and version, each entry's CRC, ELF headers), installed atomically.
 */
import { setting } from '../surface/names';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readJsonAnswer } from '../hub/apiAnswer';
import { transferFile } from '../hub/fileTransfer';
import { HttpError, isNetworkError, makeRetryingFetch } from '../hub/retryFetch';
import { makeGuardedFetch } from '../hub/tokenGuard';
import { NetPathError } from '../net/proxyErrors';
import { extractZipEntry, readZipDirectory } from './zipReader';

export const DEFAULT_NUGET_FEED = 'https://api.nuget.org/v3/index.json';

interface OrtInstallMetadata {
  requirements: Record<string, string[]>;
  manifests: Record<string, Record<string, { package: string; path: string }>>;
  packages: Record<string, { name: string; versions: Array<{ feed: string; version: string }> }>;
}

export interface ProviderPlan {
  packageName: string;
  version: string;
  binDir: string;
  files: Array<{ fileName: string; pathInPackage: string }>;
}

export interface InstallProgress {
  stage: 'resolve' | 'download' | 'verify' | 'install';
  doneBytes?: number;
  totalBytes?: number;
}

export interface InstallParams {
  ortDir: string;
  feedIndex?: string;
  signal?: AbortSignal;
  onProgress?: (p: InstallProgress) => void;
  log?: (msg: string) => void;
  platform?: string;
  fetchImpl?: typeof fetch;
  /** Where the package is downloaded (kept on cancel, so a retry resumes). */
  workDir?: string;
}

/** What onnxruntime-node's own installer would fetch for this platform. */
export function planCudaProvider(ortDir: string, platform = `${process.platform}/${process.arch}`): ProviderPlan {
  const metaFile = path.join(ortDir, 'script', 'install-metadata.js');
  if (!fs.existsSync(metaFile)) throw new Error(`${metaFile} is missing: this onnxruntime-node has no install metadata to follow.`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const meta = require(metaFile) as OrtInstallMetadata;
  const names = meta.requirements[platform] ?? [];
  const name = names.find((n) => /^cuda/.test(n));
  if (!name) throw new Error(`onnxruntime-node has no separate CUDA provider package for ${platform} (only for: ${Object.entries(meta.requirements).filter(([, v]) => v.length).map(([k]) => k).join(', ') || 'none'}).`);
  const manifest = meta.manifests[`${platform}:${name}`];
  if (!manifest) throw new Error(`onnxruntime-node's metadata has no manifest for ${platform}:${name}`);
  const pkgKeys = new Set(Object.values(manifest).map((f) => f.package));
  if (pkgKeys.size !== 1) throw new Error('the CUDA provider spans several packages, which AI Lab does not handle');
  const pkg = meta.packages[[...pkgKeys][0]!]!;
  const version = pkg.versions.find((v) => v.feed === 'nuget')?.version ?? pkg.versions[0]?.version;
  if (!version) throw new Error(`no version of ${pkg.name} is named in onnxruntime-node's metadata`);
  return {
    packageName: pkg.name,
    version,
    binDir: path.join(ortDir, 'bin', 'napi-v6', ...platform.split('/')),
    files: Object.entries(manifest).map(([fileName, f]) => ({ fileName: path.basename(fileName), pathInPackage: f.path })),
  };
}

async function json<T>(f: typeof fetch, url: string): Promise<T> {
  const r = await f(url, { headers: { Accept: 'application/json' } });
  if (!r.ok) throw new HttpError(r.status, url, `${url} answered HTTP ${r.status}`);
  return (await readJsonAnswer(r, url, `Sign in to the network or proxy in a browser, or check ${setting('aiLab.cudaProviderFeed')}.`)) as T;
}

interface NugetIndex {
  resources: Array<{ '@id': string; '@type': string }>;
}

/**
 * The package source (the NuGet feed, or the host it sends the package from) could not be reached at
 * all. The message names the host and the feed, and the settings that point elsewhere.
 */
export class FeedUnreachableError extends Error {
  readonly host: string;
  constructor(
    readonly feed: string,
    url: string,
    cause: unknown,
  ) {
    const host = hostOf(url);
    const why = (cause as { cause?: { code?: string } })?.cause?.code ?? (cause as Error)?.message ?? String(cause);
    super(
      `could not reach the package source ${host}${hostOf(feed) === host ? '' : ` (the package host of ${feed})`} (${why}). ` +
        `Check the network or proxy, or point ${setting('aiLab.cudaProviderFeed')} at a NuGet v3 mirror you can reach; the feed in use is ${feed}.`,
    );
    this.name = 'FeedUnreachableError';
    this.host = host;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export async function installCudaProvider(p: InstallParams): Promise<{ plan: ProviderPlan; installed: string[]; packageUrl: string; verifiedHash: boolean }> {
  const plan = planCudaProvider(p.ortDir, p.platform);
  const feed = p.feedIndex || DEFAULT_NUGET_FEED;
  // No origin is trusted: no Authorization header reaches the feed or its CDN, whatever a caller passes.
  const guarded = makeGuardedFetch({ trusted: [], fetchImpl: makeRetryingFetch({ signal: p.signal, fetchImpl: p.fetchImpl, attempts: 4, baseDelayMs: 300 }) });
  // A host that does not answer at all (offline, DNS, proxy) is named, with the way to a mirror.
  const f = (async (input: string | URL | Request, init?: RequestInit) => {
    try {
      return await guarded(input, init);
    } catch (err) {
      if (p.signal?.aborted || !isNetworkError(err) || err instanceof NetPathError) throw err; // A proxy or certificate failure names that, not the feed.
      throw new FeedUnreachableError(feed, typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, err);
    }
  }) as typeof fetch;
  p.onProgress?.({ stage: 'resolve' });
  const index = await json<NugetIndex>(f, feed);
  const base = index.resources.find((r) => r['@type'] === 'PackageBaseAddress/3.0.0')?.['@id'];
  if (!base) throw new Error(`${feed} is not a NuGet v3 feed (no PackageBaseAddress)`);
  const id = plan.packageName.toLowerCase();
  const v = plan.version.toLowerCase();
  const versions = await json<{ versions: string[] }>(f, `${base.replace(/\/?$/, '/')}${id}/index.json`);
  if (!versions.versions.includes(v)) {
    throw new Error(`${plan.packageName} ${plan.version} (the one matching onnxruntime-node ${plan.version}) is not on ${feed}; it has ${versions.versions.slice(-5).join(', ') || 'no versions'}.`);
  }
  const packageUrl = `${base.replace(/\/?$/, '/')}${id}/${v}/${id}.${v}.nupkg`;

  // The package's SHA-512 and size come from its catalog entry; a mirror without one gets the CRC checks only.
  let hash: { algorithm: 'sha512'; expected: string } | undefined;
  let size: number | undefined;
  const reg = index.resources.find((r) => r['@type'].startsWith('RegistrationsBaseUrl'))?.['@id'];
  if (reg) {
    try {
      const leaf = await json<{ catalogEntry: string | { '@id': string } }>(f, `${reg.replace(/\/?$/, '/')}${id}/${v}.json`);
      const entryUrl = typeof leaf.catalogEntry === 'string' ? leaf.catalogEntry : leaf.catalogEntry['@id'];
      const entry = await json<{ packageHash?: string; packageHashAlgorithm?: string; packageSize?: number }>(f, entryUrl);
      if (entry.packageHash && /sha512/i.test(entry.packageHashAlgorithm ?? '')) hash = { algorithm: 'sha512', expected: entry.packageHash };
      size = entry.packageSize;
    } catch (err) {
      if (p.signal?.aborted) throw err;
      p.log?.(`no package hash from ${feed} (${(err as Error).message}); relying on the package's own checks`);
    }
  }
  if (size === undefined) {
    const head = await f(packageUrl, { method: 'HEAD' });
    size = Number(head.headers.get('content-length'));
    if (!head.ok || !Number.isFinite(size) || size <= 0) throw new Error(`${packageUrl} answered HTTP ${head.status} without a size`);
  }
  const work = p.workDir ?? path.join(os.tmpdir(), 'ai-lab-cuda-provider');
  fs.mkdirSync(work, { recursive: true });
  const nupkg = path.join(work, `${id}.${v}.nupkg`);
  if (!fs.existsSync(nupkg) || fs.statSync(nupkg).size !== size) {
    fs.rmSync(nupkg, { force: true });
    let done = 0;
    p.onProgress?.({ stage: 'download', doneBytes: 0, totalBytes: size });
    await transferFile({
      url: packageUrl,
      dest: nupkg,
      size,
      hash: hash ?? { algorithm: 'sha512', expected: '' },
      skipHash: !hash,
      signal: p.signal,
      fetchImpl: f,
      log: p.log,
      onBytes: (n) => p.onProgress?.({ stage: 'download', doneBytes: (done += n), totalBytes: size }),
    });
  }

  p.onProgress?.({ stage: 'verify' });
  const entries = readZipDirectory(nupkg);
  const nuspecName = [...entries.keys()].find((k) => !k.includes('/') && k.toLowerCase().endsWith('.nuspec'));
  if (!nuspecName) throw new Error(`${packageUrl} has no .nuspec: not a NuGet package`);
  const tmpSpec = path.join(work, 'package.nuspec');
  await extractZipEntry(nupkg, entries.get(nuspecName)!, tmpSpec);
  const spec = fs.readFileSync(tmpSpec, 'utf8');
  const specId = /<id>([^<]+)<\/id>/i.exec(spec)?.[1];
  const specVersion = /<version>([^<]+)<\/version>/i.exec(spec)?.[1];
  if (specId?.toLowerCase() !== id || specVersion?.toLowerCase() !== v) {
    throw new Error(`the package says it is ${specId} ${specVersion}, not ${plan.packageName} ${plan.version}`);
  }

  p.onProgress?.({ stage: 'install' });
  fs.mkdirSync(plan.binDir, { recursive: true });
  const staged: Array<[string, string]> = [];
  try {
    for (const file of plan.files) {
      const e = entries.get(file.pathInPackage);
      if (!e) throw new Error(`${file.pathInPackage} is not in ${plan.packageName} ${plan.version}`);
      const target = path.join(plan.binDir, file.fileName);
      const tmp = `${target}.ai-lab-partial`;
      staged.push([tmp, target]);
      await extractZipEntry(nupkg, e, tmp);
      const head = Buffer.alloc(4);
      const fd = fs.openSync(tmp, 'r');
      fs.readSync(fd, head, 0, 4, 0);
      fs.closeSync(fd);
      if (process.platform !== 'win32' && !head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) throw new Error(`${file.pathInPackage} is not a shared library (no ELF header)`);
    }
    // Every file verified: only now does anything replace what was there.
    for (const [tmp, target] of staged) fs.renameSync(tmp, target);
  } catch (err) {
    for (const [tmp] of staged) fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.rmSync(nupkg, { force: true });
  p.log?.(`installed ${plan.files.map((x) => x.fileName).join(', ')} from ${packageUrl} into ${plan.binDir}`);
  return { plan, installed: staged.map(([, t]) => t), packageUrl, verifiedHash: Boolean(hash) };
}
