/**
 * Whether an interpreter can export to ONNX with Optimum: package versions from distribution metadata
 * (nothing is imported, so it is quick and a broken torch cannot hang it) and where `optimum-cli` is.
 * Run as `python -c OPTIMUM_PROBE`, the same way as the environment probe (src/core/python/probe.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProcess } from '../process';
import { notPythonReason, notStartedReason } from '../python/probeFailure';

export const OPTIMUM_PROBE = String.raw`
import json, sys, sysconfig
out = {"version": sys.version.split()[0], "packages": {}, "scripts": None}
from importlib import metadata
for name in ["optimum", "optimum-onnx", "onnxruntime", "onnx", "transformers", "torch"]:
    try:
        out["packages"][name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        out["packages"][name] = None
try:
    out["scripts"] = sysconfig.get_path("scripts")
except Exception:
    pass
print(json.dumps(out))
`;

export interface OptimumEnv {
  python: string;
  /** Where the interpreter was found ("--python", "workspace .venv", "PATH"…). */
  source: string;
  /** The interpreter's Python version; null when it did not run. */
  version: string | null;
  packages: Record<'optimum' | 'optimum-onnx' | 'onnxruntime' | 'onnx' | 'transformers' | 'torch', string | null>;
  /** The ONNX exporter is installed: optimum-onnx, or optimum 1.x (which still held `exporters.onnx`). */
  exporter: boolean;
  /** The interpreter's own `optimum-cli` (beside it, in its scripts folder), when there is one. */
  cli: string | null;
  /** Why the interpreter could not be probed. */
  error?: string;
}

const NO_PACKAGES: OptimumEnv['packages'] = { optimum: null, 'optimum-onnx': null, onnxruntime: null, onnx: null, transformers: null, torch: null };

/** `optimum-cli` of the interpreter's own environment: beside it (a venv's bin/ or Scripts/), else its scripts folder. */
export function cliBeside(python: string, scripts: string | null, platform: NodeJS.Platform = process.platform): string | null {
  const name = platform === 'win32' ? 'optimum-cli.exe' : 'optimum-cli';
  for (const dir of [path.dirname(python), scripts]) if (dir && fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  return null;
}

/** Probes `python` (time-limited); an interpreter that does not run gives `version: null` and the reason in `error`. */
export async function probeOptimum(python: string, source: string, o: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<OptimumEnv> {
  const timeoutMs = o.timeoutMs ?? 20_000;
  const r = await runProcess(python, ['-c', OPTIMUM_PROBE], { timeoutMs, signal: o.signal, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8' } });
  const base: OptimumEnv = { python, source, version: null, packages: { ...NO_PACKAGES }, exporter: false, cli: null };
  if (r.spawnError) return { ...base, error: notStartedReason(python, r.spawnError) };
  if (r.timedOut) return { ...base, error: `${python} did not answer within ${Math.round(timeoutMs / 1000)} s and was stopped` };
  let j: { version?: string; packages?: Partial<OptimumEnv['packages']>; scripts?: string | null };
  try {
    j = JSON.parse(r.stdout.trim().split(/\r?\n/).pop() ?? '') as typeof j;
  } catch {
    return { ...base, error: notPythonReason(python, r) };
  }
  const packages = { ...NO_PACKAGES, ...j.packages };
  const major = Number(/^(\d+)/.exec(packages.optimum ?? '')?.[1] ?? NaN);
  const exporter = Boolean(packages['optimum-onnx']) || (Boolean(packages.optimum) && major < 2);
  return { ...base, version: j.version ?? null, packages, exporter, cli: cliBeside(python, j.scripts ?? null) };
}
