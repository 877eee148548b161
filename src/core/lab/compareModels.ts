/**
 * Compares models on the same examples: each model in turn runs every example (one at a time, so each
 * has its own latency), then the task's metrics, what the model is, and the examples where the models
 * disagree or all fail. Cancelling keeps what ran, marked as such.
 */
import type { TaskRunner } from '../nlp/runner';
import type { RemoteTaskRunner } from '../backends/types';
import { LAB_TASKS } from '../nlp/tasks';
import { latencyStats } from '../eval/metrics';
import type { EvalTask } from '../eval/columns';
import { cardLicense, weightsBytes } from '../eval/modelFacts';
import { predict, type PredictOptions } from './evalPredict';
import type { EvalDataset, EvalExample, EvalReport, ModelRun } from '../eval/report';
import { corpusMetrics, disagreementsAndFailures, scoreExample, verdictsFor } from '../eval/score';
import type { LabelMapping } from '../eval/labels';
import { EvalDataError } from '../eval/dataTable';

export interface EvalModel {
  /** A Hub id or folder ('' on a remote server: the server's own model). */
  model: string;
  runner: TaskRunner;
  /** Classification: the confirmed mapping (required for text-classification). */
  labelMapping?: LabelMapping;
}

export interface EvalSpec {
  task: EvalTask;
  examples: EvalExample[];
  dataset: EvalDataset;
  models: EvalModel[];
  /** Zero-shot: candidate label text per dataset label name (default: the names). */
  candidates?: Record<string, string>;
  preset?: PredictOptions['preset'];
}

export interface EvalProgress {
  /** The model running, its position (0-based) and the number of models. */
  model: string;
  modelIndex: number;
  models: number;
  /** Examples done by this model, of all. */
  done: number;
  total: number;
}

export interface EvalRunOptions {
  signal?: AbortSignal;
  onProgress?: (p: EvalProgress) => void;
  /** Each model's run as it ends (done, cancelled or failed), for a panel that fills in. */
  onRun?: (run: ModelRun, index: number) => void;
  /** The licence where the model folder's card does not say (e.g. from the Hub's model info). */
  licenseOf?: (model: string) => Promise<string | undefined>;
  /** The clock, ms (tests). */
  now?: () => number;
}

/** The pipeline a task's models run, for the runner's own questions (folder, last run). */
const PIPELINE: Record<EvalTask, string> = {
  'text-classification': LAB_TASKS.sentiment.pipeline,
  'zero-shot-classification': LAB_TASKS.zeroShot.pipeline,
  'question-answering': LAB_TASKS.qa.pipeline,
  summarization: LAB_TASKS.summarize.pipeline,
  translation: 'translation',
};

/**
 * Runs every model of `spec` on every example, in order. A model whose run throws is 'failed' with the
 * row and the error, and the next model runs; an abort through `o.signal` marks the model running as
 * 'cancelled' (its examples done are kept and scored) and those after it 'not-run', and returns the report.
 * Errors (EvalDataError) before anything runs: no models, no examples, a text-classification model
 * without a label mapping, zero-shot with fewer than two candidate labels.
 */
export async function runComparison(spec: EvalSpec, o: EvalRunOptions = {}): Promise<EvalReport> {
  const now = o.now ?? (() => performance.now());
  if (!spec.models.length) throw new EvalDataError('No model to compare: give at least one.');
  if (!spec.examples.length) throw new EvalDataError(`${spec.dataset.source}: no example to run.`);
  const labels = spec.dataset.labels;
  let candidates = spec.candidates;
  if (spec.task === 'zero-shot-classification') {
    candidates ??= Object.fromEntries((labels ?? []).map((l) => [l, l]));
    if (Object.keys(candidates).length < 2) throw new EvalDataError('Zero-shot classification needs at least two candidate labels (the dataset has fewer).');
  }
  for (const m of spec.models) {
    if (spec.task === 'text-classification' && !m.labelMapping) throw new EvalDataError(`No label mapping for ${m.model || 'the server\'s model'}: map the dataset's labels to the model's first.`);
  }
  const started = now();
  const startedAt = new Date().toISOString();
  const runs: ModelRun[] = [];
  const n = spec.examples.length;
  for (const [index, m] of spec.models.entries()) {
    const run: ModelRun = { model: m.model, backend: m.runner.backend ?? 'local', status: 'done', done: 0, total: n, metrics: {}, predictions: new Array(n).fill(null), scores: new Array(n).fill(null), ...(m.labelMapping ? { labelMapping: m.labelMapping } : {}) };
    runs.push(run);
    if (o.signal?.aborted) {
      run.status = 'not-run';
      continue;
    }
    const latencies: number[] = [];
    let restStart = 0;
    const options: PredictOptions = { task: spec.task, model: m.model, labelMapping: m.labelMapping, candidates, from: spec.dataset.from, to: spec.dataset.to, preset: spec.preset, signal: o.signal };
    try {
      for (const [i, example] of spec.examples.entries()) {
        o.onProgress?.({ model: m.model, modelIndex: index, models: spec.models.length, done: i, total: n });
        const t0 = now();
        if (i === 1) restStart = t0;
        let p;
        try {
          p = await predict(m.runner, example, options);
        } catch (err) {
          if (o.signal?.aborted) throw err;
          throw new Error(`row ${example.row}: ${err instanceof Error ? err.message : String(err)}`);
        }
        const ms = now() - t0;
        if (i === 0) run.firstMs = ms;
        else latencies.push(ms);
        run.predictions[i] = p.text;
        run.scores[i] = scoreExample(example, p.text);
        run.done = i + 1;
      }
      o.onProgress?.({ model: m.model, modelIndex: index, models: spec.models.length, done: n, total: n });
    } catch (err) {
      if (o.signal?.aborted) run.status = 'cancelled';
      else {
        run.status = 'failed';
        run.error = err instanceof Error ? err.message : String(err);
      }
    }
    finish(run, spec, latencies, restStart ? now() - restStart : 0, labels);
    await describe(run, m, spec.task, o);
    o.onRun?.(run, index);
  }
  const verdicts = verdictsFor(spec.examples[0]!.kind);
  const { disagreements, allFail } = disagreementsAndFailures(runs.map((r) => r.scores), n, verdicts);
  return { version: 1, task: spec.task, dataset: spec.dataset, examples: spec.examples, runs, verdicts, disagreements, allFail, partial: runs.some((r) => r.status !== 'done'), startedAt, wallMs: Math.round(now() - started) };
}

/** Metrics and latency over the examples done. The first example (the model's load) is timed apart when more ran. */
function finish(run: ModelRun, spec: EvalSpec, latencies: number[], restMs: number, labels?: string[]): void {
  const done = spec.examples.slice(0, run.done).map((example, i) => ({ example, prediction: run.predictions[i]! }));
  if (done.length) {
    const c = corpusMetrics(done, labels);
    run.metrics = c.metrics;
    if (c.confusion) run.confusion = c.confusion;
  }
  const lat = latencies.length ? latencies : run.firstMs !== undefined ? [run.firstMs] : [];
  if (lat.length) {
    const s = latencyStats(lat, latencies.length && restMs > 0 ? restMs : undefined);
    run.latency = { p50Ms: s.p50, p95Ms: s.p95, meanMs: s.mean, throughput: s.throughput, count: s.count };
  }
}

/** Device, dtype, weights and licence, from the runner (local: the model's folder) and o.licenseOf. */
async function describe(run: ModelRun, m: EvalModel, task: EvalTask, o: EvalRunOptions): Promise<void> {
  if (m.runner.device) run.device = m.runner.device;
  // A remote server says which model answered (and maybe its device): '' (the server's own) gets its name.
  const remote = m.runner as Partial<RemoteTaskRunner>;
  if (run.done && typeof remote.identity === 'function') {
    const id = remote.identity(m.model);
    if (!run.model && id.model) run.model = id.model;
    if (id.device) run.device = id.device;
  }
  const pipeline = PIPELINE[task];
  const last = m.runner.lastRun?.(pipeline, m.model) ?? m.runner.lastRun?.('text-pair-classification', m.model);
  if (last?.dtype) run.dtype = last.dtype;
  if (run.done && m.runner.modelDir) {
    try {
      const dir = await m.runner.modelDir(pipeline, m.model);
      const bytes = weightsBytes(dir, run.dtype);
      if (bytes !== undefined) run.sizeBytes = bytes;
      const l = cardLicense(dir);
      if (l) run.license = l;
    } catch {
      // The folder is what the run used; a failure here only leaves the size and licence unsaid.
    }
  }
  if (!run.license && o.licenseOf && m.model) {
    const l = await o.licenseOf(m.model).catch(() => undefined);
    if (l) run.license = l;
  }
}
