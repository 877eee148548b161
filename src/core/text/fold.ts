/** Case- and accent-folded text with a map from each folded char back to its source range. */
export interface Folded {
  folded: string;
  /** Source index of each folded char, and the end of the source char it came from. */
  at: number[];
  ends: number[];
}

/** Folds case and accents; with `dropSpaces`, whitespace goes too (decoded answers space differently). */
export function foldText(text: string, dropSpaces = false): Folded {
  let folded = '';
  const at: number[] = [];
  const ends: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = ch.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    for (const c of f) {
      if (dropSpaces && /\s/.test(c)) continue;
      folded += c;
      at.push(i);
      ends.push(i + ch.length);
    }
    i += ch.length;
  }
  return { folded, at, ends };
}

/**
 * Where a model's decoded answer is in the text it read: the first match ignoring case, accents and
 * spacing (tokenizers lower-case, strip accents and re-space punctuation when they decode).
 */
export function locateAnswer(text: string, answer: string, from = 0): { start: number; end: number } | undefined {
  const want = foldText(answer, true).folded;
  if (!want) return undefined;
  const hay = foldText(text, true);
  let k = hay.folded.indexOf(want);
  while (k >= 0 && hay.at[k]! < from) k = hay.folded.indexOf(want, k + 1);
  if (k < 0) return undefined;
  return { start: hay.at[k]!, end: hay.ends[k + want.length - 1]! };
}
