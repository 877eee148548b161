/**
 * npm run bench (Compare Models part): examples per second through the comparison runner (runComparison,
 * one example at a time through runLabTask, as `ai-lab eval` runs it) against the bare pipeline on the same
 * model and the same local inference service (`runner.run('text-classification', model, [text, { top_k: null }])`
 * per sentence). Model: the BERT-base-shaped fixture classifier, fp32, from a local folder.
 * Data: BENCH_EVAL_SENTENCES sentences (default 200) of 10–40 words with labels, as an in-memory DataTable
 * through buildExamples, with a confirmed label mapping. Both sides are warmed first (model load, tokenizer),
 * then run interleaved (A B A B …, BENCH_EVAL_ROUNDS rounds, default 5); medians. The comparison's
 * predictions must be the bare pipeline's top labels, mapped. Merges `eval` into bench/results.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildExamples } from '../src/core/eval/examples';
import { assertLabelMapping, userLabelMapping } from '../src/core/eval/labels';
import { runComparison, type EvalSpec } from '../src/core/lab/compareModels';
import type { DataTable } from '../src/core/eval/dataTable';
import { InferenceService } from '../src/core/inference/inferenceService';
import { ModelResolver } from '../src/core/inference/resolveModel';
import type { LabelScore } from '../src/core/nlp/runner';
import { ServiceTaskRunner } from '../src/core/nlp/serviceRunner';
import { DIST, REPO_ROOT } from '../test/fixtures/paths';
import { benchSentences, ensureBertBaseModel } from './bertBaseModel';

const loadAverage = () => os.loadavg().map((x) => Number(x.toFixed(2)));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function positiveInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2) throw new Error(`${name} must be a whole number ≥ 2 (got "${v}").`);
  return n;
}

async function main(): Promise<void> {
  const N = positiveInt('BENCH_EVAL_SENTENCES', 200);
  const rounds = positiveInt('BENCH_EVAL_ROUNDS', 5);
  const loadAtStart = loadAverage();
  const model = ensureBertBaseModel();
  const texts = benchSentences(N, 10, 40, 21);
  // Labels independent of the text: the figures are speed, the check is that both sides predict alike.
  const table: DataTable = {
    source: 'bench (in memory)',
    columns: [{ name: 'text', type: 'string' }, { name: 'label', type: 'string' }],
    rows: texts.map((text, i) => ({ text, label: i % 3 ? 'positive' : 'negative' })),
    rowIndex: texts.map((_, i) => i),
    totalRows: N,
  };
  const set = buildExamples('text-classification', table, { text: 'text', label: 'label' });
  if (set.examples.length !== N) throw new Error(`buildExamples kept ${set.examples.length} of ${N} rows`);
  const mapping = userLabelMapping({ negative: 'LABEL_0', positive: 'LABEL_1' }, set.labels!, { 0: 'LABEL_0', 1: 'LABEL_1' });
  assertLabelMapping(mapping, true);

  const service = new InferenceService({ scriptPath: path.join(DIST, 'inferenceService.js') });
  const runner = new ServiceTaskRunner(service, new ModelResolver(60_000), { device: 'cpu', dtype: () => 'fp32', hub: { endpoint: 'http://127.0.0.1:9', cacheDir: '/nonexistent' } });
  const spec = (examples = set.examples): EvalSpec => ({
    task: 'text-classification',
    examples,
    dataset: { source: table.source, totalRows: N, sample: N, seed: 0, mapping: { text: 'text', label: 'label' }, skipped: [], labels: set.labels!.map((l) => l.name) },
    models: [{ model, runner, labelMapping: mapping }],
  });
  // `listOfOne`: the text as a batch of one ([[text], …]), the form the Classify task sends.
  const bare = async (listOfOne = false) => {
    const top: string[] = [];
    const t = performance.now();
    for (const text of texts) {
      const out = await runner.run('text-classification', model, [listOfOne ? [text] : text, { top_k: null }]);
      const labels = (listOfOne ? (out as LabelScore[][])[0]! : out) as LabelScore[];
      top.push([...labels].sort((a, b) => b.score - a.score)[0]!.label);
    }
    return { ms: performance.now() - t, top };
  };
  const comparison = async () => {
    const t = performance.now();
    const report = await runComparison(spec());
    const ms = performance.now() - t;
    const run = report.runs[0]!;
    if (run.status !== 'done') throw new Error(`the comparison ended ${run.status}: ${run.error ?? ''}`);
    return { ms, predictions: run.predictions as string[], throughput: run.latency!.throughput, p50Ms: run.latency!.p50Ms };
  };

  try {
    // Warm both sides: the model's load, then the comparison's first example (tokenizer, input limits).
    let t = performance.now();
    await runner.run('text-classification', model, [texts[0], { top_k: null }]);
    const loadMs = performance.now() - t;
    await runComparison(spec(set.examples.slice(0, 2)));

    const bareMs: number[] = [];
    const listMs: number[] = [];
    const comparisonMs: number[] = [];
    const reportedThroughput: number[] = [];
    let agree = true;
    let comparisonPredictions: string[] = [];
    for (let r = 0; r < rounds; r++) {
      // A B C, then C B A: no side always runs right after the same other one.
      const order = r % 2 ? ['comparison', 'list', 'bare'] : ['bare', 'list', 'comparison'];
      let top: string[] = [];
      let predictions: string[] = [];
      let listTop: string[] = [];
      for (const side of order) {
        if (side === 'bare') {
          const b = await bare();
          bareMs.push(b.ms);
          top = b.top;
        } else if (side === 'list') {
          const b = await bare(true);
          listMs.push(b.ms);
          listTop = b.top;
        } else {
          const c = await comparison();
          comparisonMs.push(c.ms);
          reportedThroughput.push(c.throughput);
          predictions = c.predictions;
          comparisonPredictions = c.predictions;
        }
      }
      const mapped = top.map((l) => (l === 'LABEL_0' ? 'negative' : 'positive'));
      if (mapped.some((l, i) => l !== predictions[i]) || listTop.some((l, i) => l !== top[i])) agree = false;
      console.log(`round ${r + 1}/${rounds}: bare ${(N / (bareMs[r]! / 1000)).toFixed(2)} examples/s, bare with a list of one ${(N / (listMs[r]! / 1000)).toFixed(2)}, comparison ${(N / (comparisonMs[r]! / 1000)).toFixed(2)} examples/s`);
    }
    if (!agree) throw new Error('the comparison\'s predictions differ from the bare pipeline\'s top labels');

    // What the comparison adds besides the model: the same run with each model call answered from the
    // bare pipeline's own outputs (the runner's inputLimits, tokenizer and the rest are the real ones).
    const answers = new Map<string, unknown>();
    for (const text of texts) answers.set(text, await runner.run('text-classification', model, [text, { top_k: null }]));
    const modelFree = new Proxy(runner, {
      get: (target, key) => {
        if (key === 'run') return async (_p: string, _m: string, inputs: unknown[]) => {
          const batch = inputs[0] as string[] | string;
          return Array.isArray(batch) ? batch.map((x) => answers.get(x)) : answers.get(batch);
        };
        const v: unknown = Reflect.get(target, key, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const aloneMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      t = performance.now();
      const report = await runComparison({ ...spec(), models: [{ model, runner: modelFree, labelMapping: mapping }] });
      aloneMs.push(performance.now() - t);
      if (report.runs[0]!.status !== 'done') throw new Error(`the model-free comparison ended ${report.runs[0]!.status}: ${report.runs[0]!.error ?? ''}`);
    }
    const predicted = new Set(comparisonPredictions);

    const bareEps = N / (median(bareMs) / 1000);
    const comparisonEps = N / (median(comparisonMs) / 1000);
    // Per round too (each pair ran back to back), so one noisy stretch moves one ratio, not both medians apart.
    const pairOverhead = bareMs.map((b, i) => (comparisonMs[i]! / b - 1) * 100);
    const overheadPct = (bareEps / comparisonEps - 1) * 100;
    const loadAtEnd = loadAverage();
    const figures = {
      measuredAt: new Date().toISOString(),
      model: 'BERT-base-shaped (12×768) fixture classifier, fp32, local folder, local inference service (CPU)',
      sentences: N,
      words: '10–40',
      rounds,
      cores: os.cpus().length,
      loadAverage: { atStart: loadAtStart, atEnd: loadAtEnd },
      modelLoadMs: loadMs,
      bareMs,
      comparisonMs,
      listOfOneMs: listMs,
      bareExamplesPerSecond: bareEps,
      bareListOfOneExamplesPerSecond: N / (median(listMs) / 1000),
      comparisonExamplesPerSecond: comparisonEps,
      overheadPct,
      overheadPctPerRound: pairOverhead,
      medianOverheadPctPerRound: median(pairOverhead),
      comparisonReportedThroughput: median(reportedThroughput),
      predictionsAgree: agree,
      labelsPredicted: [...predicted].sort(),
      comparisonAloneMsPerExample: median(aloneMs) / N,
      comparisonAloneShareOfBare: median(aloneMs) / median(bareMs),
      target: 'overhead ≤ 10 %',
    };
    console.log(`\nCompare Models vs bare pipeline: BERT-base-shaped fp32, ${N} sentences of 10–40 words, ${rounds} rounds interleaved, medians, ${os.cpus().length} cores`);
    console.log('| run | examples/s (median) |');
    console.log('|---|---:|');
    console.log(`| bare pipeline, one runner.run per sentence | ${bareEps.toFixed(2)} |`);
    console.log(`| bare pipeline, the text as a batch of one (as Classify sends it) | ${(N / (median(listMs) / 1000)).toFixed(2)} |`);
    console.log(`| runComparison (runLabTask per example) | ${comparisonEps.toFixed(2)} |`);
    console.log(`overhead: ${overheadPct.toFixed(1)} % (medians); per round ${pairOverhead.map((x) => x.toFixed(1)).join(', ')} %, median ${median(pairOverhead).toFixed(1)} % (target ≤ 10 %)`);
    console.log(`the comparison without the model (model calls answered from memory): ${(median(aloneMs) / N).toFixed(2)} ms an example, ${((100 * median(aloneMs)) / median(bareMs)).toFixed(1)} % of the bare pipeline's time`);
    console.log(`the comparison's own throughput figure: ${median(reportedThroughput).toFixed(2)} examples/s; predictions agree: ${agree} (labels predicted: ${[...predicted].sort().join(', ')})`);
    console.log(`load average: at start ${loadAtStart.join(' ')}, at end ${loadAtEnd.join(' ')}`);
    const out = path.join(REPO_ROOT, 'bench', 'results.json');
    const previous = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
    fs.writeFileSync(out, `${JSON.stringify({ ...previous, eval: figures }, null, 2)}\n`);
    console.log(`written to ${path.relative(REPO_ROOT, out)} (eval)`);
  } finally {
    service.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
