/**
 * CUDA 12 and cuDNN 9 libraries for the CUDA provider: the system's, or those a Python venv got with
 * torch's cu12x wheels (the lib folder of each site-packages/nvidia package). The probe and the inference service get these
 * folders on their library path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

function dirs(p: string): string[] {
  try {
    return fs.readdirSync(p, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(p, e.name));
  } catch {
    return [];
  }
}

/** nvidia/*\/lib folders under a venv or conda prefix. */
export function nvidiaWheelLibDirs(prefix: string, platform: NodeJS.Platform = process.platform): string[] {
  const siteDirs =
    platform === 'win32'
      ? [path.join(prefix, 'Lib', 'site-packages')]
      : dirs(path.join(prefix, 'lib')).filter((d) => /python3\.\d+$/.test(d)).map((d) => path.join(d, 'site-packages'));
  return siteDirs.flatMap((site) => dirs(path.join(site, 'nvidia')).map((pkg) => path.join(pkg, platform === 'win32' ? 'bin' : 'lib'))).filter((d) => fs.existsSync(d));
}

export interface LibrarySearch {
  /** `aiLab.cudaLibraryPaths`: folders, or venv roots. */
  configured: string[];
  workspaceFolders: string[];
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

export function findCudaLibraryDirs(s: LibrarySearch): string[] {
  const env = s.env ?? process.env;
  const platform = s.platform ?? process.platform;
  const out: string[] = [];
  for (const c of s.configured) {
    const wheels = nvidiaWheelLibDirs(c, platform);
    if (wheels.length) out.push(...wheels);
    else if (fs.existsSync(c)) out.push(c);
  }
  const prefixes = [env.VIRTUAL_ENV, env.CONDA_PREFIX, ...s.workspaceFolders.flatMap((w) => ['.venv', 'venv', 'env'].map((n) => path.join(w, n)))];
  for (const p of prefixes) if (p) out.push(...nvidiaWheelLibDirs(p, platform));
  return [...new Set(out)];
}

/** The environment for a child that loads CUDA: the folders first on LD_LIBRARY_PATH (PATH on Windows). */
export function withLibraryPath(env: NodeJS.ProcessEnv, libDirs: string[], platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv {
  if (!libDirs.length) return env;
  const key = platform === 'win32' ? 'PATH' : 'LD_LIBRARY_PATH';
  const sep = platform === 'win32' ? ';' : ':';
  return { ...env, [key]: [...libDirs, ...(env[key] ? [env[key]] : [])].join(sep) };
}
