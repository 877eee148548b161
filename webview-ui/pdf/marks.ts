/**
 * Finding text in a page's text layer and marking it: the layer's text nodes are flattened into one
 * folded string (lower case, one UTF-16 unit for one unit, so offsets stay put) with a map back to
 * (node, offset). Find matches space-insensitively between runs; answers are placed with spaces left
 * out altogether (src/shared/answerPlace.ts).
 */
import { lowerUnit, placeAnswer } from '../../src/shared/answerPlace';

interface Flat {
  text: string;
  /** For each char of `text`: its text node and offset in it. */
  at: Array<{ node: Text; offset: number }>;
}

function flatten(layer: HTMLElement, dense = false): Flat {
  const walker = document.createTreeWalker(layer, NodeFilter.SHOW_TEXT);
  let text = '';
  const at: Flat['at'] = [];
  let space = true;
  for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
    const s = n.data;
    for (let i = 0; i < s.length; i++) {
      const c = lowerUnit(s[i]!);
      if (/\s/.test(c)) {
        if (space || dense) continue;
        space = true;
        text += ' ';
      } else {
        space = false;
        text += c;
      }
      at.push({ node: n, offset: i });
    }
    // Runs usually break where a word or line does: count the break as a space.
    if (!dense && !space && !n.parentElement?.nextElementSibling?.classList.contains('endOfContent')) {
      text += ' ';
      at.push({ node: n, offset: s.length });
      space = true;
    }
  }
  return { text, at };
}

export function fold(s: string): string {
  return s.replace(/\s+/g, ' ').trim().split('').map(lowerUnit).join('');
}

/** Offsets of every match of `query` in the layer's folded text (space between runs optional). */
export function findAll(layer: HTMLElement, query: string): Array<{ start: number; end: number }> {
  const q = fold(query);
  if (!q) return [];
  const { text } = flatten(layer);
  const out: Array<{ start: number; end: number }> = [];
  let k = text.indexOf(q);
  while (k >= 0) {
    out.push({ start: k, end: k + q.length });
    k = text.indexOf(q, k + 1);
  }
  return out;
}

/** Removes marks made by markRange (the layer's text nodes are joined back). */
export function clearMarks(root: ParentNode, cls: string): void {
  for (const m of [...root.querySelectorAll(`mark.${cls}`)]) {
    const parent = m.parentNode!;
    parent.replaceChild(document.createTextNode(m.textContent ?? ''), m);
    parent.normalize();
  }
}

/** Wraps the folded range [start, end) of the layer's text in <mark class=cls> elements; returns the first. */
export function markRange(layer: HTMLElement, start: number, end: number, cls: string, spaceless = false): HTMLElement | undefined {
  const { at } = flatten(layer, spaceless);
  const pieces = new Map<Text, { from: number; to: number }>();
  for (let i = start; i < end && i < at.length; i++) {
    const { node, offset } = at[i]!;
    if (offset >= node.data.length) continue;
    const p = pieces.get(node);
    if (p) p.to = offset + 1;
    else pieces.set(node, { from: offset, to: offset + 1 });
  }
  let first: HTMLElement | undefined;
  for (const [node, { from, to }] of pieces) {
    const mid = node.splitText(from);
    mid.splitText(to - from);
    const mark = document.createElement('mark');
    mark.className = cls;
    mid.replaceWith(mark);
    mark.append(mid);
    first ??= mark;
  }
  return first;
}

/**
 * Marks an answer on the layer at its place in its sentence (`at`: where it starts in `context`,
 * from the model's span; see placeAnswer). Returns the first mark and the page's dense text just
 * before it, which says which occurrence was marked.
 */
export function markAnswer(layer: HTMLElement, text: string, context: string | undefined, cls: string, at?: number): { mark: HTMLElement; before: string } | undefined {
  const { text: flat } = flatten(layer, true);
  const place = placeAnswer(flat, text, context, at);
  if (!place) return undefined;
  const mark = markRange(layer, place.start, place.start + place.length, cls, true);
  return mark && { mark, before: flat.slice(Math.max(0, place.start - 24), place.start) };
}
