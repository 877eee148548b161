import { command, setting } from '../surface/names';
import * as path from 'node:path';
import { compareVersions } from './cudaToolkit';
import { lostGpuLabel } from './nvidiaSmiParse';
import type { CudaToolkit, Diagnosis, GpuFailure, GpuInfo, LostGpu, OnnxRuntimeStatus } from './types';

export interface DiagnoseInput {
  gpus: GpuInfo[];
  failure: GpuFailure | null;
  /** GPUs nvidia-smi names but cannot reach. */
  lostGpus?: LostGpu[];
  smiSource: string | null;
  computeCapSupported: boolean;
  cudaToolkit: CudaToolkit | null;
  toolkitError: string | null;
  wsl: boolean;
  onnxRuntime: OnnxRuntimeStatus | null;
  platform: NodeJS.Platform;
}

const DRIVER_DOWNLOAD = 'https://www.nvidia.com/Download/index.aspx';
const WSL_CUDA_GUIDE = 'https://docs.nvidia.com/cuda/wsl-user-guide/index.html';
const CUDA_COMPAT = 'https://docs.nvidia.com/cuda/cuda-toolkit-release-notes/index.html#cuda-driver';
const ORT_CUDA_REQS = 'https://onnxruntime.ai/docs/execution-providers/CUDA-ExecutionProvider.html#requirements';

const CUDA_LIBS_FIX = 'python -m pip install nvidia-cuda-runtime-cu12 nvidia-cublas-cu12 nvidia-cudnn-cu12 nvidia-cufft-cu12 nvidia-curand-cu12';

/** Why ONNX Runtime's CUDA provider does not load, from the loader's own words, and the fix for that cause. */
export function cudaProviderDiagnosis(reason: string, ortPath: string | null): Diagnosis {
  const id = 'ort-cuda-not-loadable';
  if (/providers_(shared|cuda)\.so[^:]*: cannot open shared object file|providers_(shared|cuda)\.dll/i.test(reason)) {
    // The provider files are not there: onnxruntime-node's npm package ships without them.
    const cli = ortPath ? `node "${path.join(ortPath, '..', '..', 'dist', 'cli.js')}" enable-cuda` : ORT_CUDA_REQS;
    return { id, severity: 'warning', title: 'CUDA provider not installed', message: `ONNX Runtime's CUDA provider is not installed (onnxruntime-node ships without it), so inference runs on the CPU. Run ${command('AI Lab: Enable CUDA Acceleration')}.`, fix: cli, detail: reason };
  }
  const lib = /(lib(?:cudart|cublasLt|cublas|cudnn[a-z_]*|cufft|curand|nvrtc)\.so[.\d]*)/i.exec(reason)?.[1];
  if (lib) {
    return {
      id,
      severity: 'warning',
      title: `CUDA provider needs ${lib}`,
      message: `ONNX Runtime's CUDA provider needs ${lib} (CUDA 12 / cuDNN 9), which is not on the library path, so inference runs on the CPU.`,
      fix: CUDA_LIBS_FIX,
      detail: `${reason}. Install the libraries system-wide, or into a Python venv (the fix; torch cu12x brings them too) and add that venv to ${setting('aiLab.cudaLibraryPaths')}.`,
    };
  }
  return { id, severity: 'warning', title: 'CUDA provider does not load', message: "ONNX Runtime's CUDA provider does not load here, so inference runs on the CPU.", fix: ORT_CUDA_REQS, detail: reason };
}

/**
 * One GPU nvidia-smi cannot reach while the driver is loaded: the card has fallen off the PCIe bus
 * (Xid 79), from seating, power or heat. Never the "module not loaded" advice: that would not help.
 */
export function lostGpuDiagnosis(g: LostGpu, othersAnswer: boolean, input: Pick<DiagnoseInput, 'wsl' | 'platform'>): Diagnosis {
  const label = lostGpuLabel(g);
  const log =
    input.platform === 'linux' && !input.wsl
      ? 'Look for Xid 79 ("GPU has fallen off the bus") in the kernel log (dmesg, or journalctl -k -b -1 after a reboot).'
      : 'Look in Windows\' Event Viewer (System log, source nvlddmkm) for the GPU\'s errors around that time.';
  return {
    id: `gpu-lost-${g.index ?? g.busId ?? 'unknown'}`,
    severity: 'error',
    title: `${label[0]!.toUpperCase()}${label.slice(1)} does not answer`,
    message: `${label[0]!.toUpperCase()}${label.slice(1)} does not answer: it has most likely fallen off the PCIe bus${othersAnswer ? '; the other GPUs still work' : ''}. Reseat it, check its power, and look for Xid 79 in the kernel log (dmesg).`,
    fix: input.platform === 'linux' && !input.wsl ? "sudo dmesg -T | grep -iE 'xid|fallen off the bus|NVRM'" : null,
    detail:
      `nvidia-smi: "${g.message}". ${log} Then check that the card is seated firmly (reseat it) and its power cables are in, that the power supply can carry every GPU at full load, and that it does not overheat. ` +
      `The GPU comes back only after a reset: reboot (or, with nothing using it, sudo nvidia-smi -r${g.index !== null ? ` -i ${g.index}` : ''}). The driver itself is loaded${othersAnswer ? ': the other GPUs answer' : ''}.`,
  };
}

/** Findings about the GPU/CUDA environment, most severe first, each with the exact fix where one exists. */
export function diagnose(input: DiagnoseInput): Diagnosis[] {
  const out: Diagnosis[] = [];
  const f = input.failure;
  if (f?.kind === 'missing') {
    if (input.smiSource === 'setting' || input.smiSource === 'env') {
      out.push({
        id: 'smi-path-wrong',
        severity: 'error',
        title: 'Configured nvidia-smi missing',
        message: `The configured nvidia-smi does not exist (${input.smiSource === 'setting' ? setting('aiLab.nvidiaSmiPath') : 'AI_LAB_NVIDIA_SMI'}).`,
        fix: 'which nvidia-smi',
        detail: f.message,
      });
    } else {
      out.push({
        id: 'no-driver',
        severity: 'info',
        title: 'CPU (no NVIDIA GPU)',
        message: input.wsl
          ? 'No NVIDIA GPU: nvidia-smi is missing. On WSL the driver comes from the Windows NVIDIA driver, not from Linux packages.'
          : 'No NVIDIA GPU: nvidia-smi is not installed, so no NVIDIA driver is present. Models run on the CPU.',
        fix: input.wsl ? WSL_CUDA_GUIDE : DRIVER_DOWNLOAD,
        detail: f.message,
      });
    }
  } else if (f?.kind === 'driver') {
    out.push({
      id: 'driver-not-answering',
      severity: 'error',
      title: 'NVIDIA driver does not answer',
      message: 'nvidia-smi cannot talk to the NVIDIA driver: the kernel module is not loaded or does not match the installed driver.',
      fix: input.wsl ? 'wsl --shutdown' : 'sudo modprobe nvidia || sudo reboot',
      detail: f.message,
    });
  } else if (f?.kind === 'timeout') {
    out.push({
      id: 'smi-timeout',
      severity: 'warning',
      title: 'nvidia-smi hung',
      message: 'nvidia-smi hung and was killed; the GPU state is unknown.',
      fix: input.wsl ? 'wsl --shutdown' : 'sudo nvidia-smi -pm 1',
      detail: `${f.message}${input.wsl ? '. Run the fix from a Windows terminal, then reopen the WSL window.' : '. Persistence mode keeps the driver loaded so queries answer quickly.'}`,
    });
  } else if (f && f.kind !== 'lost') {
    out.push({ id: 'smi-failed', severity: 'error', title: 'nvidia-smi failed', message: `nvidia-smi failed: ${f.message}`, fix: null });
  }

  for (const g of input.lostGpus ?? []) out.push(lostGpuDiagnosis(g, input.gpus.length > 0, input));

  if (!input.computeCapSupported && input.gpus.length) {
    out.push({
      id: 'driver-too-old-compute-cap',
      severity: 'warning',
      title: 'Driver too old for compute capability',
      message: 'The NVIDIA driver is too old to report compute capability (no compute_cap field), so sm_XX is unknown.',
      fix: DRIVER_DOWNLOAD,
    });
  }
  for (const g of input.gpus) {
    if (g.architecture === 'unknown') {
      out.push({
        id: `unknown-arch-${g.index}`,
        severity: 'warning',
        title: `GPU ${g.index}: unknown ${g.sm}`,
        message: `GPU ${g.index} (${g.name}) has compute capability ${g.computeCapability} (${g.sm}), which AI Lab does not know: check that your PyTorch/CUDA build lists ${g.sm}.`,
        fix: null,
      });
    }
    if (g.memoryTotalMiB && g.memoryUsedMiB !== null && g.memoryUsedMiB / g.memoryTotalMiB > 0.9) {
      out.push({
        id: `memory-high-${g.index}`,
        severity: 'warning',
        title: `GPU ${g.index} memory ${Math.round((100 * g.memoryUsedMiB) / g.memoryTotalMiB)} % used`,
        message: `GPU ${g.index} memory is ${Math.round((100 * g.memoryUsedMiB) / g.memoryTotalMiB)} % used: new models may not fit.`,
        fix: 'nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv',
      });
    }
  }

  const driverCuda = input.gpus.find((g) => g.cudaDriverVersion)?.cudaDriverVersion ?? null;
  if (input.cudaToolkit && driverCuda && compareVersions(input.cudaToolkit.version, driverCuda) > 0) {
    out.push({
      id: 'toolkit-newer-than-driver',
      severity: 'warning',
      title: 'CUDA toolkit newer than driver',
      message: `CUDA toolkit ${input.cudaToolkit.version} is newer than the CUDA ${driverCuda} the driver supports: programs built with it fail with "CUDA driver version is insufficient".`,
      fix: input.wsl || input.platform !== 'linux' ? DRIVER_DOWNLOAD : CUDA_COMPAT,
      detail: `Update the NVIDIA driver to one that supports CUDA ${input.cudaToolkit.version}, or use a CUDA ${driverCuda} toolkit (${input.cudaToolkit.path}).`,
    });
  }
  if (input.toolkitError) {
    out.push({ id: 'toolkit-unreadable', severity: 'warning', title: 'CUDA toolkit unreadable', message: input.toolkitError, fix: null });
  } else if (!input.cudaToolkit && input.gpus.length) {
    out.push({
      id: 'no-toolkit',
      severity: 'info',
      title: 'No CUDA toolkit (nvcc)',
      message: 'No CUDA toolkit (nvcc) found. Only needed to compile CUDA code: PyTorch and ONNX Runtime wheels bring their own CUDA runtime.',
      fix: 'https://developer.nvidia.com/cuda-downloads',
    });
  }

  const ort = input.onnxRuntime;
  if (ort && ort.version === null) {
    out.push({
      id: 'ort-missing',
      severity: 'error',
      title: 'onnxruntime-node missing',
      message: 'onnxruntime-node is not installed or does not load, so AI Lab cannot run models.',
      fix: 'npm install onnxruntime-node',
      detail: ort.providers[0]?.reason ?? undefined,
    });
  } else if (ort) {
    const cuda = ort.providers.find((p) => p.name === 'cuda');
    if (cuda && !cuda.loadable && input.gpus.length) out.push(cudaProviderDiagnosis(cuda.reason ?? '', ort.path));
  }
  const order = { error: 0, warning: 1, info: 2 } as const;
  return out.sort((a, b) => order[a.severity] - order[b.severity]);
}
