import * as vscode from 'vscode';

/** Typed view of the `aiLab.*` settings. */
export interface AiLabConfig {
  gpuPollSeconds: number;
  nvidiaSmiPath: string;
  nvidiaSmiTimeoutSeconds: number;
  statusBarEnabled: boolean;
  statusBarShowWhenNoGpu: boolean;
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
  };
}
