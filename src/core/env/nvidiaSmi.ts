import { runProcess, type RunResult } from '../process';
import { architectureFor } from './architecture';
import type { GpuFailure, GpuInfo, GpuProbe } from './types';
import type { SmiLocation } from './nvidiaSmiLocate';

const BASE_FIELDS = ['index', 'name', 'driver_version', 'memory.total', 'memory.used', 'utilization.gpu', 'temperature.gpu'];
export const QUERY_FIELDS = [...BASE_FIELDS, 'compute_cap'];

export function queryArgs(withComputeCap: boolean): string[] {
  const fields = withComputeCap ? QUERY_FIELDS : BASE_FIELDS;
  return [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'];
}

/** nvidia-smi prints "[N/A]", "N/A", "[Not Supported]" or "[Unknown Error]" for fields it cannot read. */
function field(raw: string | undefined): string | null {
  const v = (raw ?? '').trim();
  if (!v || /^\[?(n\/a|not supported|unknown error|insufficient permissions|requested functionality has been deprecated)\]?$/i.test(v)) return null;
  return v;
}

function num(raw: string | undefined): number | null {
  const v = field(raw);
  if (v === null) return null;
  const n = Number(v.replace(/\s*(MiB|%|C)$/i, ''));
  return Number.isFinite(n) ? n : null;
}

/** Parses `--query-gpu` CSV (noheader, nounits) in QUERY_FIELDS order; compute_cap may be absent. */
export function parseQueryCsv(csv: string, cudaDriverVersion: string | null = null): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of csv.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const cols = line.split(',');
    if (cols.length < BASE_FIELDS.length) continue;
    const name = field(cols[1]);
    if (name === null) continue;
    const cc = field(cols[7]);
    const arch = cc ? architectureFor(cc) : null;
    gpus.push({
      index: num(cols[0]),
      name,
      driverVersion: field(cols[2]),
      cudaDriverVersion,
      memoryTotalMiB: num(cols[3]),
      memoryUsedMiB: num(cols[4]),
      utilizationPct: num(cols[5]),
      temperatureC: num(cols[6]),
      computeCapability: arch?.computeCapability ?? null,
      sm: arch?.sm ?? null,
      architecture: arch ? (arch.architecture ?? 'unknown') : null,
    });
  }
  return gpus;
}

/** The "CUDA Version: 12.8" of nvidia-smi's summary header. */
export function parseCudaDriverVersion(summary: string): string | null {
  return /CUDA Version\s*:\s*(\d+\.\d+)/i.exec(summary)?.[1] ?? null;
}

const DRIVER_FAILURE = /couldn't communicate with the nvidia driver|nvidia-smi has failed|driver\/library version mismatch|unable to determine the device handle|no nvidia gpu found|failed to initialize nvml/i;

export function classifyFailure(smiPath: string, r: RunResult, timeoutMs: number): GpuFailure | null {
  if (r.spawnError) {
    const code = r.spawnError.code;
    if (code === 'ENOENT') return { kind: 'missing', message: `nvidia-smi not found at ${smiPath}` };
    return { kind: 'error', message: `nvidia-smi at ${smiPath} could not be started: ${r.spawnError.message}` };
  }
  if (r.timedOut) {
    return { kind: 'timeout', message: `nvidia-smi did not answer within ${Math.round(timeoutMs / 100) / 10} s and was killed` };
  }
  const out = `${r.stdout}\n${r.stderr}`.trim();
  if (/no devices were found/i.test(out)) return { kind: 'none', message: 'nvidia-smi reports no NVIDIA devices' };
  if (r.code !== 0) {
    const firstLine = out.split(/\r?\n/).find((l) => l.trim()) ?? `exit code ${r.code ?? r.signal}`;
    if (DRIVER_FAILURE.test(out)) return { kind: 'driver', message: firstLine.trim() };
    return { kind: 'error', message: `nvidia-smi failed (exit ${r.code ?? r.signal}): ${firstLine.trim()}` };
  }
  return null;
}

/** Remembers, per executable, drivers too old for `compute_cap` so polls ask only once. */
const noComputeCap = new Set<string>();

export interface QueryOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Also run the plain `nvidia-smi` for the driver's CUDA version (not needed by polls). */
  withCudaVersion?: boolean;
}

export async function probeGpus(location: SmiLocation, options: QueryOptions): Promise<GpuProbe> {
  const started = Date.now();
  const smiPath = location.path;
  const base = { smiPath, smiSource: location.source };
  if (!smiPath) {
    return {
      ...base,
      gpus: [],
      computeCapSupported: true,
      failure: { kind: 'missing', message: `nvidia-smi not found (looked in ${location.tried.join(', ')})` },
      durationMs: Date.now() - started,
    };
  }
  const run = (args: string[]) => runProcess(smiPath, args, { timeoutMs: options.timeoutMs, signal: options.signal, maxOutputBytes: 256 * 1024 });
  let withCc = !noComputeCap.has(smiPath);
  let r = await run(queryArgs(withCc));
  if (withCc && r.code !== 0 && /compute_cap.*not a valid field/i.test(r.stdout + r.stderr)) {
    noComputeCap.add(smiPath);
    withCc = false;
    r = await run(queryArgs(false));
  }
  const failure = classifyFailure(smiPath, r, options.timeoutMs);
  if (failure) return { ...base, gpus: [], computeCapSupported: withCc, failure, durationMs: Date.now() - started };
  let cudaVersion: string | null = null;
  if (options.withCudaVersion) {
    const summary = await run([]);
    if (!summary.timedOut && !summary.spawnError) cudaVersion = parseCudaDriverVersion(summary.stdout);
  }
  const gpus = parseQueryCsv(r.stdout, cudaVersion);
  return {
    ...base,
    gpus,
    computeCapSupported: withCc,
    failure: gpus.length ? null : { kind: 'none', message: 'nvidia-smi answered but listed no GPU' },
    durationMs: Date.now() - started,
  };
}

/** For tests: forget what was learnt about old drivers. */
export function resetNvidiaSmiMemo(): void {
  noComputeCap.clear();
}
