import * as vscode from 'vscode';
import { architectureLabel, memoryLabel, orNA } from '../../core/env/format';
import { describeDevice } from '../../core/inference/device';
import { readConfig } from '../config';
import type { Diagnosis, EnvironmentReport, GpuInfo, ProviderStatus } from '../../core/env/types';
import type { PythonEnv } from '../../core/python/types';
import type { EnvironmentService } from '../environmentService';
import type { WorkspaceSettingsGuard } from '../workspaceTrust';
import { settingValueText, type SettingOrigin } from '../../core/settings/guarded';
import { summarizeProvider } from '../../core/env/providerSummary';
import { NO_GPU_LABEL } from '../../core/env/statusSummary';
import { pythonName } from '../../core/python/pythonName';

export type EnvNode =
  | { kind: 'gpu'; id: string; gpu: GpuInfo }
  | { kind: 'value'; id: string; label: string; value: string; tooltip?: string; icon?: string }
  | { kind: 'group'; id: GroupId }
  | { kind: 'python'; id: string; env: PythonEnv }
  | { kind: 'provider'; id: string; provider: ProviderStatus }
  /** A finding: a short title; `part` rows under it hold its explanation, details and fix. */
  | { kind: 'diagnosis'; id: string; diagnosis: Diagnosis; part?: 'why' | 'detail' | 'fix' };

type GroupId = 'system' | 'onnx' | 'diagnoses' | 'python' | 'trust';

/** How the view names a setting's origin. */
const ORIGIN_LABEL: Record<SettingOrigin, string> = { default: 'default', user: 'user settings', workspace: 'workspace settings', workspaceFolder: 'folder settings' };

const SEVERITY_ICON = {
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  info: new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground')),
};

function value(id: string, label: string, v: string, extra: Partial<Extract<EnvNode, { kind: 'value' }>> = {}): EnvNode {
  return { kind: 'value', id, label, value: v, ...extra };
}

export function isLink(fix: string): boolean {
  return /^https?:\/\//.test(fix);
}

/** The Environment view: GPUs, CUDA toolkit, system, ONNX Runtime providers, diagnoses. */
export class EnvironmentTreeProvider implements vscode.TreeDataProvider<EnvNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<EnvNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly env: EnvironmentService,
    private readonly guard: WorkspaceSettingsGuard,
    private readonly onFirstShow: () => void,
  ) {
    this.subs = [env.onDidChange(() => this.changed.fire(undefined)), guard.onDidChange(() => this.changed.fire(undefined))];
  }

  getChildren(node?: EnvNode): EnvNode[] {
    const r = this.env.report;
    if (!r) {
      // First look at the view: probe now; the welcome view says "Probing…" meanwhile.
      this.onFirstShow();
      return [];
    }
    if (!node) return this.roots(r);
    switch (node.kind) {
      case 'gpu':
        return this.gpuChildren(node.gpu);
      case 'group':
        return this.groupChildren(node.id, r);
      case 'python':
        return this.pythonChildren(node.env);
      case 'provider':
        // The loader's own message, for whoever wants it: a row of its own, never the row's text.
        return node.provider.reason ? [value(`${node.id}:reason`, 'Loader message', node.provider.reason, { icon: 'output' })] : [];
      case 'diagnosis':
        return node.part ? [] : diagnosisParts(node.diagnosis);
      default:
        return [];
    }
  }

  private roots(r: EnvironmentReport): EnvNode[] {
    if (!r.gpus.length && !this.env.showingWithoutGpu) return []; // The welcome view explains why.
    const nodes: EnvNode[] = r.gpus.map((g) => ({ kind: 'gpu', id: `gpu:${g.index}`, gpu: g }));
    if (!r.gpus.length && !(r.lostGpus ?? []).length) {
      nodes.push(value('nogpu', NO_GPU_LABEL, 'models run on the CPU', { icon: 'info', tooltip: `${NO_GPU_LABEL}: AI Lab runs models on the CPU. See Diagnoses for why no GPU was found.` }));
    }
    // A GPU nvidia-smi names but cannot reach: one row each, next to the ones that answer.
    for (const g of r.lostGpus ?? []) {
      nodes.push(
        value(`lost:${g.busId ?? g.index ?? g.message}`, g.index !== null ? `GPU ${g.index}` : 'GPU', `does not answer${g.busId ? ` (bus ${g.busId})` : ''}: see Diagnoses`, {
          icon: 'error',
          tooltip: `nvidia-smi: ${g.message}`,
        }),
      );
    }
    nodes.push(
      value('toolkit', 'CUDA toolkit', r.cudaToolkit ? r.cudaToolkit.version : 'not found', {
        icon: 'tools',
        tooltip: r.cudaToolkit ? `nvcc ${r.cudaToolkit.version} at ${r.cudaToolkit.path}` : 'No nvcc on PATH, in CUDA_HOME/CUDA_PATH, or /usr/local/cuda/bin',
      }),
    );
    nodes.push({ kind: 'group', id: 'system' }, { kind: 'group', id: 'onnx' }, { kind: 'group', id: 'python' }, { kind: 'group', id: 'diagnoses' });
    // Workspace Trust first: always in Restricted Mode (it explains what is missing), else when the
    // workspace's settings name something (so a user sees what runs on a repository's say-so).
    if (!this.guard.trusted || this.guard.verdicts.length) nodes.unshift({ kind: 'group', id: 'trust' });
    return nodes;
  }

  /** What the workspace's settings asked for and what AI Lab did with it; in Restricted Mode, what was not run. */
  private trustChildren(): EnvNode[] {
    const verdictText = { ignored: 'ignored: user settings only', skipped: 'not used (Restricted Mode)', applied: 'in use (from the workspace)', unused: 'not used: folder settings' };
    const verdictIcon = { ignored: 'circle-slash', skipped: 'shield', applied: 'workspace-trusted', unused: 'circle-slash' };
    // The index keeps ids apart when two folders (of the same name) set the same key.
    const rows: EnvNode[] = this.guard.verdicts.map((v, i) =>
      value(`trust:${i}:${v.key}`, `aiLab.${v.key}`, `${settingValueText(v.value)} — ${verdictText[v.verdict]}`, { icon: verdictIcon[v.verdict], tooltip: `${v.file}: ${v.reason}.` }),
    );
    for (const p of this.env.workspacePythonsNotRun()) {
      rows.push(value(`trust:py:${p}`, 'Python interpreter', `${p} — not run (Restricted Mode)`, { icon: 'shield', tooltip: 'Restricted Mode: AI Lab does not run interpreters inside an untrusted workspace, nor load the CUDA libraries in its environments.' }));
    }
    if (!rows.length) rows.push(value('trust:none', 'Restricted Mode', 'nothing in this workspace asked to run', { icon: 'shield' }));
    return rows;
  }

  private gpuChildren(g: GpuInfo): EnvNode[] {
    const p = `gpu:${g.index}:`;
    return [
      value(`${p}index`, 'Index', orNA(g.index)),
      value(`${p}driver`, 'Driver version', orNA(g.driverVersion)),
      value(`${p}cuda`, 'CUDA (driver supports)', orNA(g.cudaDriverVersion)),
      value(`${p}memory`, 'Memory used / total', memoryLabel(g)),
      value(`${p}util`, 'Utilization', orNA(g.utilizationPct, ' %')),
      value(`${p}temp`, 'Temperature', orNA(g.temperatureC, ' °C')),
      value(`${p}cc`, 'Compute capability', orNA(g.computeCapability)),
      value(`${p}sm`, 'SM', orNA(g.sm)),
      value(`${p}arch`, 'Architecture', architectureLabel(g)),
    ];
  }

  private pythonChildren(e: PythonEnv): EnvNode[] {
    const p = `py:${e.path}:`;
    const k = e.packages;
    const t = e.torch;
    const rows: EnvNode[] = [
      value(`${p}version`, 'Python', e.version ?? 'does not run'),
      value(`${p}venv`, 'Virtual environment', e.venv ? 'yes' : 'no (system interpreter)'),
      value(`${p}tools`, 'pip / setuptools / wheel', [k.pip, k.setuptools, k.wheel].map((v) => v ?? 'missing').join(' / ')),
      value(`${p}torch`, 'torch', k.torch ?? 'not installed'),
      value(`${p}companions`, 'torchvision / torchaudio', `${k.torchvision ?? '–'} / ${k.torchaudio ?? '–'}`),
    ];
    if (t) {
      rows.push(
        value(`${p}cuda`, 'torch.version.cuda', t.cuda ?? 'None (CPU-only build)'),
        value(`${p}available`, 'torch.cuda.is_available()', t.cudaAvailable ? 'True' : 'False'),
        value(`${p}archs`, 'Arch list', t.archList.join(' ') || '(empty)'),
        value(`${p}device`, 'Device', t.deviceName ? `${t.deviceName} (${t.capability})` : '–'),
        value(`${p}cudnn`, 'cuDNN', t.cudnn === null ? '–' : String(t.cudnn)),
      );
    }
    if (e.nvidia.length) rows.push(value(`${p}nvidia`, 'nvidia-* wheels', e.nvidia.join(', ')));
    const smoke = this.env.smokeVerdicts.get(e.path);
    if (smoke) rows.push(value(`${p}smoke`, 'GPU smoke test', smoke.summary, { icon: smoke.passed ? 'pass' : 'error' }));
    for (const [i, err] of e.errors.entries()) rows.push(value(`${p}error${i}`, 'Error', err, { icon: 'error' }));
    return rows;
  }

  private groupChildren(id: GroupId, r: EnvironmentReport): EnvNode[] {
    if (id === 'trust') return this.trustChildren();
    if (id === 'python') {
      if (!r.python) return [value('py:none', 'Checking…', '', { icon: 'loading~spin' })];
      if (!r.python.length) return [value('py:none', 'No Python interpreter found', 'add one in aiLab.pythonPaths', { icon: 'info' })];
      return r.python.map((env) => ({ kind: 'python', id: `py:${env.path}`, env }));
    }
    if (id === 'system') {
      // A path from a setting says which settings (a workspace's shows as such, even when trusted).
      const source = r.nvidiaSmi.source === 'setting' ? `aiLab.nvidiaSmiPath, ${ORIGIN_LABEL[readConfig().origins.nvidiaSmiPath]}` : r.nvidiaSmi.source;
      const smi = r.nvidiaSmi.path ? `${r.nvidiaSmi.path}${source ? ` (${source})` : ''}` : 'not found';
      return [
        value('sys:os', 'OS', `${r.platform.os} ${r.platform.release} (${r.platform.arch})`),
        value('sys:wsl', 'WSL', r.wsl ? 'yes' : 'no'),
        value('sys:smi', 'nvidia-smi', smi, { tooltip: r.nvidiaSmi.failure?.message }),
        value('sys:node', 'Extension host Node', r.platform.node),
      ];
    }
    if (id === 'onnx') {
      const d = describeDevice(readConfig().device, r.onnxRuntime, r.gpus.length > 0);
      return [
        value('ort:device', 'Inference device', d.label === NO_GPU_LABEL ? d.label : `${d.label}: ${d.reason}`, {
          icon: 'rocket',
          tooltip: `Models run on ${d.label} (aiLab.device = ${readConfig().device}): ${d.reason}.${d.offerEnableCuda ? ' Run "AI Lab: Enable CUDA Acceleration" to install the CUDA provider.' : ''}`,
        }),
        ...r.onnxRuntime.providers.map((p): EnvNode => ({ kind: 'provider', id: `ort:${p.name}`, provider: p })),
      ];
    }
    if (!r.diagnoses.length) return [value('diag:none', 'No problems found', '', { icon: 'pass' })];
    return r.diagnoses.map((d) => ({ kind: 'diagnosis', id: `diag:${d.id}`, diagnosis: d }));
  }

  getTreeItem(node: EnvNode): vscode.TreeItem {
    const r = this.env.report;
    switch (node.kind) {
      case 'gpu': {
        const g = node.gpu;
        const item = new vscode.TreeItem(g.name, vscode.TreeItemCollapsibleState.Expanded);
        item.description = [g.sm, g.architecture === 'unknown' ? `unknown (${g.computeCapability})` : g.architecture].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon('circuit-board');
        item.contextValue = 'gpu';
        item.tooltip = `${g.name}\n${architectureLabel(g)} (${orNA(g.sm)})\nDriver ${orNA(g.driverVersion)}, CUDA ${orNA(g.cudaDriverVersion)}`;
        return withId(item, node.id);
      }
      case 'value': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.description = node.value;
        item.tooltip = node.tooltip ?? `${node.label}: ${node.value}`;
        if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = node.value ? 'value' : 'empty';
        return withId(item, node.id);
      }
      case 'group': {
        const labels = { system: 'System', onnx: 'ONNX Runtime', diagnoses: 'Diagnoses', python: 'Python', trust: 'Workspace Trust' };
        const item = new vscode.TreeItem(labels[node.id], vscode.TreeItemCollapsibleState.Expanded);
        if (node.id === 'trust') {
          const t = this.guard.trusted;
          item.iconPath = new vscode.ThemeIcon(t ? 'workspace-trusted' : 'workspace-untrusted');
          item.description = t ? 'trusted: runs what the workspace names' : 'Restricted Mode';
          item.tooltip = t
            ? 'This workspace is trusted: AI Lab runs the programs and loads the libraries its settings name (listed here).'
            : 'Restricted Mode: AI Lab shows the GPU through the system nvidia-smi, browses the Hub with your user settings and reads PDFs, but runs no interpreter in this workspace and no program or library its settings name.';
          item.contextValue = t ? 'trust;trusted' : 'trust;restricted';
        } else if (node.id === 'python') {
          item.iconPath = new vscode.ThemeIcon('symbol-namespace');
          item.description = r?.python ? `${r.python.length} interpreter${r.python.length === 1 ? '' : 's'}` : 'checking…';
        } else if (node.id === 'system') {
          item.iconPath = new vscode.ThemeIcon('device-desktop');
          item.description = r?.wsl ? 'WSL' : r?.platform.os;
        } else if (node.id === 'onnx') {
          item.iconPath = new vscode.ThemeIcon('symbol-event');
          item.description = r?.onnxRuntime.version ? `onnxruntime-node ${r.onnxRuntime.version}` : 'not installed';
        } else {
          const n = r?.diagnoses.length ?? 0;
          item.iconPath = new vscode.ThemeIcon(r?.diagnoses.some((d) => d.severity !== 'info') ? 'warning' : 'checklist');
          item.description = n ? `${n} finding${n > 1 ? 's' : ''}` : 'none';
        }
        item.tooltip ??= `${labels[node.id]}${item.description ? `: ${String(item.description)}` : ''}`;
        return withId(item, node.id);
      }
      case 'python': {
        const e = node.env;
        const item = new vscode.TreeItem(pythonName(e.path), vscode.TreeItemCollapsibleState.Collapsed);
        const torch = e.packages.torch ? `torch ${e.packages.torch}${e.torch ? (e.torch.cudaAvailable ? ' · CUDA ok' : ' · no CUDA') : ''}` : 'no torch';
        item.description = `${e.version ? `Python ${e.version}` : 'broken'} · ${torch}${e.venv ? '' : ' · not a venv'}`;
        item.tooltip = `${e.path}\nfound via ${e.source}`;
        item.iconPath = new vscode.ThemeIcon(e.version ? (e.venv ? 'package' : 'terminal') : 'error');
        item.contextValue = 'python';
        return withId(item, node.id);
      }
      case 'provider': {
        const p = node.provider;
        const hasGpu = (r?.gpus.length ?? 0) > 0;
        const sum = summarizeProvider(p, hasGpu);
        const item = new vscode.TreeItem(p.name.toUpperCase(), p.reason && !p.loadable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.description = sum.short;
        item.iconPath = new vscode.ThemeIcon(p.loadable ? 'pass' : sum.cause === 'no-gpu' ? 'circle-large-outline' : 'circle-slash');
        const offer = p.name === 'cuda' && hasGpu && sum.cause === 'not-installed';
        item.tooltip = new vscode.MarkdownString(
          `**${p.name}** execution provider ${p.loadable ? 'created a session and ran a test model here.' : `does not load here: ${sum.short}.`}` +
            (offer ? ' Run "AI Lab: Enable CUDA Acceleration" to install it.' : '') +
            (p.reason && !p.loadable ? ' Expand the row for the loader\'s message.' : '') +
            (p.listed ? '\n\n(onnxruntime-node lists it, which does not mean it loads.)' : ''),
        );
        item.contextValue = p.loadable ? 'provider;loads' : `provider;fails;value${offer ? ';enableCuda' : ''}`;
        return withId(item, node.id);
      }
      case 'diagnosis': {
        const d = node.diagnosis;
        if (node.part) return withId(diagnosisPartItem(d, node.part), node.id);
        const item = new vscode.TreeItem(d.title, vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = SEVERITY_ICON[d.severity];
        item.description = d.severity === 'info' ? '' : d.severity;
        const md = new vscode.MarkdownString(`**${d.severity}**: ${d.message}`);
        if (d.detail) md.appendMarkdown(`\n\n${d.detail}`);
        if (d.fix && isLink(d.fix)) md.appendMarkdown(`\n\nFix: [${d.fix}](${d.fix})`);
        else if (d.fix) md.appendMarkdown('\n\nFix:').appendCodeblock(d.fix, 'sh');
        item.tooltip = md;
        item.contextValue = `diagnosis;id:${d.id};${d.severity}${d.fix ? (isLink(d.fix) ? ';fix:link' : ';fix:command') : ''}${offersEnableCuda(d) ? ';enableCuda' : ''}`;
        return withId(item, node.id);
      }
    }
  }

  /** For reveal(): every node's parent. */
  refresh(): void {
    this.changed.fire(undefined);
  }

  getParent(node: EnvNode): EnvNode | undefined {
    if (node.kind === 'value' && node.id.startsWith('gpu:')) {
      const g = this.env.report?.gpus.find((x) => node.id.startsWith(`gpu:${x.index}:`));
      return g ? { kind: 'gpu', id: `gpu:${g.index}`, gpu: g } : undefined;
    }
    if (node.kind === 'value' && node.id.startsWith('sys:')) return { kind: 'group', id: 'system' };
    if (node.kind === 'value' && node.id.startsWith('ort:') && node.id.endsWith(':reason')) {
      const p = this.env.report?.onnxRuntime.providers.find((x) => node.id === `ort:${x.name}:reason`);
      return p ? { kind: 'provider', id: `ort:${p.name}`, provider: p } : undefined;
    }
    if (node.kind === 'diagnosis' && node.part) return { kind: 'diagnosis', id: `diag:${node.diagnosis.id}`, diagnosis: node.diagnosis };
    if (node.kind === 'provider' || node.id === 'ort:device') return { kind: 'group', id: 'onnx' };
    if (node.kind === 'python' || node.id === 'py:none') return { kind: 'group', id: 'python' };
    if (node.kind === 'value' && node.id.startsWith('py:')) {
      const env = this.env.report?.python?.find((e) => node.id.startsWith(`py:${e.path}:`));
      return env ? { kind: 'python', id: `py:${env.path}`, env } : undefined;
    }
    if (node.kind === 'diagnosis' || node.id === 'diag:none') return { kind: 'group', id: 'diagnoses' };
    if (node.id.startsWith('trust:')) return { kind: 'group', id: 'trust' };
    return undefined;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}

function withId(item: vscode.TreeItem, id: string): vscode.TreeItem {
  item.id = id;
  return item;
}

/** The rows under a finding: what it means, the details, and the fix (Copy Fix / Open Link work on it too). */
export function diagnosisParts(d: Diagnosis): EnvNode[] {
  const id = `diag:${d.id}`;
  const parts: EnvNode[] = [{ kind: 'diagnosis', id: `${id}:why`, diagnosis: d, part: 'why' }];
  if (d.detail) parts.push({ kind: 'diagnosis', id: `${id}:detail`, diagnosis: d, part: 'detail' });
  if (d.fix) parts.push({ kind: 'diagnosis', id: `${id}:fix`, diagnosis: d, part: 'fix' });
  return parts;
}

/** The CUDA provider is missing (not a library it needs): "Enable CUDA Acceleration" is the fix. */
function offersEnableCuda(d: Diagnosis): boolean {
  return d.id === 'ort-cuda-not-loadable' && /not installed/.test(d.title);
}

function diagnosisPartItem(d: Diagnosis, part: 'why' | 'detail' | 'fix'): vscode.TreeItem {
  const label = { why: 'What it means', detail: 'Details', fix: d.fix && isLink(d.fix) ? 'Read' : 'Fix' }[part];
  const text = part === 'why' ? d.message : part === 'detail' ? (d.detail ?? '') : (d.fix ?? '');
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.description = text;
  item.tooltip = text;
  item.iconPath = new vscode.ThemeIcon({ why: 'info', detail: 'output', fix: d.fix && isLink(d.fix) ? 'link-external' : 'terminal' }[part]);
  if (part === 'fix' && d.fix) item.contextValue = `diagnosisFix;${isLink(d.fix) ? 'fix:link' : 'fix:command'}${offersEnableCuda(d) ? ';enableCuda' : ''}`;
  return item;
}
