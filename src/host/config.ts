import * as vscode from 'vscode';
import type { DeviceSetting } from '../core/inference/device';
import type { Dtype } from '../core/inference/modelFiles';
import { findCudaLibraryDirs, withLibraryPath } from '../core/onnx/cudaLibraries';

/** Typed view of the `aiLab.*` settings. */
export interface AiLabConfig {
  gpuPollSeconds: number;
  nvidiaSmiPath: string;
  nvidiaSmiTimeoutSeconds: number;
  statusBarEnabled: boolean;
  statusBarShowWhenNoGpu: boolean;
  device: DeviceSetting;
  dtype: Dtype;
  hubEndpoint: string;
  hubOffline: boolean;
  idleUnloadMinutes: number;
  cudaProviderFeed: string;
  cudaLibraryPaths: string[];
  modelDtypes: Record<string, Dtype>;
}

function pick<T extends string>(v: string | undefined, allowed: readonly T[], fallback: T): T {
  return (allowed as readonly string[]).includes(v ?? '') ? (v as T) : fallback;
}

export function readConfig(): AiLabConfig {
  const c = vscode.workspace.getConfiguration('aiLab');
  const num = (key: string, fallback: number, min: number) => {
    const v = c.get<number>(key, fallback);
    return typeof v === 'number' && Number.isFinite(v) ? Math.max(min, v) : fallback;
  };
  return {
    gpuPollSeconds: num('gpuPollSeconds', 2, 0),
    nvidiaSmiPath: c.get<string>('nvidiaSmiPath', '') ?? '',
    nvidiaSmiTimeoutSeconds: num('nvidiaSmiTimeoutSeconds', 5, 0.2),
    statusBarEnabled: c.get<boolean>('statusBar.enabled', true) ?? true,
    statusBarShowWhenNoGpu: c.get<boolean>('statusBar.showWhenNoGpu', true) ?? true,
    device: pick(c.get<string>('device'), ['auto', 'cpu', 'cuda'], 'auto'),
    dtype: pick(c.get<string>('dtype'), ['auto', 'fp32', 'fp16', 'q8'], 'auto'),
    hubEndpoint: c.get<string>('hubEndpoint', '') ?? '',
    hubOffline: c.get<boolean>('hubOffline', false) ?? false,
    idleUnloadMinutes: num('idleUnloadMinutes', 10, 0),
    cudaProviderFeed: c.get<string>('cudaProviderFeed', '') ?? '',
    cudaLibraryPaths: (c.get<unknown[]>('cudaLibraryPaths', []) ?? []).filter((x): x is string => typeof x === 'string' && x.trim() !== ''),
    modelDtypes: Object.fromEntries(
      Object.entries(c.get<Record<string, unknown>>('modelDtypes', {}) ?? {}).map(([k, v]) => [k.trim(), pick(typeof v === 'string' ? v : undefined, ['auto', 'fp32', 'fp16', 'q8'], 'auto')]),
    ),
  };
}

/** The process environment for children that load CUDA: the CUDA library folders on their library path. */
export function cudaChildEnv(): NodeJS.ProcessEnv {
  const dirs = findCudaLibraryDirs({
    configured: readConfig().cudaLibraryPaths,
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
  });
  return withLibraryPath(process.env, dirs);
}
