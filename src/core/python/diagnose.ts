import { compareVersions } from '../env/cudaToolkit';
import type { Diagnosis, GpuInfo } from '../env/types';
import { chooseCudaBuild, cudaTag, expectedCompanions, installCommand, localTag } from './torchBuilds';
import type { PythonEnv } from './types';
import { pythonName } from './pythonName';

const DRIVER_DOWNLOAD = 'https://www.nvidia.com/Download/index.aspx';
/** Below these, pip cannot install current wheels well (the notes' step 2). */
const MIN_TOOLS: Record<'pip' | 'setuptools' | 'wheel', string> = { pip: '23.0', setuptools: '65.0', wheel: '0.40' };

function short(p: PythonEnv): string {
  return p.path;
}

function pyName(p: PythonEnv): string {
  return pythonName(p.path);
}

/** Findings about one interpreter against the machine's GPUs; each with the exact command for it. */
export function diagnosePython(p: PythonEnv, gpus: GpuInfo[]): Diagnosis[] {
  const out: Diagnosis[] = [];
  const id = (s: string) => `python:${p.path}:${s}`;
  if (!p.version) {
    out.push({ id: id('broken'), severity: 'error', title: `${pyName(p)} does not run`, message: `${short(p)} does not run: ${p.errors[0] ?? 'unknown error'}`, fix: null });
    return out;
  }
  const gpu = gpus[0];
  const driverCuda = gpu?.cudaDriverVersion ?? null;
  const build = chooseCudaBuild(driverCuda, gpu?.sm ?? null);
  const blackwell = (gpu?.architecture ?? '') === 'Blackwell';
  const tools = (['pip', 'setuptools', 'wheel'] as const).filter((t) => !p.packages[t] || compareVersions(p.packages[t]!, MIN_TOOLS[t]) < 0);
  if (tools.length) {
    out.push({
      id: id('tools'),
      severity: 'info',
      title: 'Old packaging tools',
      message: `${tools.map((t) => `${t} ${p.packages[t] ?? 'missing'}`).join(', ')} in ${short(p)}: upgrade the packaging tools before installing torch.`,
      fix: `${/\s/.test(p.path) ? `"${p.path}"` : p.path} -m pip install --upgrade pip setuptools wheel`,
    });
  }
  const torch = p.packages.torch;
  if (!torch) return out;
  const t = p.torch;
  const torchCuda = t?.cuda ?? (localTag(torch).startsWith('cu') ? `${localTag(torch).slice(2, -1)}.${localTag(torch).slice(-1)}` : null);
  if (gpus.length && (localTag(torch) === 'cpu' || (t && !t.cuda))) {
    out.push({
      id: id('cpu-only'),
      severity: 'warning',
      title: 'torch is a CPU-only build',
      message: `torch ${torch} in ${short(p)} is a CPU-only build, but this machine has an NVIDIA GPU (${gpu?.name}).`,
      fix: installCommand(p.path, build, blackwell && !build),
    });
  }
  if (torchCuda && driverCuda && compareVersions(torchCuda, driverCuda) > 0) {
    out.push({
      id: id('torch-cuda-newer'),
      severity: 'error',
      title: `torch needs CUDA ${torchCuda} (driver: ${driverCuda})`,
      message: `torch ${torch} is built for CUDA ${torchCuda}, newer than the CUDA ${driverCuda} the driver supports: CUDA will not work.`,
      fix: build ? installCommand(p.path, build) : DRIVER_DOWNLOAD,
      detail: `Update the NVIDIA driver, or install the ${build ? cudaTag(build) : 'CPU'} build that this driver runs.`,
    });
  }
  if (t && gpu?.sm && t.archList.length && !t.archList.includes(gpu.sm)) {
    const fixBuild = chooseCudaBuild(driverCuda, gpu.sm);
    out.push({
      id: id('arch-missing'),
      severity: 'error',
      title: `torch has no ${gpu.sm} kernels`,
      message: `Your ${gpu.name} is ${gpu.sm} (${gpu.architecture}), but torch ${torch} was built for ${t.archList.join(', ')}: CUDA kernels will not run on it.`,
      fix: fixBuild ? installCommand(p.path, fixBuild, blackwell) : DRIVER_DOWNLOAD,
      detail: fixBuild
        ? `Install a build with ${gpu.sm}: ${cudaTag(fixBuild)}${blackwell ? ' (the nightly channel, as the notes do for new GPUs; stable cu128 builds of torch 2.7+ also have sm_120)' : ''}.`
        : `The driver's CUDA ${driverCuda ?? '?'} is too old for any build with ${gpu.sm}: update the driver first.`,
    });
  }
  const want = expectedCompanions(torch);
  for (const lib of ['torchvision', 'torchaudio'] as const) {
    const v = p.packages[lib];
    if (!v || !want) continue;
    const mismatch = !v.startsWith(want[lib]) || localTag(v) !== localTag(torch);
    if (mismatch) {
      out.push({
        id: id(`${lib}-mismatch`),
        severity: 'warning',
        title: `${lib} does not match torch`,
        message: `${lib} ${v} does not match torch ${torch} (expected ${want[lib]}.x${localTag(torch) ? `+${localTag(torch)}` : ''}).`,
        fix: installCommand(p.path, torchCuda && localTag(torch).startsWith('cu') ? torchCuda : build),
      });
    }
  }
  if (t && t.cuda && !t.cudaAvailable && gpus.length === 0) {
    out.push({ id: id('no-gpu'), severity: 'warning', title: 'torch sees no GPU', message: `torch.cuda.is_available() is False in ${short(p)}: no NVIDIA GPU/driver answers (see the GPU findings).`, fix: null });
  } else if (t && t.cuda && !t.cudaAvailable && !out.some((d) => d.id === id('torch-cuda-newer'))) {
    out.push({
      id: id('cuda-unavailable'),
      severity: 'warning',
      title: 'torch cannot use the GPU',
      message: `torch.cuda.is_available() is False in ${short(p)} although torch ${torch} is a CUDA ${t.cuda} build and a GPU is present: the driver is not usable from this process (driver/library mismatch, a container without the GPU, or CUDA_VISIBLE_DEVICES hides it).`,
      fix: 'nvidia-smi',
    });
  }
  for (const e of p.errors) out.push({ id: id(`error:${e.slice(0, 40)}`), severity: 'warning', title: `${pyName(p)}: probe error`, message: e, fix: null });
  return out;
}

/** Across interpreters: no virtual environment in the workspace. */
export function diagnosePythonSetup(envs: PythonEnv[], workspaceFolders: string[]): Diagnosis[] {
  if (!workspaceFolders.length || envs.some((e) => e.venv)) return [];
  return [
    {
      id: 'python:no-venv',
      severity: 'info',
      title: 'No virtual environment',
      message: 'No virtual environment in the workspace: packages would go into the system Python. Create one (the notes\' step 1).',
      fix: 'python3 -m venv .venv',
    },
  ];
}
