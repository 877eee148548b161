import { gib, shortGpuName } from './format';
import { lostGpuLabel } from './nvidiaSmiParse';
import type { GpuProbe } from './types';

export interface StatusSummary {
  /** 'lost': nvidia-smi knows GPUs but none answers. */
  state: 'gpu' | 'cpu' | 'unknown' | 'lost';
  /** Status bar text without the icon. */
  text: string;
  /** Any GPU above 90 % memory. */
  memoryWarning: boolean;
  /** GPUs nvidia-smi names but cannot reach (the status bar shows a warning colour). */
  lostGpus: number;
  /** Markdown lines for the tooltip. */
  tooltip: string[];
}

const HIGH_MEMORY = 0.9;

/** What the status bar, the Environment view and its welcome say when there is no NVIDIA GPU. */
export const NO_GPU_LABEL = 'CPU (no NVIDIA GPU)';

function pct(v: number | null): string {
  return v === null ? '–' : `${v}%`;
}

/** What the status bar shows for one probe: one GPU, a summary for several, CPU, or unknown. */
export function summarizeForStatusBar(probe: GpuProbe): StatusSummary {
  const f = probe.failure;
  if (f?.kind === 'timeout') {
    return { state: 'unknown', text: 'GPU ?', memoryWarning: false, lostGpus: 0, tooltip: [`**GPU state unknown**`, '', f.message] };
  }
  const lost = probe.lostGpus ?? [];
  const lostLines = lost.map((g) => `$(warning) **${lostGpuLabel(g)} does not answer** (fallen off the bus?): see Diagnoses in the Environment view.`);
  if (!probe.gpus.length && lost.length) {
    return {
      state: 'lost',
      text: lost.length === 1 ? 'GPU lost' : `${lost.length} GPUs lost`,
      memoryWarning: false,
      lostGpus: lost.length,
      tooltip: [...lostLines, '', 'Models run on the CPU.'],
    };
  }
  if (!probe.gpus.length) {
    // One plain line first; nvidia-smi's own words (paths it looked in, the driver's message) go last, as a detail.
    const why = !f || f.kind === 'missing' ? 'nvidia-smi is not installed, so there is no NVIDIA driver to use.' : 'nvidia-smi found no GPU it can use.';
    return {
      state: 'cpu',
      text: NO_GPU_LABEL,
      memoryWarning: false,
      lostGpus: 0,
      tooltip: [`**${NO_GPU_LABEL}**: models run on the CPU. ${why}`, ...(f?.message ? ['', `_nvidia-smi: ${f.message.replace(/[\\`*_[\]]/g, '\\$&')}_`] : [])],
    };
  }
  const gpus = probe.gpus;
  const memoryWarning = gpus.some((g) => g.memoryTotalMiB && g.memoryUsedMiB !== null && g.memoryUsedMiB / g.memoryTotalMiB > HIGH_MEMORY);
  const tooltip = ['| GPU | Util | Memory | Temp |', '|---|---:|---:|---:|'];
  for (const g of gpus) {
    const mem = g.memoryUsedMiB !== null && g.memoryTotalMiB !== null ? `${gib(g.memoryUsedMiB)} / ${gib(g.memoryTotalMiB)} GiB` : '–';
    tooltip.push(`| ${g.index ?? ''} ${g.name}${g.sm ? ` (${g.sm})` : ''} | ${pct(g.utilizationPct)} | ${mem} | ${g.temperatureC === null ? '–' : `${g.temperatureC} °C`} |`);
  }
  const used = gpus.reduce((s, g) => s + (g.memoryUsedMiB ?? 0), 0);
  const total = gpus.reduce((s, g) => s + (g.memoryTotalMiB ?? 0), 0);
  const memText = total ? ` ${gib(used)}/${gib(total)} GiB` : '';
  const lostText = lost.length ? ` · ${lost.length} lost` : '';
  if (lost.length) tooltip.push('', ...lostLines);
  if (gpus.length === 1) {
    const g = gpus[0]!;
    return { state: 'gpu', text: `${shortGpuName(g.name)} ${pct(g.utilizationPct)}${memText}${lostText}`, memoryWarning, lostGpus: lost.length, tooltip };
  }
  const utils = gpus.map((g) => g.utilizationPct).filter((u): u is number => u !== null);
  const avg = utils.length ? Math.round(utils.reduce((a, b) => a + b, 0) / utils.length) : null;
  return { state: 'gpu', text: `${gpus.length} GPUs ${pct(avg)}${memText}${lostText}`, memoryWarning, lostGpus: lost.length, tooltip };
}
