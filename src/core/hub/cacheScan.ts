/**
 * What the Hugging Face cache holds, like `hf cache scan`, and deleting repos or revisions from it, like
 * `hf cache delete`: a revision's blobs go only when no other revision still points at them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMIT_HASH, repoFolderName, validateRepoId, type RepoType } from './cacheLayout';

export interface CachedRevision {
  commit: string;
  /** Refs (main, a branch or tag) that point at this commit. */
  refs: string[];
  files: number;
  /** Bytes of the blobs this revision links to. */
  size: number;
  lastModified: number;
  path: string;
}

export interface CachedRepo {
  id: string;
  type: RepoType;
  path: string;
  /** Bytes on disk: every blob once, plus any plain files in snapshots. */
  size: number;
  files: number;
  revisions: CachedRevision[];
  /** Newest access time of its blobs (ms since the epoch). */
  lastAccessed: number;
  lastModified: number;
}

export interface CacheScan {
  dir: string;
  repos: CachedRepo[];
  size: number;
  /** Folders that look broken (not a repo folder, no snapshots): reported, never deleted. */
  warnings: string[];
}

const TYPES: Record<string, RepoType> = { models: 'model', datasets: 'dataset', spaces: 'space' };

function walkFiles(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walkFiles(p) : [p];
  });
}

function readRefs(repoDir: string): Map<string, string[]> {
  const byCommit = new Map<string, string[]>();
  const refsDir = path.join(repoDir, 'refs');
  for (const file of walkFiles(refsDir)) {
    const commit = fs.readFileSync(file, 'utf8').trim();
    const ref = path.relative(refsDir, file).split(path.sep).join('/');
    byCommit.set(commit, [...(byCommit.get(commit) ?? []), ref]);
  }
  return byCommit;
}

interface FileTarget {
  /** The file the snapshot entry stands for: a blob (through its symlink) or itself. */
  real: string;
  stat: fs.Stats;
}

function target(p: string): FileTarget | undefined {
  try {
    return { real: fs.realpathSync(p), stat: fs.statSync(p) };
  } catch {
    return undefined; // A dangling link: its blob is gone.
  }
}

function scanRepo(dir: string, type: RepoType, id: string): CachedRepo | string {
  const snapshots = path.join(dir, 'snapshots');
  if (!fs.existsSync(snapshots)) return `${path.basename(dir)}: no snapshots (an interrupted download?)`;
  const refs = readRefs(dir);
  const seen = new Map<string, fs.Stats>();
  const revisions: CachedRevision[] = [];
  for (const commit of fs.readdirSync(snapshots)) {
    const revPath = path.join(snapshots, commit);
    if (!fs.statSync(revPath).isDirectory()) continue;
    const files = walkFiles(revPath)
      .map(target)
      .filter((t): t is FileTarget => Boolean(t));
    for (const f of files) seen.set(f.real, f.stat);
    revisions.push({
      commit,
      refs: refs.get(commit) ?? [],
      files: files.length,
      size: files.reduce((s, f) => s + f.stat.size, 0),
      lastModified: Math.max(0, ...files.map((f) => f.stat.mtimeMs), fs.statSync(revPath).mtimeMs),
      path: revPath,
    });
  }
  // Blobs no snapshot points at (an interrupted download) still take space.
  for (const blob of walkFiles(path.join(dir, 'blobs'))) if (!seen.has(blob)) seen.set(blob, fs.statSync(blob));
  const stats = [...seen.values()];
  revisions.sort((a, b) => b.lastModified - a.lastModified);
  return {
    id,
    type,
    path: dir,
    size: stats.reduce((s, st) => s + st.size, 0),
    files: stats.length,
    revisions,
    lastAccessed: Math.max(0, ...stats.map((s) => s.atimeMs)),
    lastModified: Math.max(0, ...stats.map((s) => s.mtimeMs)),
  };
}

/** Scans the cache; a missing cache folder is an empty cache. */
export function scanCache(dir: string): CacheScan {
  const out: CacheScan = { dir, repos: [], size: 0, warnings: [] };
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const full = path.join(dir, name);
    if (name.startsWith('.') || !fs.statSync(full).isDirectory()) continue; // .locks, version.txt, CACHEDIR.TAG
    const [kind, ...parts] = name.split('--');
    const type = TYPES[kind ?? ''];
    if (!type || !parts.length) {
      out.warnings.push(`${name}: not a repo folder`);
      continue;
    }
    const repo = scanRepo(full, type, parts.join('/'));
    if (typeof repo === 'string') out.warnings.push(repo);
    else out.repos.push(repo);
  }
  out.repos.sort((a, b) => b.size - a.size);
  out.size = out.repos.reduce((s, r) => s + r.size, 0);
  return out;
}

export interface DeletePlan {
  repo: CachedRepo;
  /** Whole repo when every revision goes. */
  wholeRepo: boolean;
  revisions: CachedRevision[];
  /** Blobs that no remaining revision uses. */
  blobs: string[];
  freedBytes: number;
}

/** Finds a cached repo by id (and type), or throws naming what is cached. */
export function findCachedRepo(scan: CacheScan, id: string, type: RepoType = 'model'): CachedRepo {
  validateRepoId(id);
  const repo = scan.repos.find((r) => r.id === id && r.type === type);
  if (!repo) throw new Error(`${type} ${id} is not in the Hugging Face cache at ${scan.dir} (folder ${repoFolderName(id, type)}).`);
  return repo;
}

/** What deleting these revisions (all of them when none is named) of a repo would remove. */
export function planDelete(repo: CachedRepo, commits?: string[]): DeletePlan {
  for (const c of commits ?? []) {
    if (!COMMIT_HASH.test(c)) throw new Error(`"${c}" is not a commit hash (40 hex digits); see the revisions with "ai-lab cache scan".`);
    if (!repo.revisions.some((r) => r.commit === c)) throw new Error(`${repo.id} has no cached revision ${c}.`);
  }
  const going = commits?.length ? repo.revisions.filter((r) => commits.includes(r.commit)) : repo.revisions;
  const staying = repo.revisions.filter((r) => !going.includes(r));
  if (!staying.length) return { repo, wholeRepo: true, revisions: going, blobs: [], freedBytes: repo.size };
  const kept = new Set(staying.flatMap((r) => walkFiles(r.path).map((f) => target(f)?.real)));
  const blobs = [...new Set(going.flatMap((r) => walkFiles(r.path).map((f) => target(f)?.real)))].filter(
    (b): b is string => Boolean(b) && !kept.has(b) && path.dirname(b!) === path.join(repo.path, 'blobs'),
  );
  const freedBytes = blobs.reduce((s, b) => s + fs.statSync(b).size, 0);
  return { repo, wholeRepo: false, revisions: going, blobs, freedBytes };
}

/** Carries out a plan; every path is checked to be inside the repo folder first. */
export function executeDelete(plan: DeletePlan): void {
  const root = plan.repo.path;
  const inside = (p: string) => {
    const rel = path.relative(root, p);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`Refusing to delete ${p}: it is outside ${root}`);
  };
  if (plan.wholeRepo) {
    if (!/^(models|datasets|spaces)--/.test(path.basename(root))) throw new Error(`Refusing to delete ${root}: not a cache repo folder`);
    fs.rmSync(root, { recursive: true, force: true });
    return;
  }
  for (const r of plan.revisions) {
    inside(r.path);
    fs.rmSync(r.path, { recursive: true, force: true });
  }
  for (const b of plan.blobs) {
    inside(b);
    fs.rmSync(b, { force: true });
  }
  // Refs that pointed at a deleted revision would now resolve to nothing.
  const gone = new Set(plan.revisions.map((r) => r.commit));
  const refsDir = path.join(root, 'refs');
  for (const f of walkFiles(refsDir)) if (gone.has(fs.readFileSync(f, 'utf8').trim())) fs.rmSync(f, { force: true });
}
