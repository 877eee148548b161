import * as os from 'node:os';
import * as path from 'node:path';

/** A model given as a folder path (absolute, ./, ../, ~/ or a drive letter) rather than a Hub id. */
export function looksLikeLocalPath(model: string): boolean {
  return path.isAbsolute(model) || /^(\.{1,2}|~)([\\/]|$)/.test(model) || /^[A-Za-z]:[\\/]/.test(model);
}

/**
 * How a model is named wherever a result is shown (the results panel, notifications, CLI output):
 * a Hub id as given ("Xenova/distilbert-base-uncased-finetuned-sst-2-english"); a folder by its own
 * name ("/tmp/x1y2/demo-models/sentiment" → "sentiment"), or, for a snapshot inside a Hugging Face
 * cache (".../models--org--name/snapshots/<commit>"), by the repo id it holds ("org/name"). Never a
 * temporary path: where the folder is belongs in a detail (`modelPath`), not in the name. A folder
 * inside one of `roots` (the workspace folders) is named by its path from there
 * ("demo-models/sentiment", "/" separators).
 */
export function modelDisplayName(model: string, roots: readonly string[] = []): string {
  const m = model.trim();
  if (!looksLikeLocalPath(m)) return m;
  const abs = modelFolder(m)!;
  for (const root of roots) {
    const rel = path.relative(path.resolve(root), abs);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  }
  const parts = m.split(/[\\/]+/).filter(Boolean);
  const snap = parts.lastIndexOf('snapshots');
  const repo = snap > 0 ? /^models--(.+)$/.exec(parts[snap - 1]!)?.[1] : undefined;
  if (repo && parts.length === snap + 2) return repo.split('--').join('/');
  const base = parts[parts.length - 1];
  // "." or "~" alone: the folder's real name.
  if (!base || base === '.' || base === '..' || base === '~') return path.basename(modelFolder(m)!) || m;
  return base;
}

/** The folder a local model names (absolute), for a detail next to its display name; undefined for a Hub id. */
export function modelFolder(model: string): string | undefined {
  const m = model.trim();
  return looksLikeLocalPath(m) ? path.resolve(m.replace(/^~(?=[\\/]|$)/, os.homedir())) : undefined;
}

/** `{ modelPath }`, the absolute folder, to put next to a model's name in JSON output; `{}` for a Hub id. */
export function modelPathKey(model: string): { modelPath?: string } {
  const dir = modelFolder(model);
  return dir ? { modelPath: dir } : {};
}
