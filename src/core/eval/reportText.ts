/** An EvalReport as plain text for a terminal: one line per model, then the examples that tell them apart. */
import { formatBytes } from '../bytes';
import type { EvalExample, EvalReport, ModelRun } from './report';

/** How each metric key is shown: its name, and whether the value is a 0–1 fraction (shown ×100). */
export const METRIC_NAMES: Record<string, { name: string; fraction: boolean }> = {
  accuracy: { name: 'accuracy', fraction: true },
  macroF1: { name: 'macro-F1', fraction: true },
  exactMatch: { name: 'EM', fraction: false },
  f1: { name: 'F1', fraction: false },
  rouge1: { name: 'ROUGE-1', fraction: true },
  rouge2: { name: 'ROUGE-2', fraction: true },
  rougeL: { name: 'ROUGE-L', fraction: true },
  chrf: { name: 'chrF', fraction: false },
  bleu: { name: 'BLEU', fraction: false },
};

/** A metric as a percentage with one decimal ("87.5"), whatever its stored scale. */
export function metricText(key: string, value: number): string {
  return ((METRIC_NAMES[key]?.fraction ? 100 : 1) * value).toFixed(1);
}

/** The status as the user reads it: "done", "cancelled at 40 of 100", "failed: …", "not run". */
export function statusText(r: ModelRun): string {
  if (r.status === 'done') return 'done';
  if (r.status === 'cancelled') return `cancelled at ${r.done} of ${r.total}`;
  if (r.status === 'not-run') return 'not run (cancelled before it began)';
  return `failed after ${r.done} of ${r.total}: ${r.error ?? 'unknown error'}`;
}

/** The input of an example in one line, cut to `max` characters. */
export function exampleInput(e: EvalExample, max = 100): string {
  const text = e.kind === 'classification' ? (e.pair !== undefined ? `${e.text} ‖ ${e.pair}` : e.text) : e.kind === 'qa' ? `${e.question} ‖ ${e.context}` : e.kind === 'summary' ? e.document : e.source;
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** The reference of an example as text (answers joined with " | "). */
export function exampleReference(e: EvalExample): string {
  return e.kind === 'classification' ? e.label : e.kind === 'qa' ? e.answers.join(' | ') : e.reference;
}

/** The report as text: data line, one block per model, then up to `examples` disagreements and all-fail examples. */
export function formatReport(r: EvalReport, examples = 5): string {
  const d = r.dataset;
  const lines = [`${r.task} on ${d.source}: ${r.examples.length} examples (sample ${d.sample} of ${d.totalRows}, seed ${d.seed}${d.skipped.length ? `, ${d.skipped.length} skipped: ${[...new Set(d.skipped.map((s) => s.reason))].slice(0, 3).join('; ')}` : ''})`, ''];
  for (const run of r.runs) {
    const metrics = Object.entries(run.metrics).map(([k, v]) => `${METRIC_NAMES[k]?.name ?? k} ${metricText(k, v)}`).join('  ');
    lines.push(`${run.model || '(the server\'s model)'} [${run.backend}${run.device ? `, ${run.device}` : ''}${run.dtype ? `, ${run.dtype}` : ''}]: ${statusText(run)}`);
    if (metrics) lines.push(`  ${metrics}${run.status !== 'done' ? ` (over ${run.done} examples)` : ''}`);
    const facts = [
      run.latency ? `latency p50 ${run.latency.p50Ms.toFixed(1)} ms, p95 ${run.latency.p95Ms.toFixed(1)} ms, ${run.latency.throughput.toFixed(1)} examples/s` : '',
      run.firstMs !== undefined ? `first example (load) ${Math.round(run.firstMs)} ms` : '',
      run.sizeBytes !== undefined ? `weights ${formatBytes(run.sizeBytes)}` : '',
      run.license ? `licence ${run.license}` : '',
    ].filter(Boolean);
    if (facts.length) lines.push(`  ${facts.join(' · ')}`);
  }
  const show = (title: string, idx: number[]) => {
    if (!idx.length || r.runs.filter((x) => x.done).length === 0) return;
    lines.push('', `${title} (${idx.length}):`);
    for (const i of idx.slice(0, examples)) {
      const e = r.examples[i]!;
      lines.push(`  row ${e.row}: ${exampleInput(e)}`, `    reference: ${exampleReference(e)}`);
      for (const run of r.runs) if (run.predictions[i] !== null) lines.push(`    ${run.model}: ${run.predictions[i]}`);
    }
    if (idx.length > examples) lines.push(`  … and ${idx.length - examples} more (--json has them all)`);
  };
  show('Where the models disagree', r.disagreements);
  show(r.runs.length > 1 ? 'Where every model fails' : 'Where the model fails', r.allFail);
  return lines.join('\n');
}
