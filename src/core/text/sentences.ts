/** Sentence spans with character offsets into the original text, so results can point back at it. */
export interface Span {
  text: string;
  start: number;
  end: number;
}

const ABBREVIATIONS = new Set(['e.g', 'i.e', 'etc', 'vs', 'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'no', 'fig', 'eq', 'approx', 'inc', 'ltd', 'co', 'u.s', 'a.m', 'p.m']);

/** Splits on . ! ? (and blank lines), not after common abbreviations, initials or inside numbers. */
export function splitSentences(text: string): Span[] {
  const out: Span[] = [];
  let start = 0;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed) out.push({ text: trimmed, start: start + lead, end: start + lead + trimmed.length });
    start = end;
  };
  const re = /([.!?…]+["')\]]*)(\s+)|(\n\s*\n)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m[3]) {
      push(m.index);
      continue;
    }
    const before = text.slice(Math.max(0, m.index - 12), m.index);
    const word = /([A-Za-z.]+)$/.exec(before)?.[1]?.toLowerCase() ?? '';
    const next = text.charAt(m.index + m[0].length);
    if (m[1] === '.' && (ABBREVIATIONS.has(word) || /^[a-z]$/i.test(word))) continue;
    if (next && /[a-z]/.test(next)) continue; // "e.g. the", lower-case continuation
    push(m.index + m[1]!.length);
  }
  push(text.length);
  return out;
}
