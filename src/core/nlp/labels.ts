/** Zero-shot labels as a person types them ("billing, support, feedback"), checked before any model runs. */
import { InputError } from '../text/chunks';
import { requireVisibleLabels } from '../text/visible';

/** How labels are compared for repeats: trimmed, NFKC, inner whitespace collapsed, ignoring case. */
export const labelKey = (label: string): string => label.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLocaleLowerCase();

/**
 * Refuses (InputError) a label with nothing visible in it (naming its number) and a label that
 * repeats an earlier one (compared as labelKey does: "Support" repeats "support"): a repeat would be
 * scored against itself and dropped, leaving a confident score over fewer labels than typed.
 */
export function checkLabels(labels: string[]): string[] {
  requireVisibleLabels(labels);
  const seen = new Map<string, number>();
  labels.forEach((l, i) => {
    const first = seen.get(labelKey(l));
    if (first !== undefined) throw new InputError(`Label ${i + 1} "${l.trim()}" repeats label ${first + 1} "${labels[first]!.trim()}" (labels are compared ignoring case and spacing): give each label once.`);
    seen.set(labelKey(l), i);
  });
  return labels;
}

/** Comma-separated labels, trimmed and checked (checkLabels), one trailing comma dropped; one label is allowed (`run --multi-label`). */
export function splitLabels(raw: string): string[] {
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return checkLabels(parts);
}

/**
 * Comma-separated labels: each trimmed, none empty (",," is refused with the label's number; one
 * trailing comma is only an end), none repeated, at least two. Throws InputError.
 */
export function parseLabels(raw: string): string[] {
  const labels = splitLabels(raw);
  if (labels.length < 2) throw new InputError('Give at least two comma-separated labels (e.g. "billing, support, feedback").');
  return labels;
}
