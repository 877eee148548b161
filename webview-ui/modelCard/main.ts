/**
 * The model card page. The README arrives as HTML that the host has already rendered with markdown-it
 * and sanitized (no scripts, handlers, styles or javascript: links), and the CSP blocks scripts anyway.
 */
import type { CardAction, CardProtocol, CardView } from '../../src/shared/hubProtocol';
import { connect } from '../channel';
import { el, table } from '../common';

const channel = connect<CardProtocol>('Card page');
const app = document.getElementById('app')!;

function button(label: string, action: CardAction, title: string, primary = false): HTMLButtonElement {
  const b = el('button', primary ? 'primary' : undefined, label);
  b.title = title;
  b.dataset.action = action;
  b.addEventListener('click', () => void channel.notify('action', { action }));
  return b;
}

function render(c: CardView): void {
  app.replaceChildren();
  app.removeAttribute('aria-busy');
  const header = el('header');
  header.append(el('h1', undefined, c.id));
  const actions = el('div', 'actions');
  if (c.kind === 'model') {
    actions.append(button(c.cached ? 'Download Again' : 'Download', 'download', 'Download into the Hugging Face cache', !c.cached));
    if (c.verdict?.runs) actions.append(button('Use for Task…', 'useForTask', 'Make this the model for an AI Lab task'));
  }
  actions.append(button('Open on the Hub', 'openOnHub', c.hubUrl), button('Copy Id', 'copyId', 'Copy the repo id'));
  header.append(actions);
  app.append(header, el('p', 'muted stats', c.stats));
  if (c.gated) app.append(el('p', 'warning', `Gated (${c.gated}): accept its terms on the Hub page, then sign in (AI Lab: Sign In to Hugging Face) to download it.`));
  if (c.verdict) {
    const v = el('p', `verdict ${c.verdict.runs ? 'runs' : 'no'}`);
    v.append(el('strong', undefined, c.verdict.runs ? 'Runs in AI Lab. ' : 'Does not run in AI Lab. '), document.createTextNode(c.verdict.reason));
    app.append(v);
  }
  if (c.metaError) app.append(el('p', 'warning', c.metaError));
  if (c.table.length) app.append(table(['Field', 'Value'], c.table.map((r) => [r.key, r.value]), 'grid meta'));
  const card = el('article', 'card');
  card.innerHTML = c.html; // Sanitized by the host (src/core/hub/modelCard.ts).
  app.append(card);
  const files = el('details', 'files');
  files.append(el('summary', undefined, `Files (${c.files.length})`));
  files.append(table(['File', 'Size', ''], c.files.map((f) => [f.path, f.size, f.lfs ? 'LFS' : ''])));
  app.append(files);
}

channel.onNotification('card', (m) => render(m.card));
channel.onNotification('error', (m) => {
  app.removeAttribute('aria-busy');
  app.replaceChildren(el('p', 'error', m.message));
});
