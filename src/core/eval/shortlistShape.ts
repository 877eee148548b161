/**
 * The shortlist file's contract (`.ai-lab/shortlist.json`, version 1) and its checker: the notes' model-selection
 * spreadsheet (task, model id, parameters, metrics, observations) kept in the workspace.
 */

/** The version this AI Lab reads and writes; a file with another version is refused, not guessed at. */
export const SHORTLIST_VERSION = 1;

/** The dataset a result was measured on: `sample` rows drawn with `seed` from `source` (a Hub id or a local file). */
export interface ShortlistDataset {
  source: string;
  config?: string;
  split?: string;
  /** Rows evaluated (a whole number ≥ 1). */
  sample: number;
  /** The sampling seed (a whole number). */
  seed: number;
}

/** Per-example latency and throughput of the run. */
export interface ShortlistLatency {
  p50Ms: number;
  p95Ms: number;
  /** Examples per second. */
  throughput: number;
}

/** The known fields of one result row. */
export interface ShortlistEntryFields {
  /** Stable: a hash of the row's identity (see `shortlistEntryId`), kept when the row is replaced. */
  id: string;
  /** ISO 8601 time the result was added (or last replaced). */
  addedAt: string;
  task: string;
  model: string;
  backend: string;
  device?: string;
  dtype?: string;
  /** The model's parameter count, when known. */
  parameters?: number;
  /** Size of the model's files on disk, bytes. */
  sizeBytes?: number;
  license?: string;
  dataset: ShortlistDataset;
  /** Metric values on the scale their key names (see `METRIC_SCALES`): e.g. accuracy 0–1, exactMatch 0–100. */
  metrics: Record<string, number>;
  latency?: ShortlistLatency;
  /** True when the run was cancelled or failed part way: the metrics cover only the rows that ran. */
  partial?: boolean;
  notes: string;
}

/** One result row. Keys a user adds by hand are kept as they are (round-tripped), hence the index signature. */
export interface ShortlistEntry extends ShortlistEntryFields {
  [extra: string]: unknown;
}

/** The whole file. Top-level keys a user adds are kept too. */
export interface ShortlistFile {
  version: number;
  entries: ShortlistEntry[];
  [extra: string]: unknown;
}

/**
 * The scale each known metric key is kept on: the scale the core's metric functions report
 * (`classificationReport` accuracy/macro-F1 0–1, `squadScores` 0–100, `rougeScores` 0–1, `corpusChrf`/`corpusBleu` 0–100).
 * Values are stored as given, never rescaled; a known key outside its range is refused. Other keys are free.
 */
export const METRIC_SCALES: Readonly<Record<string, { label: string; max: 1 | 100 }>> = {
  accuracy: { label: 'Accuracy', max: 1 },
  macroF1: { label: 'Macro-F1', max: 1 },
  exactMatch: { label: 'EM', max: 100 },
  f1: { label: 'F1', max: 100 },
  rouge1: { label: 'ROUGE-1', max: 1 },
  rouge2: { label: 'ROUGE-2', max: 1 },
  rougeL: { label: 'ROUGE-L', max: 1 },
  rougeLsum: { label: 'ROUGE-Lsum', max: 1 },
  chrf: { label: 'chrF', max: 100 },
  bleu: { label: 'BLEU', max: 100 },
};

/** A shortlist file that cannot be read or is not version-1 shaped, or a write that was refused; `file` is its path. */
export class ShortlistError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** An id that is not in the shortlist (a wrong argument rather than a bad file); the message names the ids there. */
export class ShortlistIdError extends ShortlistError {
  constructor(
    file: string,
    readonly id: string,
    message: string,
  ) {
    super(file, message);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'a list' : v === null ? 'null' : isObject(v) ? 'an object' : String(v));

/**
 * The problems with one entry, each "where: what" (`where` is e.g. "entries[2]"); none when it is a valid entry.
 * `needId` false checks an entry about to be added (its id and addedAt are made then).
 */
export function entryProblems(e: unknown, where: string, needId = true): string[] {
  if (!isObject(e)) return [`${where} must be an object (got ${shown(e)})`];
  const out: string[] = [];
  const text = (k: string, optional: boolean, obj: Record<string, unknown> = e, at = where) => {
    const v = obj[k];
    if (v === undefined && optional) return;
    if (typeof v !== 'string' || (!optional && v.trim() === '')) out.push(`${at}.${k} must be ${optional ? 'a string' : 'a non-empty string'} (got ${v === undefined ? 'nothing' : shown(v)})`);
  };
  const num = (k: string, test: (n: number) => boolean, what: string, optional: boolean, obj: Record<string, unknown> = e, at = where) => {
    const v = obj[k];
    if (v === undefined && optional) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || !test(v)) out.push(`${at}.${k} must be ${what} (got ${v === undefined ? 'nothing' : shown(v)})`);
  };
  const nonNeg = (n: number) => n >= 0;
  if (needId) {
    text('id', false);
    text('addedAt', false);
    if (typeof e.addedAt === 'string' && Number.isNaN(Date.parse(e.addedAt))) out.push(`${where}.addedAt must be an ISO 8601 time (got ${shown(e.addedAt)})`);
  }
  for (const k of ['task', 'model', 'backend']) text(k, false);
  for (const k of ['device', 'dtype', 'license']) text(k, true);
  num('parameters', (n) => Number.isInteger(n) && n >= 0, 'a whole number of parameters ≥ 0', true);
  num('sizeBytes', nonNeg, 'a number of bytes ≥ 0', true);
  if (needId || e.notes !== undefined) text('notes', true);
  if (needId && e.notes === undefined) out.push(`${where}.notes must be a string (got nothing)`);
  if (e.partial !== undefined && typeof e.partial !== 'boolean') out.push(`${where}.partial must be true or false (got ${shown(e.partial)})`);
  const d = e.dataset;
  if (!isObject(d)) out.push(`${where}.dataset must be an object with source, sample and seed (got ${d === undefined ? 'nothing' : shown(d)})`);
  else {
    const at = `${where}.dataset`;
    text('source', false, d, at);
    text('config', true, d, at);
    text('split', true, d, at);
    num('sample', (n) => Number.isInteger(n) && n >= 1, 'a whole number of rows ≥ 1', false, d, at);
    num('seed', Number.isInteger, 'a whole number', false, d, at);
  }
  const m = e.metrics;
  if (!isObject(m)) out.push(`${where}.metrics must be an object of numbers (got ${m === undefined ? 'nothing' : shown(m)})`);
  else
    for (const [k, v] of Object.entries(m)) {
      const scale = METRIC_SCALES[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) out.push(`${where}.metrics.${k} must be a number (got ${shown(v)})`);
      else if (scale && (v < 0 || v > scale.max)) out.push(`${where}.metrics.${k} is ${v}, but ${k} is kept on a 0–${scale.max} scale`);
    }
  const l = e.latency;
  if (l !== undefined) {
    if (!isObject(l)) out.push(`${where}.latency must be an object with p50Ms, p95Ms and throughput (got ${shown(l)})`);
    else for (const k of ['p50Ms', 'p95Ms', 'throughput']) num(k, nonNeg, 'a number ≥ 0', false, l, `${where}.latency`);
  }
  return out;
}

/** The problems with a whole parsed file (shape, version, each entry, duplicate ids); none when it is valid. */
export function fileProblems(data: unknown): string[] {
  if (!isObject(data)) return [`the file must hold an object {"version": ${SHORTLIST_VERSION}, "entries": [...]} (got ${shown(data)})`];
  if (data.version !== SHORTLIST_VERSION)
    return [
      typeof data.version === 'number' && data.version > SHORTLIST_VERSION
        ? `version ${data.version} was written by a newer AI Lab; this one reads version ${SHORTLIST_VERSION}`
        : `"version" must be ${SHORTLIST_VERSION} (got ${data.version === undefined ? 'nothing' : shown(data.version)})`,
    ];
  if (!Array.isArray(data.entries)) return [`"entries" must be a list (got ${data.entries === undefined ? 'nothing' : shown(data.entries)})`];
  const out = data.entries.flatMap((e, i) => entryProblems(e, `entries[${i}]`));
  const seen = new Map<string, number>();
  data.entries.forEach((e, i) => {
    if (!isObject(e) || typeof e.id !== 'string') return;
    const first = seen.get(e.id);
    if (first !== undefined) out.push(`entries[${i}].id "${e.id}" is also the id of entries[${first}]; ids must be unique`);
    else seen.set(e.id, i);
  });
  return out;
}
