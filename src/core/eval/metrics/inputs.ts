/**
 * Input checks shared by the metric functions: a metric over mismatched or empty inputs would
 * silently give a confident wrong number, so these throw with what was wrong.
 */

/** Throws unless `predictions` and `references` are non-empty and of equal length. */
export function checkPaired(metric: string, predictions: readonly unknown[], references: readonly unknown[]): void {
  if (!Array.isArray(predictions) || !Array.isArray(references)) {
    throw new TypeError(`${metric}: predictions and references must be arrays`);
  }
  if (predictions.length !== references.length) {
    throw new RangeError(
      `${metric}: ${predictions.length} predictions but ${references.length} references; they must pair up one to one`,
    );
  }
  if (predictions.length === 0) throw new RangeError(`${metric}: no examples (empty predictions and references)`);
}

/** Throws unless every item is a string (`what` names the list in the message). */
export function checkStrings(metric: string, what: string, items: readonly unknown[]): void {
  items.forEach((item, i) => {
    if (typeof item !== 'string') throw new TypeError(`${metric}: ${what}[${i}] is ${typeof item}, not a string`);
  });
}

/**
 * Python's `str.split()` with no argument: splits on Unicode whitespace as Python defines it and
 * drops empty pieces. The reference scripts (SQuAD, sacrebleu) use it, and JS `\s` differs on a few
 * code points (U+001C–U+001F, U+0085 are whitespace in Python; U+FEFF is not).
 */
export function pySplit(text: string): string[] {
  return text.split(PY_WHITESPACE).filter((t) => t.length > 0);
}
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/** Counts of each item (a multiset). */
export function countItems(items: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

/** Size of the multiset intersection: Σ min(a[k], b[k]). */
export function overlapCount(a: Map<string, number>, b: Map<string, number>): number {
  let common = 0;
  for (const [key, count] of a) {
    const other = b.get(key);
    if (other !== undefined) common += Math.min(count, other);
  }
  return common;
}
