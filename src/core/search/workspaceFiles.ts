/**
 * The files of a folder the workspace index reads: include/exclude globs (as VS Code's settings write
 * them, matched against the path relative to the folder with / separators) and every .gitignore on
 * the way down (the `ignore` package implements git's rules: negation, anchoring, folder-only rules).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore from 'ignore';
import { Minimatch } from 'minimatch';

/** Text, Markdown and PDFs. */
export const DEFAULT_INCLUDE = ['**/*.{txt,md,markdown,mdx,rst,adoc,org,tex,pdf}'];
/** Folders no one searches: tools' and packages' own, and AI Lab's index. */
export const DEFAULT_EXCLUDE = ['**/.git/**', '**/node_modules/**', '**/.ai-lab/**', '**/.venv/**', '**/__pycache__/**', '**/.vscode-test/**'];

export interface FileFilter {
  include?: readonly string[];
  exclude?: readonly string[];
  /** Read .gitignore files (default true). */
  gitignore?: boolean;
}

export interface WorkspaceFile {
  /** Relative to the folder, / separated. */
  path: string;
  size: number;
  mtimeMs: number;
}

function matchers(globs: readonly string[]): Minimatch[] {
  const o = { dot: true, nocase: process.platform === 'win32' || process.platform === 'darwin' };
  return globs.filter((g) => g.trim()).map((g) => new Minimatch(g.trim().replace(/^\.\//, ''), o));
}

/** Whether a folder's whole content is excluded: a glob that ends in /** matches the folder itself. */
function folderMatchers(globs: readonly string[]): Minimatch[] {
  return matchers(globs.filter((g) => g.trim().endsWith('/**')).map((g) => g.trim().slice(0, -3)));
}

/**
 * The files under `root` that `filter` keeps, sorted by path. Symbolic links are not followed (a
 * link loop would never end; a link out of the folder is not the folder's): `onLink` is told those
 * the globs would take (a linked file they match, a linked folder they do not exclude).
 * Unreadable folders are left out. Throws when `root` is not a folder.
 */
export function listWorkspaceFiles(root: string, filter: FileFilter = {}, onLink?: (rel: string) => void): WorkspaceFile[] {
  if (!fs.statSync(root).isDirectory()) throw new Error(`${root} is not a folder`);
  const include = matchers(filter.include?.length ? filter.include : DEFAULT_INCLUDE);
  const exclude = matchers(filter.exclude ?? DEFAULT_EXCLUDE);
  const excludeFolder = folderMatchers(filter.exclude ?? DEFAULT_EXCLUDE);
  const out: WorkspaceFile[] = [];
  const walk = (dir: string, rel: string, rules: Array<{ base: string; ig: ignore.Ignore }>) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (filter.gitignore !== false && entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      try {
        rules = [...rules, { base: rel, ig: ignore().add(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')) }];
      } catch {
        // An unreadable .gitignore ignores nothing, as git does.
      }
    }
    const ignored = (p: string, folder: boolean) => rules.some((r) => r.ig.ignores(path.posix.relative(r.base, p) + (folder ? '/' : '')));
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (excludeFolder.some((m) => m.match(p)) || exclude.some((m) => m.match(p)) || ignored(p, true)) continue;
        walk(path.join(dir, e.name), p, rules);
      } else if (e.isFile()) {
        if (!include.some((m) => m.match(p)) || exclude.some((m) => m.match(p)) || ignored(p, false)) continue;
        try {
          const st = fs.statSync(path.join(dir, e.name));
          out.push({ path: p, size: st.size, mtimeMs: st.mtimeMs });
        } catch {
          // Removed while listed: not there.
        }
      } else if (e.isSymbolicLink() && onLink) {
        // A link the globs would take is told, so its file or folder is not missing without a word.
        let folder: boolean | undefined;
        try {
          folder = fs.statSync(path.join(dir, e.name)).isDirectory();
        } catch {
          folder = undefined; // A dangling link or a loop: nothing to read there.
        }
        if (folder === true && !excludeFolder.some((m) => m.match(p)) && !exclude.some((m) => m.match(p)) && !ignored(p, true)) onLink(p);
        if (folder === false && include.some((m) => m.match(p)) && !exclude.some((m) => m.match(p)) && !ignored(p, false)) onLink(p);
      }
    }
  };
  walk(root, '', []);
  return out;
}
