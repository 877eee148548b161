/**
 * One way to run a lab task, for the CLI's commands and every extension command: the input checked,
 * the options completed from the task table, the task run (long inputs split by the task itself),
 * and the result stamped with the backend, model and device that produced it.
 */
import type { RemoteTaskRunner } from '../backends/types';
import { modelDisplayName, modelPathKey } from '../inference/modelName';
import { classifyText, qnli, zeroShot } from '../nlp/classify';
import { continueText } from '../nlp/generate';
import type { LabOutput, ProducedBy, Progress, RunOptions, TaskOutput, TaskRunner } from '../nlp/runner';
import { extractiveSummary, summarize } from '../nlp/summarize';
import { DEFAULT_PRESETS, LAB_TASKS, SUMMARY_DEFAULTS } from '../nlp/tasks';
import { joinPages } from '../pdf/pageText';
import { summarizePages, withPageRefs } from '../pdf/summarizePages';
import { askQuestion } from '../qa/ask';
import { compareSimilarity, findSimilarPassages } from '../nlp/similarity';
import { requireVisibleText } from '../text/visible';
import type { LabRequest } from './labRequest';
import { translateText } from '../nlp/translate';
import { settleTranslation, type SettledTranslation } from './translateRequest';

export type { LabRequest } from './labRequest';

export interface LabRunOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Generated text (Continue Text, the final summary) as it comes. */
  onPartial?: (text: string) => void;
  /** Folders a local model is named from in `producedBy.model` (the workspace folders). */
  modelRoots?: readonly string[];
}

/** A task's output with its provenance. */
export type LabResult = LabOutput & { producedBy: ProducedBy };

/** The model a request runs: its own, else the task's default. */
export function requestModel(r: LabRequest): string {
  return r.model?.trim() || LAB_TASKS[r.task].defaultModel;
}

/**
 * Runs one lab task on `runner`. Input with nothing visible in it is an InputError before any model
 * is fetched; input too long for the task (core/text/chunks checkText) likewise. Options not given
 * take the task table's defaults (src/core/nlp/tasks.ts). Cancelled through `o.signal`.
 */
export async function runLabTask(r: LabRequest, runner: TaskRunner, o: LabRunOptions = {}): Promise<LabResult> {
  // Translation settles its source (given or detected) and its model (given or the pair's) first.
  let settled: SettledTranslation | undefined;
  if (r.task === 'translate') {
    requireVisibleText(r.doc?.text ?? r.text, r.what ?? 'the text');
    settled = await settleTranslation(r, runner, o.signal);
    r = settled.request;
  }
  // A remote runner's '' model is the server's own (TEI, OpenAI-compatible servers serve one).
  const remote = 'identity' in runner && typeof runner.identity === 'function' ? (runner as RemoteTaskRunner) : undefined;
  const model = remote && r.model !== undefined ? r.model.trim() : requestModel(r);
  const doc = 'doc' in r ? r.doc : undefined;
  requireVisibleText(doc?.text ?? r.text, r.what ?? 'the text');
  // The largest batch the task sent (the results say it beside the dtype), counted on the way through.
  let batchSize = 0;
  const run = (pipeline: string, m: string, inputs: unknown[], options?: RunOptions) => {
    batchSize = Math.max(batchSize, Array.isArray(inputs[0]) ? inputs[0].length : 1);
    return runner.run(pipeline, m, inputs, options);
  };
  // Every other member is the runner's own, bound to it (its state stays its own).
  const counting = new Proxy(runner, {
    get: (t, k) => {
      if (k === 'run') return run;
      const v: unknown = Reflect.get(t, k, t);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  const result = await runTask(r, model, counting, o);
  const output: TaskOutput = result.kind === 'translation' && settled ? { ...result, ...(settled.detected ? { detected: settled.detected } : {}), ...(settled.pairs ? { pairs: settled.pairs } : {}) } : result;
  const id = remote?.identity(model);
  const ran = runner.lastRun?.(LAB_TASKS[r.task].pipeline, model);
  const producedBy: ProducedBy = id
    ? { backend: id.backend, model: id.model, ...(id.device ? { device: id.device } : {}) }
    : {
        backend: runner.backend ?? 'unknown',
        model: modelDisplayName(model, o.modelRoots),
        ...modelPathKey(model),
        ...(runner.device ? { device: runner.device } : {}),
        ...(ran?.dtype ? { dtype: ran.dtype } : {}),
        ...(ran?.threads !== undefined ? { threads: ran.threads } : {}),
        ...(batchSize ? { batchSize } : {}),
      };
  return { ...output, producedBy };
}

function runTask(r: LabRequest, model: string, runner: TaskRunner, o: LabRunOptions): Promise<TaskOutput> {
  const { signal, onProgress, onPartial } = o;
  const common = { runner, model, signal, onProgress };
  switch (r.task) {
    case 'sentiment':
    case 'grammar':
      return classifyText({ ...common, text: r.text, ...r.options, labelMap: r.options?.labelMap ?? LAB_TASKS[r.task].labelMap, strictLabelMap: r.options?.labelMap !== undefined && r.options.labelMap !== LAB_TASKS[r.task].labelMap });
    case 'qnli':
      return qnli({ ...common, text: r.text, question: r.question, ...r.options });
    case 'zeroShot':
      return zeroShot({ ...common, text: r.text, labels: r.labels, ...r.options });
    case 'summarize': {
      const p = { ...common, onPartial, preset: r.options?.preset ?? DEFAULT_PRESETS[SUMMARY_DEFAULTS.preset], chunkTokens: r.options?.chunkTokens };
      return r.doc ? summarizePages({ ...p, doc: r.doc }) : summarize({ ...p, text: r.text });
    }
    case 'extractive':
      return extractive(r, common);
    case 'generate':
      return continueText({ runner, model, signal, onPartial, prompt: r.text, ...r.options });
    case 'translate':
      return translateText({ ...common, onPartial, text: r.doc?.text ?? r.text, from: r.from ?? '', to: r.to, batchSize: r.options?.batchSize });
    case 'qa':
      return askQuestion({ ...common, question: r.question, doc: r.doc ?? joinPages([{ page: 1, text: r.text }]), paged: Boolean(r.doc), ...r.options });
    case 'similarity':
      return compareSimilarity({ ...common, a: r.text, b: r.other, whatA: r.what, whatB: r.whatOther });
    case 'findSimilar':
      return findSimilarPassages({ ...common, query: r.query, doc: r.doc ?? joinPages([{ page: 1, text: r.text }]), paged: Boolean(r.doc), exclude: r.exclude, ...r.options });
  }
}

/** The extractive summary: `sentences` wins, 0 or only a ratio given uses the ratio; a PDF's sentences say their pages. */
async function extractive(r: Extract<LabRequest, { task: 'extractive' }>, common: Omit<Parameters<typeof extractiveSummary>[0], 'text'>): Promise<TaskOutput> {
  const o = r.options ?? {};
  const sentences = o.sentences ?? (o.ratio === undefined ? SUMMARY_DEFAULTS.extractiveSentences : 0);
  const out = await extractiveSummary({ ...common, text: r.doc?.text ?? r.text, sentences: sentences || undefined, ratio: o.ratio, batchSize: o.batchSize });
  return r.doc ? { ...out, text: withPageRefs(r.doc, out.sentences) } : out;
}
