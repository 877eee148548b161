import { gib, shortGpuName } from './format';
import type { GpuProbe } from './types';

export interface StatusSummary {
  state: 'gpu' | 'cpu' | 'unknown';
  /** Status bar text without the icon. */
  text: string;
  /** Any GPU above 90 % memory. */
  memoryWarning: boolean;
  /** Markdown lines for the tooltip. */
  tooltip: string[];
}

const HIGH_MEMORY = 0.9;

function pct(v: number | null): string {
  return v === null ? '–' : `${v}%`;
}

/** What the status bar shows for one probe: one GPU, a summary for several, CPU, or unknown. */
export function summarizeForStatusBar(probe: GpuProbe): StatusSummary {
  const f = probe.failure;
  if (f?.kind === 'timeout') {
    return { state: 'unknown', text: 'GPU ?', memoryWarning: false, tooltip: [`**GPU state unknown**`, '', f.message] };
  }
  if (!probe.gpus.length) {
    return {
      state: 'cpu',
      text: 'CPU',
      memoryWarning: false,
      tooltip: ['**No NVIDIA GPU**: models run on the CPU.', '', f?.message ?? ''],
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
  if (gpus.length === 1) {
    const g = gpus[0]!;
    return { state: 'gpu', text: `${shortGpuName(g.name)} ${pct(g.utilizationPct)}${memText}`, memoryWarning, tooltip };
  }
  const utils = gpus.map((g) => g.utilizationPct).filter((u): u is number => u !== null);
  const avg = utils.length ? Math.round(utils.reduce((a, b) => a + b, 0) / utils.length) : null;
  return { state: 'gpu', text: `${gpus.length} GPUs ${pct(avg)}${memText}`, memoryWarning, tooltip };
}
