/** A comparison's model run as a shortlist row (src/core/eval/shortlist.ts): what the notes' spreadsheet keeps. */
import * as path from 'node:path';
import type { EvalReport, ModelRun } from './report';
import { addToShortlist, readShortlist, shortlistEntryId, type NewShortlistEntry } from './shortlist';

/**
 * The shortlist entry for `run` of `report`: task, model, backend, device, dtype, weights, licence, the
 * dataset (source, config, split, the examples scored, seed), the metrics as the report holds them, latency
 * and throughput, and `partial` when the run did not finish. A data file or model folder inside `workspace`
 * (the folder that holds the shortlist) is named by its path relative to it, with `/`, so the same file is the
 * same run from the CLI and from VS Code and the shortlist can be committed; elsewhere by its full path.
 * Errors: a run with no example done (nothing to keep: a failed or not-run model).
 */
export function shortlistEntryFor(report: EvalReport, run: ModelRun, notes?: string, workspace?: string): NewShortlistEntry {
  if (!run.done) throw new Error(`${run.model || 'The model'} ran no example (${run.status}): there is nothing to add to the shortlist.`);
  const d = report.dataset;
  return {
    task: report.task,
    model: inWorkspace(run.model, workspace),
    backend: run.backend,
    ...(run.device ? { device: run.device } : {}),
    ...(run.dtype ? { dtype: run.dtype } : {}),
    ...(run.sizeBytes !== undefined ? { sizeBytes: run.sizeBytes } : {}),
    ...(run.license ? { license: run.license } : {}),
    dataset: { source: d.dataset ?? inWorkspace(d.source, workspace), ...(d.config ? { config: d.config } : {}), ...(d.split ? { split: d.split } : {}), sample: d.sample, seed: d.seed },
    metrics: { ...run.metrics },
    ...(run.latency ? { latency: { p50Ms: run.latency.p50Ms, p95Ms: run.latency.p95Ms, throughput: run.latency.throughput } } : {}),
    ...(run.status !== 'done' ? { partial: true } : {}),
    ...(notes ? { notes } : {}),
  };
}

/**
 * Adds a run's row to the shortlist `file` (addToShortlist: the same run's row is replaced), except that a
 * partial row never replaces the same run's complete one. Returns what was done. Errors: addToShortlist's.
 */
export function addRunToShortlist(file: string, entry: NewShortlistEntry): 'added' | 'replaced' | 'kept-complete' {
  const same = readShortlist(file).find((e) => e.id === shortlistEntryId(entry));
  if (entry.partial && same && !same.partial) return 'kept-complete';
  addToShortlist(file, entry);
  return same ? 'replaced' : 'added';
}

/** An absolute path inside `workspace` as a relative one with `/` separators; anything else unchanged. */
function inWorkspace(p: string, workspace: string | undefined): string {
  if (!workspace || !path.isAbsolute(p)) return p;
  const rel = path.relative(workspace, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : p;
}
