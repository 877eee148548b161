/**
 * Text runs grouped into lines by their baselines, whatever order the content stream painted them in.
 * Coordinates are in points with y growing upwards (PDF user space, after the page's rotation).
 */

/** A positioned run of text on a page, as pdf.js reports it. */
export interface TextRun {
  str: string;
  /** Left end of the run's baseline. */
  x: number;
  /** Baseline, y growing upwards. */
  y: number;
  width: number;
  /** Font size in points (pdf.js's item height). */
  height: number;
  hasEOL: boolean;
  /** pdf.js's direction of the run: 'ltr', 'rtl' or 'ttb'. */
  dir?: string;
  /** False for rotated or vertical text, which is not laid out in lines (see layoutPage). */
  upright?: boolean;
}

/** Runs on one baseline, left to right. `x0`..`x1` and the size come from its non-blank runs. */
export interface Line {
  runs: TextRun[];
  /** Its runs with text (not blank), left to right: the ones that take room. */
  ink: TextRun[];
  x0: number;
  x1: number;
  /** Baseline and font size of its largest run. */
  y: number;
  h: number;
}

export const isBlank = (s: string): boolean => !/\S/.test(s);

/** A line from runs (sorted by x here); undefined when they hold no text. */
export function makeLine(runs: TextRun[]): Line | undefined {
  let x0 = Infinity;
  let x1 = -Infinity;
  let main: TextRun | undefined;
  const sorted = runs.every((r, i) => i === 0 || runs[i - 1]!.x <= r.x) ? runs : [...runs].sort((a, b) => a.x - b.x);
  const ink: TextRun[] = [];
  for (const r of sorted) {
    if (isBlank(r.str)) continue;
    ink.push(r);
    x0 = Math.min(x0, r.x);
    x1 = Math.max(x1, r.x + Math.abs(r.width));
    if (!main || r.height > main.height) main = r;
  }
  if (!main) return undefined;
  return { runs: sorted, ink, x0, x1, y: main.y, h: main.height };
}

/**
 * Whether two runs can be on one line: baselines within 0.7 of the smaller font size, and not one above
 * the other (overlapping across with baselines more than 0.3 of it apart).
 */
function sameLine(a: TextRun, b: TextRun): boolean {
  if (isBlank(a.str) || isBlank(b.str)) return true;
  const size = Math.min(a.height || 10, b.height || 10);
  const dy = Math.abs(a.y - b.y);
  if (dy > 0.7 * size) return false;
  return !overlapAcross(a, b) || dy <= 0.3 * size;
}

/** Whether two runs share some of their horizontal extent (one is above the other). */
function overlapAcross(a: TextRun, b: TextRun): boolean {
  return Math.min(a.x + Math.abs(a.width), b.x + Math.abs(b.width)) - Math.max(a.x, b.x) > 0;
}

/**
 * Runs grouped into lines, top line first. A run joins the line being built when its baseline is
 * within 0.7 of the smaller font size of it (so sub- and superscripts stay on their line, and the
 * next line, a full line height away, does not join).
 */
export function groupLines(runs: TextRun[]): Line[] {
  const sorted = runs.filter((r) => r.str).sort((a, b) => b.y - a.y);
  const groups: TextRun[][] = [];
  let cur: TextRun[] = [];
  let y = 0;
  let h = 0;
  for (const r of sorted) {
    const rh = r.height > 0 ? r.height : h;
    // Near every run already on the line, not only its largest: a run of a smaller panel line must not
    // join through a body line that sits between two of the panel's lines.
    // Two scripts of a line (a superscript and a subscript, or a lowered big operator and an exponent)
    // are further apart than either is from the line: they are not compared with each other.
    // Side by side, they are only compared with the line's baseline (a lowered sum sign and an exponent).
    const scripts = (c: TextRun) => Math.min(c.height, r.height) < 0.85 * Math.max(h, rh) && !overlapAcross(c, r);
    const joins = cur.length > 0 && Math.abs(r.y - y) <= 0.7 * Math.min(rh, h || rh) && cur.every((c) => scripts(c) || sameLine(c, r));
    if (!joins) {
      if (cur.length) groups.push(cur);
      cur = [];
      y = r.y;
      h = r.height;
    } else if (!isBlank(r.str) && r.height > h) {
      y = r.y;
      h = r.height;
    }
    cur.push(r);
  }
  if (cur.length) groups.push(cur);
  const lines: Line[] = [];
  for (const g of groups) {
    const line = makeLine(g);
    if (line) lines.push(line);
  }
  return lines;
}

/** The median font size of the runs, weighted by their characters (the body text's size). */
export function bodySize(lines: Line[]): number {
  const sizes: Array<[number, number]> = [];
  for (const l of lines) for (const r of l.runs) if (r.height > 0 && !isBlank(r.str)) sizes.push([r.height, r.str.length]);
  if (!sizes.length) return 10;
  sizes.sort((a, b) => a[0] - b[0]);
  const half = sizes.reduce((n, s) => n + s[1], 0) / 2;
  let seen = 0;
  for (const [size, n] of sizes) if ((seen += n) >= half) return size;
  return sizes.at(-1)![0];
}

/**
 * A line's text: runs left to right (right to left where most of its text is right-to-left), a space
 * where the runs are apart and none is there already. A run painted twice on itself (fake bold) counts once.
 */
export function lineText(line: Line): string {
  let rtl = 0;
  let ltr = 0;
  for (const r of line.runs) {
    if (r.dir === 'rtl') rtl += r.str.length;
    else ltr += r.str.length;
  }
  const runs = rtl > ltr ? [...line.runs].reverse() : line.runs;
  let out = '';
  let prev: TextRun | undefined;
  let first: TextRun | undefined;
  let blank: TextRun | undefined;
  let space = false;
  for (const r of runs) {
    if (isBlank(r.str)) {
      space ||= out.length > 0;
      blank = r;
      continue;
    }
    if (prev) {
      if (r.str === prev.str && Math.abs(r.x - prev.x) < 0.3 * (r.height || 1) && Math.abs(r.y - prev.y) < 0.3 * (r.height || 1)) continue;
      const gap = rtl > ltr ? prev.x - (r.x + Math.abs(r.width)) : r.x - (prev.x + Math.abs(prev.width));
      // pdf.js's own threshold for a space inside a run (SPACE_IN_FLOW_MIN_FACTOR): a tenth of the font size.
      const tight = gap <= 0.1 * Math.max(1, Math.min(prev.height || 10, r.height || 10));
      if (!tight) space = true;
      // pdf.js's blank run spans the gap to the next run of its own flow (across a gutter): a mark drawn
      // apart, touching the word before it, sits inside that blank and is no new word.
      else if (blank && rtl <= ltr && blank.x + Math.abs(blank.width) > r.x + Math.abs(r.width)) space = false;
      // A footnote's mark, raised before its first word, is a word of its own ("1 This is…").
      if (prev === first && raised(prev, line) && !raised(r, line) && /^[\p{L}\p{N}]/u.test(r.str)) space = true;
      if (space && !/\s$/.test(out) && !/^\s/.test(r.str)) out += ' ';
    }
    out += r.str;
    prev = r;
    first ??= r;
    blank = undefined;
    space = false;
  }
  // A footnote mark typed as a superscript digit ("¹This is…") is a word of its own too.
  return cleanText(out).trim().replace(/^([\u00B9\u00B2\u00B3\u2070\u2074-\u2079]+)(?=\p{L})/u, '$1 ');
}

/** Whether a run is a superscript of its line: smaller type, baseline raised by a fifth of the line's size. */
const raised = (r: TextRun, line: Line): boolean => r.height < 0.85 * line.h && r.y - line.y > 0.2 * line.h;

/**
 * Spacing accents (as TeX fonts draw them, before their letter), the combining marks they stand for,
 * and the letters they are composed with. The acute and the diaeresis go with vowels only: "it´s",
 * with an acute typed for an apostrophe, stays as it is.
 */
const SPACING_ACCENTS: Record<string, { mark: string; letters: string }> = {
  '\u00B4': { mark: '\u0301', letters: 'aeiouyAEIOUY\u0131' }, // acute
  '\u00A8': { mark: '\u0308', letters: 'aeiouyAEIOUY\u0131' }, // diaeresis
  '\u02C6': { mark: '\u0302', letters: 'aeiouAEIOU\u0131' }, // circumflex
  '\u02DC': { mark: '\u0303', letters: 'anoANO' }, // tilde
  '\u02C7': { mark: '\u030C', letters: 'cdenrstzCDENRSTZ' }, // caron
  '\u02D8': { mark: '\u0306', letters: 'aguAGU' }, // breve
  '\u02DA': { mark: '\u030A', letters: 'auAU' }, // ring
  '\u02DD': { mark: '\u030B', letters: 'ouOU' }, // double acute
  '\u00AF': { mark: '\u0304', letters: 'aeiouAEIOU\u0131' }, // macron
  '\u02D9': { mark: '\u0307', letters: 'cegzICEGZ' }, // dot above
};
const ACCENT_BEFORE_LETTER = new RegExp(`([${Object.keys(SPACING_ACCENTS).join('')}])(\\p{L})`, 'gu');

/**
 * A line's text made plain: a spacing accent before a letter composed with it where Unicode has the
 * accented letter ("G´erard" is "Gérard"), and no control characters (U+0000–U+001F but tab).
 */
export function cleanText(s: string): string {
  return s
    .replace(ACCENT_BEFORE_LETTER, (pair, accent: string, letter: string) => {
      const { mark, letters } = SPACING_ACCENTS[accent]!;
      if (!letters.includes(letter)) return pair;
      // TeX accents an i without its dot (\'\i): the accented letter has it back.
      const composed = ((letter === '\u0131' ? 'i' : letter) + mark).normalize('NFC');
      return [...composed].length === 1 ? composed : pair;
    })
    .replace(/[\u0000-\u0008\u000A-\u001F]/g, '');
}
