import { command, setting, settingIs, surface } from '../surface/names';
import { summarizeProvider } from '../env/providerSummary';
import type { OnnxRuntimeStatus } from '../env/types';

export type DeviceSetting = 'auto' | 'cpu' | 'cuda';

export interface DeviceChoice {
  device: 'cpu' | 'cuda';
  /** Why, in a few words for the status bar tooltip and the view ("no NVIDIA GPU", "the CUDA provider is not installed"). */
  reason: string;
  /** The loader's own message when the CUDA provider does not load: for the log and the details, not a first view. */
  detail?: string;
}

/**
 * transformers.js's own "auto" throws when the CUDA library is missing instead of falling back,
 * so the choice is made here from a real probe: CUDA only when its provider created a session.
 */
export function chooseDevice(setting: DeviceSetting, ort: OnnxRuntimeStatus | undefined, hasNvidiaGpu?: boolean): DeviceChoice {
  const cuda = ort?.providers.find((p) => p.name === 'cuda');
  if (setting === 'cpu') return { device: 'cpu', reason: settingIs('aiLab.device', 'cpu') };
  if (setting === 'cuda') {
    if (cuda?.loadable) return { device: 'cuda', reason: `${settingIs('aiLab.device', 'cuda')} and the CUDA provider loads` };
    throw new Error(cudaUnavailable(cuda, hasNvidiaGpu));
  }
  if (cuda?.loadable) return { device: 'cuda', reason: 'CUDA provider created a session here' };
  if (!cuda) return { device: 'cpu', reason: 'the CUDA provider was not probed' };
  return { device: 'cpu', reason: cpuReason(cuda, hasNvidiaGpu), ...(cuda.reason ? { detail: cuda.reason } : {}) };
}

/**
 * "cuda" was asked for and cannot be had: why in a few words first (no NVIDIA GPU, the provider not
 * installed…), what to do in this surface's words, and the loader's own message last, as detail.
 */
function cudaUnavailable(cuda: NonNullable<OnnxRuntimeStatus['providers'][number]> | undefined, hasNvidiaGpu: boolean | undefined): string {
  const why = !cuda ? 'the CUDA provider was not probed' : cpuReason(cuda, hasNvidiaGpu);
  const noGpu = why === 'no NVIDIA GPU';
  const instead = surface().id === 'cli' ? 'Use --device auto or --device cpu' : `Set ${setting('aiLab.device')} to "auto" or "cpu"`;
  const enable = noGpu ? '' : `, or run ${command('AI Lab: Enable CUDA Acceleration')}`;
  const detail = cuda?.reason && !noGpu ? ` (ONNX Runtime said: ${cuda.reason})` : '';
  return `${settingIs('aiLab.device', 'cuda')}, but CUDA cannot be used here: ${noGpu ? 'there is no NVIDIA GPU' : why}. ${instead}${enable}.${detail}`;
}

/** Why CPU, in a few words; with `hasNvidiaGpu` unknown (undefined) the loader's message decides. */
function cpuReason(cuda: NonNullable<OnnxRuntimeStatus['providers'][number]>, hasNvidiaGpu: boolean | undefined): string {
  if (hasNvidiaGpu === false) return 'no NVIDIA GPU';
  const s = summarizeProvider(cuda, true);
  if (s.cause === 'not-installed') return 'the CUDA provider is not installed';
  if (s.cause === 'missing-library') return `the CUDA provider ${s.short}`;
  if (s.cause === 'wrong-binary') return `the CUDA provider is ${s.short}`;
  return 'the CUDA provider does not load';
}

export interface DeviceDescription {
  /** "CUDA", "CPU", "CPU (no NVIDIA GPU)" or "unavailable". */
  label: string;
  /** A few words, never the loader's message. */
  reason: string;
  /** A GPU is there and the CUDA provider is not installed: offer "AI Lab: Enable CUDA Acceleration". */
  offerEnableCuda: boolean;
}

/**
 * For display: the device the setting leads to, or why there is none (never throws). `hasNvidiaGpu`
 * is whether nvidia-smi saw a GPU (undefined: not known).
 */
export function describeDevice(setting: DeviceSetting, ort: OnnxRuntimeStatus | undefined, hasNvidiaGpu?: boolean): DeviceDescription {
  const cuda = ort?.providers.find((p) => p.name === 'cuda');
  const offerEnableCuda = hasNvidiaGpu === true && Boolean(cuda) && summarizeProvider(cuda!, true).cause === 'not-installed';
  try {
    const d = chooseDevice(setting, ort, hasNvidiaGpu);
    if (d.device === 'cpu' && hasNvidiaGpu === false) return { label: 'CPU (no NVIDIA GPU)', reason: setting === 'cpu' ? d.reason : 'models run on the CPU', offerEnableCuda };
    return { label: d.device.toUpperCase(), reason: d.reason, offerEnableCuda: offerEnableCuda && setting !== 'cpu' };
  } catch {
    // aiLab.device is "cuda" and the provider does not load: the why in a few words (the log has the loader's message).
    const why = !cuda ? 'the CUDA provider was not probed' : cpuReason(cuda, hasNvidiaGpu);
    return { label: 'unavailable', reason: `${settingIs('aiLab.device', 'cuda')}, but ${why === 'no NVIDIA GPU' ? 'there is no NVIDIA GPU' : why}: set it to "auto" or "cpu"`, offerEnableCuda };
  }
}
