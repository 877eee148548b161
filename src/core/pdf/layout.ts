/**
 * A page's text in reading order from pdf.js's positioned runs, whatever order the content stream
 * painted them in: top to bottom, column by column (columns.ts), running headers first and footers
 * and page numbers last.
 */
import { readingOrder } from './columns';
import { dehyphenate } from './hyphens';
import { bodySize, cleanText, groupLines, isBlank, lineText, type Line, type TextRun } from './lines';
import { attachScripts } from './scripts';
import { stripUnreadable } from './unreadable';

export type { TextRun } from './lines';

/** The page's size in points (after its rotation), to tell its top and bottom margins. */
export interface PageBox {
  width: number;
  height: number;
}

/** Most lines a running header or footer has. */
const FURNITURE_LINES = 2;
/** How far into the page from its top or bottom edge a header or footer sits, as a share of its height. */
const FURNITURE_ZONE = 0.15;

/** The usual distance between the baselines of consecutive lines. */
function pitchOf(lines: Line[], size: number): number {
  const gaps: number[] = [];
  for (let k = 1; k < lines.length; k++) {
    const d = lines[k - 1]!.y - lines[k]!.y;
    if (d >= 0.5 * size) gaps.push(d);
  }
  gaps.sort((a, b) => a - b);
  return gaps.length ? gaps[Math.floor(gaps.length / 2)]! : 1.2 * size;
}

/**
 * How many lines at one end of the page are page furniture (a running header, a footer, a page
 * number): at most two lines, no larger than the body text, in the page's outer margin band, set off
 * from the body by at least two line pitches (1.3 when in smaller type than the body). `lines` run from that end inwards.
 */
function furnitureCount(lines: Line[], size: number, pitch: number, inZone: (l: Line) => boolean): number {
  for (let m = 1; m <= FURNITURE_LINES && m + 3 <= lines.length; m++) {
    const band = lines.slice(0, m);
    if (!band.every((l) => l.h <= 1.2 * size && inZone(l))) return 0;
    const gapIn = m > 1 ? Math.abs(band[m - 2]!.y - band[m - 1]!.y) : 0;
    if (gapIn > 1.8 * pitch) return 0;
    // Set in smaller type than the body, a smaller gap is enough to set it off.
    const small = band.every((l) => l.h < 0.92 * size);
    if (Math.abs(band[m - 1]!.y - lines[m]!.y) >= (small ? 1.3 : 2) * pitch) return m;
  }
  return 0;
}

/** A page's text, and how many glyphs on it had no Unicode mapping (left out; see unreadable.ts). */
export interface PageLayout {
  text: string;
  unreadable: number;
}

/**
 * The page's text in reading order, one line of text per line of print. Rotated and vertical runs
 * (margin stamps, vertical labels) follow the body in content order, before the footer.
 */
export function layoutPage(runs: TextRun[], box?: PageBox): string {
  return layoutPageText(runs, box).text;
}

/**
 * layoutPage with the count of unreadable glyphs dropped. Superscripts join the word they touch
 * (scripts.ts), words hyphenated at a line end of the body are joined again (hyphens.ts), and a run
 * of lines that are only a mark or two each (a plot's markers) is one line.
 */
export function layoutPageText(runs: TextRun[], box?: PageBox): PageLayout {
  let unreadable = 0;
  const readable: TextRun[] = [];
  for (const r of runs) {
    const { text, dropped } = stripUnreadable(r.str);
    unreadable += dropped;
    // A run that was only unreadable glyphs leaves no blank behind to act as a space.
    if (text || !dropped) readable.push(dropped ? { ...r, str: text } : r);
  }
  const upright = readable.filter((r) => r.upright !== false);
  const lines = attachScripts(groupLines(upright));
  const size = bodySize(lines);
  const pitch = pitchOf(lines, size);
  const top = lines.length ? Math.max(...lines.map((l) => l.y + l.h)) : 0;
  const bottom = lines.length ? Math.min(...lines.map((l) => l.y)) : 0;
  const height = box ? box.height : top - bottom;
  const low = box ? 0 : bottom;
  const high = box ? box.height : top;
  const head = furnitureCount(lines, size, pitch, (l) => l.y >= high - FURNITURE_ZONE * height);
  const foot = furnitureCount([...lines].reverse(), size, pitch, (l) => l.y <= low + FURNITURE_ZONE * height);
  const body = readingOrder(lines.slice(head, lines.length - foot), size);
  const bodyTexts = body.map(lineText);
  // A word breaks across lines of the same type only (not from a heading into its paragraph).
  const sameType = (a: number, b: number) => Math.abs(body[a]!.h - body[b]!.h) <= 0.15 * Math.max(body[a]!.h, body[b]!.h);
  const text = [
    ...lines.slice(0, head).map(lineText),
    ...mergeMarkLines(dehyphenate(bodyTexts, (a, b) => sameType(a, b) && !!bodyTexts[a] && !!bodyTexts[b])),
    ...readable.filter((r) => r.upright === false && !isBlank(r.str)).map((r) => cleanText(r.str).trim()),
    ...lines.slice(lines.length - foot).map(lineText),
  ];
  return { text: text.filter((t) => t).join('\n'), unreadable };
}

/** A line of marks only (plot markers, bullets of a legend): no letter or digit, each mark at most 2 characters. */
const markOnly = (t: string): boolean => !/[\p{L}\p{N}]/u.test(t) && t.split(/\s+/).every((m) => m.length <= 2);

/** Consecutive lines that are marks only, as one line: a scatter plot's markers are not a hundred lines. */
function mergeMarkLines(texts: string[]): string[] {
  const out: string[] = [];
  let prevMark = false;
  for (const t of texts) {
    const mark = markOnly(t) && t.length > 0;
    if (mark && prevMark) out[out.length - 1] += ` ${t}`;
    else out.push(t);
    prevMark = mark;
  }
  return out;
}
