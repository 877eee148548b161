/**
 * Whether the files an index's hits come from are still as they were indexed: a file removed or
 * changed since (size or modification time) has other text than the passage, or none, so a hit or
 * an answer from it is marked, and the caller says to index again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IndexData } from './indexStore';

export type Staleness = 'removed' | 'changed';

/**
 * For each of `files` (paths relative to `root`, / separated, as the index records them) that is no
 * longer as indexed: 'removed' (not there, or not a file) or 'changed'. Files as indexed, and paths the
 * index does not hold, are left out. Reads only the files' metadata.
 */
export function staleFiles(root: string, index: IndexData, files: Iterable<string>): Map<string, Staleness> {
  const records = new Map(index.files.map((f) => [f.path, f]));
  const out = new Map<string, Staleness>();
  for (const rel of new Set(files)) {
    const r = records.get(rel);
    if (!r) continue;
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(path.join(root, ...rel.split('/')));
    } catch {
      st = undefined;
    }
    if (!st?.isFile()) out.set(rel, 'removed');
    else if (st.size !== r.size || st.mtimeMs !== r.mtimeMs) out.set(rel, 'changed');
  }
  return out;
}

/** A note for stale hits: how many files, and what to do. Undefined when none is stale. */
export function staleNote(stale: Map<string, Staleness>, reindex: string): string | undefined {
  if (!stale.size) return undefined;
  const list = [...stale].map(([f, s]) => `${f} (${s})`).join(', ');
  return `${stale.size === 1 ? 'a file' : `${stale.size} files`} changed or removed since the index was made: ${list}; ${stale.size === 1 ? 'its passages are' : 'their passages are'} as they were then. Run ${reindex} to update it.`;
}
