/** The shapes `ai-lab env --json` prints; field names are a contract (see README). */
export interface GpuInfo {
  index: number | null;
  name: string;
  driverVersion: string | null;
  /** The highest CUDA version the driver supports (nvidia-smi's "CUDA Version"). */
  cudaDriverVersion: string | null;
  memoryTotalMiB: number | null;
  memoryUsedMiB: number | null;
  utilizationPct: number | null;
  temperatureC: number | null;
  computeCapability: string | null;
  sm: string | null;
  /** Architecture name; "unknown" when the capability is not in the table, null when not reported. */
  architecture: string | null;
}

/** Why no GPU list could be had; 'lost': nvidia-smi knows GPUs but reaches none of them. */
export type GpuFailureKind = 'missing' | 'driver' | 'timeout' | 'none' | 'error' | 'lost';

/** A GPU nvidia-smi names but cannot reach ("Unable to determine the device handle…"): fallen off the bus. */
export interface LostGpu {
  /** nvidia-smi's index for it, when the message gives one. */
  index: number | null;
  /** PCI bus id as printed (0000:0B:00.0), when the message gives one. */
  busId: string | null;
  /** nvidia-smi's line, verbatim. */
  message: string;
}

export interface GpuFailure {
  kind: GpuFailureKind;
  message: string;
}

export interface GpuProbe {
  gpus: GpuInfo[];
  smiPath: string | null;
  smiSource: SmiSource | null;
  /** False when the driver is too old for the `compute_cap` query field. */
  computeCapSupported: boolean;
  failure: GpuFailure | null;
  /** GPUs nvidia-smi names but cannot reach, while the ones in `gpus` still answer. */
  lostGpus?: LostGpu[];
  /** What nvidia-smi said that was not used (rows that could not be read, a non-zero exit with GPUs listed). */
  warnings?: string[];
  durationMs: number;
}

export type SmiSource = 'setting' | 'env' | 'path' | 'wsl' | 'windows';

export interface CudaToolkit {
  version: string;
  path: string;
}

export interface ProviderStatus {
  name: string;
  loadable: boolean;
  reason: string | null;
  /** Whether onnxruntime-node's listSupportedBackends() names it (not evidence that it loads). */
  listed?: boolean;
}

export interface OnnxRuntimeStatus {
  version: string | null;
  /** Folder of the onnxruntime-node package in use. */
  path: string | null;
  providers: ProviderStatus[];
}

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnosis {
  id: string;
  severity: Severity;
  /** A few words for a tree row at the default sidebar width (≤ 40 characters); `message` explains. */
  title: string;
  message: string;
  /** A command to copy, or a URL; null when there is nothing to run. */
  fix: string | null;
  detail?: string;
}

import type { PythonEnv } from '../python/types';

export interface EnvironmentReport {
  generatedAt: string;
  platform: { os: string; release: string; arch: string; node: string };
  gpus: GpuInfo[];
  /** GPUs nvidia-smi names but cannot reach (each also has a `gpu-lost-…` diagnosis). */
  lostGpus: LostGpu[];
  nvidiaSmi: { path: string | null; source: SmiSource | null; failure: GpuFailure | null };
  cudaToolkit: CudaToolkit | null;
  wsl: boolean;
  onnxRuntime: OnnxRuntimeStatus;
  /** Present when Python environments were asked for (`--python`, the extension's discovery). */
  python?: PythonEnv[];
  diagnoses: Diagnosis[];
  errors: string[];
}
