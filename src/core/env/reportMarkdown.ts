import { setting } from '../surface/names';
import { architectureLabel, memoryLabel, orNA } from './format';
import { lostGpuLabel } from './nvidiaSmiParse';
import type { EnvironmentReport } from './types';

const ICON = { error: '❌', warning: '⚠️', info: 'ℹ️' } as const;

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A Markdown report ready to paste into a bug report. */
export function reportToMarkdown(r: EnvironmentReport, extra: Record<string, string> = {}): string {
  const lines: string[] = ['## AI Lab environment report', ''];
  lines.push(`- Generated: ${r.generatedAt}`);
  lines.push(`- OS: ${r.platform.os} ${r.platform.release} (${r.platform.arch})${r.wsl ? ', WSL' : ''}`);
  lines.push(`- Node: ${r.platform.node}`);
  for (const [k, v] of Object.entries(extra)) lines.push(`- ${k}: ${v}`);
  lines.push(`- nvidia-smi: ${r.nvidiaSmi.path ?? 'not found'}${r.nvidiaSmi.source ? ` (from ${r.nvidiaSmi.source === 'setting' ? setting('aiLab.nvidiaSmiPath') : r.nvidiaSmi.source})` : ''}`);
  lines.push(`- CUDA toolkit: ${r.cudaToolkit ? `${r.cudaToolkit.version} (${r.cudaToolkit.path})` : 'not found'}`);
  lines.push('', '### GPUs', '');
  if (!r.gpus.length) {
    lines.push(`No NVIDIA GPU: ${r.nvidiaSmi.failure?.message ?? 'none reported'}`);
  } else {
    lines.push('| # | Name | Driver | CUDA (driver) | Memory | Util | Temp | CC | SM | Architecture |');
    lines.push('|---|---|---|---|---|---|---|---|---|---|');
    for (const g of r.gpus) {
      lines.push(
        `| ${orNA(g.index)} | ${cell(g.name)} | ${orNA(g.driverVersion)} | ${orNA(g.cudaDriverVersion)} | ${memoryLabel(g)} | ${orNA(g.utilizationPct, ' %')} | ${orNA(g.temperatureC, ' °C')} | ${orNA(g.computeCapability)} | ${orNA(g.sm)} | ${cell(architectureLabel(g))} |`,
      );
    }
  }
  for (const g of r.lostGpus ?? []) lines.push('', `- ⚠️ ${lostGpuLabel(g)} does not answer (nvidia-smi: ${g.message})`);
  lines.push('', '### ONNX Runtime', '');
  if (!r.onnxRuntime.providers.length) {
    lines.push('Not probed.');
  } else {
    lines.push(`onnxruntime-node ${r.onnxRuntime.version ?? 'not installed'}`, '');
    lines.push('| Provider | Loads | Reason |', '|---|---|---|');
    for (const p of r.onnxRuntime.providers) lines.push(`| ${p.name} | ${p.loadable ? 'yes' : 'no'} | ${cell(p.reason ?? '')} |`);
  }
  if (r.python) {
    lines.push('', '### Python environments', '');
    if (!r.python.length) lines.push('None found.');
    else {
      lines.push('| Interpreter | venv | Python | pip / setuptools / wheel | torch | torchvision / torchaudio | CUDA build | cuda available | archs |');
      lines.push('|---|---|---|---|---|---|---|---|---|');
      for (const p of r.python) {
        const k = p.packages;
        lines.push(
          `| ${cell(p.path)} | ${p.venv ? 'yes' : 'no'} | ${orNA(p.version)} | ${[k.pip, k.setuptools, k.wheel].map((v) => v ?? '–').join(' / ')} | ${k.torch ?? '–'} | ${k.torchvision ?? '–'} / ${k.torchaudio ?? '–'} | ${p.torch?.cuda ?? '–'} | ${p.torch ? (p.torch.cudaAvailable ? 'yes' : 'no') : '–'} | ${p.torch?.archList.join(' ') ?? '–'} |`,
        );
      }
    }
  }
  lines.push('', '### Diagnoses', '');
  if (!r.diagnoses.length) lines.push('None.');
  for (const d of r.diagnoses) {
    lines.push(`- ${ICON[d.severity]} **${d.severity}**: ${d.message}${d.fix ? `\n  - Fix: \`${d.fix}\`` : ''}${d.detail ? `\n  - Detail: ${d.detail}` : ''}`);
  }
  if (r.errors.length) {
    lines.push('', '### Errors', '');
    for (const e of r.errors) lines.push(`- ${e}`);
  }
  return lines.join('\n') + '\n';
}
