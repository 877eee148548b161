/**
 * The Xet cache that hf_xet (huggingface_hub's Xet transfer backend) keeps beside the hub cache:
 * `HF_XET_CACHE`, else `$HF_HOME/xet`. Its layout, as xet-core writes it:
 *
 *   <xet>/<endpoint tag>/chunk-cache/…      downloaded chunk ranges (off by default since hf_xet 1.2)
 *   <xet>/<endpoint tag>/shard-cache/*.mdb  shards used to deduplicate uploads
 *   <xet>/<endpoint tag>/staging/…          upload resume data (shard-session, xorb-metadata)
 *   <xet>/logs/xet_<time>_<pid>.log         hf_xet's log files
 *
 * where the endpoint tag is the CAS endpoint's first 16 characters (others as "_"), "-", and 16
 * characters of its hash, e.g. `https___cas_serv-tGqkUaZf_CBPHQ6h`. `hf cache` neither reports nor
 * clears it; huggingface_hub's guide says to remove the folder to reclaim the space. Here it is
 * scanned like the hub cache (never throwing: broken entries are warnings) and cleared entry by entry:
 * only what hf_xet makes goes, links are removed but never followed, and the hub cache is never touched.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hfHome } from './hubConfig';
import { isInside, readDir, readLinkOr, realpathOr, reason } from './cacheFiles';

/** Bytes (apparent sizes, as the hub scan counts) and regular files. */
export interface XetUsage {
  size: number;
  files: number;
}

/** One `<endpoint tag>` folder. `size`/`files` cover everything in it (what clearing it frees). */
export interface XetEndpointCache extends XetUsage {
  name: string;
  path: string;
  chunkCache: XetUsage;
  shardCache: XetUsage;
  staging: XetUsage;
  /** Anything else in the endpoint folder (cleared with it). */
  other: XetUsage;
}

/** An entry of the Xet folder that hf_xet does not make: counted, reported, never cleared. */
export interface XetKeptEntry extends XetUsage {
  name: string;
  path: string;
  why: string;
}

export interface XetCacheScan extends XetUsage {
  dir: string;
  /** Whether the folder exists (a missing one is an empty cache, not an error). */
  exists: boolean;
  /** Where the folder really is, when it is a link. */
  linkTarget?: string;
  endpoints: XetEndpointCache[];
  /** hf_xet's log folder, when there is one. */
  logs?: XetUsage & { path: string };
  kept: XetKeptEntry[];
  /** Bytes that clearing frees: the endpoint folders and the logs (not `kept`). */
  clearable: number;
  /** One line per broken entry, starting with its path relative to `dir` ("/"-separated). */
  warnings: string[];
}

/** The Xet cache folder as hf_xet computes it: HF_XET_CACHE, else $HF_HOME/xet (HF_HOME's own defaults). */
export function resolveXetCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const set = env.HF_XET_CACHE;
  // xet-core expands a leading "~" in HF_XET_CACHE itself (a shell does not inside quotes).
  if (set) return set === '~' || set.startsWith('~/') ? path.join(os.homedir(), set.slice(1)) : set;
  return path.join(hfHome(env), 'xet');
}

/** `<first 16 characters, non-alphanumeric as _>-<16 characters of base64 hash>` (xet-core's endpoint tag). */
const ENDPOINT_TAG = /^[\p{L}\p{N}_]{1,16}-[A-Za-z0-9_-]{16}$/u;
const AREAS: Record<string, 'chunkCache' | 'shardCache' | 'staging'> = {
  'chunk-cache': 'chunkCache',
  chunk_cache: 'chunkCache', // The guide's spelling; xet-core writes "chunk-cache".
  'shard-cache': 'shardCache',
  shard_cache: 'shardCache',
  staging: 'staging',
};

const zero = (): XetUsage => ({ size: 0, files: 0 });
const add = (a: XetUsage, b: XetUsage): XetUsage => ({ size: a.size + b.size, files: a.files + b.files });
const relTo = (root: string, p: string) => path.relative(root, p).split(path.sep).join('/') || '.';

function lstatOr(p: string): fs.Stats | NodeJS.ErrnoException {
  try {
    return fs.lstatSync(p);
  } catch (err) {
    return err as NodeJS.ErrnoException;
  }
}

/**
 * Bytes and files under `p` (a file, a folder, a link), never following links: a link counts
 * nothing and is reported (hf_xet makes none), a dangling one as such. Never throws.
 */
function measure(p: string, root: string, warn: (m: string) => void): XetUsage {
  const st = lstatOr(p);
  if (st instanceof Error) {
    warn(`${relTo(root, p)} cannot be read (${reason(st)}); not counted`);
    return zero();
  }
  if (st.isFile()) return { size: st.size, files: 1 };
  if (st.isSymbolicLink()) {
    const target = readLinkOr(p);
    const real = realpathOr(p);
    if (!fs.existsSync(p)) warn(`${relTo(root, p)} links to ${target}, which is missing; not counted`);
    else if (!isInside(realpathOr(root), real)) warn(`${relTo(root, p)} links to ${target}, outside the Xet cache; not followed, not counted (clearing removes the link only)`);
    return zero();
  }
  if (!st.isDirectory()) return zero(); // A socket or pipe: no bytes to speak of.
  const r = readDir(p);
  if (r.error) {
    warn(`${relTo(root, p)} cannot be read (${reason(r.error)}); its files are not counted`);
    return zero();
  }
  let u = zero();
  for (const e of r.entries) u = add(u, measure(path.join(p, e.name), root, warn));
  return u;
}

function isEndpointFolder(p: string, name: string): boolean {
  if (ENDPOINT_TAG.test(name)) return true;
  const r = readDir(p);
  return !!r.entries?.some((e) => e.name in AREAS);
}

function scanEndpoint(p: string, name: string, root: string, warn: (m: string) => void): XetEndpointCache {
  const ep: XetEndpointCache = { name, path: p, size: 0, files: 0, chunkCache: zero(), shardCache: zero(), staging: zero(), other: zero() };
  const r = readDir(p);
  if (r.error) {
    warn(`${name} cannot be read (${reason(r.error)}); its files are not counted`);
    return ep;
  }
  for (const e of r.entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const area = AREAS[e.name] ?? 'other';
    ep[area] = add(ep[area], measure(path.join(p, e.name), root, warn));
  }
  const total = [ep.chunkCache, ep.shardCache, ep.staging, ep.other].reduce(add, zero());
  ep.size = total.size;
  ep.files = total.files;
  return ep;
}

/**
 * Scans the Xet cache folder (see resolveXetCacheDir). A missing folder is an empty cache
 * (`exists: false`); nothing in it makes the scan throw: unreadable folders, dangling links and
 * entries hf_xet does not make become lines in `warnings`.
 */
export function scanXetCache(dir: string): XetCacheScan {
  const out: XetCacheScan = { dir, exists: false, size: 0, files: 0, endpoints: [], kept: [], clearable: 0, warnings: [] };
  const warn = (m: string) => out.warnings.push(m);
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && lstatOr(dir) instanceof fs.Stats) warn(`${dir} is a link to ${readLinkOr(dir)}, which does not exist (a disk that is not mounted?)`);
    else if (code !== 'ENOENT') warn(`${dir} cannot be read (${reason(err)})`);
    return out;
  }
  if (!st.isDirectory()) {
    warn(`${dir} is a file, not a folder (check HF_XET_CACHE)`);
    return out;
  }
  out.exists = true;
  const lst = lstatOr(dir);
  if (lst instanceof fs.Stats && lst.isSymbolicLink()) out.linkTarget = realpathOr(dir);
  const top = readDir(dir);
  if (top.error) {
    warn(`${dir} cannot be read (${reason(top.error)})`);
    return out;
  }
  for (const e of top.entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    const est = lstatOr(p);
    const isDir = est instanceof fs.Stats && est.isDirectory();
    const keep = (why: string) => {
      // A link is kept as it is: nothing behind it is counted (nor warned about twice).
      const u = est instanceof fs.Stats && est.isSymbolicLink() ? { size: 0, files: 0 } : measure(p, dir, warn);
      out.kept.push({ name: e.name, path: p, why, ...u });
      warn(`${e.name}: ${why}; left alone when clearing`);
    };
    if (est instanceof Error) warn(`${e.name} cannot be read (${reason(est)}); not counted`);
    else if (est.isSymbolicLink()) keep(`a link to ${readLinkOr(p)}${fs.existsSync(p) ? '' : ', which is missing'}, not made by hf_xet; not followed`);
    else if (isDir && e.name === 'logs') out.logs = { path: p, ...measure(p, dir, warn) };
    else if (isDir && isEndpointFolder(p, e.name)) out.endpoints.push(scanEndpoint(p, e.name, dir, warn));
    else keep(`not made by hf_xet (it makes endpoint folders such as https___cas_serv-… and logs)`);
  }
  out.endpoints.sort((a, b) => b.size - a.size);
  const cleared = [...out.endpoints, ...(out.logs ? [out.logs] : [])].reduce(add, zero());
  const total = add(cleared, out.kept.reduce(add, zero()));
  out.clearable = cleared.size;
  out.size = total.size;
  out.files = total.files;
  return out;
}

export interface XetClearPlan {
  dir: string;
  /** The endpoint folders and the logs folder, each a direct child of `dir`. */
  targets: (XetUsage & { path: string })[];
  freedBytes: number;
  /** Entries left alone (not made by hf_xet). */
  kept: string[];
}

export interface XetClearResult {
  /** Bytes really freed: what was planned, less what could not be removed. */
  freedBytes: number;
  removed: string[];
  /** Targets not (fully) removed, with the first reason. */
  failed: { path: string; reason: string }[];
}

/** What clearing the Xet cache removes (see XetClearPlan); nothing when the folder is missing. */
export function planXetClear(scan: XetCacheScan): XetClearPlan {
  const targets = [...scan.endpoints.map((e) => ({ path: e.path, size: e.size, files: e.files })), ...(scan.logs ? [{ path: scan.logs.path, size: scan.logs.size, files: scan.logs.files }] : [])];
  return { dir: scan.dir, targets, freedBytes: targets.reduce((s, t) => s + t.size, 0), kept: scan.kept.map((k) => k.path) };
}

/** Deletes a tree bottom-up without following links (a link is unlinked); goes on past errors. */
function removeTree(p: string, errors: string[]): void {
  const st = lstatOr(p);
  if (st instanceof Error) {
    if (st.code !== 'ENOENT') errors.push(`${p}: ${reason(st)}`);
    return;
  }
  if (st.isDirectory()) {
    const r = readDir(p);
    if (r.error) {
      errors.push(`${p}: ${reason(r.error)}`);
      return;
    }
    for (const e of r.entries) removeTree(path.join(p, e.name), errors);
  }
  try {
    if (st.isDirectory()) fs.rmdirSync(p);
    else fs.unlinkSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') errors.push(`${p}: ${reason(err)}`);
  }
}

/**
 * Carries out a plan. Each target must still be a folder (not a link) directly in the Xet folder,
 * and must not hold the hub cache (`hubCacheDir`, when given: a misconfigured HF_XET_CACHE); else it
 * is refused and listed in `failed`. Links inside are removed, never followed. Never throws for one
 * target's problem; the others are still cleared.
 */
export function executeXetClear(plan: XetClearPlan, hubCacheDir?: string): XetClearResult {
  const out: XetClearResult = { freedBytes: 0, removed: [], failed: [] };
  const hubReal = hubCacheDir ? realpathOr(hubCacheDir) : undefined;
  for (const t of plan.targets) {
    const fail = (why: string) => out.failed.push({ path: t.path, reason: why });
    if (path.dirname(path.resolve(t.path)) !== path.resolve(plan.dir)) {
      fail(`not directly in ${plan.dir}; refused`);
      continue;
    }
    const st = lstatOr(t.path);
    if (st instanceof Error) {
      if (st.code === 'ENOENT') out.removed.push(t.path); // Gone already (hf_xet or another window).
      else fail(reason(st));
      continue;
    }
    if (!st.isDirectory()) {
      fail(st.isSymbolicLink() ? 'now a link; not followed, left alone' : 'no longer a folder; left alone');
      continue;
    }
    if (hubReal && isInside(realpathOr(t.path), hubReal)) {
      fail(`it holds the hub cache ${hubCacheDir}; refused`);
      continue;
    }
    const errors: string[] = [];
    removeTree(t.path, errors);
    const left = fs.existsSync(t.path) ? measure(t.path, plan.dir, () => undefined) : zero();
    out.freedBytes += Math.max(0, t.size - left.size);
    if (errors.length) fail(`${errors.length} entr${errors.length > 1 ? 'ies' : 'y'} could not be removed, first ${errors[0]}`);
    else out.removed.push(t.path);
  }
  return out;
}
