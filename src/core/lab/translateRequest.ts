/**
 * What a translation request needs settled before it runs: its source language (given, or found by
 * a language-detector model) and its model (given, or the pair's Marian port: the transformers.js
 * port locally, the Helsinki-NLP original on hf-inference).
 */
import type { RemoteTaskRunner } from '../backends/types';
import { parseLanguage } from '../nlp/languages';
import type { TaskRunner } from '../nlp/runner';
import { setting } from '../surface/names';
import { InputError } from '../text/chunks';
import { KNOWN_MARIAN_PAIRS, marianModelFor, NLLB_MODEL, NLLB_ORIGINAL } from '../nlp/translationModels';
import type { LabRequest } from './labRequest';

type TranslateRequest = Extract<LabRequest, { task: 'translate' }>;

export interface SettledTranslation {
  request: TranslateRequest & { from: string; model: string };
  detected?: { language: string; score: number; model: string };
  pairs?: { source: 'hub' | 'built-in'; note?: string };
}

/** Below this share the detector's best guess is not trusted: the source must be given. */
export const MIN_DETECTION_SCORE = 0.5;

/**
 * The language of `text` by a text-classification model whose labels are language codes or names
 * (e.g. papluca/xlm-roberta-base-language-detection): its top label on the text's first 1,000 characters.
 * @throws InputError when the top label is no language AI Lab knows, or scores below MIN_DETECTION_SCORE
 */
export async function detectLanguage(runner: TaskRunner, model: string, text: string, signal?: AbortSignal): Promise<{ language: string; score: number; model: string }> {
  const out = (await runner.run('text-classification', model, [text.slice(0, 1000), { top_k: 3 }], { signal })) as unknown;
  const rows = (Array.isArray(out) && Array.isArray(out[0]) ? out[0] : out) as Array<{ label?: unknown; score?: unknown }>;
  const best = Array.isArray(rows) ? rows[0] : undefined;
  if (!best || typeof best.label !== 'string' || typeof best.score !== 'number') throw new Error(`${model} did not answer as a language detector (a label and a score).`);
  const given = setting('aiLab.translate.from');
  let language: string;
  try {
    language = parseLanguage(best.label, `The detector's label`).iso;
  } catch {
    throw new InputError(`${model}'s answer "${best.label}" is not a language AI Lab knows: give the source language (${given}).`);
  }
  if (best.score < MIN_DETECTION_SCORE) {
    throw new InputError(`${model} cannot tell the language of the text (its best guess, ${language}, scored ${(best.score * 100).toFixed(0)} %): give the source language (${given}).`);
  }
  return { language, score: best.score, model };
}

/**
 * The request with its source and model settled. Nothing is sent to a remote backend that cannot
 * translate (its refusal comes first). @throws InputError for a missing source with no detector,
 * unknown languages, or a pair no Marian model translates (naming the pairs that exist)
 */
export async function settleTranslation(r: TranslateRequest, runner: TaskRunner, signal?: AbortSignal): Promise<SettledTranslation> {
  const remote = 'supports' in runner && typeof runner.supports === 'function' ? (runner as RemoteTaskRunner) : undefined;
  if (remote && !remote.supports('translation')) await remote.run('translation', '', []); // Its 'unsupported' BackendError, nothing sent.
  const to = parseLanguage(r.to, 'The target language');
  let from = r.from?.trim();
  let detected: SettledTranslation['detected'];
  if (!from) {
    const detector = r.options?.detectModel?.trim();
    if (!detector) throw new InputError(`Give the source language (${setting('aiLab.translate.from')}), or set a language-detector model (${setting('aiLab.translate.detectModel')}) to find it.`);
    detected = await detectLanguage(runner, detector, r.doc?.text ?? r.text, signal);
    from = detected.language;
  }
  const src = parseLanguage(from, 'The source language');
  if (src.iso === to.iso) throw new InputError(`The source and target language are both ${src.name} (${src.iso}): nothing to translate. Pick another target.`);
  const given = r.model?.trim();
  if (given) return { request: { ...r, from: src.iso, model: given }, detected };
  const pairs = r.options?.pairs ?? { pairs: [...KNOWN_MARIAN_PAIRS], source: 'built-in' as const, note: 'the list of ports known to this version of AI Lab' };
  const port = marianModelFor(src, to, pairs);
  // A remote server runs the original repo the port was converted from.
  const model = remote ? port.replace(/^Xenova\/opus-mt-/, 'Helsinki-NLP/opus-mt-') : port;
  return { request: { ...r, from: src.iso, model }, detected, pairs: { source: pairs.source, ...(pairs.note ? { note: pairs.note } : {}) } };
}

/** NLLB-200 as the backend runs it: the transformers.js port locally, the original remotely. */
export function nllbModelFor(remote: boolean): string {
  return remote ? NLLB_ORIGINAL : NLLB_MODEL;
}
