/**
 * Which dataset column plays which part for an evaluation task, suggested from the column names and
 * types of well-known datasets, and checked against the columns a split has.
 *
 * Names come from the datasets the tasks are usually measured on: sst2 (sentence, label), imdb /
 * rotten_tomatoes / ag_news (text, label), glue qnli (question, sentence, label), mrpc / rte (sentence1,
 * sentence2), mnli / snli (premise, hypothesis), qqp (question1, question2), squad (question, context,
 * answers), cnn_dailymail (article, highlights), xsum (document, summary), opus / wmt (translation dict).
 */
import { columnList, EvalDataError, type Feature } from './dataTable';

export type EvalTask = 'text-classification' | 'zero-shot-classification' | 'question-answering' | 'summarization' | 'translation';

export const EVAL_TASKS: readonly EvalTask[] = ['text-classification', 'zero-shot-classification', 'question-answering', 'summarization', 'translation'];

/** The parts a column can play; `pair` is the second text of a text pair (QNLI, MRPC…), optional. */
export type ColumnRole = 'text' | 'pair' | 'label' | 'question' | 'context' | 'answers' | 'document' | 'summary' | 'translation' | 'source' | 'target';

/** Role → column name. Translation takes either `translation` (a {lang: text} dict column) or `source` + `target`. */
export type ColumnMapping = Partial<Record<ColumnRole, string>>;

export interface ColumnSuggestion {
  mapping: ColumnMapping;
  /** Required roles no column was found for: the user must choose them. */
  missing: ColumnRole[];
  /** Roles filled from the column type alone (the only column of that type), not from a known name: to be confirmed. */
  byType: ColumnRole[];
  /** Translation dict column: the languages it holds (keys of its first value or its type), for choosing source/target. */
  languages?: string[];
}

const REQUIRED: Record<EvalTask, ColumnRole[][]> = {
  'text-classification': [['text', 'label']],
  'zero-shot-classification': [['text', 'label']],
  'question-answering': [['question', 'context', 'answers']],
  summarization: [['document', 'summary']],
  translation: [['translation'], ['source', 'target']],
};

/** Text pairs, first text then second, in the order tried. */
const PAIRS: Array<[string, string]> = [
  ['question', 'sentence'],
  ['sentence1', 'sentence2'],
  ['premise', 'hypothesis'],
  ['question1', 'question2'],
  ['text1', 'text2'],
  ['text_a', 'text_b'],
];

const NAMES: Partial<Record<ColumnRole, string[]>> = {
  text: ['text', 'sentence', 'content', 'review', 'review_body', 'tweet', 'comment', 'utterance', 'body', 'input', 'document'],
  label: ['label', 'labels', 'label_text', 'class', 'category', 'sentiment', 'target', 'coarse_label', 'fine_label'],
  question: ['question', 'query', 'question_text'],
  context: ['context', 'passage', 'paragraph', 'document', 'text'],
  answers: ['answers', 'answer'],
  document: ['document', 'article', 'text', 'dialogue', 'source', 'input', 'content'],
  summary: ['summary', 'highlights', 'reference', 'abstract', 'target', 'headline', 'output'],
  translation: ['translation', 'translations'],
  source: ['source', 'src', 'source_text', 'input'],
  target: ['target', 'tgt', 'target_text', 'reference', 'output'],
};

/** A language code as a column name: en, fr, de_DE, pt-BR, zho. */
const LANGUAGE = /^[a-z]{2,3}([-_][A-Za-z]{2,4})?$/;
const isText = (f: Feature) => f.type === 'string' || f.type === 'large_string';
const isLabel = (f: Feature) => Boolean(f.labels) || /^u?int\d*$/.test(f.type) || isText(f) || f.type === 'bool';
/** SQuAD answers: {text: list(string), answer_start: list(int32)} in any of the viewer's list spellings. */
const LIST = '(?:list|Sequence|List|LargeList)';
const isAnswers = (f: Feature) =>
  // Sequence of {text, answer_start} (the viewer's spelling of `datasets` < 4) or {text: list, answer_start: list} (datasets 4, JSON, Parquet).
  new RegExp(`^${LIST}\\(\\{(?=.*\\btext: string)(?=.*\\banswer_start: u?int\\d*).*\\}\\)$`).test(f.type) ||
  new RegExp(`^\\{(?=.*\\btext: ${LIST}\\(string\\))(?=.*\\banswer_start: ${LIST}\\(u?int\\d*\\)).*\\}$`).test(f.type);
const isTranslation = (f: Feature) => f.type === 'Translation' || /^\{(\w[\w-]*: string(, )?)+\}$/.test(f.type);

/** Answers as plain text or a list of texts: taken only under a known name (answers, answer), never by type alone. */
const isAnswerTexts = (f: Feature) => isText(f) || new RegExp(`^${LIST}\\(string\\)$`).test(f.type);

function fits(role: ColumnRole, f: Feature, byName = false): boolean {
  if (role === 'label') return isLabel(f);
  if (role === 'answers') return isAnswers(f) || (byName && isAnswerTexts(f));
  if (role === 'translation') return isTranslation(f);
  return isText(f);
}

/** Languages of a translation column from its type `{en: string, fr: string}`. */
function typeLanguages(f: Feature): string[] {
  return [...f.type.matchAll(/(\w[\w-]*): string/g)].map((m) => m[1]!);
}

/**
 * Suggests a mapping for `task` from the split's columns: first the known names above (case-insensitive,
 * with a type that fits: text for texts, ClassLabel/int/string for labels, the SQuAD answers struct, a
 * {lang: string} dict for translation), then, for a role still empty, the only unused column whose type
 * fits (listed in `byType`). A column plays one role. Text classification takes a known text pair
 * (question/sentence, sentence1/sentence2, premise/hypothesis, …) as text + pair.
 * `firstRow` (optional) gives a translation dict's languages when the type does not (a `Translation` feature).
 */
export function suggestColumns(task: EvalTask, columns: Feature[], firstRow?: Record<string, unknown>): ColumnSuggestion {
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  const used = new Set<string>();
  const mapping: ColumnMapping = {};
  const byType: ColumnRole[] = [];
  const take = (role: ColumnRole, f: Feature) => {
    mapping[role] = f.name;
    used.add(f.name);
  };
  const named = (role: ColumnRole): Feature | undefined =>
    (NAMES[role] ?? []).map((n) => byName.get(n)).find((f): f is Feature => Boolean(f) && !used.has(f!.name) && fits(role, f!, true));
  const roles = [...new Set(REQUIRED[task].flat())];
  if (task === 'text-classification') {
    for (const [a, b] of PAIRS) {
      const fa = byName.get(a);
      const fb = byName.get(b);
      if (fa && fb && isText(fa) && isText(fb)) {
        take('text', fa);
        take('pair', fb);
        break;
      }
    }
  }
  // Structured roles first, so a dict or struct column is not mistaken for something else.
  const order = [...roles].sort((x, y) => Number(['answers', 'translation', 'label'].includes(y)) - Number(['answers', 'translation', 'label'].includes(x)));
  for (const role of order) {
    if (mapping[role]) continue;
    const f = named(role);
    if (f) take(role, f);
  }
  if (task === 'translation' && mapping.translation) {
    delete mapping.source;
    delete mapping.target;
  }
  // By type, texts before labels: a text column is also a possible (string) label.
  for (const role of roles) {
    if (mapping[role]) continue;
    if (task === 'translation') continue;
    const candidates = columns.filter((c) => !used.has(c.name) && fits(role, c));
    if (candidates.length === 1) {
      take(role, candidates[0]!);
      byType.push(role);
    }
  }
  if (task === 'translation' && !mapping.translation && !(mapping.source && mapping.target)) {
    const dict = columns.find((c) => !used.has(c.name) && isTranslation(c));
    const langs = columns.filter((c) => !used.has(c.name) && isText(c) && LANGUAGE.test(c.name));
    if (dict) take('translation', dict);
    else if (!mapping.source && !mapping.target && langs.length === 2) {
      // Two text columns named by language (en, fr): which way round is the user's choice.
      take('source', langs[0]!);
      take('target', langs[1]!);
      byType.push('source', 'target');
    }
  }
  const missing = REQUIRED[task].find((set) => set.every((r) => mapping[r])) ? [] : REQUIRED[task][0]!.filter((r) => !mapping[r]);
  const out: ColumnSuggestion = { mapping, missing, byType };
  if (mapping.translation) {
    const col = columns.find((c) => c.name === mapping.translation)!;
    const fromType = typeLanguages(col);
    const value = firstRow?.[col.name];
    out.languages = fromType.length ? fromType : value && typeof value === 'object' ? Object.keys(value) : [];
  }
  return out;
}

/**
 * Checks a mapping against a split's columns for `task`.
 * Errors (EvalDataError): a mapping that names a column the split lacks (the message lists the split's
 * columns); a required role left empty (text and label; question, context and answers; document and
 * summary; translation, or source and target); a role not used by the task.
 */
export function checkMapping(task: EvalTask, mapping: ColumnMapping, columns: Feature[], source = 'the split'): void {
  const Source = source === 'the split' ? 'The split' : source; // a dataset id or path keeps its case
  const names = new Set(columns.map((c) => c.name));
  const allowed = new Set<ColumnRole>([...REQUIRED[task].flat(), ...(task === 'text-classification' ? (['pair'] as ColumnRole[]) : [])]);
  for (const [role, col] of Object.entries(mapping) as Array<[ColumnRole, string | undefined]>) {
    if (col === undefined || col === '') continue;
    if (!allowed.has(role)) throw new EvalDataError(`The ${task} task has no "${role}" column; its columns are ${[...allowed].join(', ')}.`);
    if (!names.has(col)) throw new EvalDataError(`${Source} has no column "${col}" (mapped as ${role}); its columns are: ${columnList(columns)}.`);
  }
  if (!REQUIRED[task].some((set) => set.every((r) => mapping[r]))) {
    const want = REQUIRED[task].map((set) => set.join(' + ')).join(', or ');
    throw new EvalDataError(`The ${task} task needs columns for ${want}; ${source}'s columns are: ${columnList(columns)}.`);
  }
}
