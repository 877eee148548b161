import type { GpuInfo } from './types';

export function gib(mib: number): string {
  return (mib / 1024).toFixed(1);
}

/** "RTX 5080" from "NVIDIA GeForce RTX 5080"; "H100 80GB HBM3" from "NVIDIA H100 80GB HBM3". */
export function shortGpuName(name: string): string {
  return name.replace(/^NVIDIA\s+/i, '').replace(/^(GeForce|Quadro|Tesla|TITAN)\s+/i, '').trim() || name;
}

export function architectureLabel(g: GpuInfo): string {
  if (g.architecture === null) return 'not reported';
  if (g.architecture === 'unknown') return `unknown (compute capability ${g.computeCapability}, ${g.sm})`;
  return g.architecture;
}

export function memoryLabel(g: GpuInfo): string {
  if (g.memoryUsedMiB === null || g.memoryTotalMiB === null) return 'not reported';
  return `${g.memoryUsedMiB.toLocaleString('en-US')} / ${g.memoryTotalMiB.toLocaleString('en-US')} MiB (${gib(g.memoryUsedMiB)} / ${gib(g.memoryTotalMiB)} GiB)`;
}

export function orNA(v: string | number | null, suffix = ''): string {
  return v === null ? 'N/A' : `${v}${suffix}`;
}
