import type { ProviderStatus } from './types';

/**
 * Why an execution provider does or does not load, in words that fit a status bar tooltip line or a
 * tree row's description. The loader's own message stays in `ProviderStatus.reason` for the details
 * (a tree child, the log): a raw "libcublasLt.so.12: cannot open shared object file" is not a first view.
 */
export type ProviderCause =
  | 'loads'
  /** CUDA / TensorRT with no NVIDIA GPU: expected, nothing to fix. */
  | 'no-gpu'
  /** onnxruntime-node ships without the provider's own libraries ("Enable CUDA Acceleration" fetches them). */
  | 'not-installed'
  /** The provider is there but a library it needs (CUDA, cuDNN) is not on the library path. */
  | 'missing-library'
  /** A library of the wrong architecture or class (ELFCLASS32, wrong ELF machine, bad DLL image). */
  | 'wrong-binary'
  /** WebGPU found no adapter. */
  | 'no-adapter'
  | 'other';

export interface ProviderSummary {
  cause: ProviderCause;
  /** A few words (≤ 40 characters), e.g. "not installed", "needs libcublasLt.so.12". */
  short: string;
}

const GPU_PROVIDERS = new Set(['cuda', 'tensorrt']);

/**
 * Summarizes one provider's probe. `hasNvidiaGpu` false turns every CUDA/TensorRT failure into
 * "no NVIDIA GPU", whatever the loader said: without a GPU the loader's message is beside the point.
 */
export function summarizeProvider(p: ProviderStatus, hasNvidiaGpu: boolean): ProviderSummary {
  if (p.loadable) return { cause: 'loads', short: 'loads' };
  const reason = p.reason ?? '';
  if (!hasNvidiaGpu && GPU_PROVIDERS.has(p.name)) return { cause: 'no-gpu', short: 'not used (no NVIDIA GPU)' };
  if (/ELFCLASS\d+|wrong ELF class|ELF (?:file|load command)|invalid ELF header|not a valid Win32 application|%1 is not a valid|exec format/i.test(reason)) {
    return { cause: 'wrong-binary', short: 'built for another machine' };
  }
  if (/providers_(?:shared|cuda|tensorrt)\.(?:so|dll|dylib)[^:]*: cannot open shared object file|providers_(?:shared|cuda|tensorrt)\.dll/i.test(reason)) {
    return { cause: 'not-installed', short: 'not installed' };
  }
  // The library the loader could not open is the one its message names last, right before why.
  const lib =
    /([^\s/:]+\.so(?:\.\d+)*): cannot open shared object file/.exec(reason)?.[1] ??
    /(?:^|[\s"'\\/])((?:cu[a-zA-Z]+64_\d+|cudnn[A-Za-z0-9_]*)\.dll)\b/.exec(reason)?.[1];
  if (lib) {
    return { cause: 'missing-library', short: `needs ${lib.length > 30 ? `${lib.slice(0, 29)}…` : lib}` };
  }
  if (p.name === 'webgpu' && /adapter/i.test(reason)) return { cause: 'no-adapter', short: 'no WebGPU adapter' };
  return { cause: 'other', short: 'does not load' };
}
