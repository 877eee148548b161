import { runProcess, type RunResult } from '../process';
import { BASE_FIELDS, lostGpuLabel, parseBannerDriverVersion, parseCudaDriverVersion, parseLostGpus, parseQueryOutput, QUERY_FIELDS } from './nvidiaSmiParse';
import type { GpuFailure, GpuProbe, LostGpu } from './types';
import type { SmiLocation } from './nvidiaSmiLocate';

export { BASE_FIELDS, QUERY_FIELDS, lostGpuLabel, parseBannerDriverVersion, parseCudaDriverVersion, parseLostGpus, parseQueryCsv, parseQueryOutput } from './nvidiaSmiParse';

export function queryArgs(withComputeCap: boolean): string[] {
  const fields = withComputeCap ? QUERY_FIELDS : BASE_FIELDS;
  return [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'];
}

/** The whole driver is out of reach (as opposed to one GPU: see parseLostGpus). */
const DRIVER_FAILURE = /couldn't communicate with the nvidia driver|nvidia-smi has failed|driver\/library version mismatch|no nvidia gpu found|failed to initialize nvml/i;

/**
 * Why a query gave no usable GPU list, or null when it did. `gpusFound` rows were read from it: with
 * any, a non-zero exit is not a failure (nvidia-smi exits non-zero when one GPU of several is lost).
 */
export function classifyFailure(smiPath: string, r: RunResult, timeoutMs: number, gpusFound = 0): GpuFailure | null {
  if (r.spawnError) {
    const code = r.spawnError.code;
    if (code === 'ENOENT') return { kind: 'missing', message: `nvidia-smi not found at ${smiPath}` };
    return { kind: 'error', message: `nvidia-smi at ${smiPath} could not be started: ${r.spawnError.message}` };
  }
  if (r.timedOut) {
    return { kind: 'timeout', message: `nvidia-smi did not answer within ${Math.round(timeoutMs / 100) / 10} s and was killed` };
  }
  if (gpusFound > 0) return null;
  const out = `${r.stdout}\n${r.stderr}`.trim();
  if (/no devices were found/i.test(out)) return { kind: 'none', message: 'nvidia-smi reports no NVIDIA devices' };
  const lost = parseLostGpus(out);
  if (lost.length && !DRIVER_FAILURE.test(out)) {
    return { kind: 'lost', message: `nvidia-smi cannot reach ${lost.length === 1 ? 'its GPU' : `any of its ${lost.length} GPUs`}: ${lost.map(lostGpuLabel).join(', ')} (${lost[0]!.message})` };
  }
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

function mergeLost(...lists: LostGpu[][]): LostGpu[] {
  const out: LostGpu[] = [];
  const key = (g: LostGpu) => g.busId?.toLowerCase() ?? (g.index !== null ? `#${g.index}` : g.message);
  for (const g of lists.flat()) if (!out.some((o) => key(o) === key(g))) out.push(g);
  return out.sort((a, b) => (a.index ?? 1e9) - (b.index ?? 1e9));
}

/**
 * Asks nvidia-smi for every GPU (and, with `withCudaVersion`, its banner at the same time, so the two
 * calls together take at most one timeout). GPUs that answer are listed even when another one is lost
 * (that one goes in `lostGpus`); each call is killed, with its process group, at `timeoutMs`.
 */
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
      lostGpus: [],
      durationMs: Date.now() - started,
    };
  }
  // One signal for both calls: the caller's, or ours when the query fails and the banner is moot.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (options.signal?.aborted) stop.abort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  const run = (args: string[]) => runProcess(smiPath, args, { timeoutMs: options.timeoutMs, signal: stop.signal, maxOutputBytes: 256 * 1024 });
  try {
    const banner = options.withCudaVersion ? run([]) : undefined;
    let withCc = !noComputeCap.has(smiPath);
    let r = await run(queryArgs(withCc));
    if (withCc && r.code !== 0 && /compute_cap.*not a valid field/i.test(r.stdout + r.stderr)) {
      noComputeCap.add(smiPath);
      withCc = false;
      r = await run(queryArgs(false));
    }
    const parsed = parseQueryOutput(r.stdout, null, withCc ? QUERY_FIELDS.length : BASE_FIELDS.length);
    const failure = classifyFailure(smiPath, r, options.timeoutMs, parsed.gpus.length);
    if (failure && failure.kind !== 'lost') {
      stop.abort();
      await banner;
      return { ...base, gpus: [], computeCapSupported: withCc, failure, lostGpus: [], durationMs: Date.now() - started };
    }
    const summary = await banner;
    const summaryText = summary && !summary.timedOut && !summary.spawnError ? `${summary.stdout}\n${summary.stderr}` : '';
    const cudaVersion = parseCudaDriverVersion(summaryText);
    const bannerDriver = parseBannerDriverVersion(summaryText);
    const gpus = parsed.gpus.map((g) => ({ ...g, cudaDriverVersion: cudaVersion, driverVersion: g.driverVersion ?? bannerDriver }));
    const lostGpus = mergeLost(parseLostGpus(`${r.stdout}\n${r.stderr}`), parseLostGpus(summaryText));
    const warnings = parsed.skipped.map((l) => `nvidia-smi printed a GPU row that could not be read (too few fields), so it is left out: "${l}"`);
    if (gpus.length && r.code !== 0 && !lostGpus.length) {
      const why = r.stderr.split(/\r?\n/).find((l) => l.trim()) ?? '';
      warnings.push(`nvidia-smi exited with code ${r.code ?? r.signal} although it listed ${gpus.length} GPU(s)${why ? `: ${why.trim()}` : ''}`);
    }
    return {
      ...base,
      gpus,
      computeCapSupported: withCc,
      failure: failure ?? (gpus.length ? null : { kind: 'none', message: 'nvidia-smi answered but listed no GPU' }),
      lostGpus,
      ...(warnings.length ? { warnings } : {}),
      durationMs: Date.now() - started,
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** For tests: forget what was learnt about old drivers. */
export function resetNvidiaSmiMemo(): void {
  noComputeCap.clear();
}
