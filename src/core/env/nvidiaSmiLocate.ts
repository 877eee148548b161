import * as fs from 'node:fs';
import * as path from 'node:path';
import { absoluteEntries } from '../process';
import type { SmiSource } from './types';

export const WSL_NVIDIA_SMI = '/usr/lib/wsl/lib/nvidia-smi';
const WINDOWS_CANDIDATES = [
  'C:\\Windows\\System32\\nvidia-smi.exe',
  'C:\\Program Files\\NVIDIA Corporation\\NVSMI\\nvidia-smi.exe',
];

export interface LocateInput {
  /** The `aiLab.nvidiaSmiPath` setting; wins over everything. */
  setting?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  wsl?: boolean;
  isFile?: (p: string) => boolean;
}

export interface SmiLocation {
  path: string | null;
  source: SmiSource | null;
  /** Places looked at, for the "not found" message. */
  tried: string[];
}

export function isExecutableFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Finds nvidia-smi: setting, then AI_LAB_NVIDIA_SMI, then PATH, then WSL's and Windows' fixed places. */
export function locateNvidiaSmi(input: LocateInput = {}): SmiLocation {
  const env = input.env ?? process.env;
  const platform = input.platform ?? process.platform;
  const isFile = input.isFile ?? isExecutableFile;
  const setting = input.setting?.trim();
  // An explicit choice is returned even when it does not exist, so the error names it.
  if (setting) return { path: setting, source: 'setting', tried: [setting] };
  const fromEnv = env.AI_LAB_NVIDIA_SMI?.trim();
  if (fromEnv) return { path: fromEnv, source: 'env', tried: [fromEnv] };
  const exe = platform === 'win32' ? 'nvidia-smi.exe' : 'nvidia-smi';
  const tried: string[] = [];
  // Relative PATH entries would find a repository's own nvidia-smi: absolute folders only.
  for (const dir of absoluteEntries(env.PATH ?? env.Path, platform)) {
    const candidate = platform === 'win32' ? path.win32.join(dir, exe) : path.posix.join(dir, exe);
    if (isFile(candidate)) return { path: candidate, source: 'path', tried };
  }
  tried.push(`PATH (${exe})`);
  if (platform === 'linux' && input.wsl) {
    tried.push(WSL_NVIDIA_SMI);
    if (isFile(WSL_NVIDIA_SMI)) return { path: WSL_NVIDIA_SMI, source: 'wsl', tried };
  }
  if (platform === 'win32') {
    for (const c of WINDOWS_CANDIDATES) {
      tried.push(c);
      if (isFile(c)) return { path: c, source: 'windows', tried };
    }
  }
  return { path: null, source: null, tried };
}
