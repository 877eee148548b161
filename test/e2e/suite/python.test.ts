import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fakeSmi } from '../../fixtures/paths';
import { makeFakePython, OLD_ARCHS } from '../../fixtures/python/fakePython';
import { api, setSetting } from './helpers';

describe('AI Lab in a real VS Code: Python and PyTorch health', () => {
  after(async () => {
    await setSetting('pythonPaths', undefined);
    await setSetting('nvidiaSmiPath', undefined);
  });

  it('the Environment view shows the venv, its torch, and the sm_120 diagnosis with the fix command', async () => {
    const py = makeFakePython({
      venv: true,
      packages: { torchvision: '0.20.1+cu124', torchaudio: '2.5.1+cu124', 'nvidia-cudnn-cu12': '9.1.0' },
      torch: { version: '2.5.1+cu124', cuda: '12.4', available: true, archList: OLD_ARCHS, device: 'NVIDIA GeForce RTX 5080', capability: [12, 0], cudnn: 90100 },
    });
    await setSetting('nvidiaSmiPath', fakeSmi('rtx5080'));
    await setSetting('pythonPaths', [py]);
    const a = await api();
    await a.environment.refresh();
    await a.environment.pythonReady();
    const tree = a.environmentTree;
    const group = tree.getChildren().find((n) => n.kind === 'group' && n.id === 'python')!;
    const envNode = tree.getChildren(group).find((n) => n.kind === 'python' && n.env.path === py)!;
    assert.ok(envNode, 'the venv is listed');
    assert.match(String(tree.getTreeItem(envNode).description), /^Python 3\.\d+\.\d+ · torch 2\.5\.1\+cu124 · CUDA ok$/);
    const rows = tree.getChildren(envNode).map((n) => tree.getTreeItem(n)).map((i) => `${i.label}|${i.description}`);
    assert.ok(rows.includes(`Arch list|${OLD_ARCHS.join(' ')}`), rows.join('\n'));
    assert.ok(rows.includes('torch.version.cuda|12.4'));
    assert.ok(rows.includes('nvidia-* wheels|nvidia-cudnn-cu12'));
    const diagnoses = tree.getChildren(tree.getChildren().find((n) => n.kind === 'group' && n.id === 'diagnoses'));
    const arch = diagnoses.find((n) => n.kind === 'diagnosis' && n.diagnosis.id.endsWith(':arch-missing'));
    assert.ok(arch && arch.kind === 'diagnosis');
    assert.equal(arch.diagnosis.fix, `${py} -m pip install --upgrade --pre torch torchvision torchaudio --index-url https://download.pytorch.org/whl/nightly/cu128`);
    await vscode.commands.executeCommand('aiLab.copyFix', arch);
    assert.equal(await vscode.env.clipboard.readText(), arch.diagnosis.fix);
    const md = await vscode.commands.executeCommand<string>('aiLab.copyEnvironmentReport');
    assert.match(md, /### Python environments/);
  });
});

describe('AI Lab in a real VS Code: GPU smoke test', () => {
  after(async () => {
    await setSetting('pythonPaths', undefined);
    await setSetting('nvidiaSmiPath', undefined);
  });

  it('runs the notes\' script in a visible terminal and shows the verdict in the Environment view', async () => {
    const { NEW_ARCHS } = await import('../../fixtures/python/fakePython');
    const py = makeFakePython({ venv: true, torch: { version: '2.7.1+cu128', cuda: '12.8', available: true, archList: NEW_ARCHS, device: 'NVIDIA GeForce RTX 5080', capability: [12, 0] } });
    await setSetting('nvidiaSmiPath', fakeSmi('rtx5080'));
    await setSetting('pythonPaths', [py]);
    const a = await api();
    await a.environment.refresh();
    await a.environment.pythonReady();
    const verdict = await vscode.commands.executeCommand<{ passed: boolean; summary: string }>('aiLab.runSmokeTest', { python: py });
    assert.deepEqual(verdict, { passed: true, summary: 'passed: 256×256 matmul on NVIDIA GeForce RTX 5080 (torch 2.7.1+cu128, CUDA 12.8)' });
    assert.ok(vscode.window.terminals.some((t) => t.name === 'AI Lab: GPU smoke test'), 'it ran in a terminal the user sees');
    const tree = a.environmentTree;
    const group = tree.getChildren().find((n) => n.kind === 'group' && n.id === 'python')!;
    const envNode = tree.getChildren(group).find((n) => n.kind === 'python' && n.env.path === py)!;
    const rows = tree.getChildren(envNode).map((n) => tree.getTreeItem(n)).map((i) => `${i.label}|${i.description}`);
    assert.ok(rows.includes(`GPU smoke test|${verdict.summary}`), rows.join('\n'));
    const cpu = makeFakePython({ venv: true, torch: { version: '2.5.1+cpu', cuda: null, available: false, archList: [] } });
    const failed = await vscode.commands.executeCommand<{ passed: boolean; summary: string }>('aiLab.runSmokeTest', { python: cpu });
    assert.deepEqual(failed, { passed: false, summary: 'failed: torch 2.5.1+cpu sees no CUDA device (a CPU-only build)' });
  });
});

describe('AI Lab in a real VS Code: the GPU setup walkthrough', () => {
  it('opens, and its first step creates .venv in a visible terminal; the step completes when the probe sees it', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('aiLab.openSetupWalkthrough');
    const a = await api();
    const venv = await vscode.commands.executeCommand<string>('aiLab.setup.createVenv');
    assert.ok(venv?.endsWith('.venv'));
    assert.ok(vscode.window.terminals.some((t) => t.name === 'AI Lab: setup'), 'the step runs in a terminal the user sees');
    const deadline = Date.now() + 100_000;
    while (!a.environment.setup.venv) {
      if (Date.now() > deadline) throw new Error(`the venv step never completed; python: ${JSON.stringify(a.environment.report?.python?.map((p) => p.path))}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(a.environment.setup.python, require('node:path').join(venv, 'bin', 'python'));
  });
});
