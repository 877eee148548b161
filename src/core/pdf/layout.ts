/** A positioned run of text on a page, in PDF user space (y grows upwards), as pdf.js reports it. */
export interface TextRun {
  str: string;
  x: number;
  y: number;
  width: number;
  height: number;
  hasEOL: boolean;
}

/**
 * The x where a page splits into two columns, or undefined. A gutter is a vertical band with no text
 * between 25 % and 75 % of the text's width, with at least a fifth of the text on each side. Runs wider
 * than 60 % of the text (titles across both columns) are left out of the search.
 */
export function findGutter(runs: TextRun[]): number | undefined {
  const text = runs.filter((r) => r.str.trim() && r.width > 0);
  if (text.length < 6) return undefined;
  const left = Math.min(...text.map((r) => r.x));
  const right = Math.max(...text.map((r) => r.x + r.width));
  const span = right - left;
  if (span <= 0) return undefined;
  const BIN = 2;
  const bins = new Uint8Array(Math.ceil(span / BIN) + 1);
  for (const r of text) {
    if (r.width > span * 0.6) continue;
    for (let b = Math.floor((r.x - left) / BIN); b <= Math.floor((r.x + r.width - left) / BIN); b++) bins[b] = 1;
  }
  let best: { from: number; to: number } | undefined;
  let from = -1;
  for (let b = 0; b <= bins.length; b++) {
    const empty = b < bins.length && bins[b] === 0;
    if (empty && from < 0) from = b;
    if (!empty && from >= 0) {
      if (!best || b - from > best.to - best.from) best = { from, to: b };
      from = -1;
    }
  }
  if (!best || (best.to - best.from) * BIN < 10) return undefined;
  const gutter = left + ((best.from + best.to) / 2) * BIN;
  if (gutter < left + span * 0.25 || gutter > left + span * 0.75) return undefined;
  const chars = (pred: (r: TextRun) => boolean) => text.filter(pred).reduce((n, r) => n + r.str.length, 0);
  const all = chars(() => true);
  const l = chars((r) => r.x + r.width <= gutter);
  const rr = chars((r) => r.x >= gutter);
  return l >= all * 0.2 && rr >= all * 0.2 ? gutter : undefined;
}

/**
 * The page's text in reading order: runs joined with spaces and line breaks from their positions
 * (pdf.js's content order within a column; a two-column page is read left column first).
 */
export function layoutPage(runs: TextRun[]): string {
  const gutter = findGutter(runs);
  // Runs across the gutter (titles) are read with the left column, where they start.
  const leftColumn = (r: TextRun) => gutter === undefined || r.x + r.width / 2 < gutter || r.x < gutter - 1;
  const ordered = [...runs.filter(leftColumn), ...runs.filter((r) => !leftColumn(r))];
  let out = '';
  let prev: TextRun | undefined;
  for (const r of ordered) {
    if (!r.str) {
      if (r.hasEOL && out && !out.endsWith('\n')) out += '\n';
      continue;
    }
    if (prev && out && !out.endsWith('\n')) {
      const lineHeight = Math.max(1, Math.min(prev.height || 10, r.height || 10));
      const newLine = Math.abs(r.y - prev.y) > lineHeight * 0.5 || r.x < prev.x - lineHeight;
      if (newLine) out += '\n';
      else if (!/\s$/.test(out) && !/^\s/.test(r.str) && r.x - (prev.x + prev.width) > lineHeight * 0.15) out += ' ';
    }
    out += r.str;
    if (r.hasEOL) out += '\n';
    prev = r;
  }
  return out.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}
