/** Small DOM helpers the panels share; text always goes in through textContent. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function table(head: string[], rows: string[][], cls = 'grid'): HTMLTableElement {
  const t = el('table', cls);
  const tr = el('tr');
  for (const h of head) tr.append(el('th', undefined, h));
  t.append(el('thead'));
  t.tHead!.append(tr);
  const body = el('tbody');
  for (const r of rows) {
    const row = el('tr');
    for (const c of r) row.append(el('td', undefined, c));
    body.append(row);
  }
  t.append(body);
  return t;
}
