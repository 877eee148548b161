/**
 * The Compare Models page: one row per model (status, the task's metrics, latency, throughput, size,
 * licence, backend, device, dtype), sortable by any column; a confusion matrix per classifier; the
 * examples where the models disagree and where every model fails. It fills in as each model ends.
 */
import type { ModelRun } from '../../src/core/eval/report';
import type { EvalProtocol, EvalView } from '../../src/shared/evalProtocol';
import { connect } from '../channel';
import { el } from '../common';
import { bytes, exampleText, metric, METRICS, ms, shortName, status } from './format';

const channel = connect<EvalProtocol>('Compare Models page');
const app = document.getElementById('app')!;
let view: EvalView | undefined;
let sort: { col: number; dir: 'ascending' | 'descending' } | undefined;

interface Column {
  head: string;
  cls?: string;
  /** The cell's text, and the value it sorts by (numbers: higher first on the first click). */
  text: (r: ModelRun | null, i: number) => string;
  key: (r: ModelRun | null, i: number) => number | string | undefined;
}

function columns(v: EvalView): Column[] {
  const name = (i: number) => shortName(v.models[i] ?? '');
  return [
    { head: 'Model', cls: 'model', text: (_r, i) => name(i), key: (_r, i) => name(i) },
    { head: 'Status', cls: 'status', text: (r) => (r ? status(r) : 'running…'), key: (r) => r?.status ?? 'running' },
    ...METRICS[v.task].map((m) => ({ head: m.head, cls: `metric ${m.key}`, text: (r: ModelRun | null) => metric(r?.metrics[m.key], m.percent), key: (r: ModelRun | null) => r?.metrics[m.key] })),
    { head: 'p50 ms', cls: 'num', text: (r) => ms(r?.latency?.p50Ms), key: (r) => r?.latency?.p50Ms },
    { head: 'p95 ms', cls: 'num', text: (r) => ms(r?.latency?.p95Ms), key: (r) => r?.latency?.p95Ms },
    { head: 'ex/s', cls: 'num', text: (r) => (r?.latency ? r.latency.throughput.toFixed(1) : '–'), key: (r) => r?.latency?.throughput },
    { head: 'Size', cls: 'num', text: (r) => bytes(r?.sizeBytes), key: (r) => r?.sizeBytes },
    { head: 'Licence', text: (r) => r?.license ?? '–', key: (r) => r?.license },
    { head: 'Backend', text: (r) => r?.backend ?? '–', key: (r) => r?.backend },
    { head: 'Device', text: (r) => r?.device ?? '–', key: (r) => r?.device },
    { head: 'Dtype', text: (r) => r?.dtype ?? '–', key: (r) => r?.dtype },
  ];
}

function compare(a: number | string | undefined, b: number | string | undefined): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

function runsTable(v: EvalView): HTMLElement {
  const cols = columns(v);
  const t = el('table', 'grid runs');
  t.id = 'runs';
  const head = el('tr');
  cols.forEach((c, ci) => {
    const th = el('th');
    th.scope = 'col';
    th.setAttribute('aria-sort', sort?.col === ci ? sort.dir : 'none');
    const b = el('button', 'sort', c.head);
    b.addEventListener('click', () => {
      sort = { col: ci, dir: sort?.col === ci && sort.dir === 'ascending' ? 'descending' : 'ascending' };
      render();
      (document.querySelectorAll('#runs th button.sort')[ci] as HTMLElement | undefined)?.focus();
    });
    th.append(b);
    head.append(th);
  });
  if (v.shortlist) head.append(el('th', undefined, 'Shortlist'));
  t.append(el('thead'));
  t.tHead!.append(head);
  const order = v.models.map((_m, i) => i);
  if (sort) {
    const c = cols[sort.col]!;
    order.sort((a, b) => compare(c.key(v.runs[a] ?? null, a), c.key(v.runs[b] ?? null, b)) * (sort!.dir === 'ascending' ? 1 : -1));
  }
  const body = el('tbody');
  for (const i of order) {
    const r = v.runs[i] ?? null;
    const tr = el('tr', `run ${r?.status ?? 'running'}`);
    tr.dataset.model = v.models[i] ?? '';
    for (const c of cols) {
      const td = el('td', c.cls, c.text(r, i));
      if (c.head === 'Model') td.title = v.models[i] ?? '';
      if (c.head === 'Status' && r?.status === 'failed') td.classList.add('error');
      tr.append(td);
    }
    if (v.shortlist) {
      const td = el('td');
      if (r && r.status !== 'not-run' && r.done) {
        const b = el('button', 'add-shortlist', 'Add to Shortlist');
        b.setAttribute('aria-label', `Add ${shortName(v.models[i] ?? '')} to the shortlist`);
        b.addEventListener('click', () => channel.notify('addToShortlist', { index: i }));
        td.append(b);
      }
      tr.append(td);
    }
    body.append(tr);
  }
  t.append(body);
  return t;
}

function confusion(v: EvalView): HTMLElement | undefined {
  const runs = v.runs.map((r, i) => ({ r, i })).filter((x) => x.r?.confusion);
  if (!runs.length) return undefined;
  const section = el('section', 'confusions');
  section.append(el('h2', undefined, 'Confusion matrices'));
  for (const { r, i } of runs) {
    const c = r!.confusion!;
    const d = el('details', 'confusion');
    d.append(el('summary', undefined, `${shortName(v.models[i] ?? '')} (rows: the dataset's label; columns: the prediction)`));
    const t = el('table', 'grid matrix');
    const head = el('tr');
    head.append(el('th', undefined, ''));
    for (const col of c.columns) head.append(el('th', undefined, col));
    t.append(head);
    c.matrix.forEach((row, ri) => {
      const tr = el('tr');
      tr.append(el('th', undefined, c.labels[ri] ?? ''));
      row.forEach((n, ci) => tr.append(el('td', `num${c.labels[ri] === c.columns[ci] ? ' diagonal' : ''}`, String(n))));
      t.append(tr);
    });
    d.append(t);
    const m = r!.labelMapping;
    if (m) {
      const how = (p: (typeof m.pairs)[number]) => (p.how === 'user' ? 'chosen' : p.how === 'index' ? 'guess by position' : `by ${p.how}`);
      const unmapped = m.unmappedDataset.length ? `; no model label for ${m.unmappedDataset.map((x) => x.name).join(', ')}` : '';
      d.append(el('p', 'mapping muted', `Labels: ${m.pairs.map((p) => `${p.dataset.name} → ${p.model} (${how(p)})`).join(', ')}${unmapped}`));
    }
    section.append(d);
  }
  return section;
}

const SHORT = 160;

function examples(v: EvalView, id: string, title: string, positions: number[], empty: string): HTMLElement {
  const section = el('section', 'examples');
  section.id = id;
  section.append(el('h2', undefined, `${title} (${positions.length})`));
  if (!positions.length) {
    section.append(el('p', 'muted', empty));
    return section;
  }
  const list = el('ol', 'example-list');
  for (const p of positions) {
    const e = v.examples[p]!;
    const { input, reference } = exampleText(e);
    const li = el('li', 'example');
    li.dataset.row = String(e.row);
    if (input.length > SHORT) {
      const d = el('details', 'input');
      d.append(el('summary', undefined, `${input.slice(0, SHORT)}…`), el('p', 'full', input));
      li.append(d);
    } else li.append(el('p', 'input', input));
    li.append(el('p', 'reference', `Reference (row ${e.row}): ${reference}`));
    const preds = el('ul', 'predictions');
    v.runs.forEach((r, i) => {
      const pred = r?.predictions[p];
      if (pred === null || pred === undefined) return;
      const right = (r!.scores[p] ?? 0) >= (v.report?.verdicts.failBelow ?? 1);
      preds.append(el('li', right ? 'right' : 'wrong', `${shortName(v.models[i] ?? '')}: ${pred}${right ? '' : ' ✗'}`));
    });
    li.append(preds);
    list.append(li);
  }
  section.append(list);
  return section;
}

function render(): void {
  const v = view;
  if (!v) return;
  const head = el('header');
  const titles = el('div');
  titles.append(el('h1', undefined, `${v.task} on ${v.dataset.source}`));
  const ended = v.runs.filter(Boolean).length;
  const summary = el('p', 'summary muted', v.report ? `${v.dataset.sample} examples of ${v.dataset.totalRows} (seed ${v.dataset.seed})${v.dataset.skipped.length ? `, ${v.dataset.skipped.length} skipped` : ''} · ${v.report.partial ? 'partial: not every model ran to the end' : 'every model ran every example'}` : `${ended} of ${v.models.length} models ended…`);
  summary.id = 'summary';
  summary.setAttribute('role', 'status');
  titles.append(summary);
  const actions = el('div', 'actions');
  const exp = el('button', 'export', 'Export JSON');
  exp.disabled = !v.report;
  exp.addEventListener('click', () => channel.notify('exportJson', {}));
  actions.append(exp);
  head.append(titles, actions);
  const parts: HTMLElement[] = [head, runsTable(v)];
  const c = confusion(v);
  if (c) parts.push(c);
  if (v.report) {
    parts.push(
      examples(v, 'disagree', 'Where the models disagree', v.report.disagreements, 'The models agree on every example.'),
      examples(v, 'allfail', 'Where every model fails', v.report.allFail, 'On every example at least one model is right.'),
    );
  } else parts.push(el('p', 'muted', 'The examples where the models disagree show once every model has run.'));
  app.replaceChildren(...parts);
}

channel.onNotification('view', (m) => {
  view = m.view;
  render();
});
