import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { webPageInsteadOfFile } from './apiAnswer';
import { isAbort } from './retryFetch';

export interface TransferParams {
  url: string;
  /** Final blob path; bytes land in `${dest}.incomplete` first and are renamed when verified. */
  dest: string;
  size: number;
  /** What the bytes must hash to: sha256 (LFS), git blob sha1 (regular Hub file), or sha512 (NuGet, base64). */
  hash: { algorithm: 'sha256' | 'git-sha1' | 'sha512'; expected: string };
  /** No hash is known (a feed that publishes none): the caller verifies the content itself. */
  skipHash?: boolean;
  signal?: AbortSignal;
  /** No byte for this long aborts the attempt (a hung server). */
  idleTimeoutMs?: number;
  attempts?: number;
  /**
   * A fetch from makeGuardedFetch (tokenGuard.ts): it follows redirects by hand and sends the token
   * only to the origins it trusts, so a CDN redirect goes without it.
   */
  fetchImpl: typeof fetch;
  onBytes?: (delta: number) => void;
  log?: (msg: string) => void;
}

/** One GET of the file from `offset`; redirects and the token are the guarded fetch's business. */
async function get(p: TransferParams, offset: number, signal: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { 'Accept-Encoding': 'identity' };
  if (offset > 0) headers.Range = `bytes=${offset}-`;
  return p.fetchImpl(p.url, { headers, signal });
}

async function hashFile(file: string, algorithm: TransferParams['hash']['algorithm'], size: number): Promise<string> {
  const h = createHash(algorithm === 'git-sha1' ? 'sha1' : algorithm);
  if (algorithm === 'git-sha1') h.update(`blob ${size}\0`);
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest(algorithm === 'sha512' ? 'base64' : 'hex');
}

/**
 * Downloads one file into the cache: resumes a previous `.incomplete`, survives cuts (resumes with a
 * Range request), verifies size and hash, then renames atomically. A mismatch discards the bytes.
 */
export async function transferFile(p: TransferParams): Promise<void> {
  const incomplete = `${p.dest}.incomplete`;
  const attempts = p.attempts ?? 5;
  let lastError: unknown;
  // An empty file has no bytes to fetch (the loop below would stop before creating it); its hash is still checked.
  if (p.size === 0) fs.writeFileSync(incomplete, '');
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let offset = fs.existsSync(incomplete) ? fs.statSync(incomplete).size : 0;
    if (offset > p.size) {
      fs.rmSync(incomplete);
      offset = 0;
    }
    if (offset === p.size) break;
    const idle = new AbortController();
    const signal = AbortSignal.any([idle.signal, ...(p.signal ? [p.signal] : [])]);
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(new Error(`no data for ${Math.round((p.idleTimeoutMs ?? 30_000) / 1000)} s`)), p.idleTimeoutMs ?? 30_000);
    };
    try {
      arm();
      const res = await get(p, offset, signal);
      if (res.status === 416 && offset > 0) {
        fs.rmSync(incomplete, { force: true });
        continue;
      }
      if (res.status === 401 || res.status === 403) throw Object.assign(new Error(`access denied (${res.status})`), { status: res.status, final: true });
      if (res.status === 404) throw Object.assign(new Error('not found (404)'), { status: 404, final: true });
      if (res.status !== 200 && res.status !== 206) throw new Error(`HTTP ${res.status}`);
      const page = webPageInsteadOfFile(res, p.url);
      if (page) {
        await res.body?.cancel().catch(() => undefined);
        throw Object.assign(new Error(page), { final: true });
      }
      if (res.status === 200 && offset > 0) {
        offset = 0; // The server ignored Range: start over.
        p.log?.(`server ignored Range for ${p.url}; restarting`);
      }
      if (offset > 0) p.log?.(`resuming ${p.url} at byte ${offset}`);
      const out = fs.createWriteStream(incomplete, { flags: offset > 0 ? 'a' : 'w' });
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          arm();
          if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
          p.onBytes?.(chunk.byteLength);
        }
      } finally {
        await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      }
      const got = fs.statSync(incomplete).size;
      if (got === p.size) break;
      throw new Error(`connection closed after ${got} of ${p.size} bytes`);
    } catch (err) {
      if (p.signal?.aborted) throw p.signal.reason ?? err; // Cancelled: keep .incomplete to resume later.
      if ((err as { final?: boolean }).final) throw err;
      lastError = idle.signal.aborted ? idle.signal.reason : err;
      if (attempt < attempts) {
        p.log?.(`download of ${p.url} interrupted (${lastError instanceof Error ? lastError.message : String(lastError)}); retrying`);
        await new Promise((r) => setTimeout(r, Math.min(4000, 250 * 2 ** (attempt - 1))));
      }
    } finally {
      clearTimeout(timer);
    }
  }
  if (!fs.existsSync(incomplete) || fs.statSync(incomplete).size !== p.size) {
    throw new Error(`download failed after ${attempts} attempts: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  }
  const actual = p.skipHash ? p.hash.expected : await hashFile(incomplete, p.hash.algorithm, p.size);
  if (actual !== p.hash.expected) {
    fs.rmSync(incomplete, { force: true });
    throw new Error(`${p.hash.algorithm} mismatch: expected ${p.hash.expected}, got ${actual}; the download was discarded`);
  }
  fs.renameSync(incomplete, p.dest);
}

export { isAbort };
