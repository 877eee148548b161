/** The tokenizer inspector page: the text with each token's characters, token chips with ids, hover links them. */
import type { TokenizerProtocol } from '../../src/shared/hubProtocol';
import type { TokenReport } from '../../src/core/tokenize/types';
import { connect } from '../channel';
import { el } from '../common';

const channel = connect<TokenizerProtocol>('Tokenizer page');
const app = document.getElementById('app')!;

function render(text: string, r: TokenReport): void {
  const over = r.maxLength !== undefined && r.count > r.maxLength;
  const head = el('header');
  head.append(el('h1', undefined, r.model));
  const count = el('p', `count${over ? ' over' : ''}`, `${r.count} tokens${r.maxLength !== undefined ? ` of at most ${r.maxLength}` : ''} · vocabulary ${r.vocabSize}${r.configVocabSize !== undefined ? ` (config.vocab_size ${r.configVocabSize})` : ''}${r.lowercases ? ' · lowercases' : ''}`);
  count.id = 'count';
  const issues = el('ul', 'issues');
  for (const w of r.warnings) issues.append(el('li', 'warning', w));
  for (const n of r.notes) issues.append(el('li', 'muted', n));

  // The source text cut at token boundaries (UTF-16 offsets, as the report gives them); each placed
  // token gets a span, and byte pieces of one character (an emoji in byte-level BPE) share it.
  const source = el('div', 'source');
  source.id = 'source';
  const placed = r.tokens.map((t, i) => ({ ...t, i })).filter((t) => t.start !== undefined && t.end !== undefined && t.end > t.start).sort((a, b) => a.start! - b.start! || a.i - b.i);
  const spans = new Map<number, HTMLElement>();
  const tokensOf = new Map<HTMLElement, number[]>();
  let at = 0;
  let last: { start: number; end: number; span: HTMLElement } | undefined;
  for (const t of placed) {
    if (last && t.start === last.start && t.end === last.end) {
      spans.set(t.i, last.span);
      tokensOf.get(last.span)!.push(t.i);
      last.span.dataset.tokens += ` ${t.i}`;
      continue;
    }
    if (t.start! < at) continue;
    if (t.start! > at) source.append(document.createTextNode(text.slice(at, t.start)));
    const s = el('span', 'tok', text.slice(t.start, t.end));
    s.dataset.index = String(t.i);
    s.dataset.tokens = String(t.i); // Every token shown by this span (the byte pieces of one character).
    spans.set(t.i, s);
    tokensOf.set(s, [t.i]);
    source.append(s);
    at = t.end!;
    last = { start: t.start!, end: t.end!, span: s };
  }
  if (at < text.length) source.append(document.createTextNode(text.slice(at)));

  const chips = el('div', 'chips');
  chips.id = 'chips';
  chips.setAttribute('role', 'list');
  const chipEls: HTMLElement[] = [];
  r.tokens.forEach((t, i) => {
    const c = el('button', `chip${t.special ? ' special' : ''}`, t.token);
    c.append(el('span', 'id', String(t.id)));
    c.setAttribute('role', 'listitem');
    c.title = t.start !== undefined ? `id ${t.id} · characters ${t.start}–${t.end}: "${text.slice(t.start, t.end)}"` : `id ${t.id}${t.special ? ' · special token' : ' · not placed in the text'}`;
    const on = (hl: boolean) => {
      c.classList.toggle('hl', hl);
      spans.get(i)?.classList.toggle('hl', hl);
    };
    c.addEventListener('mouseenter', () => on(true));
    c.addEventListener('mouseleave', () => on(false));
    c.addEventListener('focus', () => on(true));
    c.addEventListener('blur', () => on(false));
    c.addEventListener('click', () => t.start !== undefined && void channel.notify('reveal', { start: t.start, end: t.end! }));
    chipEls.push(c);
    chips.append(c);
  });
  for (const [s, indexes] of tokensOf) {
    const on = (hl: boolean) => {
      s.classList.toggle('hl', hl);
      for (const i of indexes) chipEls[i]?.classList.toggle('hl', hl);
    };
    s.addEventListener('mouseenter', () => on(true));
    s.addEventListener('mouseleave', () => on(false));
  }
  app.replaceChildren(head, count, issues, el('h2', undefined, 'Text'), source, el('h2', undefined, 'Tokens'), chips);
}

channel.onNotification('report', (m) => render(m.text, m.report));
