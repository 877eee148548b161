/**
 * The shortlist as a GitHub-flavoured Markdown table and as CSV (RFC 4180): the notes' model-selection spreadsheet.
 */
import { stringify } from 'csv-stringify/sync';
import { formatBytes } from '../bytes';
import { METRIC_SCALES, ShortlistEntry } from './shortlistShape';

/**
 * The metric keys used by `entries`, known ones first in a fixed order (classification, QA, summaries, translation:
 * the order of METRIC_SCALES), then any others alphabetically.
 */
export function shortlistMetricKeys(entries: readonly ShortlistEntry[]): string[] {
  const used = new Set(entries.flatMap((e) => Object.keys(e.metrics)));
  const known = Object.keys(METRIC_SCALES).filter((k) => used.has(k));
  const other = [...used].filter((k) => !(k in METRIC_SCALES)).sort();
  return [...known, ...other];
}

/** "glue/sst2 · validation · 200 rows, seed 42". */
export function datasetLabel(d: ShortlistEntry['dataset']): string {
  return [d.config ? `${d.source}/${d.config}` : d.source, d.split, `${d.sample} row${d.sample === 1 ? '' : 's'}, seed ${d.seed}`].filter(Boolean).join(' · ');
}

/** 66_955_010 → "67.0M", 1_300_000_000 → "1.30B", 900 → "900". */
export function formatParameters(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

/** A metric for reading: 0–1 ones with 3 decimals, 0–100 ones with 2, others with up to 6 significant digits. */
export function formatMetric(key: string, v: number): string {
  const scale = METRIC_SCALES[key];
  if (!scale) return String(Number(v.toPrecision(6)));
  return v.toFixed(scale.max === 1 ? 3 : 2);
}

/** The Markdown header of a metric: its label and scale ("Accuracy (0–1)"); an unknown key as it is. */
export function metricHeader(key: string): string {
  const s = METRIC_SCALES[key];
  return s ? `${s.label} (0–${s.max})` : key;
}

/**
 * Text made safe for one GFM table cell: `\` and `|` backslash-escaped (a bare `|` would end the cell), `<`
 * written `&lt;` (no raw HTML), line breaks as `<br>` (a newline would end the row).
 */
export function markdownCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/\r\n|\r|\n/g, '<br>')
    .trim();
}

/**
 * A GFM table, one row per entry in list order: Task, Model (" (partial run)" when partial), Backend, Device,
 * then a column per metric (`shortlistMetricKeys`, header with its scale, "" where an entry lacks it), p50 and
 * p95 latency (ms), throughput (examples/s), parameters, size, licence, dataset, notes. Numbers are rounded
 * for reading (`formatMetric`); the CSV and JSON keep them whole. Ends with a newline.
 */
export function shortlistMarkdown(entries: readonly ShortlistEntry[]): string {
  const keys = shortlistMetricKeys(entries);
  const header = ['Task', 'Model', 'Backend', 'Device', ...keys.map(metricHeader), 'p50 (ms)', 'p95 (ms)', 'Throughput (ex/s)', 'Parameters', 'Size', 'Licence', 'Dataset', 'Notes'];
  const rows = entries.map((e) => [
    e.task,
    e.partial ? `${e.model} (partial run)` : e.model,
    e.backend,
    [e.device, e.dtype].filter(Boolean).join(' '),
    ...keys.map((k) => (e.metrics[k] === undefined ? '' : formatMetric(k, e.metrics[k]!))),
    e.latency ? e.latency.p50Ms.toFixed(1) : '',
    e.latency ? e.latency.p95Ms.toFixed(1) : '',
    e.latency ? e.latency.throughput.toFixed(1) : '',
    e.parameters === undefined ? '' : formatParameters(e.parameters),
    e.sizeBytes === undefined ? '' : formatBytes(e.sizeBytes),
    e.license ?? '',
    datasetLabel(e.dataset),
    e.notes,
  ]);
  const line = (cells: string[]) => `| ${cells.map(markdownCell).join(' | ')} |`;
  return [line(header), `|${header.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n') + '\n';
}


/**
 * CSV (RFC 4180, CRLF line ends, a header row): id, addedAt, task, model, backend, device, dtype, parameters,
 * sizeBytes, license, dataset_source, dataset_config, dataset_split, dataset_sample, dataset_seed, one column per
 * metric key (the JSON key as header, values exactly as stored, on the scale METRIC_SCALES gives), latency_p50_ms,
 * latency_p95_ms, throughput_per_s, partial (true/false), notes. An absent value is an empty field.
 */
export function shortlistCsv(entries: readonly ShortlistEntry[]): string {
  const keys = shortlistMetricKeys(entries);
  const header = ['id', 'addedAt', 'task', 'model', 'backend', 'device', 'dtype', 'parameters', 'sizeBytes', 'license', 'dataset_source', 'dataset_config', 'dataset_split', 'dataset_sample', 'dataset_seed', ...keys, 'latency_p50_ms', 'latency_p95_ms', 'throughput_per_s', 'partial', 'notes'];
  const rows = entries.map((e) => [
    e.id,
    e.addedAt,
    e.task,
    e.model,
    e.backend,
    e.device,
    e.dtype,
    e.parameters,
    e.sizeBytes,
    e.license,
    e.dataset.source,
    e.dataset.config,
    e.dataset.split,
    e.dataset.sample,
    e.dataset.seed,
    ...keys.map((k) => e.metrics[k]),
    e.latency?.p50Ms,
    e.latency?.p95Ms,
    e.latency?.throughput,
    e.partial === true,
    e.notes,
  ]);
  // csv-stringify quotes what needs it; edge spaces are quoted too (a spreadsheet would trim them), and a
  // text cell starting with = + - @ is prefixed with ' so a spreadsheet does not run it as a formula.
  return stringify([header, ...rows], { record_delimiter: 'windows', quoted_match: /^\s|\s$/, escape_formulas: true, cast: { boolean: (v) => String(v) } });
}
