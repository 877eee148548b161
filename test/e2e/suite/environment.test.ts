import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EnvNode } from '../../../src/host/views/environmentTree';
import { REPO_ROOT, fakeSmi } from '../../fixtures/paths';
import { api, EXTENSION_ID, setSetting, waitFor } from './helpers';

async function labels(nodes: EnvNode[]) {
  const a = await api();
  return nodes.map((n) => {
    const item = a.environmentTree.getTreeItem(n);
    return `${typeof item.label === 'string' ? item.label : item.label?.label}|${item.description ?? ''}`;
  });
}

describe('AI Lab in a real VS Code: environment', () => {
  before(async () => {
    await setSetting('nvidiaSmiPath', fakeSmi('rtx5080'));
  });
  after(async () => {
    await setSetting('nvidiaSmiPath', undefined);
    await setSetting('nvidiaSmiTimeoutSeconds', undefined);
  });

  it('activates, records its activation time, and has not loaded ONNX Runtime', async () => {
    const a = await api();
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
    // code-server is VS Code's remote server: a workspace extension runs on its (remote) side.
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.extensionKind, vscode.ExtensionKind.Workspace, 'runs where the workspace is');
    assert.deepEqual(vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.extensionKind, ['workspace']);
    assert.ok(a.activationMs > 0);
    const loaded = Object.keys(require.cache).filter((k) => /onnxruntime-node|@huggingface[\\/]transformers/.test(k));
    assert.deepEqual(loaded, [], 'heavy modules loaded in the extension host');
    fs.mkdirSync(path.join(REPO_ROOT, 'test-results'), { recursive: true });
    fs.writeFileSync(path.join(REPO_ROOT, 'test-results', 'e2e-metrics.json'), JSON.stringify({ activationMs: a.activationMs }, null, 2));
  });

  it('the Environment tree shows the RTX 5080 with sm_120 and Blackwell, and its details', async () => {
    const a = await api();
    await a.environment.refresh();
    const roots = a.environmentTree.getChildren();
    const rootLabels = await labels(roots);
    assert.equal(rootLabels[0], 'NVIDIA GeForce RTX 5080|sm_120 · Blackwell');
    assert.ok(rootLabels.some((l) => l.startsWith('CUDA toolkit|')));
    assert.ok(rootLabels.some((l) => l.startsWith('ONNX Runtime|onnxruntime-node ')));
    const details = await labels(a.environmentTree.getChildren(roots[0]));
    for (const expected of ['Index|0', 'Driver version|570.153.02', 'CUDA (driver supports)|12.8', 'Compute capability|12.0', 'SM|sm_120', 'Architecture|Blackwell']) {
      assert.ok(details.includes(expected), `${expected} not in ${details.join(', ')}`);
    }
    const onnx = roots.find((n) => n.kind === 'group' && n.id === 'onnx')!;
    const providers = await labels(a.environmentTree.getChildren(onnx));
    assert.ok(providers.includes('CPU|loads'), providers.join(', '));
    // A GPU is there: the CUDA provider's row says why in a few words (the loader's message is its child row).
    const cuda = providers.find((p) => p.startsWith('CUDA|'));
    assert.ok(cuda && /^CUDA\|(not installed|needs \S+|built for another machine|does not load)$/.test(cuda), providers.join(', '));
    const cudaNode = a.environmentTree.getChildren(onnx).find((n) => n.id === 'ort:cuda')!;
    assert.deepEqual((await labels(a.environmentTree.getChildren(cudaNode))).map((l) => l.split('|')[0]), ['Loader message']);
    // And the tree can reveal a node (getParent is consistent).
    assert.deepEqual(a.environmentTree.getParent(a.environmentTree.getChildren(roots[0])[0]!), roots[0]);
    // "Copy Value" on a row.
    const smRow = a.environmentTree.getChildren(roots[0]).find((n) => n.id === 'gpu:0:sm')!;
    await vscode.commands.executeCommand('aiLab.copyValue', smRow);
    assert.equal(await vscode.env.clipboard.readText(), 'SM: sm_120');
  });

  it('the status bar item shows the GPU with utilization and memory', async () => {
    const a = await api();
    await a.environment.pollNow();
    const text = await waitFor('status bar text', () => a.statusBar.item.text, (t) => t.includes('RTX 5080'));
    assert.equal(text, '$(circuit-board) RTX 5080 7% 1.2/15.9 GiB');
    assert.equal(a.statusBar.item.command, 'aiLab.revealEnvironment');
  });

  it('"Refresh Environment" and "Copy Environment Report" work as commands', async () => {
    await vscode.commands.executeCommand('aiLab.refreshEnvironment');
    const md = await vscode.commands.executeCommand<string>('aiLab.copyEnvironmentReport');
    assert.match(md, /## AI Lab environment report/);
    assert.match(md, /NVIDIA GeForce RTX 5080 .*\| 12\.0 \| sm_120 \| Blackwell \|/);
    assert.match(md, /- VS Code: 1\.\d+/);
    assert.equal(await vscode.env.clipboard.readText(), md);
  });

  it('two GPUs: a summary item, warning colour above 90 % memory, and Copy Fix on the diagnosis', async () => {
    const a = await api();
    await setSetting('nvidiaSmiPath', fakeSmi('two-gpus'));
    await a.environment.refresh();
    await a.environment.pollNow();
    assert.equal(a.statusBar.item.text, '$(circuit-board) 2 GPUs 55% 23.9/48.0 GiB');
    assert.deepEqual(a.statusBar.item.backgroundColor, new vscode.ThemeColor('statusBarItem.warningBackground'));
    const tooltip = a.statusBar.item.tooltip as vscode.MarkdownString;
    assert.match(tooltip.value, /NVIDIA GeForce RTX 4090 \(sm_89\) \| 98% \| 22\.9 \/ 24\.0 GiB/);
    const diagnoses = a.environmentTree.getChildren().find((n) => n.kind === 'group' && n.id === 'diagnoses')!;
    const memory = a.environmentTree.getChildren(diagnoses).find((n) => n.id === 'diag:memory-high-0')!;
    const item = a.environmentTree.getTreeItem(memory);
    assert.match(String(item.contextValue), /diagnosis;id:memory-high-0;warning;fix:command/);
    await vscode.commands.executeCommand('aiLab.copyFix', memory);
    assert.equal(await vscode.env.clipboard.readText(), 'nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv');
    await vscode.commands.executeCommand('aiLab.showLog');
    await setSetting('nvidiaSmiPath', fakeSmi('rtx5080'));
    await a.environment.refresh();
  });

  it('a driver that does not answer empties the tree for the welcome view, with the reason', async () => {
    const a = await api();
    const changed = new Promise<void>((r) => a.environment.onDidChange(() => r()));
    await setSetting('nvidiaSmiPath', fakeSmi('driver-failure'));
    await changed;
    await waitFor('gpuState', () => a.environment.gpuState, (s) => s === 'driver');
    assert.deepEqual(a.environmentTree.getChildren(), []);
    assert.match(a.environment.report?.errors[0] ?? '', /couldn't communicate with the NVIDIA driver/);
    assert.equal(a.environment.report?.diagnoses[0]?.id, 'driver-not-answering');
    await a.environment.pollNow();
    assert.equal(a.statusBar.item.text, '$(circuit-board) CPU (no NVIDIA GPU)');
    assert.doesNotMatch((a.statusBar.item.tooltip as vscode.MarkdownString).value, /cannot open shared object file|ELFCLASS/);
    // "Show CPU Environment" brings the rest of the tree back without a GPU.
    await vscode.commands.executeCommand('aiLab.showCpuEnvironment');
    const cpuRoots = await labels(a.environmentTree.getChildren());
    assert.equal(cpuRoots[0], 'CPU (no NVIDIA GPU)|models run on the CPU');
    assert.ok(cpuRoots.some((l) => l.startsWith('Diagnoses|')));
    a.environment.setShowWithoutGpu(false);
  });

  it('a GPU fallen off the bus: the others listed, the lost one as a row and a diagnosis, the status bar says so', async () => {
    const a = await api();
    await setSetting('nvidiaSmiPath', fakeSmi('gpu-lost-first'));
    await a.environment.refresh();
    await a.environment.pollNow();
    const rootLabels = await labels(a.environmentTree.getChildren());
    assert.deepEqual(rootLabels.slice(0, 3), ['NVIDIA A100-SXM4-80GB|sm_80 · Ampere', 'NVIDIA A100-SXM4-80GB|sm_80 · Ampere', 'GPU 0|does not answer (bus 0000:01:00.0): see Diagnoses']);
    const diagnoses = a.environmentTree.getChildren().find((n) => n.kind === 'group' && n.id === 'diagnoses')!;
    const lost = a.environmentTree.getChildren(diagnoses).find((n) => n.id === 'diag:gpu-lost-0')!;
    assert.equal(String(a.environmentTree.getTreeItem(lost).label), 'GPU 0 (bus 0000:01:00.0) does not answer');
    assert.match(String(a.environmentTree.getTreeItem(a.environmentTree.getChildren(lost)[0]!).description), /fallen off the PCIe bus/);
    assert.ok(!a.environment.report?.diagnoses.some((d) => d.id === 'driver-not-answering'));
    assert.equal(a.statusBar.item.text, '$(circuit-board) 2 GPUs 0% 0.0/160.0 GiB · 1 lost');
    assert.deepEqual(a.statusBar.item.backgroundColor, new vscode.ThemeColor('statusBarItem.warningBackground'));
    assert.match((a.statusBar.item.tooltip as vscode.MarkdownString).value, /GPU 0 \(bus 0000:01:00\.0\) does not answer/);
    // The only GPU lost: the welcome view's "lost" state, a warning item.
    await setSetting('nvidiaSmiPath', fakeSmi('gpu-lost-only'));
    await a.environment.refresh();
    await a.environment.pollNow();
    assert.equal(a.environment.gpuState, 'lost');
    assert.deepEqual(a.environmentTree.getChildren(), []);
    assert.equal(a.statusBar.item.text, '$(warning) GPU lost');
    await setSetting('nvidiaSmiPath', fakeSmi('rtx5080'));
    await a.environment.refresh();
  });

  it('an nvidia-smi that hangs turns the status bar to unknown within the timeout', async () => {
    const a = await api();
    await setSetting('nvidiaSmiTimeoutSeconds', 1);
    await setSetting('nvidiaSmiPath', fakeSmi('hang'));
    const started = Date.now();
    const p = await a.environment.pollNow();
    assert.equal(p.failure?.kind, 'timeout');
    assert.ok(Date.now() - started < 5000);
    assert.equal(a.statusBar.item.text, '$(question) GPU ?');
    await setSetting('nvidiaSmiPath', fakeSmi('rtx5080'));
    await setSetting('nvidiaSmiTimeoutSeconds', undefined);
    await a.environment.refresh();
    await a.environment.pollNow();
    assert.match(a.statusBar.item.text, /RTX 5080/);
  });
});
