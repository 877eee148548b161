/** A comparison's model run as a shortlist row (src/core/eval/shortlist.ts): what the notes' spreadsheet keeps. */
import type { EvalReport, ModelRun } from './report';
import type { NewShortlistEntry } from './shortlist';

/**
 * The shortlist entry for `run` of `report`: task, model, backend, device, dtype, weights, licence, the
 * dataset (source, config, split, the examples scored, seed), the metrics as the report holds them, latency
 * and throughput, and `partial` when the run did not finish. Errors: a run with no example done (nothing
 * to keep: a failed or not-run model).
 */
export function shortlistEntryFor(report: EvalReport, run: ModelRun, notes?: string): NewShortlistEntry {
  if (!run.done) throw new Error(`${run.model || 'The model'} ran no example (${run.status}): there is nothing to add to the shortlist.`);
  const d = report.dataset;
  return {
    task: report.task,
    model: run.model,
    backend: run.backend,
    ...(run.device ? { device: run.device } : {}),
    ...(run.dtype ? { dtype: run.dtype } : {}),
    ...(run.sizeBytes !== undefined ? { sizeBytes: run.sizeBytes } : {}),
    ...(run.license ? { license: run.license } : {}),
    dataset: { source: d.dataset ?? d.source, ...(d.config ? { config: d.config } : {}), ...(d.split ? { split: d.split } : {}), sample: d.sample, seed: d.seed },
    metrics: { ...run.metrics },
    ...(run.latency ? { latency: { p50Ms: run.latency.p50Ms, p95Ms: run.latency.p95Ms, throughput: run.latency.throughput } } : {}),
    ...(run.status !== 'done' ? { partial: true } : {}),
    ...(notes ? { notes } : {}),
  };
}
