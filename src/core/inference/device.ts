import type { OnnxRuntimeStatus } from '../env/types';

export type DeviceSetting = 'auto' | 'cpu' | 'cuda';

export interface DeviceChoice {
  device: 'cpu' | 'cuda';
  /** Why, in words for the status bar tooltip, the view and the log. */
  reason: string;
}

/**
 * transformers.js's own "auto" throws when the CUDA library is missing instead of falling back,
 * so the choice is made here from a real probe: CUDA only when its provider created a session.
 */
export function chooseDevice(setting: DeviceSetting, ort: OnnxRuntimeStatus | undefined): DeviceChoice {
  const cuda = ort?.providers.find((p) => p.name === 'cuda');
  if (setting === 'cpu') return { device: 'cpu', reason: 'aiLab.device is "cpu"' };
  if (setting === 'cuda') {
    if (cuda?.loadable) return { device: 'cuda', reason: 'aiLab.device is "cuda" and the CUDA provider loads' };
    throw new Error(`aiLab.device is "cuda" but ONNX Runtime's CUDA provider does not load here: ${cuda?.reason ?? 'not probed'}. Set aiLab.device to "auto" or "cpu", or run "AI Lab: Enable CUDA Acceleration".`);
  }
  if (cuda?.loadable) return { device: 'cuda', reason: 'CUDA provider created a session here' };
  return { device: 'cpu', reason: `the CUDA provider does not load (${cuda?.reason ?? 'not probed'})` };
}

/** For display: the device the setting leads to, or why there is none (never throws). */
export function describeDevice(setting: DeviceSetting, ort: OnnxRuntimeStatus | undefined): { label: string; reason: string } {
  try {
    const d = chooseDevice(setting, ort);
    return { label: d.device.toUpperCase(), reason: d.reason };
  } catch (err) {
    return { label: 'unavailable', reason: err instanceof Error ? err.message : String(err) };
  }
}
