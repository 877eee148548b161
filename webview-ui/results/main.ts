/** The "AI Lab Results" page: a history of runs. Built with textContent only: results are never HTML. */
import { placeLabels } from '../../src/shared/placeLabels';
import type { ResultEntry, ResultsProtocol } from '../../src/shared/resultsProtocol';
import { connect } from '../channel';
import { el } from '../common';

const channel = connect<ResultsProtocol>('Results page');

const entries = new Map<string, ResultEntry>();
const list = document.getElementById('entries')!;
const empty = document.getElementById('empty')!;

function button(label: string, action: 'reveal' | 'copy' | 'insertBelow' | 'replace', id: string, title: string): HTMLButtonElement {
  const b = el('button', `action ${action}`, label);
  b.title = title;
  b.addEventListener('click', () => void channel.notify('action', { action, id }));
  return b;
}

function renderOutput(e: ResultEntry, box: HTMLElement): void {
  const o = e.output;
  if (e.status === 'error') {
    box.append(el('p', 'error', e.error ?? 'Failed'));
    return;
  }
  if (e.status === 'cancelled') {
    box.append(el('p', 'muted', 'Cancelled.'));
    return;
  }
  if (!o) {
    box.append(el('p', e.partial ? 'text streaming' : 'muted', e.partial || 'Running…'));
    return;
  }
  if (o.kind === 'labels') {
    const table = el('div', 'labels');
    table.setAttribute('role', 'list');
    for (const l of o.labels) {
      const row = el('div', 'label-row');
      row.setAttribute('role', 'listitem');
      const pct = `${(l.score * 100).toFixed(1)} %`;
      row.setAttribute('aria-label', `${l.label}: ${pct}`);
      row.append(el('span', 'label-name', l.label));
      const bar = el('span', 'bar');
      const fill = el('span', 'fill');
      fill.style.width = `${Math.max(0, Math.min(100, l.score * 100)).toFixed(1)}%`;
      bar.append(fill);
      row.append(bar, el('span', 'score', pct));
      table.append(row);
    }
    box.append(table);
    if (o.parts.length > 1) box.append(el('p', 'muted', `${o.parts.length} parts, averaged by length.`));
    return;
  }
  if (o.kind === 'answers') {
    renderAnswers(e.id, o, box);
    return;
  }
  if (o.kind === 'similarity' || o.kind === 'similarPassages') {
    renderSimilarity(e.id, o, box);
    return;
  }
  box.append(el('p', 'text', o.text.trim()));
  if (o.kind === 'summary' && o.sections?.length) {
    const parts = el('ol', 'sections');
    for (const s of o.sections) {
      const li = el('li');
      li.append(el('span', 'page-ref', s.pages), document.createTextNode(' '), el('span', 'text', s.text));
      parts.append(li);
    }
    box.append(el('p', 'muted', 'By part:'), parts);
  }
  if (o.kind === 'summary' && o.chunks > 1) box.append(el('p', 'muted', `${o.chunks} parts summarized, then combined (${o.levels} rounds).`));
  if (o.kind === 'extractive') box.append(el('p', 'muted', `${o.sentences.length} sentences, verbatim, in their original order.`));
  if (o.kind === 'translation') {
    const detected = o.detected ? `, the source detected by ${o.detected.model} (${(o.detected.score * 100).toFixed(0)} %)` : '';
    box.append(el('p', 'muted', `${o.sentences.length} sentence${o.sentences.length === 1 ? '' : 's'} translated one by one, ${o.from} → ${o.to}${detected}.`));
  }
}

type Answers = Extract<NonNullable<ResultEntry['output']>, { kind: 'answers' }>;

/** The context sentence with the answer marked at its offsets there (never by searching), from text nodes (never HTML). */
function contextWithMark(a: Answers['answers'][number]): HTMLElement {
  const p = el('span', 'context');
  const raw = a.context;
  const { start, end } = a.inContext ?? { start: -1, end: -1 };
  if (!(start >= 0 && start < end && end <= raw.length)) {
    p.textContent = `“${raw}”`;
    return p;
  }
  p.append(document.createTextNode(`“${raw.slice(0, start)}`), el('mark', undefined, raw.slice(start, end)), document.createTextNode(`${raw.slice(end)}”`));
  return p;
}

function renderAnswers(id: string, o: Answers, box: HTMLElement): void {
  box.append(el('p', 'question', `Q: ${o.question}`));
  if (!o.answers.length) {
    box.append(el('p', 'no-answer', 'No answer found.'));
    if (o.rejected) box.append(el('p', 'muted', `The best guess, “${o.rejected.answer}”, scored ${(o.rejected.score * 100).toFixed(1)} %, below the minimum of ${(o.minScore * 100).toFixed(0)} % (aiLab.qa.minScore).`));
  }
  const list = el('ol', 'answers');
  o.answers.forEach((a, index) => {
    const li = el('li', 'answer');
    const open = el('button', 'answer-open');
    const where = a.page === undefined ? 'Show in the editor' : `Show on page ${a.page}`;
    open.title = where;
    open.append(el('span', 'answer-text', a.answer), el('span', 'score', `${(a.score * 100).toFixed(1)} %`));
    // Ask the Workspace: each answer names its file (in its folder, when several folders were asked), then its page.
    const place = placeLabels(a);
    if (place.file) open.append(el('span', 'file-ref', a.folder ? `${a.folder}/${place.file}` : place.file));
    if (place.pages) open.append(el('span', 'page-ref', place.pages));
    open.addEventListener('click', () => void channel.notify('openAnswer', { id, index }));
    li.append(open, contextWithMark(a));
    list.append(li);
  });
  box.append(list);
  const how = o.retrieval === 'bm25' ? `the ${o.read} best-matching of ${o.chunks} passages (BM25)` : o.retrieval === 'hybrid' ? `the best-matching of ${o.chunks} passages (BM25 and meaning)` : o.retrieval === 'flat' ? `all ${o.chunks} passages (no passage matched the question better than the others)` : `all ${o.chunks} passages`;
  box.append(el('p', 'muted', `Read ${how}.`));
}

type Similar = Extract<NonNullable<ResultEntry['output']>, { kind: 'similarity' | 'similarPassages' }>;

/** A cosine (−1…1) as a bar from the middle: right of it for positive, left for negative. */
function scoreBar(score: number, label: string): HTMLElement {
  const row = el('div', 'label-row similarity');
  row.setAttribute('role', 'listitem');
  row.setAttribute('aria-label', `${label}: cosine ${score.toFixed(3)}`);
  const bar = el('span', 'bar');
  const fill = el('span', 'fill');
  const s = Math.max(-1, Math.min(1, score));
  fill.style.marginLeft = `${(50 + Math.min(0, s) * 50).toFixed(1)}%`;
  fill.style.width = `${(Math.abs(s) * 50).toFixed(1)}%`;
  bar.append(fill);
  row.append(el('span', 'label-name', label), bar, el('span', 'score', score.toFixed(3)));
  return row;
}

function renderSimilarity(id: string, o: Similar, box: HTMLElement): void {
  if (o.kind === 'similarity') {
    box.append(scoreBar(o.score, 'cosine similarity'));
  } else {
    box.append(el('p', 'question', `Like: ${o.query}`));
    const list = el('ol', 'answers hits');
    o.hits.forEach((h, index) => {
      const li = el('li', 'answer hit');
      const open = el('button', 'answer-open');
      open.title = h.page === undefined ? 'Show in the editor' : `Show on page ${h.page}`;
      open.append(el('span', 'answer-text', h.text.replace(/\s+/g, ' ').trim()), el('span', 'score', h.score.toFixed(3)));
      const pages = placeLabels(h).pages;
      if (pages) open.append(el('span', 'page-ref', pages));
      open.addEventListener('click', () => void channel.notify('openAnswer', { id, index }));
      li.append(open, scoreBar(h.score, `#${index + 1}`));
      list.append(li);
    });
    box.append(list);
    box.append(el('p', 'muted', `Ranked ${o.ranked} of ${o.passages} passages (up to ${o.passageTokens} tokens each).`));
  }
  const how = o.pooling === 'server' ? 'pooled by the server' : `${o.pooling} pooling (${o.from === 'default' ? 'no pooling config' : o.from})${o.maxTokens ? `, first ${o.maxTokens} tokens of each text` : ''}`;
  box.append(el('p', 'muted', `Cosine of sentence vectors: ${how}.`));
  for (const n of o.notes) box.append(el('p', 'muted note', n));
}

function render(e: ResultEntry): HTMLElement {
  const item = el('li', `entry ${e.status}`);
  item.dataset.id = e.id;
  const head = el('div', 'head');
  head.append(el('span', 'task', e.title));
  // A remote backend is named; the local service is the usual case and goes without saying.
  // A local run says the weights it used and its batch (aiLab.dtype, aiLab.batchSize decide them).
  const run = [e.dtype, e.batchSize ? `batch ${e.batchSize}` : undefined].filter(Boolean).join(', ');
  const meta = [e.model, e.backend && e.backend !== 'local' ? e.backend : undefined, e.device ? e.device.toUpperCase() : undefined, run || undefined, e.durationMs !== undefined ? `${Math.round(e.durationMs)} ms` : e.status].filter(Boolean).join(' · ');
  head.append(el('span', 'meta', meta));
  item.append(head);
  const excerpt = button(`“${e.input.excerpt}”${e.input.where ? ` — ${e.input.where}` : ''}`, 'reveal', e.id, 'Show this input in its editor');
  excerpt.className = 'excerpt';
  item.append(excerpt);
  const box = el('div', 'output');
  renderOutput(e, box);
  item.append(box);
  const textResult = e.output && e.output.kind !== 'labels' && e.output.kind !== 'similarity' && e.output.kind !== 'similarPassages';
  if (e.status === 'done' && textResult) {
    const actions = el('div', 'actions');
    actions.append(button('Copy', 'copy', e.id, 'Copy the text'));
    if (e.canEdit) {
      actions.append(button('Insert Below', 'insertBelow', e.id, 'Insert the text below the input'));
      actions.append(button('Replace Selection', 'replace', e.id, 'Replace the input with the text'));
    }
    item.append(actions);
  } else if (e.status === 'done') {
    const actions = el('div', 'actions');
    actions.append(button('Copy', 'copy', e.id, 'Copy the scores'));
    item.append(actions);
  }
  return item;
}

function upsert(e: ResultEntry): void {
  entries.set(e.id, e);
  const node = render(e);
  const existing = list.querySelector(`li[data-id="${CSS.escape(e.id)}"]`);
  if (existing) existing.replaceWith(node);
  else list.prepend(node);
  empty.hidden = entries.size > 0;
}

channel.onNotification('init', (m) => {
  list.replaceChildren();
  entries.clear();
  for (const e of [...m.entries].reverse()) upsert(e);
  empty.hidden = entries.size > 0;
});
channel.onNotification('upsert', (m) => upsert(m.entry));
channel.onNotification('partial', (m) => {
  const e = entries.get(m.id);
  if (e && e.status === 'running') upsert({ ...e, partial: (e.partial ?? '') + m.text });
});

document.getElementById('clear')?.addEventListener('click', () => void channel.notify('clear', {}));
