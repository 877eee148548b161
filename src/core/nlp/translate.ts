/**
 * Translation of a text of any length, sentence by sentence: each sentence (the text layer's, with
 * its offsets; one longer than the model reads is cut into pieces that fit) is translated, in
 * document order, a few at a time, and each batch is passed on as it is done, so a caller can show
 * the translation as it comes. The whitespace between sentences (line breaks, paragraphs) is kept.
 */
import { batchLimits } from '../inference/batching';
import { checkText, InputError, sentencesWithin, type Chunk } from '../text/chunks';
import { dropCutCharacter } from '../text/cutCharacter';
import { hasVisibleText, requireVisibleText } from '../text/visible';
import { languageName, parseLanguage, type Language } from './languages';
import { partBudget, type LabOutput, type Progress, type TaskRunner } from './runner';
import { BATCH_SIZE } from './tasks';
import { marianPairOf, translationFamily, type TranslationFamily } from './translationModels';

export interface TranslateParams {
  runner: TaskRunner;
  /** A translation model: a Marian (one pair), NLLB-200 or M2M100 model, a Hub id or a local folder. */
  model: string;
  text: string;
  /** Source and target: ISO 639-1 ("de"), NLLB ("deu_Latn") or an English name. */
  from: string;
  to: string;
  /** The model's family when the caller knows it; else translationFamily(model). */
  family?: TranslationFamily;
  /** Sentences per model call (default: the runner's, else BATCH_SIZE). */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** The translation as it comes: the next sentences' text, with the source's whitespace before each. */
  onPartial?: (text: string) => void;
}

/** One translated sentence: its source's [start, end) in the input (UTF-16 offsets) and its translation. */
export interface TranslatedSentence {
  start: number;
  end: number;
  text: string;
}

export type TranslationOutput = Extract<LabOutput, { kind: 'translation' }>;

/** The language arguments of the translation pipeline for a family (Marian takes none: the pair is the model). */
export function languageOptions(family: TranslationFamily, from: Language, to: Language): Record<string, string> {
  if (family === 'marian') return {};
  if (family === 'm2m100') return { src_lang: from.iso, tgt_lang: to.iso };
  if (!from.nllb || !to.nllb) {
    const missing = from.nllb ? to : from;
    throw new InputError(`NLLB needs a FLORES-200 code for ${missing.name} ("${missing.iso}" has none AI Lab knows): give it as NLLB writes it, e.g. deu_Latn.`);
  }
  return { src_lang: from.nllb, tgt_lang: to.nllb };
}

/**
 * Checks the languages against each other and the model before anything runs: both known codes,
 * not the same, and, for an opus-mt model whose name says its pair, that pair.
 * @throws InputError
 */
export function checkTranslation(model: string, from: string, to: string): { from: Language; to: Language; family: TranslationFamily } {
  const src = parseLanguage(from, 'The source language');
  const tgt = parseLanguage(to, 'The target language');
  if (src.iso === tgt.iso && src.nllb === tgt.nllb) throw new InputError(`The source and target language are both ${src.name} (${src.iso}): nothing to translate. Pick another target.`);
  const family = translationFamily(model);
  const pair = family === 'marian' ? marianPairOf(model) : undefined;
  if (pair && (pair.from !== src.iso || pair.to !== tgt.iso)) {
    throw new InputError(`${model} translates ${languageName(pair.from)} → ${languageName(pair.to)} (${pair.from}-${pair.to}), not ${src.name} → ${tgt.name}: pick the opus-mt-${src.iso}-${tgt.iso} model, or leave the model unset to have it chosen.`);
  }
  return { from: src, to: tgt, family };
}

/**
 * Translates `p.text` from `p.from` into `p.to`. Sentences go to the model in document order, at most
 * the batch size (and the runner's padded-token budget) at a time; after each batch the progress is
 * reported and the new sentences passed to `onPartial`. Input errors (unknown or equal languages, a
 * model for another pair, nothing visible, binary data) are thrown before anything runs.
 * @returns the joined translation (the source's whitespace between sentences kept) and each sentence with its source offsets
 */
export async function translateText(p: TranslateParams): Promise<TranslationOutput> {
  const text = checkText(requireVisibleText(p.text, 'the text'));
  const checked = checkTranslation(p.model, p.from, p.to);
  const family = p.family ?? checked.family;
  const langs = languageOptions(family, checked.from, checked.to);
  const part = await partBudget(p.runner, 'translation', p.model, Number.MAX_SAFE_INTEGER, { signal: p.signal });
  const sentences = sentencesWithin(text, part.tokens, part.counter).filter((s) => hasVisibleText(s.text));
  const limits = batchLimits(p.runner, 'translation', BATCH_SIZE, p.batchSize);
  const canWrite = p.runner.outputLimit ? (await p.runner.outputLimit('translation', p.model, p.signal)).tokens : Number.MAX_SAFE_INTEGER;
  const out: TranslatedSentence[] = [];
  let joined = '';
  let at = 0;
  p.onProgress?.({ done: 0, total: sentences.length, message: `translating ${sentences.length} sentence${sentences.length === 1 ? '' : 's'}` });
  for (const batch of inOrderBatches(sentences, limits)) {
    p.signal?.throwIfAborted();
    // A translation is rarely more than twice its source; the model's own limit caps it (max_position_embeddings).
    const longest = Math.max(...batch.map((s) => s.tokens));
    const opts = { ...langs, max_new_tokens: Math.min(Math.max(16, 2 * longest + 8), canWrite) };
    const raw = (await p.runner.run('translation', p.model, [batch.map((s) => s.text.trim()), opts], { signal: p.signal })) as unknown;
    const texts = translations(raw, batch.length, p.model);
    let piece = '';
    batch.forEach((s, i) => {
      const t = dropCutCharacter(texts[i]!).trim();
      out.push({ start: s.start, end: s.end, text: t });
      // The source's own whitespace before the sentence (a space, a line break, a blank line).
      const gap = text.slice(at, s.start);
      piece += (joined || piece ? gap.replace(/\S/g, '') || ' ' : '') + t;
      at = s.end;
    });
    joined += piece;
    p.onPartial?.(piece);
    p.onProgress?.({ done: out.length, total: sentences.length, message: `translated ${out.length} of ${sentences.length} sentences` });
  }
  return { kind: 'translation', text: joined, sentences: out, from: checked.from.iso, to: checked.to.iso, family };
}

/** Consecutive sentences, at most `items` and `tokens` (padded: count × longest) per batch. */
function* inOrderBatches(sentences: Chunk[], limits: { items: number; tokens: number }): Generator<Chunk[]> {
  let batch: Chunk[] = [];
  let longest = 0;
  for (const s of sentences) {
    const l = Math.max(longest, s.tokens);
    if (batch.length && (batch.length >= limits.items || (batch.length + 1) * l > limits.tokens)) {
      yield batch;
      batch = [];
      longest = 0;
    }
    batch.push(s);
    longest = Math.max(longest, s.tokens);
  }
  if (batch.length) yield batch;
}

/** The pipeline's answer as one text per input: [{translation_text}] (or one object for one input). */
function translations(raw: unknown, n: number, model: string): string[] {
  const rows = Array.isArray(raw) ? raw : [raw];
  const texts = rows.map((r) => (Array.isArray(r) ? r[0] : r) as { translation_text?: unknown } | undefined).map((r) => r?.translation_text);
  if (texts.length !== n || texts.some((t) => typeof t !== 'string')) throw new Error(`${model} did not answer with one translation per sentence (${n} sent, got ${JSON.stringify(raw).slice(0, 200)})`);
  return texts as string[];
}
