import * as os from 'node:os';
import { probeOnnxRuntime } from '../onnx/ortProbe';
import { diagnosePython, diagnosePythonSetup } from '../python/diagnose';
import { discoverPythons } from '../python/discover';
import { probePython } from '../python/probe';
import type { PythonEnv } from '../python/types';
import { probeCudaToolkit } from './cudaToolkit';
import { diagnose } from './diagnose';
import { locateNvidiaSmi } from './nvidiaSmiLocate';
import { probeGpus } from './nvidiaSmi';
import type { EnvironmentReport, GpuProbe, OnnxRuntimeStatus } from './types';
import { detectWsl } from './wsl';

export interface CollectOptions {
  /** `aiLab.nvidiaSmiPath` or `--nvidia-smi`. */
  nvidiaSmiPath?: string;
  smiTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** dist/ortProbe.js; without it ONNX Runtime is not probed. */
  ortProbeScript?: string;
  nodePath?: string;
  signal?: AbortSignal;
  /** Environment of the ONNX Runtime probe (the CUDA library folders on its library path). */
  ortEnv?: NodeJS.ProcessEnv;
  /** Python interpreters (or environment folders) to probe; with `workspaceFolders`, theirs too. */
  python?: string[];
  workspaceFolders?: string[];
  /** Reuse an ONNX Runtime result (it changes only when packages change). */
  onnxRuntime?: OnnxRuntimeStatus;
}

async function probePythons(o: CollectOptions, env: NodeJS.ProcessEnv): Promise<PythonEnv[]> {
  const candidates = discoverPythons({ workspaceFolders: o.workspaceFolders ?? [], configured: o.python ?? [], env, includeSystem: Boolean(o.workspaceFolders) });
  // One at a time: importing torch loads gigabytes of libraries; several at once would thrash.
  const out: PythonEnv[] = [];
  for (const c of candidates) out.push(await probePython(c, { signal: o.signal }));
  return out;
}

export interface CollectedEnvironment {
  report: EnvironmentReport;
  gpuProbe: GpuProbe;
}

/** Everything `ai-lab env` and the Environment view show, gathered in parallel. */
export async function collectEnvironment(o: CollectOptions = {}): Promise<CollectedEnvironment> {
  const env = o.env ?? process.env;
  const wsl = detectWsl(env);
  const location = locateNvidiaSmi({ setting: o.nvidiaSmiPath, env, wsl });
  const [gpuProbe, toolkit, onnxRuntime] = await Promise.all([
    probeGpus(location, { timeoutMs: o.smiTimeoutMs ?? 5000, signal: o.signal, withCudaVersion: true }),
    probeCudaToolkit({ env }),
    o.onnxRuntime
      ? Promise.resolve(o.onnxRuntime)
      : o.ortProbeScript
        ? probeOnnxRuntime({ probeScript: o.ortProbeScript, nodePath: o.nodePath, env: o.ortEnv ?? env, signal: o.signal })
        : Promise.resolve<OnnxRuntimeStatus>({ version: null, path: null, providers: [] }),
  ]);
  const python = o.python || o.workspaceFolders ? await probePythons(o, env) : undefined;
  const errors: string[] = [];
  if (gpuProbe.failure) errors.push(gpuProbe.failure.message);
  else for (const g of gpuProbe.lostGpus ?? []) errors.push(g.message);
  errors.push(...(gpuProbe.warnings ?? []));
  if (toolkit.error) errors.push(toolkit.error);
  const ortProbed = Boolean(o.onnxRuntime || o.ortProbeScript);
  const report: EnvironmentReport = {
    generatedAt: new Date().toISOString(),
    platform: { os: process.platform, release: os.release(), arch: process.arch, node: process.versions.node },
    gpus: gpuProbe.gpus,
    lostGpus: gpuProbe.lostGpus ?? [],
    nvidiaSmi: { path: gpuProbe.smiPath, source: gpuProbe.smiSource, failure: gpuProbe.failure },
    cudaToolkit: toolkit.toolkit,
    wsl,
    onnxRuntime,
    ...(python ? { python } : {}),
    diagnoses: diagnose({
      gpus: gpuProbe.gpus,
      failure: gpuProbe.failure,
      lostGpus: gpuProbe.lostGpus,
      smiSource: gpuProbe.smiSource,
      computeCapSupported: gpuProbe.computeCapSupported,
      cudaToolkit: toolkit.toolkit,
      toolkitError: toolkit.error,
      wsl,
      onnxRuntime: ortProbed ? onnxRuntime : null,
      platform: process.platform,
    }).concat(python ? [...python.flatMap((p) => diagnosePython(p, gpuProbe.gpus)), ...diagnosePythonSetup(python, o.workspaceFolders ?? [])] : []),
    errors,
  };
  return { report, gpuProbe };
}
