import * as vscode from 'vscode';
import type { AiLabApi } from '../../../src/extension';

export const EXTENSION_ID = 'ai-lab-dev.ai-lab';

export async function api(): Promise<AiLabApi> {
  const ext = vscode.extensions.getExtension<AiLabApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this VS Code`);
  return ext.isActive ? ext.exports : ext.activate();
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('aiLab').update(key, value, vscode.ConfigurationTarget.Global);
  // In code-server the extension host may see the new value a moment after update() resolves (seen
  // under load): wait until it reads back, so the next command runs with it.
  const seen = () => JSON.stringify(vscode.workspace.getConfiguration('aiLab').inspect(key)?.globalValue);
  for (let i = 0; i < 100 && seen() !== JSON.stringify(value); i++) await new Promise((r) => setTimeout(r, 50));
}

/** Waits until cond() holds, polling; fails with what was last seen. */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, cond: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!cond(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}
