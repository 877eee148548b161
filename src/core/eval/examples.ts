/**
 * A split's rows as evaluation examples for a task, through a column mapping: each example's inputs and
 * its right answer. Rows that cannot be scored are left out with the reason, never guessed.
 */
import { checkMapping, type ColumnMapping, type EvalTask } from './columns';
import { EvalDataError, type DataTable } from './dataTable';
import { datasetLabelsOf, type DatasetLabel } from './labels';
import type { EvalExample } from './report';
import { NLLB_CODES } from '../nlp/languages';

export interface ExampleSet {
  examples: EvalExample[];
  skipped: Array<{ row: number; reason: string }>;
  /** Classification: the dataset's labels (ClassLabel names, or the distinct values). */
  labels?: DatasetLabel[];
  /** Translation: the languages, as given or read from the source/target column names. */
  from?: string;
  to?: string;
}

export interface ExampleOptions {
  /** Translation: source and target language codes; a dict column needs both, named as its keys. */
  from?: string;
  to?: string;
}

/**
 * A column named by its language (en, fr, pt_BR): the ISO 639-1 code, only when it is one AI Lab knows;
 * three-letter names (src, tgt) are never read as languages.
 */
function languageOfColumn(name: string): string | undefined {
  const m = /^([a-z]{2})(?:[-_][A-Za-z]{2,4})?$/.exec(name);
  return m && NLLB_CODES[m[1]!] ? m[1] : undefined;
}

/**
 * The examples of `table` for `task` under `mapping` (checked first with checkMapping).
 * Left out (in `skipped`): a row whose text, question, context, document or reference is empty or not text;
 * a label that is null or negative (GLUE's test splits store -1: no label); a QA row with no gold answer
 * (SQuAD v2's unanswerable questions: scored as SQuAD v1.1, so they are not scored).
 * Errors (EvalDataError): the mapping's own (a column the split lacks, a role missing); no row left to
 * score (says why the rows were left out); translation languages not given and not readable from the
 * columns, or a dict column without the language asked for.
 */
export function buildExamples(task: EvalTask, table: DataTable, mapping: ColumnMapping, o: ExampleOptions = {}): ExampleSet {
  checkMapping(task, mapping, table.columns, table.source);
  if (!table.rows.length) throw new EvalDataError(`${table.source}: no row can be scored (no rows).`);
  const skipped: ExampleSet['skipped'] = [];
  const examples: EvalExample[] = [];
  const out: ExampleSet = { examples, skipped };
  const langs = task === 'translation' ? languages(table, mapping, o) : undefined;
  if (langs) Object.assign(out, langs);
  let labelOf: ((v: unknown) => string | undefined) | undefined;
  if (task === 'text-classification' || task === 'zero-shot-classification') {
    const col = table.columns.find((c) => c.name === mapping.label)!;
    const values = table.rows.map((r) => r[col.name]).map((v) => (typeof v === 'bigint' ? Number(v) : v)).filter((v) => !isNoLabel(v));
    // No label at all (every row -1 or empty): the rows are skipped below and the error says why.
    out.labels = values.length || col.labels?.length ? datasetLabelsOf(col, values) : [];
    const labels = out.labels;
    labelOf = (v) => labels.find((l) => l.value === v || (typeof v === 'boolean' && l.value === String(v)))?.name;
  }
  table.rows.forEach((r, i) => {
    const row = table.rowIndex[i] ?? i;
    const skip = (reason: string) => skipped.push({ row, reason });
    const text = (role: keyof ColumnMapping) => {
      const v = r[mapping[role]!];
      return typeof v === 'string' && v.trim() ? v : undefined;
    };
    switch (task) {
      case 'text-classification':
      case 'zero-shot-classification': {
        const t = text('text');
        const pair = mapping.pair ? text('pair') : undefined;
        const raw = r[mapping.label!];
        const v = typeof raw === 'bigint' ? Number(raw) : raw; // Parquet int64 cells
        if (!t) return skip(`empty ${mapping.text}`);
        if (mapping.pair && !pair) return skip(`empty ${mapping.pair}`);
        if (isNoLabel(v)) return skip(`no label (${v === null || v === undefined ? 'null' : String(v)})`);
        const label = labelOf!(v);
        if (label === undefined) return skip(`label ${JSON.stringify(v)} is not one of the column's labels`);
        examples.push({ kind: 'classification', row, text: t, ...(pair ? { pair } : {}), label });
        return;
      }
      case 'question-answering': {
        const q = text('question');
        const c = text('context');
        if (!q) return skip(`empty ${mapping.question}`);
        if (!c) return skip(`empty ${mapping.context}`);
        const answers = goldAnswers(r[mapping.answers!]);
        if (!answers.length) return skip('unanswerable (no gold answer)');
        examples.push({ kind: 'qa', row, question: q, context: c, answers });
        return;
      }
      case 'summarization': {
        const d = text('document');
        const s = text('summary');
        if (!d) return skip(`empty ${mapping.document}`);
        if (!s) return skip(`empty ${mapping.summary}`);
        examples.push({ kind: 'summary', row, document: d, reference: s });
        return;
      }
      case 'translation': {
        let src: unknown;
        let ref: unknown;
        if (mapping.translation) {
          const dict = r[mapping.translation];
          if (!dict || typeof dict !== 'object') return skip(`${mapping.translation} is not a {language: text} value`);
          src = (dict as Record<string, unknown>)[langs!.from];
          ref = (dict as Record<string, unknown>)[langs!.to];
        } else {
          src = r[mapping.source!];
          ref = r[mapping.target!];
        }
        if (typeof src !== 'string' || !src.trim()) return skip(`no ${langs!.from} text`);
        if (typeof ref !== 'string' || !ref.trim()) return skip(`no ${langs!.to} reference`);
        examples.push({ kind: 'translation', row, source: src, reference: ref });
        return;
      }
    }
  });
  if (!examples.length) {
    const reasons = [...new Set(skipped.map((s) => s.reason))].slice(0, 3).join('; ');
    const hint = skipped.some((s) => s.reason.startsWith('no label')) ? ' (a test split often has no labels: use the validation split)' : '';
    throw new EvalDataError(`${table.source}: no row can be scored${table.rows.length ? ` (${table.rows.length} rows: ${reasons})${hint}` : ' (no rows)'}.`);
  }
  return out;
}

/** -1 is how `datasets` stores a missing ClassLabel (GLUE test splits); null is a missing cell. */
function isNoLabel(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'number' && v < 0) || v === '';
}

/**
 * Gold answers from a SQuAD-style cell: {text: string[], answer_start: number[]}, a list of such
 * objects, a list of strings, or one string. Empty strings are dropped.
 */
export function goldAnswers(v: unknown): string[] {
  const texts: unknown[] =
    typeof v === 'string'
      ? [v]
      : Array.isArray(v)
        ? v.flatMap((x) => (x && typeof x === 'object' && 'text' in x ? [(x as { text: unknown }).text] : [x]))
        : v && typeof v === 'object' && 'text' in v
          ? ([] as unknown[]).concat((v as { text: unknown }).text)
          : [];
  return texts.filter((t): t is string => typeof t === 'string' && t.trim() !== '');
}

function languages(table: DataTable, mapping: ColumnMapping, o: ExampleOptions): { from: string; to: string } {
  if (mapping.translation) {
    const first = table.rows.find((r) => r[mapping.translation!] && typeof r[mapping.translation!] === 'object')?.[mapping.translation];
    const have = first ? Object.keys(first as object) : [...(table.columns.find((c) => c.name === mapping.translation)?.type.matchAll(/(\w[\w-]*): string/g) ?? [])].map((m) => m[1]!);
    if (!o.from || !o.to) throw new EvalDataError(`Translation from the "${mapping.translation}" column needs the source and target languages; it holds ${have.join(', ') || 'no languages'} (give them, e.g. from ${have[0] ?? 'en'} to ${have[1] ?? 'fr'}).`);
    for (const l of [o.from, o.to]) {
      if (have.length && !have.includes(l)) throw new EvalDataError(`The "${mapping.translation}" column has no "${l}" texts; its languages are ${have.join(', ')}.`);
    }
    if (o.from === o.to) throw new EvalDataError(`The source and target languages are both "${o.from}".`);
    return { from: o.from, to: o.to };
  }
  const from = o.from ?? languageOfColumn(mapping.source!);
  const to = o.to ?? languageOfColumn(mapping.target!);
  if (!from || !to) throw new EvalDataError(`Translation from the "${mapping.source}" column to "${mapping.target}" needs the source and target languages (e.g. en and fr).`);
  if (from === to) throw new EvalDataError(`The source and target languages are both "${from}".`);
  return { from, to };
}
