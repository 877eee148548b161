import * as path from 'node:path';
import * as vscode from 'vscode';
import { environmentStamp } from '../../core/python/discover';
import { torchInstallFor } from '../../core/python/setupSteps';
import type { EnvironmentService } from '../environmentService';
import type { Log } from '../log';
import { requireTrust } from '../workspaceTrust';
import { runSmokeTestCommand } from './smokeTest';

const TERMINAL = 'AI Lab: setup';

function terminal(cwd?: string): vscode.Terminal {
  const t = vscode.window.terminals.find((x) => x.name === TERMINAL && x.exitStatus === undefined) ?? vscode.window.createTerminal({ name: TERMINAL, cwd });
  t.show(false);
  return t;
}

function quote(p: string): string {
  return process.platform === 'win32' ? `& "${p}"` : `'${p.replace(/'/g, `'\\''`)}'`;
}

/**
 * After a command in the terminal changes an environment: wait until the interpreter's environment
 * stamp changes and then holds still, then probe again (which completes the walkthrough step).
 */
function refreshWhenSettled(env: EnvironmentService, python: string, log: Log, timeoutMs = 20 * 60_000): void {
  const before = environmentStamp(python);
  let last = before;
  let steady = 0;
  const started = Date.now();
  const timer = setInterval(() => {
    const now = environmentStamp(python);
    steady = now === last ? steady + 1 : 0;
    last = now;
    if ((now !== before && steady >= 2) || Date.now() - started > timeoutMs) {
      clearInterval(timer);
      if (now !== before) void env.refresh({ reprobeOnnx: false }).catch((err: unknown) => log.error('Refresh after a setup step failed', err));
    }
  }, 1000);
}

function workspaceFolder(): string | undefined {
  const f = vscode.workspace.workspaceFolders?.find((w) => w.uri.scheme === 'file');
  if (!f) void vscode.window.showWarningMessage('AI Lab: open a folder first; the environment goes into it.');
  return f?.uri.fsPath;
}

async function venvPython(env: EnvironmentService): Promise<string | undefined> {
  await env.pythonReady();
  const python = env.setup.python;
  if (!python) {
    void vscode.window.showWarningMessage('AI Lab: there is no virtual environment in the workspace yet.', 'Create .venv').then((p) => {
      if (p) void vscode.commands.executeCommand('aiLab.setup.createVenv');
    });
  }
  return python;
}

/**
 * The walkthrough's steps: each runs in a visible terminal and completes when the probe sees its effect.
 * Each runs the workspace's own interpreter (or makes one), so none runs in Restricted Mode.
 */
export function createSetupCommands(extensionPath: string, env: EnvironmentService, log: Log): Record<string, () => unknown> {
  const steps: Record<string, () => unknown> = {
    'aiLab.setup.createVenv': () => {
      const folder = workspaceFolder();
      if (!folder) return undefined;
      terminal(folder).sendText(process.platform === 'win32' ? 'py -m venv .venv' : 'python3 -m venv .venv');
      refreshWhenSettled(env, path.join(folder, '.venv', process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python'), log);
      return path.join(folder, '.venv');
    },
    'aiLab.setup.upgradeTools': async () => {
      const python = await venvPython(env);
      if (!python) return undefined;
      terminal().sendText(`${quote(python)} -m pip install --upgrade pip setuptools wheel`);
      refreshWhenSettled(env, python, log);
      return python;
    },
    'aiLab.setup.installTorch': async () => {
      const python = await venvPython(env);
      if (!python) return undefined;
      const command = torchInstallFor(python, env.report?.gpus ?? []);
      terminal().sendText(command.replace(/^"([^"]+)"|^(\S+)/, (_m, a: string | undefined, b: string | undefined) => quote(a ?? b ?? '')));
      refreshWhenSettled(env, python, log);
      return command;
    },
    'aiLab.setup.smokeTest': async () => {
      const python = await venvPython(env);
      return python ? runSmokeTestCommand(extensionPath, env, log, { python }) : undefined;
    },
    'aiLab.setup.checkCompanions': async () => {
      const python = await venvPython(env);
      if (!python) return undefined;
      terminal().sendText(`${quote(python)} -c "import torchvision, torchaudio; print('torchvision:', torchvision.__version__); print('torchaudio:', torchaudio.__version__)"`);
      await env.refresh({ reprobeOnnx: false });
      await env.pythonReady();
      return env.setup;
    },
  };
  return {
    'aiLab.openSetupWalkthrough': () => vscode.commands.executeCommand('workbench.action.openWalkthrough', 'ai-lab-dev.ai-lab#aiLab.gpuSetup', false),
    ...Object.fromEntries(Object.entries(steps).map(([name, step]) => [name, () => (requireTrust('Setting up a Python environment in the workspace') ? step() : undefined)])),
  };
}
