/**
 * Which model translates a pair: MarianMTModel's one-pair repos (Helsinki-NLP/opus-mt-{src}-{tgt},
 * run here from their transformers.js ports Xenova/opus-mt-{src}-{tgt}) or one many-language model
 * (NLLB-200, M2M100) told the languages. The pairs come from the Hub's listing where it answers, else
 * from the list of ports known when this version was written.
 */
import * as path from 'node:path';
import type { HubClient } from '../hub/hubApi';
import { HubError } from '../hub/hubError';
import { modelFolder } from '../inference/modelName';
import { readJsonObject } from '../inference/resolveModel';
import { InputError } from '../text/chunks';
import { languageName, type Language } from './languages';

/** The families AI Lab knows how to tell the languages to. */
export type TranslationFamily = 'marian' | 'nllb' | 'm2m100';

/** NLLB-200 (600M, distilled): its transformers.js port, and the original a remote backend runs. */
export const NLLB_MODEL = 'Xenova/nllb-200-distilled-600M';
export const NLLB_ORIGINAL = 'facebook/nllb-200-distilled-600M';

/**
 * opus-mt pairs with a transformers.js port (Xenova/opus-mt-{pair}) when this version was written
 * (the Helsinki-NLP folder of Xenova/transformers.js, and opus-mt-ja-en); the multi-language ones
 * (en-mul, mul-en), which need a target token in the text, are left out.
 */
export const KNOWN_MARIAN_PAIRS: readonly string[] = [
  'af-en', 'ar-en', 'de-en', 'de-es', 'de-fr', 'en-af', 'en-ar', 'en-de', 'en-es', 'en-fi', 'en-fr', 'en-hi', 'en-it', 'en-nl', 'en-ro',
  'en-ru', 'en-sv', 'en-zh', 'es-de', 'es-en', 'es-fr', 'es-it', 'es-ru', 'fi-en', 'fr-de', 'fr-en', 'fr-es', 'fr-ro', 'fr-ru', 'hi-en',
  'it-en', 'it-es', 'ja-en', 'nl-en', 'ro-fr', 'ru-en', 'ru-es', 'ru-fr', 'ru-uk', 'sv-en', 'uk-ru', 'zh-en',
];

/** The pairs that have a Marian port, and where that list came from. */
export interface MarianPairs {
  pairs: string[];
  source: 'hub' | 'built-in';
  /** Why the built-in list was used (offline, the Hub not answering), for a note. */
  note?: string;
}

const PORT = /^Xenova\/opus-mt-([a-z]{2,3})-([a-z]{2,3})$/;

/**
 * The opus-mt pairs the Hub lists as Xenova ports (search "opus-mt-", author Xenova, every page), or
 * KNOWN_MARIAN_PAIRS with a note when there is no Hub (undefined: offline) or it does not answer.
 * Cancellation (`signal`) is thrown, not turned into the built-in list.
 */
export async function marianPairs(hub: HubClient | undefined, signal?: AbortSignal): Promise<MarianPairs> {
  if (!hub) return { pairs: [...KNOWN_MARIAN_PAIRS], source: 'built-in', note: 'offline: the list of ports known to this version of AI Lab' };
  try {
    const found = new Set<string>();
    let page = await hub.searchModels({ search: 'opus-mt-', author: 'Xenova', limit: 1000 });
    for (let n = 0; ; n++) {
      for (const m of page.items) {
        const p = PORT.exec(m.id);
        if (p && p[1] !== 'mul' && p[2] !== 'mul') found.add(`${p[1]}-${p[2]}`);
      }
      if (!page.next || n >= 10) break;
      signal?.throwIfAborted();
      page = await hub.searchModels({}, page.next);
    }
    if (!found.size) return { pairs: [...KNOWN_MARIAN_PAIRS], source: 'built-in', note: `${hub.endpoint} lists no Xenova/opus-mt-* models: the list of ports known to this version of AI Lab` };
    return { pairs: [...found].sort(), source: 'hub' };
  } catch (err) {
    signal?.throwIfAborted();
    if (!(err instanceof HubError)) throw err;
    return { pairs: [...KNOWN_MARIAN_PAIRS], source: 'built-in', note: `the Hub did not answer (${err.message}): the list of ports known to this version of AI Lab` };
  }
}

/**
 * A model's family: a local folder's tokenizer_config.json tokenizer_class (NllbTokenizer,
 * M2M100Tokenizer), else its config.json model_type; a Hub id by its name (nllb, m2m100). Anything
 * else is a one-pair model (Marian and its like), told no languages.
 */
export function translationFamily(model: string): TranslationFamily {
  const dir = modelFolder(model);
  if (dir) {
    const cls = readJsonObject(path.join(dir, 'tokenizer_config.json'))?.tokenizer_class;
    if (typeof cls === 'string' && /^Nllb/i.test(cls)) return 'nllb';
    if (typeof cls === 'string' && /^M2M100/i.test(cls)) return 'm2m100';
    if (readJsonObject(path.join(dir, 'config.json'))?.model_type === 'm2m_100') return 'm2m100';
    return 'marian';
  }
  if (/nllb/i.test(model)) return 'nllb';
  if (/m2m[_-]?100/i.test(model)) return 'm2m100';
  return 'marian';
}

/** The pair an opus-mt repo's name says it translates ("Helsinki-NLP/opus-mt-de-en" → de, en). */
export function marianPairOf(model: string): { from: string; to: string } | undefined {
  const m = /opus-mt-([a-z]{2,3})-([a-z]{2,3})(?:$|[^a-z])/i.exec(path.basename(model.trim()));
  return m ? { from: m[1]!.toLowerCase(), to: m[2]!.toLowerCase() } : undefined;
}

const pairName = (p: string) => p.split('-').map((c) => languageName(c)).join(' → ');

/**
 * The Marian port for `from` → `to` from `available`; an InputError that says which pairs exist
 * (from this source, into this target) and where the list came from, and offers NLLB, when there is none.
 */
export function marianModelFor(from: Language, to: Language, available: MarianPairs): string {
  const pair = `${from.iso}-${to.iso}`;
  if (available.pairs.includes(pair)) return `Xenova/opus-mt-${pair}`;
  const fromHere = available.pairs.filter((p) => p.startsWith(`${from.iso}-`));
  const intoThere = available.pairs.filter((p) => p.endsWith(`-${to.iso}`));
  const where = available.source === 'hub' ? 'the Hub lists' : `AI Lab knows (${available.note ?? 'built-in list'})`;
  const list = (ps: string[]) => ps.map((p) => `${p} (${pairName(p)})`).join(', ');
  const parts = [
    fromHere.length ? `from ${from.name}: ${list(fromHere)}` : `none from ${from.name}`,
    intoThere.length ? `into ${to.name}: ${list(intoThere)}` : `none into ${to.name}`,
  ];
  throw new InputError(
    `No MarianMT model translates ${from.name} → ${to.name} (${pair}): of the ${available.pairs.length} opus-mt pairs ${where}, ${parts.join('; ')}. ` +
      `Pick one of those, or use NLLB-200 (200 languages): ${NLLB_MODEL}.`,
  );
}
