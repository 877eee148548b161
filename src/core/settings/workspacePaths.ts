/**
 * Paths named in settings, made absolute the way a user means them, and the check that keeps
 * Restricted Mode from running anything that lies inside the workspace.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A path from a setting, absolute: `${workspaceFolder}` is `base`, `${userHome}` and a leading `~`
 * are the home folder, and a relative path is taken from `base` (the workspace folder, as VS Code's
 * own path settings do), never from the editor's current folder. Without a base a relative path is
 * taken from the home folder.
 */
export function resolveSettingPath(value: string, base: string | undefined, home: string = os.homedir()): string {
  let v = value.trim().replace(/\$\{userHome\}/g, home);
  if (base) v = v.replace(/\$\{workspaceFolder\}/g, base);
  if (v === '~' || v.startsWith('~/') || v.startsWith('~\\')) v = path.join(home, v.slice(1));
  return path.isAbsolute(v) ? path.normalize(v) : path.resolve(base ?? home, v);
}

/** Whether a setting's value reads as a path rather than a Hub id (`./x`, `../x`, `~/x`, `${…}`, absolute). */
export function looksLikePath(value: string): boolean {
  const v = value.trim();
  return path.isAbsolute(v) || path.win32.isAbsolute(v) || /^(\.{1,2}|~)([\\/]|$)/.test(v) || v.startsWith('${');
}

/**
 * Whether `p` lies in one of `roots`, by its own path or by where its links lead (a `.venv` link
 * inside a repository, or a `VIRTUAL_ENV` outside that links into one). Paths that do not exist
 * are judged by their own path.
 */
export function isInsideAny(p: string, roots: readonly string[]): boolean {
  if (!roots.length) return false;
  const real = (x: string) => {
    try {
      return fs.realpathSync(x);
    } catch {
      return path.resolve(x);
    }
  };
  const forms = [path.resolve(p), real(p)];
  const rootForms = roots.flatMap((r) => [path.resolve(r), real(r)]);
  return forms.some((f) => rootForms.some((r) => f === r || f.startsWith(r.endsWith(path.sep) ? r : r + path.sep)));
}
