/**
 * Superscripts and subscripts raised or lowered too far to share their line's baseline (footnote
 * marks on an author line, "1,∗", exponents) joined to the word they touch, so they are never a
 * line of their own.
 */
import { makeLine, type Line, type TextRun } from './lines';

/** Most characters a line of marks has: "1,2,∗", "a,b", "†". */
const MAX_MARK_CHARS = 6;

const inkChars = (l: Line) => l.ink.reduce((n, r) => n + r.str.replace(/\s/g, '').length, 0);

/** Whether `marks` (small type) touches a run of `base` at its left or right end. */
function touches(marks: Line, base: Line): boolean {
  const slack = 0.35 * base.h;
  return base.ink.some((b) => {
    const end = b.x + Math.abs(b.width);
    const after = marks.x0 - end;
    const before = b.x - marks.x1;
    return (after >= -0.2 * base.h && after <= slack) || (before >= -0.2 * base.h && before <= slack);
  });
}

/**
 * The line that a short line of small type is a script of: one whose baseline is at most 0.9 of its
 * size below (a superscript) or half its size above (a subscript), in larger type, with a run that the
 * marks touch. The nearest such line, or undefined.
 */
function baseOf(lines: Line[], k: number): number | undefined {
  const marks = lines[k]!;
  let best: number | undefined;
  let bestDy = Infinity;
  for (let j = Math.max(0, k - 3); j <= Math.min(lines.length - 1, k + 3); j++) {
    if (j === k) continue;
    const base = lines[j]!;
    if (marks.h >= 0.85 * base.h) continue;
    const rise = marks.y - base.y;
    if (rise > 0.9 * base.h || rise < -0.5 * base.h) continue;
    if (!touches(marks, base)) continue;
    if (Math.abs(rise) < bestDy) [best, bestDy] = [j, Math.abs(rise)];
  }
  return best;
}

/**
 * Lines (top first) with each line of a few small marks merged into the line it is a script of; the
 * rest as they were. Its runs join that line's runs, so the marks are read next to their word.
 */
export function attachScripts(lines: Line[]): Line[] {
  const into = new Map<number, TextRun[]>();
  const gone = new Set<number>();
  lines.forEach((l, k) => {
    if (inkChars(l) > MAX_MARK_CHARS || /\p{L}{3}/u.test(l.ink.map((r) => r.str).join(' '))) return;
    const j = baseOf(lines, k);
    if (j === undefined || gone.has(j)) return;
    into.set(j, [...(into.get(j) ?? lines[j]!.runs), ...l.runs]);
    gone.add(k);
  });
  if (!gone.size) return lines;
  return lines.flatMap((l, k) => (gone.has(k) ? [] : into.has(k) ? [{ ...makeLine(into.get(k)!)!, y: l.y, h: l.h }] : [l]));
}
