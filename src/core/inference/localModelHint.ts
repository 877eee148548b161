/**
 * What to say when a local path given as a model is not a model folder: a file (name the folder it is
 * in), a folder of model folders (name them), a folder inside a model (name that model). Hub ports are
 * suggested only for a name that looks like a Hub id, never for a local folder.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { looksLikeLocalPath } from './modelName';

const isModel = (dir: string) => fs.existsSync(path.join(dir, 'config.json'));

/** A path as the person gave it, relative to the current folder when it is under it. */
function shown(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `.${path.sep}${rel}` : dir;
}

/** The nearest folder above `from` (itself excluded) with config.json, up to the filesystem root. */
export function modelFolderAbove(from: string): string | undefined {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    if (isModel(dir)) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Folders directly in `dir` (and one level deeper) that hold config.json, at most `max`. */
export function modelFoldersIn(dir: string, max = 8): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length >= max) return;
      const sub = path.join(d, e.name);
      if (isModel(sub)) out.push(sub);
      else if (depth < 1) walk(sub, depth + 1);
    }
  };
  walk(dir, 0);
  return out;
}

export const expandHome = (p: string): string => p.replace(/^~(?=[\\/]|$)/, os.homedir());

/**
 * Where to look instead, for a local model path that is not a model folder (no config.json): its
 * model subfolders, or the model folder it is inside; '' when there is neither.
 */
export function localFolderAdvice(model: string): string {
  const dir = path.resolve(expandHome(model));
  const inside = modelFoldersIn(dir);
  if (inside.length) return `It holds model folders: use ${inside.length === 1 ? 'it' : 'one of them'}, ${inside.map(shown).join(', ')}.`;
  const above = modelFolderAbove(dir);
  if (above) return `It is inside the model folder ${shown(above)}: use that folder.`;
  return '';
}

/**
 * The error for a local model path that is not a folder: missing, or a file (with the model folder
 * it is in, when there is one). undefined when `dir` is a folder.
 */
export function notAFolderMessage(model: string, dir: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    const above = modelFolderAbove(dir);
    return `The model folder ${dir} does not exist.${above ? ` The nearest model folder on that path is ${shown(above)}.` : ''}`;
  }
  if (st.isDirectory()) return undefined;
  const above = modelFolderAbove(dir);
  return `${model} is a file, not a model folder: a model is a folder with config.json, its tokenizer and onnx/.${above ? ` This file is in the model folder ${shown(above)}: use that folder.` : ''}`;
}

/** The Hub id (org/name) a local model folder's config.json says it was saved from (`_name_or_path`), if any. */
export function savedFrom(model: string): string | undefined {
  try {
    const c = JSON.parse(fs.readFileSync(path.join(path.resolve(expandHome(model)), 'config.json'), 'utf8')) as { _name_or_path?: unknown };
    const id = typeof c._name_or_path === 'string' ? c._name_or_path : '';
    return /^[\w.-]+\/[\w.-]+$/.test(id) && !fs.existsSync(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Whether advice should point to Hub ports of `repo`: only for something that looks like a Hub id (org/name or name). */
export const looksLikeHubId = (repo: string): boolean => !looksLikeLocalPath(repo) && /^[\w.-]+(\/[\w.-]+)?$/.test(repo);
