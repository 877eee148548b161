import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { webPageInsteadOfFile, webPageRefusal } from './apiAnswer';
import { isAbort } from './retryFetch';
import { assertHttpUrl, RefusedRequestError } from './tokenGuard';
import { DiskFullError, isDiskFull, SizeMismatchError } from './transferErrors';

export interface TransferParams {
  url: string;
  /** Final blob path; bytes land in `${dest}.incomplete` first and are renamed when verified. */
  dest: string;
  size: number;
  /** The file's name in messages (the repo path); default the file name of `dest`. */
  label?: string;
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

/** What a GET ended at: the answer, the URL that gave it, and what the Hub's redirect said of the blob. */
interface Answer {
  res: Response;
  url: string;
  /** X-Linked-Etag / X-Linked-Size of a redirect (the Hub's word on an LFS blob the CDN serves). */
  linkedEtag?: string;
  linkedSize?: number;
}

/**
 * Follows redirects hop by hop (redirect: 'manual' through the guarded fetch, which decides the token at
 * each hop) to read what the Hub's redirect says of the blob.
 */
async function get(p: TransferParams, offset: number, signal: AbortSignal): Promise<Answer> {
  let url = p.url;
  let linkedEtag: string | undefined;
  let linkedSize: number | undefined;
  for (let hop = 0; hop < 6; hop++) {
    const headers: Record<string, string> = { 'Accept-Encoding': 'identity' };
    if (offset > 0) headers.Range = `bytes=${offset}-`;
    const res = await p.fetchImpl(url, { headers, redirect: 'manual', signal });
    const loc = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && loc) {
      linkedEtag = res.headers.get('x-linked-etag') ?? linkedEtag;
      linkedSize = res.headers.has('x-linked-size') ? Number(res.headers.get('x-linked-size')) : linkedSize;
      await res.body?.cancel().catch(() => undefined);
      const next = new URL(loc, url).href;
      assertHttpUrl(next, url);
      url = next;
      continue;
    }
    // The Hub may also describe the blob on a direct answer (no CDN): checked the same way.
    if (hop === 0) {
      linkedEtag = res.headers.get('x-linked-etag') ?? undefined;
      linkedSize = res.headers.has('x-linked-size') ? Number(res.headers.get('x-linked-size')) : undefined;
    }
    return { res, url, linkedEtag, linkedSize };
  }
  throw new RefusedRequestError(`too many redirects (more than 5) from ${p.url}`);
}

async function hashFile(file: string, algorithm: TransferParams['hash']['algorithm'], size: number): Promise<string> {
  const h = createHash(algorithm === 'git-sha1' ? 'sha1' : algorithm);
  if (algorithm === 'git-sha1') h.update(`blob ${size}\0`);
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest(algorithm === 'sha512' ? 'base64' : 'hex');
}

/** The human part of a CDN's refusal: S3/CloudFront XML <Message>, a JSON `error`, or the text, short. */
function refusalReason(body: string): string {
  const xml = /<Message>([^<]*)<\/Message>/i.exec(body)?.[1];
  let json: string | undefined;
  try {
    const j = JSON.parse(body) as { error?: unknown; message?: unknown };
    json = typeof j.error === 'string' ? j.error : typeof j.message === 'string' ? j.message : undefined;
  } catch {
    // Not JSON.
  }
  return (xml ?? json ?? body.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim().slice(0, 120);
}

/** A strong hash-like ETag without quotes or W/, or undefined (a CDN's own ETag, e.g. an MD5 of parts, is not comparable). */
function hashEtag(raw: string | null | undefined): string | undefined {
  const v = raw?.replace(/^W\//, '').replace(/"/g, '').trim();
  return v && /^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(v) ? v : undefined;
}

/**
 * Checks, before a byte is written, that the answer is the listed blob from `offset` on: the Hub's
 * linked size/ETag, Content-Range and Content-Length must agree with the listing. Throws
 * SizeMismatchError (final) when they do not.
 */
function checkAnnounced(p: TransferParams, a: Answer, offset: number): void {
  const name = p.label ?? path.basename(p.dest);
  const listed = `the ${p.size} bytes the listing gives`;
  if (a.linkedSize !== undefined && a.linkedSize !== p.size) throw new SizeMismatchError(`the Hub's link for ${name} announces ${a.linkedSize} bytes, not ${listed}; nothing was written`);
  const fromEndpoint = new URL(a.url).origin === new URL(p.url).origin;
  const etag = hashEtag(a.linkedEtag) ?? (fromEndpoint ? hashEtag(a.res.headers.get('etag')) : undefined);
  if (!p.skipHash && p.hash.algorithm !== 'sha512' && etag && etag !== p.hash.expected) {
    throw new SizeMismatchError(`the server serves blob ${etag} for ${name}, not ${p.hash.expected} as the listing says; nothing was written`);
  }
  const encoded = (a.res.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const length = a.res.headers.get('content-length');
  const expected = a.res.status === 206 ? p.size - offset : p.size;
  if (!encoded && length !== null && Number(length) !== expected) {
    throw new SizeMismatchError(`the server announces ${length} bytes for ${name}${a.res.status === 206 ? ` from byte ${offset}` : ''}, which disagrees with ${listed}; nothing was written`);
  }
  if (a.res.status === 206) {
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(a.res.headers.get('content-range') ?? '');
    if (!m || Number(m[1]) !== offset || (m[3] !== '*' && Number(m[3]) !== p.size)) {
      throw new SizeMismatchError(`the server answered the range from byte ${offset} of ${name} with "${a.res.headers.get('content-range') ?? 'no Content-Range'}", which disagrees with ${listed}; nothing was written`);
    }
  }
}

/** Appends the body to `file` (created or truncated when offset is 0), never past `size`: more is SizeMismatchError, the file removed. */
async function writeBody(p: TransferParams, a: Answer, file: string, offset: number, arm: () => void): Promise<void> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, offset > 0 ? 'a' : 'w');
  } catch (err) {
    if (isDiskFull(err)) throw new DiskFullError(err.code, p.dest, p.size - offset);
    throw err;
  }
  let written = offset;
  try {
    for await (const chunk of a.res.body as unknown as AsyncIterable<Uint8Array>) {
      arm();
      if (written + chunk.byteLength > p.size) {
        // Never write past the listed size: a server that sends more is wrong about this file.
        await a.res.body?.cancel().catch(() => undefined);
        await fh.close().catch(() => undefined);
        fs.rmSync(file, { force: true });
        throw new SizeMismatchError(`the server sent more than the ${p.size} bytes the listing gives for ${p.label ?? path.basename(p.dest)}; the download was discarded`);
      }
      for (let at = 0; at < chunk.byteLength; ) {
        try {
          at += (await fh.write(chunk, at, chunk.byteLength - at)).bytesWritten;
        } catch (err) {
          if (isDiskFull(err)) throw new DiskFullError(err.code, p.dest, p.size - written - at);
          throw err;
        }
      }
      written += chunk.byteLength;
      p.onBytes?.(chunk.byteLength);
    }
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * Downloads one file into the cache: resumes a previous `.incomplete`, survives cuts (resumes with a
 * Range request), verifies size and hash, then renames atomically. A mismatch discards the bytes.
 * A 401/403 from the endpoint itself is final (`status` set: gated or private); one from another
 * origin (an expired signed CDN link) is retried from `p.url`, which gives a fresh redirect, keeping the
 * bytes so far when the new link serves the same blob. Errors: SizeMismatchError (more or other bytes
 * than listed; discarded), DiskFullError (ENOSPC/EDQUOT; `.incomplete` kept), fs errors as they come.
 */
export async function transferFile(p: TransferParams): Promise<void> {
  const incomplete = `${p.dest}.incomplete`;
  const attempts = p.attempts ?? 5;
  const endpoint = new URL(p.url).origin;
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
      const a = await get(p, offset, signal);
      const res = a.res;
      const host = new URL(a.url).host;
      if (res.status === 416 && offset > 0) {
        fs.rmSync(incomplete, { force: true });
        continue;
      }
      if (res.status === 401 || res.status === 403 || res.status === 407) {
        const portal = webPageRefusal(res, a.url);
        if (portal) {
          await res.body?.cancel().catch(() => undefined);
          throw Object.assign(new Error(portal), { final: true }); // No status: not "gated".
        }
        if (new URL(a.url).origin === endpoint) throw Object.assign(new Error(`access denied (${res.status})`), { status: res.status, final: true });
        // A signed CDN / Xet bridge link that expired or refuses this range: not "gated". Ask again.
        const why = refusalReason(await res.text().catch(() => ''));
        throw new Error(`the download host ${host} refused the signed link (HTTP ${res.status}${why ? `: ${why}` : ''}); asking ${new URL(endpoint).host} for a fresh one`);
      }
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
      try {
        checkAnnounced(p, a, offset);
      } catch (err) {
        await res.body?.cancel().catch(() => undefined);
        throw err;
      }
      if (offset > 0) p.log?.(`resuming ${p.url} at byte ${offset}${host !== new URL(endpoint).host ? ` from ${host}` : ''}`);
      await writeBody(p, a, incomplete, offset, arm);
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
