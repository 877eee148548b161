import { setting } from '../surface/names';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { absoluteEntries } from '../process';

export interface PythonCandidate {
  path: string;
  source: string;
}

function interpreterIn(prefix: string, platform: NodeJS.Platform): string | undefined {
  const p = platform === 'win32' ? path.join(prefix, 'Scripts', 'python.exe') : path.join(prefix, 'bin', 'python');
  const alt = platform === 'win32' ? path.join(prefix, 'python.exe') : path.join(prefix, 'bin', 'python3');
  return [p, alt].find((x) => fs.existsSync(x));
}

/** A venv has pyvenv.cfg beside bin/; a conda env has conda-meta/. */
export function isVirtualEnv(interpreter: string): boolean {
  const prefix = path.dirname(path.dirname(interpreter));
  return fs.existsSync(path.join(prefix, 'pyvenv.cfg')) || fs.existsSync(path.join(prefix, 'conda-meta'));
}

export interface DiscoverInput {
  workspaceFolders: string[];
  /** aiLab.pythonPaths / --python: interpreters or environment folders. */
  configured: string[];
  /** Where `configured` came from, as the Environment view shows it (default `aiLab.pythonPaths`). */
  configuredSource?: string;
  /** The Python extension's selected interpreter, when it is installed. */
  selected?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Also list the system python3 (when nothing else is found, to say "no venv"). */
  includeSystem?: boolean;
}

/** The interpreters to look at, each once, in the order a user would expect. */
export function discoverPythons(i: DiscoverInput): PythonCandidate[] {
  const env = i.env ?? process.env;
  const platform = i.platform ?? process.platform;
  const out: PythonCandidate[] = [];
  // Not realpath: a venv's bin/python links to the base interpreter, yet it is the venv that counts.
  const add = (p: string | undefined, source: string) => {
    if (p && !out.some((c) => path.resolve(c.path) === path.resolve(p))) out.push({ path: p, source });
  };
  for (const c of i.configured) {
    const asPrefix = fs.existsSync(c) && fs.statSync(c).isDirectory() ? interpreterIn(c, platform) : undefined;
    add(asPrefix ?? c, i.configuredSource ?? setting('aiLab.pythonPaths'));
  }
  add(i.selected, 'Python extension');
  for (const w of i.workspaceFolders) for (const n of ['.venv', 'venv', 'env']) add(interpreterIn(path.join(w, n), platform), `workspace ${n}`);
  if (env.VIRTUAL_ENV) add(interpreterIn(env.VIRTUAL_ENV, platform), 'VIRTUAL_ENV');
  if (env.CONDA_PREFIX) add(interpreterIn(env.CONDA_PREFIX, platform), 'CONDA_PREFIX');
  for (const base of [path.join(os.homedir(), 'miniconda3'), path.join(os.homedir(), 'anaconda3'), path.join(os.homedir(), 'miniforge3')]) {
    try {
      for (const e of fs.readdirSync(path.join(base, 'envs'))) add(interpreterIn(path.join(base, 'envs', e), platform), `conda ${e}`);
    } catch {
      // No conda there.
    }
  }
  if (i.includeSystem) {
    for (const dir of absoluteEntries(env.PATH, platform)) {
      const p = path.join(dir, platform === 'win32' ? 'python.exe' : 'python3');
      if (fs.existsSync(p)) {
        add(p, 'PATH');
        break;
      }
    }
  }
  return out;
}

/** Changes when packages are installed or removed in the interpreter's environment (for caching probes). */
export function environmentStamp(interpreter: string): string {
  const prefix = path.dirname(path.dirname(interpreter));
  const dirs = [interpreter, prefix, path.join(prefix, 'site'), path.join(prefix, 'Lib', 'site-packages')];
  try {
    for (const d of fs.readdirSync(path.join(prefix, 'lib'))) if (/^python3/.test(d)) dirs.push(path.join(prefix, 'lib', d, 'site-packages'));
  } catch {
    // Not a POSIX layout.
  }
  return dirs.map((d) => {
    try {
      return String(fs.statSync(d).mtimeMs);
    } catch {
      return '-';
    }
  }).join('|');
}
