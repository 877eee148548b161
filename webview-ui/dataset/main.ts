/** The dataset page: a paged table of rows with column types, and the partition planner. */
import type { DatasetInit, DatasetProtocol, PlanRequest, PlanView, RowsPage } from '../../src/shared/hubProtocol';
import { connect } from '../channel';
import { el, table } from '../common';

const channel = connect<DatasetProtocol>('Dataset page');
const app = document.getElementById('app')!;
let init: DatasetInit | undefined;
let offset = 0;
let total: number | undefined;

const rowsBox = el('section', 'rows-wrap');
const pager = el('div', 'pager');
const prev = el('button', undefined, 'Previous');
const next = el('button', undefined, 'Next');
const where = el('span', 'muted');
const planOut = el('section', 'plan');
prev.addEventListener('click', () => void showRows(Math.max(0, offset - (init?.pageSize ?? 25))));
next.addEventListener('click', () => void showRows(offset + (init?.pageSize ?? 25)));
pager.append(prev, next, where);

function field(form: HTMLElement, label: string, input: HTMLElement): void {
  const l = el('label', undefined, label);
  l.htmlFor = input.id;
  form.append(l, input);
}

function planner(i: DatasetInit): HTMLElement {
  const form = el('form', 'planner');
  form.setAttribute('aria-label', 'Partition planner');
  const slice = el('input');
  slice.id = 'slice';
  slice.value = `${i.split}[:90%]`;
  slice.title = 'A split, or slices joined with +: train[:90%], train[-10%:], test[100:200]';
  field(form, 'Split / slice', slice);
  const column = el('select');
  column.id = 'stratify';
  column.append(new Option('No stratified split', ''));
  for (const c of i.labelColumns) column.append(new Option(`Stratify on ${c}`, c));
  field(form, 'Train/test split', column);
  const size = el('input');
  size.id = 'testSize';
  size.value = '0.2';
  size.title = 'A fraction (0.2) or a number of rows (500)';
  field(form, 'Test size', size);
  const seed = el('input');
  seed.id = 'seed';
  seed.value = '42';
  field(form, 'Seed', seed);
  const go = el('button', 'primary', 'Plan');
  go.id = 'plan';
  go.type = 'submit';
  form.append(el('span'), go);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const testSize = Number(size.value);
    const s = Number(seed.value);
    void plan({ slice: slice.value.trim(), ...(column.value ? { stratify: { column: column.value, testSize, seed: Number.isInteger(s) && s >= 0 ? s : 42 } } : {}) });
  });
  return form;
}

function showPlan(p: PlanView): void {
  planOut.replaceChildren(el('h3', undefined, `${p.spec}: ${p.rows.toLocaleString('en-US')} rows`), el('p', 'muted', p.parts.join(' + ')));
  if (p.stratified) {
    const s = p.stratified;
    planOut.append(el('p', 'result', `train ${s.train.toLocaleString('en-US')} rows · test ${s.test.toLocaleString('en-US')} rows, stratified on ${s.column}${s.estimated ? ' (label counts estimated from the whole split)' : ''}`));
    planOut.append(table(['Label', 'Rows', 'Train', 'Test'], s.perLabel.map((l) => [l.label, String(l.total), String(l.train), String(l.test)])));
  }
  const code = el('pre', 'code', p.code);
  const copy = el('button', undefined, 'Copy Code');
  copy.addEventListener('click', () => void channel.notify('copy', { text: p.code }));
  planOut.append(code, copy);
}

/** Asks the host for the rows at `at` and shows them, or why they could not be read. */
async function showRows(at: number): Promise<void> {
  let m: RowsPage;
  try {
    m = await channel.request('rows', { offset: at }, { timeoutMs: 120_000 });
  } catch (err) {
    rowsBox.replaceChildren(el('p', 'error', (err as Error).message));
    return;
  }
  offset = m.offset;
  total = m.total;
  const head = el('tr');
  for (const c of init?.columns ?? []) {
    const th = el('th', undefined, c.name);
    th.append(el('span', 'coltype', c.type));
    head.append(th);
  }
  const t = table([], m.rows);
  t.tHead!.replaceChildren(head);
  t.id = 'rows';
  rowsBox.replaceChildren(t);
  const last = m.offset + m.rows.length;
  where.textContent = `rows ${m.rows.length ? m.offset + 1 : 0}–${last}${total !== undefined ? ` of ${total.toLocaleString('en-US')}` : ''}${m.partial ? ' (partial)' : ''}`;
  prev.disabled = m.offset === 0;
  next.disabled = total !== undefined ? last >= total : m.rows.length < (init?.pageSize ?? 25);
}

async function plan(r: PlanRequest): Promise<void> {
  try {
    showPlan(await channel.request('plan', r, { timeoutMs: 120_000 }));
  } catch (err) {
    planOut.replaceChildren(el('p', 'error', (err as Error).message));
  }
}

channel.onNotification('init', (m) => {
  init = m.init;
  const splits = init.splits.map((s) => `${s.split}: ${s.rows?.toLocaleString('en-US') ?? '?'} rows`).join(' · ');
  app.replaceChildren(el('h1', undefined, `${init.dataset} · ${init.config} · ${init.split}`), el('p', 'muted', splits), pager, rowsBox, el('h2', undefined, 'Partition planner'), planner(init), planOut);
  void showRows(0);
});
