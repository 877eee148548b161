import * as path from 'node:path';
import { looksLikeLocalPath } from './resolveModel';

/**
 * How a model is named to a person: a Hub id as it is; a folder inside one of `roots` (the workspace
 * folders) by its path from there ("demo-models/sentiment", "/" separators); any other folder by its
 * own name, so a temporary or home path never shows. `model` is a Hub id or a folder path (absolute,
 * or relative to the current directory).
 */
export function modelDisplayName(model: string, roots: readonly string[] = []): string {
  if (!looksLikeLocalPath(model)) return model;
  const abs = path.resolve(model);
  for (const root of roots) {
    const rel = path.relative(path.resolve(root), abs);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  }
  return path.basename(abs) || abs;
}
