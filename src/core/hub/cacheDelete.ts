/** Deleting repos or revisions from the Hugging Face cache, like `hf cache delete`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMIT_HASH, repoFolderName, validateRepoId, type RepoType } from './cacheLayout';
import { isInside, isLink, realpathOr, snapshotEntry, walkFiles } from './cacheFiles';
import type { CachedRepo, CachedRevision, CacheScan } from './cacheScan';

export interface DeletePlan {
  repo: CachedRepo;
  /** Whole repo when every revision goes. */
  wholeRepo: boolean;
  revisions: CachedRevision[];
  /** Blobs that no remaining revision uses. */
  blobs: string[];
  /** Bytes the deletion frees: those blobs, plus files copied into the revisions that go (Windows). */
  freedBytes: number;
}

/** Finds a cached repo by id (and type), or throws naming what is cached. */
export function findCachedRepo(scan: CacheScan, id: string, type: RepoType = 'model'): CachedRepo {
  validateRepoId(id);
  const repo = scan.repos.find((r) => r.id === id && r.type === type);
  if (!repo) throw new Error(`${type} ${id} is not in the Hugging Face cache at ${scan.dir} (folder ${repoFolderName(id, type)}).`);
  return repo;
}

/** The readable files of a revision: the real file each entry stands for, and its size. */
function filesOf(rev: CachedRevision): { real: string; size: number }[] {
  return walkFiles(rev.path)
    .map(snapshotEntry)
    .flatMap((e) => (e.kind === 'file' ? [{ real: e.real, size: e.stat.size }] : []));
}

/**
 * What deleting these revisions (all of them when none is named) of a repo would remove and free. A
 * blob goes when no remaining revision uses it; a file copied into a revision (no symlinks) goes with
 * the revision folder; a link's target outside the repo stays (only the link goes).
 */
export function planDelete(repo: CachedRepo, commits?: string[]): DeletePlan {
  for (const c of commits ?? []) {
    if (!COMMIT_HASH.test(c)) throw new Error(`"${c}" is not a commit hash (40 hex digits); see the revisions with "ai-lab cache scan".`);
    if (!repo.revisions.some((r) => r.commit === c)) throw new Error(`${repo.id} has no cached revision ${c}.`);
  }
  const going = commits?.length ? repo.revisions.filter((r) => commits.includes(r.commit)) : repo.revisions;
  const staying = repo.revisions.filter((r) => !going.includes(r));
  if (!staying.length) return { repo, wholeRepo: true, revisions: going, blobs: [], freedBytes: repo.size };
  const kept = new Set(staying.flatMap((r) => filesOf(r).map((f) => f.real)));
  const blobsDir = realpathOr(path.join(repo.path, 'blobs'));
  const counted = new Set<string>();
  const blobs: string[] = [];
  let freedBytes = 0;
  for (const rev of going) {
    const revReal = realpathOr(rev.path);
    for (const f of filesOf(rev)) {
      if (kept.has(f.real) || counted.has(f.real)) continue;
      counted.add(f.real);
      if (path.dirname(f.real) === blobsDir) {
        // By the repo's own path, so the inside-the-repo check holds when the repo folder is a link.
        blobs.push(path.join(repo.path, 'blobs', path.basename(f.real)));
        freedBytes += f.size;
      } else if (isInside(revReal, f.real)) {
        freedBytes += f.size;
      }
    }
  }
  return { repo, wholeRepo: false, revisions: going, blobs, freedBytes };
}

/**
 * Carries out a plan; every path is checked to be inside the repo folder first. A repo folder that is
 * a link (to another disk) has what it holds deleted there, then the link: the bytes are really freed.
 */
export function executeDelete(plan: DeletePlan): void {
  const root = plan.repo.path;
  const inside = (p: string) => {
    const rel = path.relative(root, p);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`Refusing to delete ${p}: it is outside ${root}`);
  };
  if (plan.wholeRepo) {
    if (!/^(models|datasets|spaces)--/.test(path.basename(root))) throw new Error(`Refusing to delete ${root}: not a cache repo folder`);
    if (isLink(root)) {
      for (const name of fs.readdirSync(root)) fs.rmSync(path.join(root, name), { recursive: true, force: true });
      fs.unlinkSync(root);
    } else {
      fs.rmSync(root, { recursive: true, force: true });
    }
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
  for (const f of walkFiles(refsDir)) {
    let commit = '';
    try {
      commit = fs.readFileSync(f, 'utf8').trim();
    } catch {
      continue; // Unreadable: the scan reported it; leave it.
    }
    if (gone.has(commit)) fs.rmSync(f, { force: true });
  }
}
