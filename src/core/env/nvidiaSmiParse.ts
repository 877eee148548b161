/** Parsers for what nvidia-smi prints, as it varies between drivers and when a GPU misbehaves. */
import { architectureFor } from './architecture';
import type { GpuInfo, LostGpu } from './types';

export const BASE_FIELDS = ['index', 'name', 'driver_version', 'memory.total', 'memory.used', 'utilization.gpu', 'temperature.gpu'];
export const QUERY_FIELDS = [...BASE_FIELDS, 'compute_cap'];

/**
 * nvidia-smi writes a field it cannot read as "[N/A]", "N/A", "[Not Supported]", "[Unknown Error]",
 * "[GPU requires reset]"…: anything in square brackets is a placeholder, never a value.
 */
function field(raw: string | undefined): string | null {
  const v = (raw ?? '').trim();
  if (!v || /^\[.*\]$/.test(v) || /^(n\/a|not supported|unknown error|insufficient permissions)$/i.test(v)) return null;
  return v;
}

function num(raw: string | undefined): number | null {
  const v = field(raw);
  if (v === null) return null;
  const n = Number(v.replace(/\s*(MiB|%|C|W)$/i, ''));
  return Number.isFinite(n) ? n : null;
}

/** A PCI bus id as nvidia-smi prints it: 0000:0B:00.0 or 00000000:0B:00.0. */
const BUS_ID = /([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-9A-Fa-f])/;
/**
 * A GPU nvidia-smi knows but cannot reach, one line each, while the others still answer:
 * "Unable to determine the device handle for GPU1: 0000:0B:00.0: Unknown Error" (new drivers),
 * "… for GPU 0000:0B:00.0: GPU is lost.  Reboot the system to recover this GPU" (older ones).
 */
const LOST_LINE = /unable to determine the device handle for gpu|\bgpu is lost\b|fallen off the bus/i;

/** The GPUs named as unreachable in nvidia-smi's output, once each (by bus id, else index). */
export function parseLostGpus(text: string): LostGpu[] {
  const out: LostGpu[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!LOST_LINE.test(line)) continue;
    const busId = BUS_ID.exec(line)?.[1] ?? null;
    // The index is the number right after "GPU" (GPU1:, GPU 1:), never the bus id's first group.
    const rest = busId ? line.replace(busId, ' ') : line;
    const idx = /\bgpu\s*(\d{1,3})\s*:/i.exec(rest)?.[1];
    const index = idx === undefined ? null : Number(idx);
    const key = busId?.toLowerCase() ?? `#${index ?? line}`;
    if (out.some((g) => (g.busId?.toLowerCase() ?? `#${g.index ?? g.message}`) === key)) continue;
    out.push({ index, busId, message: line });
  }
  return out;
}

/** "GPU 1 (bus 0000:0B:00.0)", or as much of it as nvidia-smi said. */
export function lostGpuLabel(g: LostGpu): string {
  if (g.index !== null && g.busId) return `GPU ${g.index} (bus ${g.busId})`;
  if (g.index !== null) return `GPU ${g.index}`;
  if (g.busId) return `the GPU at bus ${g.busId}`;
  return 'a GPU';
}

export interface QueryParse {
  gpus: GpuInfo[];
  /** Lines that looked like data rows but could not be read safely (too few columns…), kept to report. */
  skipped: string[];
}

/**
 * Parses `--query-gpu` CSV (noheader, nounits) in QUERY_FIELDS order. `fieldCount` is how many fields
 * were asked for (7 without compute_cap, 8 with); unknown, a row of 7 or 8 is taken as it comes.
 * A row with fewer columns is skipped (values would land in the wrong fields); with more, the extra
 * commas are taken to be in the name, the only free-text field. Lines that are not rows (warnings,
 * lost-GPU messages) are ignored.
 */
export function parseQueryOutput(csv: string, cudaDriverVersion: string | null = null, fieldCount?: number): QueryParse {
  const gpus: GpuInfo[] = [];
  const skipped: string[] = [];
  for (const raw of csv.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || LOST_LINE.test(line)) continue;
    const cols = line.split(',');
    const first = cols[0]?.trim() ?? '';
    // A data row starts with the GPU's index (or a placeholder for it).
    const looksLikeRow = /^\d+$/.test(first) || (field(first) === null && cols.length > 1);
    if (!looksLikeRow) continue;
    const n = fieldCount ?? (cols.length === BASE_FIELDS.length ? BASE_FIELDS.length : QUERY_FIELDS.length);
    if (cols.length < n) {
      skipped.push(line);
      continue;
    }
    const extra = cols.length - n;
    const c = [cols[0], cols.slice(1, 2 + extra).join(','), ...cols.slice(2 + extra)];
    const name = field(c[1]);
    if (name === null) {
      skipped.push(line);
      continue;
    }
    const cc = n > BASE_FIELDS.length ? field(c[7]) : null;
    const arch = cc && /^\d+\.\d+$/.test(cc) ? architectureFor(cc) : null;
    gpus.push({
      index: num(c[0]),
      name,
      driverVersion: field(c[2]),
      cudaDriverVersion,
      memoryTotalMiB: num(c[3]),
      memoryUsedMiB: num(c[4]),
      utilizationPct: num(c[5]),
      temperatureC: num(c[6]),
      computeCapability: arch?.computeCapability ?? null,
      sm: arch?.sm ?? null,
      architecture: arch ? (arch.architecture ?? 'unknown') : null,
    });
  }
  return { gpus, skipped };
}

/** The GPUs of `--query-gpu` CSV; see parseQueryOutput. */
export function parseQueryCsv(csv: string, cudaDriverVersion: string | null = null, fieldCount?: number): GpuInfo[] {
  return parseQueryOutput(csv, cudaDriverVersion, fieldCount).gpus;
}

/**
 * The highest CUDA version the driver supports, from nvidia-smi's banner: "CUDA Version: 12.8", or
 * "CUDA UMD Version: 13.3" from driver 610 on. Null when absent or N/A.
 */
export function parseCudaDriverVersion(summary: string): string | null {
  return /\bCUDA\s+(?:UMD\s+)?Version\s*:\s*(\d+\.\d+)/i.exec(summary)?.[1] ?? null;
}

/** The driver version from the banner: "Driver Version: 570.153.02", or "KMD Version: 610.47.01" from 610 on. */
export function parseBannerDriverVersion(summary: string): string | null {
  return /\b(?:Driver|KMD)\s+Version\s*:\s*(\d+(?:\.\d+)+)/i.exec(summary)?.[1] ?? null;
}
