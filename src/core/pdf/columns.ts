/**
 * Columns: which vertical gaps between runs are gutters that split lines into columns read one after
 * the other, and which are gaps between the cells of a table's rows (the row stays one line).
 *
 * A gutter is an empty vertical strip, at least 0.75 of the body font size wide, through a block of
 * consecutive lines: it runs the height of the block (a line across it ends the block). It splits the
 * block into columns when the text on each side reads as prose lines (long, filling their side, several
 * words), when the two sides do not share baselines (a sidebar or code panel in its own type), or when
 * prose running on from line to line has something else on its right (a code panel).
 * Cells in rows (short entries on shared baselines: tables, bullets, labels, a column of one-line
 * descriptions) keep their rows whole.
 */
import { lineText, makeLine, type Line, type TextRun } from './lines';

interface Block {
  /** Lines from..to (inclusive) of the region. */
  from: number;
  to: number;
  /** The strip's left and right edges: every run of the block ends left of a or starts right of b. */
  a: number;
  b: number;
}

/** The narrowest gutter: three quarters of the body font size (LaTeX's two columns are 1 em apart). */
const gapFor = (size: number): number => Math.max(3, 0.75 * size);

/** Where x falls between a line's runs: the empty interval around it, or undefined inside a run. */
function emptyAround(line: Line, x: number): [number, number] | undefined {
  let lo = -Infinity;
  let hi = Infinity;
  for (const r of line.ink) {
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
  // Probes 2 pt apart find the same strips (a gutter is at least 3 pt wide).
  const add = (x: number) => xs.add(2 * Math.round(x / 2));
  lines.forEach((line, k) => {
    let end = -Infinity;
    for (const r of line.ink) {
      if (end > -Infinity && r.x - end >= minGap) add((end + r.x) / 2);
      end = Math.max(end, r.x + Math.abs(r.width));
    }
    const next = lines[k + 1];
    if (next && line.x1 + minGap <= next.x0) add((line.x1 + next.x0) / 2);
    if (next && next.x1 + minGap <= line.x0) add((next.x1 + line.x0) / 2);
  });
  return [...xs];
}

/** The maximal blocks of three or more consecutive lines that an empty strip through x crosses. */
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
    if (cur && cur.to - cur.from >= 2) out.push(cur);
    cur = iv && iv[1] - iv[0] >= minGap ? { from: k, to: k, a: iv[0], b: iv[1] } : undefined;
  });
  if (cur && cur.to - cur.from >= 2) out.push(cur);
  return out;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

/**
 * Lines of one side of a block that read as running prose rather than cells or labels: a fair length
 * (18 characters, 3 words), filling most of their side's width.
 */
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
  return chars >= 18 && fill >= 0.55 && (words >= 3 || !spaced);
}

/** Whether a side's lines are mostly lone glyphs or numbers (3 characters or fewer). */
function scattered(side: Line[]): boolean {
  return median(side.map((l) => lineText(l).replace(/\s/g, '').length)) <= 3;
}

/** Whether most lines of a paragraph continue on the next (it starts in lower case): wrapped prose. */
function runsOn(lines: Line[]): boolean {
  let pairs = 0;
  let on = 0;
  for (let k = 1; k < lines.length; k++) {
    pairs++;
    if (/^\p{Ll}/u.test(lineText(lines[k]!))) on++;
  }
  return pairs > 0 && on >= 0.5 * pairs;
}

/** A line's parts between gaps of `minGap` or more (the cells of a table row, or one column's line). */
function segments(line: Line, minGap: number): Line[] {
  const out: Line[] = [];
  let part: TextRun[] = [];
  let end = -Infinity;
  for (const r of line.ink) {
    if (part.length && r.x - end >= minGap) {
      out.push(makeLine(part)!);
      part = [];
    }
    part.push(r);
    end = Math.max(end, r.x + Math.abs(r.width));
  }
  if (part.length) out.push(makeLine(part)!);
  return out;
}

/**
 * Whether every column of parts on one side of a strip reads as prose: the lines' parts are grouped
 * into columns where they overlap across (a table's column of cells, or one column of text), so three
 * columns are judged one at a time, and a table with one column of short cells is not prose.
 */
function sideReadsAsProse(side: Line[], minGap: number): boolean {
  const parts = side.flatMap((l, i) => segments(l, minGap).map((part) => ({ part, i }))).sort((p, q) => p.part.x0 - q.part.x0);
  const groups: Array<typeof parts> = [];
  let reach = -Infinity;
  for (const p of parts) {
    if (!groups.length || p.part.x0 >= reach) groups.push([]);
    groups.at(-1)!.push(p);
    reach = Math.max(reach, p.part.x1);
  }
  // A line's parts in one column (words spread out by justification) are that column's line again.
  const columns = groups.map((g) => {
    const byLine = new Map<number, TextRun[]>();
    for (const { part, i } of g) byLine.set(i, [...(byLine.get(i) ?? []), ...part.runs]);
    return [...byLine.values()].map((runs) => makeLine(runs)!);
  });
  const judged = columns.filter((c) => c.length >= 2);
  return judged.length > 0 && judged.every(readsAsProse);
}

/**
 * The block without the one or two lines at either end that are set off from it like a footer, a
 * page number or a header: more than 1.5 line pitches away (1.25 in smaller type), and either across
 * both sides of the strip or short and not at the left edge of their side. A single line set off at
 * the top on the left side only (the end of a paragraph above a table), or at the bottom on the right
 * side only, is left out too: it is read in the same place either way.
 */
function trimEnds(lines: Line[], block: Block, size: number): Block {
  const mid = (block.a + block.b) / 2;
  const sideOf = (l: Line) => {
    let left = false;
    let right = false;
    for (const r of l.ink) (r.x + Math.abs(r.width) / 2 < mid ? (left = true) : (right = true));
    return { left, right };
  };
  const last = { left: NaN, right: NaN };
  const gaps: number[] = [];
  let leftEdge = Infinity;
  for (let k = block.from; k <= block.to; k++) {
    const l = lines[k]!;
    const s = sideOf(l);
    if (s.left) leftEdge = Math.min(leftEdge, l.x0);
    for (const side of ['left', 'right'] as const) {
      if (!s[side]) continue;
      if (!Number.isNaN(last[side])) gaps.push(last[side] - l.y);
      last[side] = l.y;
    }
  }
  const pitch = median(gaps.filter((g) => g >= 0.5 * size)) || 1.2 * size;
  const furnitureLike = (l: Line) => {
    const s = sideOf(l);
    if (s.left && s.right) return true;
    const edge = s.left ? leftEdge : block.b;
    return l.x1 - l.x0 < 6 * size && l.x0 - edge > size;
  };
  // In smaller type than the body, a smaller gap sets it off (as for page furniture in layout.ts).
  const apart = (upper: Line, lower: Line, set: Line[]) => upper.y - lower.y > (set.every((l) => l.h < 0.92 * size) ? 1.25 : 1.5) * pitch;
  let { from, to } = block;
  const tail = (n: number) => {
    const set = lines.slice(to - n + 1, to + 1);
    return to - from >= 1 + n && apart(lines[to - n]!, lines[to - n + 1]!, set) && set.every((l) => furnitureLike(l) || (n === 1 && !sideOf(l).left));
  };
  if (tail(1)) to -= 1;
  else if (tail(2)) to -= 2;
  const head = (n: number) => {
    const set = lines.slice(from, from + n);
    return to - from >= 1 + n && apart(lines[from + n - 1]!, lines[from + n]!, set) && set.every((l) => furnitureLike(l) || (n === 1 && !sideOf(l).right));
  };
  if (head(1)) from += 1;
  else if (head(2)) from += 2;
  return from === block.from && to === block.to ? block : { ...block, from, to };
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
      // Cells of a row share their baseline exactly; a panel in its own leading drifts off it.
      if (Math.abs(l.y - r.y) <= Math.max(0.5, 0.06 * size)) aligned++;
    }
  }
  if (left.length < 2 || right.length < 2) return undefined;
  // A column's lines start at its left edge; a river of spaces through a paragraph has ragged starts.
  if (right.filter((l) => l.x0 - block.b < 0.5 * size).length < right.length / 2) return undefined;
  const minGap = gapFor(size);
  const proseL = sideReadsAsProse(left, minGap);
  const proseR = sideReadsAsProse(right, minGap);
  const onBaselines = shared > 0 && aligned >= 0.7 * shared && shared >= 0.5 * Math.min(left.length, right.length);
  // Prose on one side only, on shared baselines: a table with a column of descriptions, bullets, line
  // numbers; unless the prose is on the left and runs on from line to line (a paragraph, with a code
  // panel on its right).
  // Sides of lone glyphs (a plot's markers and tick labels, an equation drawn glyph by glyph) are not a
  // sidebar on baselines of its own: their lines stay whole.
  const ownBaselines = !onBaselines && !scattered(left) && !scattered(right);
  const columns = (proseL && proseR) || ownBaselines || (proseL && !proseR && runsOn(left));
  return columns ? { block, left, right } : undefined;
}

/** Blocks tried for columns in one region, tallest first. */
const MAX_TRIED = 64;

/** The widest-reaching column split of the lines, if any: the blocks are tried tallest first. */
function bestSplit(lines: Line[], size: number): Split | undefined {
  const minGap = gapFor(size);
  const seen = new Set<string>();
  const blocks: Block[] = [];
  for (const x of probes(lines, minGap)) {
    for (const block of blocksAt(lines, x, minGap)) {
      if (!Number.isFinite(block.a) || !Number.isFinite(block.b)) continue;
      const key = `${block.from}:${block.to}:${Math.round(block.a)}:${Math.round(block.b)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      blocks.push(block);
    }
  }
  blocks.sort((p, q) => q.to - q.from - (p.to - p.from) || q.b - q.a - (p.b - p.a));
  // Columns are among the tallest blocks; a scatter of plot labels makes thousands of short ones.
  for (const block of blocks.slice(0, MAX_TRIED)) {
    const split = columnsOf(lines, trimEnds(lines, block, size), size);
    if (split) return split;
  }
  return undefined;
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
