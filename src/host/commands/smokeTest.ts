import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseSmokeResult, smokeVerdict, type SmokeVerdict } from '../../core/python/smokeTest';
import type { EnvironmentService } from '../environmentService';
import type { Log } from '../log';

const TERMINAL = 'AI Lab: GPU smoke test';

async function pickPython(env: EnvironmentService): Promise<string | undefined> {
  await env.pythonReady();
  const envs = env.report?.python ?? [];
  if (!envs.length) {
    void vscode.window.showWarningMessage('AI Lab: no Python environment found. Create a venv in the workspace, or add one to aiLab.pythonPaths.', 'Open Settings').then((p) => {
      if (p) void vscode.commands.executeCommand('workbench.action.openSettings', 'aiLab.pythonPaths');
    });
    return undefined;
  }
  const items = [...envs]
    .sort((a, b) => Number(Boolean(b.packages.torch)) - Number(Boolean(a.packages.torch)))
    .map((e) => ({ label: e.path, description: e.packages.torch ? `torch ${e.packages.torch}` : 'no torch', python: e.path }));
  return (await vscode.window.showQuickPick(items, { title: 'AI Lab: Run GPU Smoke Test', placeHolder: 'In which environment?' }))?.python;
}

/** Runs the notes' smoke test in a visible terminal and puts its verdict in the Environment view. */
export async function runSmokeTestCommand(extensionPath: string, env: EnvironmentService, log: Log, args?: { python?: string }): Promise<SmokeVerdict | undefined> {
  const python = args?.python ?? (await pickPython(env));
  if (!python) return undefined;
  const script = path.join(extensionPath, 'media', 'gpu_smoke_test.py');
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-smoke-')), 'result.json');
  const terminal = vscode.window.terminals.find((t) => t.name === TERMINAL && t.exitStatus === undefined) ?? vscode.window.createTerminal({ name: TERMINAL });
  terminal.show(true);
  const q = (s: string) => (process.platform === 'win32' ? `& "${s}"` : `'${s.replace(/'/g, `'\\''`)}'`);
  terminal.sendText(`${q(python)} ${q(script)} ${q(out)}`);
  try {
    const verdict = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'AI Lab: GPU smoke test running in the terminal', cancellable: true },
      async (_p, token) => {
        const deadline = Date.now() + 10 * 60_000;
        while (!fs.existsSync(out) || fs.statSync(out).size === 0) {
          if (token.isCancellationRequested) throw new vscode.CancellationError();
          if (Date.now() > deadline) throw new Error('the smoke test did not finish within 10 minutes (see the terminal)');
          await new Promise((r) => setTimeout(r, 250));
        }
        await new Promise((r) => setTimeout(r, 100)); // The script closes the file right after writing it.
        return smokeVerdict(parseSmokeResult(fs.readFileSync(out, 'utf8')));
      },
    );
    env.setSmokeVerdict(python, verdict);
    log.info(`GPU smoke test in ${python}: ${verdict.summary}`);
    if (verdict.passed) void vscode.window.showInformationMessage(`AI Lab: GPU smoke test ${verdict.summary}`);
    else void vscode.window.showWarningMessage(`AI Lab: GPU smoke test ${verdict.summary}. The Diagnoses in the Environment view say what to fix.`);
    return verdict;
  } catch (err) {
    await log.showError('AI Lab: the GPU smoke test did not complete', err);
    return undefined;
  } finally {
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}
