/** The walkthrough's steps, done or not, from what the probe saw (the notes' setup blueprint). */
import type { Diagnosis, GpuInfo } from '../env/types';
import type { PythonEnv } from './types';
import { chooseCudaBuild, installCommand } from './torchBuilds';

export interface SetupState {
  /** The workspace venv's interpreter, when there is one. */
  python: string | undefined;
  venv: boolean;
  tools: boolean;
  torch: boolean;
  smoke: boolean;
  companions: boolean;
}

export function setupState(envs: PythonEnv[], diagnoses: Diagnosis[], smokePassed: (python: string) => boolean): SetupState {
  const venv = envs.find((e) => e.venv && e.source.startsWith('workspace') && e.version);
  if (!venv) return { python: undefined, venv: false, tools: false, torch: false, smoke: false, companions: false };
  const has = (what: string) => diagnoses.some((d) => d.id === `python:${venv.path}:${what}`);
  const k = venv.packages;
  const torch = Boolean(k.torch) && !has('cpu-only') && !has('arch-missing') && !has('torch-cuda-newer');
  return {
    python: venv.path,
    venv: true,
    tools: !has('tools'),
    torch,
    smoke: torch && smokePassed(venv.path),
    companions: Boolean(k.torchvision && k.torchaudio) && !has('torchvision-mismatch') && !has('torchaudio-mismatch'),
  };
}

/** The torch install command for this machine: the CUDA build its driver runs and its GPU needs. */
export function torchInstallFor(python: string, gpus: GpuInfo[]): string {
  const gpu = gpus[0];
  if (!gpu) return installCommand(python, null);
  const build = chooseCudaBuild(gpu.cudaDriverVersion, gpu.sm);
  return installCommand(python, build, gpu.architecture === 'Blackwell');
}
