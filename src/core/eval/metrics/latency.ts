/** Latency summary; times in milliseconds, throughput in examples per second. */
export interface LatencyStats {
  count: number;
  /** Median per-example latency, ms (linear interpolation, see `percentile`). */
  p50: number;
  /** 95th percentile per-example latency, ms. */
  p95: number;
  mean: number;
  min: number;
  max: number;
  /**
   * Examples per second: `count / (wallMs / 1000)` when the run's wall time is given (batches and
   * concurrency make it differ from the latency sum), else `count / (sum of latencies / 1000)`.
   */
  throughput: number;
}

/**
 * The q-th percentile (0–100) by linear interpolation between closest ranks: NumPy's default
 * `np.percentile(x, q)` (method='linear', https://numpy.org/doc/stable/reference/generated/numpy.percentile.html):
 * sort, position h = (n − 1)·q/100, value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
 *
 * @throws RangeError on an empty list, a non-finite value, or q outside 0–100
 */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('percentile: no values');
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile: q must be within 0–100, got ${q}`);
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`percentile: values[${i}] is not a finite number`);
  });
  const sorted = [...values].sort((a, b) => a - b);
  const h = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

/**
 * p50/p95/mean/min/max of per-example latencies and the throughput.
 *
 * @param latenciesMs per-example latency in milliseconds (each finite and ≥ 0)
 * @param wallMs optional wall-clock time of the whole run in milliseconds (> 0)
 * @throws RangeError on no latencies, a negative or non-finite latency, or a non-positive wall time
 */
export function latencyStats(latenciesMs: readonly number[], wallMs?: number): LatencyStats {
  if (latenciesMs.length === 0) throw new RangeError('latency: no latencies measured');
  latenciesMs.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`latency: latenciesMs[${i}] = ${v} is not a finite, non-negative number of milliseconds`);
    }
  });
  if (wallMs !== undefined && !(Number.isFinite(wallMs) && wallMs > 0)) {
    throw new RangeError(`latency: wallMs = ${wallMs} must be a positive number of milliseconds`);
  }
  const sum = latenciesMs.reduce((s, v) => s + v, 0);
  const time = wallMs ?? sum;
  if (time === 0) throw new RangeError('latency: every latency is 0 ms, so throughput is undefined; pass wallMs');
  return {
    count: latenciesMs.length,
    p50: percentile(latenciesMs, 50),
    p95: percentile(latenciesMs, 95),
    mean: sum / latenciesMs.length,
    min: Math.min(...latenciesMs),
    max: Math.max(...latenciesMs),
    throughput: latenciesMs.length / (time / 1000),
  };
}
