import { runProcess } from '../process';
import { isVirtualEnv, type PythonCandidate } from './discover';
import { PYTHON_PROBE } from './probeScript';
import type { PythonEnv, TorchInfo } from './types';
import { notPythonReason, notStartedReason } from './probeFailure';

interface RawProbe {
  version: string;
  packages: PythonEnv['packages'];
  nvidia: string[];
  torch: TorchInfo | null;
  errors: string[];
}

async function runProbe(python: string, withTorch: boolean, timeoutMs: number, signal?: AbortSignal): Promise<RawProbe | string> {
  const r = await runProcess(python, ['-c', PYTHON_PROBE, ...(withTorch ? ['--torch'] : [])], {
    timeoutMs,
    signal,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8' },
  });
  if (r.spawnError) return notStartedReason(python, r.spawnError);
  if (r.timedOut) return `${python} did not answer within ${Math.round(timeoutMs / 1000)} s${withTorch ? ' (importing torch)' : ''} and was stopped`;
  const line = r.stdout.trim().split(/\r?\n/).pop() ?? '';
  try {
    return JSON.parse(line) as RawProbe;
  } catch {
    return notPythonReason(python, r);
  }
}

export interface ProbeOptions {
  /** For the metadata step (fast). */
  timeoutMs?: number;
  /** For importing torch (can take many seconds on a cold disk). */
  torchTimeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * One interpreter: Python, packaging tools and torch versions from metadata, then torch's own view
 * (CUDA build, availability, arch list, device) in a second, time-limited step.
 */
export async function probePython(c: PythonCandidate, o: ProbeOptions = {}): Promise<PythonEnv> {
  const base: PythonEnv = {
    path: c.path,
    version: null,
    venv: isVirtualEnv(c.path),
    source: c.source,
    packages: { pip: null, setuptools: null, wheel: null, torch: null, torchvision: null, torchaudio: null },
    torch: null,
    nvidia: [],
    errors: [],
  };
  const first = await runProbe(c.path, false, o.timeoutMs ?? 15_000, o.signal);
  if (typeof first === 'string') return { ...base, errors: [first] };
  const env: PythonEnv = { ...base, version: first.version, packages: first.packages, nvidia: first.nvidia, errors: first.errors };
  if (!first.packages.torch) return env;
  const second = await runProbe(c.path, true, o.torchTimeoutMs ?? 90_000, o.signal);
  if (typeof second === 'string') return { ...env, errors: [...env.errors, second] };
  return { ...env, torch: second.torch, errors: [...env.errors, ...second.errors] };
}
