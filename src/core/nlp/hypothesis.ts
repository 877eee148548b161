/** Zero-shot classification's hypothesis template: each label is put where the template has `{}`. */
import { InputError } from '../text/chunks';
import { ZERO_SHOT_DEFAULTS } from './tasks';

/** The template without a setting (the task table's default). */
export const DEFAULT_HYPOTHESIS_TEMPLATE = ZERO_SHOT_DEFAULTS.hypothesisTemplate;

/**
 * The template when it has one `{}` for the label; else an InputError naming where it came from
 * (`source`: "--template", "the setting aiLab.zeroShot.hypothesisTemplate"). Without `{}` every label
 * would get the same hypothesis, and the scores would say nothing about the labels.
 */
export function checkHypothesisTemplate(template: string | undefined, source = 'the hypothesis template'): string | undefined {
  if (template === undefined) return undefined;
  if (!template.includes('{}')) {
    throw new InputError(`${source.charAt(0).toUpperCase()}${source.slice(1)} "${template}" has no {} where the label goes, so every label would be scored against the same sentence; write it like "${DEFAULT_HYPOTHESIS_TEMPLATE}".`);
  }
  if (template.split('{}').length > 2) {
    // Python's pipeline fills it with str.format(label), which fails on a second {}: refuse it the same way, clearly.
    throw new InputError(`${source.charAt(0).toUpperCase()}${source.slice(1)} "${template}" has more than one {}; the label goes in exactly one place, as in "${DEFAULT_HYPOTHESIS_TEMPLATE}".`);
  }
  return template;
}
