import * as path from 'node:path';
import { absoluteEntries, runProcess } from '../process';
import { isExecutableFile } from './nvidiaSmiLocate';
import type { CudaToolkit } from './types';

export interface ToolkitProbe {
  toolkit: CudaToolkit | null;
  /** Set when an nvcc was found but could not be read. */
  error: string | null;
}

/** nvcc on PATH, then $CUDA_HOME/bin, $CUDA_PATH/bin, /usr/local/cuda/bin. */
export function nvccCandidates(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
  const exe = platform === 'win32' ? 'nvcc.exe' : 'nvcc';
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  const dirs = absoluteEntries(env.PATH ?? env.Path, platform);
  for (const v of [env.CUDA_HOME, env.CUDA_PATH]) if (v) dirs.push(join(v, 'bin'));
  if (platform !== 'win32') dirs.push('/usr/local/cuda/bin');
  return [...new Set(dirs.map((d) => join(d, exe)))];
}

export function parseNvccVersion(out: string): string | null {
  return /release\s+(\d+\.\d+)/i.exec(out)?.[1] ?? null;
}

export async function probeCudaToolkit(
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; isFile?: (p: string) => boolean } = {},
): Promise<ToolkitProbe> {
  const isFile = options.isFile ?? isExecutableFile;
  const nvcc = nvccCandidates(options.env).find(isFile);
  if (!nvcc) return { toolkit: null, error: null };
  const r = await runProcess(nvcc, ['--version'], { timeoutMs: options.timeoutMs ?? 10_000 });
  const version = r.code === 0 ? parseNvccVersion(r.stdout) : null;
  if (!version) {
    const why = r.timedOut ? 'timed out' : r.spawnError?.message ?? (r.stderr.trim() || `exit ${r.code}`);
    return { toolkit: null, error: `${nvcc} --version failed: ${why}` };
  }
  return { toolkit: { version, path: nvcc }, error: null };
}

/** Compares "12.8" with "12.10" numerically; negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
