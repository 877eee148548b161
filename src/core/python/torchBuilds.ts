/** Which PyTorch build fits a driver and a GPU, and which torchvision/torchaudio go with which torch. */
import { compareVersions } from '../env/cudaToolkit';

/** CUDA builds on download.pytorch.org, newest first, with the oldest torch that has each. */
const CUDA_BUILDS = ['13.0', '12.9', '12.8', '12.6', '12.4', '12.1', '11.8'];

/** sm_100/sm_120 (Blackwell) need CUDA 12.8 builds. */
export function minimumCudaFor(sm: string | null): string {
  const n = Number(/^sm_(\d+)$/.exec(sm ?? '')?.[1] ?? 0);
  if (n >= 100) return '12.8';
  if (n >= 90) return '11.8';
  return '11.8';
}

/** The newest CUDA build the driver runs, and that the GPU needs at least; null if none fits. */
export function chooseCudaBuild(driverCuda: string | null, sm: string | null): string | null {
  if (!driverCuda) return null;
  const min = minimumCudaFor(sm);
  return CUDA_BUILDS.find((b) => compareVersions(b, driverCuda) <= 0 && compareVersions(b, min) >= 0) ?? null;
}

export function cudaTag(build: string): string {
  return `cu${build.replace('.', '')}`;
}

export function installCommand(python: string, build: string | null, nightly = false): string {
  const py = /\s/.test(python) ? `"${python}"` : python;
  if (!build) return `${py} -m pip install --upgrade torch torchvision torchaudio --index-url https://download.pytorch.org/whl/cpu`;
  const index = `https://download.pytorch.org/whl/${nightly ? 'nightly/' : ''}${cudaTag(build)}`;
  return `${py} -m pip install --upgrade ${nightly ? '--pre ' : ''}torch torchvision torchaudio --index-url ${index}`;
}

/** torch 2.x pairs with torchvision 0.(x+15) and torchaudio 2.x (2.0 → 0.15, … 2.11 → 0.26). */
export function expectedCompanions(torch: string): { torchvision: string; torchaudio: string } | null {
  const m = /^2\.(\d+)/.exec(torch);
  if (!m) return null;
  const minor = Number(m[1]);
  return { torchvision: `0.${minor + 15}`, torchaudio: `2.${minor}` };
}

/** "+cu124", "+cpu", or "" (PyPI's default build). */
export function localTag(version: string | null): string {
  return /\+([a-z0-9.]+)$/i.exec(version ?? '')?.[1] ?? '';
}
