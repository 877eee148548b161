/**
 * AI Lab: Compare Models on a Dataset (palette; the Models view's selection; a dataset split's menu):
 * task → data → columns → sample → models → label mappings → the run (cancellable, progress per model)
 * → the results panel, which fills in as each model ends. The work is src/core/eval (runComparison).
 */
import * as vscode from 'vscode';
import type { EvalTask } from '../../core/eval/columns';
import { buildExamples } from '../../core/eval/examples';
import { modelLabels, suggestMapping } from '../../core/eval/modelFacts';
import type { EvalDataset, EvalReport } from '../../core/eval/report';
import { runComparison, type EvalModel } from '../../core/lab/compareModels';
import { looksLikePath } from '../../core/settings/workspacePaths';
import { toAbortSignal } from '../cancellation';
import type { HubSession } from '../hubSession';
import type { InferenceHost } from '../inferenceHost';
import type { Log } from '../log';
import type { DatasetNode } from '../views/datasetsTree';
import type { ModelNode } from '../views/modelsTree';
import type { EvalPanel } from '../webviews/evalPanel';
import { pickColumns, pickData, pickLanguages, pickSample, pickTask, sampleRows, type HubSplit } from './pickData';
import { confirmLabelMapping, LAB_TASK_OF, MAX_MODELS, pickModels } from './pickModels';

export interface CompareDeps {
  inference: InferenceHost;
  session: HubSession;
  log: Log;
  panel: EvalPanel;
}

/** What the command may be given: a Models view item and the view's selection, a dataset split node, or (tests) preset answers. */
export interface CompareArgs {
  task?: EvalTask;
  models?: string[];
  dataset?: HubSplit;
}

/** The arguments a menu passes, as CompareArgs; undefined when it refuses (more than 5 models: said so). */
export function argsFrom(arg: unknown, selected: unknown): CompareArgs | undefined {
  const node = arg as { kind?: string } | undefined;
  if (node?.kind === 'model') {
    const nodes = (Array.isArray(selected) && selected.length ? selected : [node]) as ModelNode[];
    const models = [...new Set(nodes.filter((n) => n.kind === 'model').map((n) => (n as { model: { id: string } }).model.id))];
    if (models.length > MAX_MODELS) {
      void vscode.window.showWarningMessage(`AI Lab: ${models.length} models are selected; compare at most ${MAX_MODELS} at a time.`);
      return undefined;
    }
    return { models };
  }
  if (node?.kind === 'split') {
    const n = node as Extract<DatasetNode, { kind: 'split' }>;
    return { dataset: { dataset: n.dataset, config: n.config.config, split: n.split.split } };
  }
  return (arg && typeof arg === 'object' ? (arg as CompareArgs) : {}) ?? {};
}

const TITLE = 'AI Lab: Compare Models on a Dataset';

/** The whole flow; the report, or undefined when the user left a step (or an error was shown). */
export async function compareModels(d: CompareDeps, args: CompareArgs = {}): Promise<EvalReport | undefined> {
  try {
    const task = await pickTask(args.task);
    if (!task) return undefined;
    const data = await pickData(d.session, args.dataset);
    if (!data) return undefined;
    const cols = await pickColumns(task, data);
    if (!cols) return undefined;
    let langs: { from: string; to: string } | undefined;
    if (task === 'translation' && cols.mapping.translation && cols.languages?.length) {
      langs = await pickLanguages(cols.languages);
      if (!langs) return undefined;
    }
    const sample = await pickSample();
    if (!sample) return undefined;
    const models = await pickModels(task, args.models);
    if (!models) return undefined;
    const table = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${TITLE}: reading the rows…` }, () => sampleRows(d.session, data, sample));
    if (table.partial) d.log.warn(`${table.source}: the dataset viewer gave only the first rows; the sample is drawn from those.`);
    const set = buildExamples(task, table, cols.mapping, langs ?? {});
    const dataset: EvalDataset = {
      source: table.source,
      ...(data.kind === 'hub' ? { dataset: data.dataset, config: data.config, split: data.split } : {}),
      totalRows: table.totalRows,
      sample: table.rows.length,
      seed: sample.seed,
      mapping: cols.mapping,
      skipped: set.skipped,
      ...(set.labels ? { labels: set.labels.map((l) => l.name) } : {}),
      ...(set.from ? { from: set.from, to: set.to } : {}),
    };
    const evalModels = await prepareModels(d, task, models, set);
    if (!evalModels) return undefined;
    return await run(d, task, dataset, set.examples, evalModels, models);
  } catch (err) {
    await d.log.showError('AI Lab: Compare Models on a Dataset failed', err);
    return undefined;
  }
}

/** A runner per model (the backend the extension uses for the task) and, for classifiers, the confirmed label mapping. */
async function prepareModels(d: CompareDeps, task: EvalTask, models: string[], set: ReturnType<typeof buildExamples>): Promise<EvalModel[] | undefined> {
  const out: EvalModel[] = [];
  for (const name of models) {
    const { runner, model } = await d.inference.runnerFor(LAB_TASK_OF[task], name, () => undefined);
    if (task !== 'text-classification') {
      out.push({ model, runner });
      continue;
    }
    const labels = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${TITLE}: reading ${name}'s labels…`, cancellable: true }, (_p, token) =>
      modelLabels(runner, 'text-classification', model, set.examples[0]!, toAbortSignal(token)),
    );
    const mapping = await confirmLabelMapping(name, set.labels!, labels, suggestMapping(set.labels!, labels));
    if (!mapping) return undefined;
    d.log.info(`Compare Models: ${name}: labels ${mapping.pairs.map((p) => `${p.dataset.name} → ${p.model} (${p.how})`).join(', ')}${mapping.unmappedDataset.length ? `; unmapped: ${mapping.unmappedDataset.map((x) => x.name).join(', ')}` : ''}`);
    out.push({ model, runner, labelMapping: mapping });
  }
  return out;
}

async function run(d: CompareDeps, task: EvalTask, dataset: EvalDataset, examples: EvalReport['examples'], models: EvalModel[], names: string[]): Promise<EvalReport> {
  d.panel.start({ task, dataset, examples, models: names, runs: names.map(() => null) });
  const licenseOf = async (model: string) => {
    if (looksLikePath(model)) return undefined;
    const info = await (await d.session.client()).modelInfo(model);
    const l = info.cardData?.license;
    return typeof l === 'string' ? l : undefined;
  };
  const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: TITLE, cancellable: true }, async (progress, token) => {
    const signal = toAbortSignal(token);
    let last = 0;
    const n = models.length;
    return runComparison(
      { task, examples, dataset, models },
      {
        signal,
        licenseOf,
        onProgress: (p) => {
          const pct = Math.floor((100 * (p.modelIndex * p.total + p.done)) / (n * p.total));
          progress.report({ message: `model ${p.modelIndex + 1} of ${n}: ${p.done}/${p.total}`, increment: Math.max(0, pct - last) });
          last = Math.max(last, pct);
        },
        onRun: (r, i) => {
          d.log.info(`Compare Models: ${names[i]}: ${r.status}${r.error ? ` (${r.error})` : ''}, ${r.done}/${r.total}, ${JSON.stringify(r.metrics)}`);
          d.panel.runEnded(i, r);
        },
      },
    );
  });
  d.panel.finish(report);
  const failed = report.runs.filter((r) => r.status === 'failed');
  if (failed.length) d.log.warn(`Compare Models: ${failed.length} model(s) failed: ${failed.map((r) => `${r.model}: ${r.error}`).join('; ')}`);
  return report;
}

export function createCompareCommands(d: CompareDeps): Record<string, (...args: unknown[]) => unknown> {
  return {
    'aiLab.compareModels': (arg?: unknown, selected?: unknown) => {
      const args = argsFrom(arg, selected);
      return args && compareModels(d, args);
    },
  };
}

