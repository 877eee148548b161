/**
 * Columns: which vertical gaps between runs are gutters that split lines into columns read one after
 * the other, and which are gaps between the cells of a table's rows (the row stays one line).
 *
 * A gutter is an empty vertical strip, at least 0.75 of the body font size wide, through a block of
 * consecutive lines: it runs the height of the block (a line across it ends the block). It splits the
 * block into columns when the text on each side reads as prose lines (long, filling their side, several
 * words), or when the two sides do not share baselines (a sidebar or code panel in its own type).
 * Cells in rows (short entries on shared baselines: tables, bullets, labels) keep their rows whole.
 */
import { isBlank, lineText, makeLine, type Line, type TextRun } from './lines';

interface Block {
  /** Lines from..to (inclusive) of the region. */
  from: number;
  to: number;
  /** The strip's left and right edges: every run of the block ends left of a or starts right of b. */
  a: number;
  b: number;
}

/** Where x falls between a line's runs: the empty interval around it, or undefined inside a run. */
function emptyAround(line: Line, x: number): [number, number] | undefined {
  let lo = -Infinity;
  let hi = Infinity;
  for (const r of line.runs) {
    if (isBlank(r.str)) continue;
    const end = r.x + Math.abs(r.width);
    if (end <= x) lo = Math.max(lo, end);
    else if (r.x >= x) hi = Math.min(hi, r.x);
    else return undefined;
  }
  return [lo, hi];
}

/** x positions worth testing for a gutter: wide gaps inside a line, and between lines side by side. */
function probes(lines: Line[], minGap: number): number[] {
  const xs = new Set<number>();
  const add = (x: number) => xs.add(Math.round(x));
  lines.forEach((line, k) => {
    let end = -Infinity;
    for (const r of line.runs) {
      if (isBlank(r.str)) continue;
      if (end > -Infinity && r.x - end >= minGap) add((end + r.x) / 2);
      end = Math.max(end, r.x + Math.abs(r.width));
    }
    const next = lines[k + 1];
    if (next && line.x1 + minGap <= next.x0) add((line.x1 + next.x0) / 2);
    if (next && next.x1 + minGap <= line.x0) add((next.x1 + line.x0) / 2);
  });
  return [...xs];
}

/** The maximal blocks of consecutive lines that an empty strip through x crosses. */
function blocksAt(lines: Line[], x: number, minGap: number): Block[] {
  const out: Block[] = [];
  let cur: Block | undefined;
  lines.forEach((line, k) => {
    const iv = emptyAround(line, x);
    if (iv && cur && Math.min(cur.b, iv[1]) - Math.max(cur.a, iv[0]) >= minGap) {
      cur.a = Math.max(cur.a, iv[0]);
      cur.b = Math.min(cur.b, iv[1]);
      cur.to = k;
      return;
    }
    if (cur) out.push(cur);
    cur = iv && iv[1] - iv[0] >= minGap ? { from: k, to: k, a: iv[0], b: iv[1] } : undefined;
  });
  if (cur) out.push(cur);
  return out;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

/** Lines of one side of a block that read as running prose rather than cells or labels. */
function readsAsProse(side: Line[]): boolean {
  if (side.length < 2) return false;
  const x0 = Math.min(...side.map((l) => l.x0));
  const x1 = Math.max(...side.map((l) => l.x1));
  if (x1 <= x0) return false;
  const texts = side.map(lineText);
  const chars = median(texts.map((t) => t.length));
  const words = median(texts.map((t) => t.split(/\s+/).length));
  const fill = median(side.map((l) => (l.x1 - l.x0) / (x1 - x0)));
  // Scripts written without spaces (Chinese, Japanese) have one "word" per line.
  const spaced = texts.some((t) => /\s/.test(t));
  return chars >= 12 && fill >= 0.55 && (words >= 3 || !spaced);
}

interface Split {
  block: Block;
  left: Line[];
  right: Line[];
}

/** The block split at its strip, when its sides are columns (see the file's comment), else undefined. */
function columnsOf(lines: Line[], block: Block, size: number): Split | undefined {
  if (block.to - block.from < 2 || !Number.isFinite(block.a) || !Number.isFinite(block.b)) return undefined;
  const mid = (block.a + block.b) / 2;
  const left: Line[] = [];
  const right: Line[] = [];
  let shared = 0;
  let aligned = 0;
  for (let k = block.from; k <= block.to; k++) {
    const runs = lines[k]!.runs;
    const l = makeLine(runs.filter((r: TextRun) => r.x + Math.abs(r.width) / 2 < mid));
    const r = makeLine(runs.filter((r: TextRun) => r.x + Math.abs(r.width) / 2 >= mid));
    if (l) left.push(l);
    if (r) right.push(r);
    if (l && r) {
      shared++;
      if (Math.abs(l.y - r.y) <= 0.2 * size) aligned++;
    }
  }
  if (left.length < 2 || right.length < 2) return undefined;
  // A column's lines start at its left edge; a river of spaces through a paragraph has ragged starts.
  if (right.filter((l) => l.x0 - block.b < 0.5 * size).length < right.length / 2) return undefined;
  const proseL = readsAsProse(left);
  const proseR = readsAsProse(right);
  const onBaselines = aligned >= 0.5 * Math.min(left.length, right.length) && shared > 0;
  const columns = (proseL && proseR) || !onBaselines;
  return columns ? { block, left, right } : undefined;
}

/** The widest-reaching column split of the lines, if any. */
function bestSplit(lines: Line[], size: number): Split | undefined {
  const minGap = Math.max(3, 0.75 * size);
  const seen = new Set<string>();
  let best: Split | undefined;
  for (const x of probes(lines, minGap)) {
    for (const block of blocksAt(lines, x, minGap)) {
      const key = `${block.from}:${block.to}:${Math.round(block.a)}:${Math.round(block.b)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const split = columnsOf(lines, block, size);
      if (!split) continue;
      const span = (s: Split) => s.block.to - s.block.from;
      if (!best || span(split) > span(best) || (span(split) === span(best) && split.block.b - split.block.a > best.block.b - best.block.a)) best = split;
    }
  }
  return best;
}

/**
 * Lines (top first) in reading order: a block split into columns is read column by column, left
 * first, after the lines above it and before the lines below it; each column may split again.
 */
export function readingOrder(lines: Line[], size: number, depth = 0): Line[] {
  if (lines.length < 3 || depth > 8) return lines;
  const split = bestSplit(lines, size);
  if (!split) return lines;
  const { from, to } = split.block;
  return [
    ...readingOrder(lines.slice(0, from), size, depth + 1),
    ...readingOrder(split.left, size, depth + 1),
    ...readingOrder(split.right, size, depth + 1),
    ...readingOrder(lines.slice(to + 1), size, depth + 1),
  ];
}
