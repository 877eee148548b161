/**
 * Language codes for translation: ISO 639-1 codes (what MarianMT's opus-mt-{src}-{tgt} repos and
 * M2M100 use) and the FLORES-200 codes NLLB takes (deu_Latn), with names from Intl.DisplayNames.
 */
import { InputError } from '../text/chunks';

/** ISO 639-1 → NLLB (FLORES-200) code, for the languages people ask for most. */
export const NLLB_CODES: Readonly<Record<string, string>> = {
  af: 'afr_Latn', am: 'amh_Ethi', ar: 'arb_Arab', az: 'azj_Latn', be: 'bel_Cyrl', bg: 'bul_Cyrl', bn: 'ben_Beng', bs: 'bos_Latn',
  ca: 'cat_Latn', cs: 'ces_Latn', cy: 'cym_Latn', da: 'dan_Latn', de: 'deu_Latn', el: 'ell_Grek', en: 'eng_Latn', es: 'spa_Latn',
  et: 'est_Latn', eu: 'eus_Latn', fa: 'pes_Arab', fi: 'fin_Latn', fr: 'fra_Latn', ga: 'gle_Latn', gl: 'glg_Latn', gu: 'guj_Gujr',
  he: 'heb_Hebr', hi: 'hin_Deva', hr: 'hrv_Latn', hu: 'hun_Latn', hy: 'hye_Armn', id: 'ind_Latn', is: 'isl_Latn', it: 'ita_Latn',
  ja: 'jpn_Jpan', ka: 'kat_Geor', kk: 'kaz_Cyrl', km: 'khm_Khmr', kn: 'kan_Knda', ko: 'kor_Hang', lt: 'lit_Latn', lv: 'lvs_Latn',
  mk: 'mkd_Cyrl', ml: 'mal_Mlym', mr: 'mar_Deva', ms: 'zsm_Latn', mt: 'mlt_Latn', my: 'mya_Mymr', nb: 'nob_Latn', ne: 'npi_Deva',
  nl: 'nld_Latn', no: 'nob_Latn', pa: 'pan_Guru', pl: 'pol_Latn', pt: 'por_Latn', ro: 'ron_Latn', ru: 'rus_Cyrl', sk: 'slk_Latn',
  sl: 'slv_Latn', sq: 'als_Latn', sr: 'srp_Cyrl', sv: 'swe_Latn', sw: 'swh_Latn', ta: 'tam_Taml', te: 'tel_Telu', th: 'tha_Thai',
  tl: 'tgl_Latn', tr: 'tur_Latn', uk: 'ukr_Cyrl', ur: 'urd_Arab', uz: 'uzn_Latn', vi: 'vie_Latn', zh: 'zho_Hans',
};

const NLLB_SHAPE = /^[a-z]{3}_[A-Z][a-z]{3}$/;
const names = new Intl.DisplayNames(['en'], { type: 'language' });

/** "German" for de (and for deu_Latn); the code itself where Intl knows no name. */
export function languageName(code: string): string {
  const iso = NLLB_SHAPE.test(code) ? (isoOfNllb(code) ?? code.slice(0, 3)) : code;
  try {
    return names.of(iso) ?? code;
  } catch {
    return code;
  }
}

function isoOfNllb(code: string): string | undefined {
  return Object.keys(NLLB_CODES).find((k) => NLLB_CODES[k] === code);
}

/** A language as both kinds of code: `iso` (ISO 639-1, or the code as given for Marian's 3-letter groups) and `nllb` where known. */
export interface Language {
  iso: string;
  nllb?: string;
  name: string;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** Up to 5 known codes close to `given` (by code or by name), as "de (German)". */
export function closeLanguages(given: string): string[] {
  const g = given.trim().toLowerCase();
  const scored = Object.keys(NLLB_CODES).map((iso) => {
    const name = languageName(iso).toLowerCase();
    const nllb = NLLB_CODES[iso]!.toLowerCase();
    const d = Math.min(distance(g, iso), distance(g, nllb), distance(g, nllb.slice(0, 3)), name.startsWith(g) && g.length >= 2 ? 0 : distance(g, name));
    return { iso, d };
  });
  const limit = Math.max(1, Math.floor(g.length / 3));
  return scored
    .filter((s) => s.d <= limit)
    .sort((a, b) => a.d - b.d || a.iso.localeCompare(b.iso))
    .slice(0, 5)
    .map((s) => `${s.iso} (${languageName(s.iso)}), ${NLLB_CODES[s.iso]}`);
}

/** NLLB (FLORES-200) codes for a language in another script than its usual one. */
const NLLB_SCRIPTS: Readonly<Record<string, string>> = { 'zh-Hant': 'zho_Hant', 'ar-Latn': 'arb_Latn' };

/**
 * A BCP 47 tag in any of its spellings, through Intl's canonical form: ISO 639-2/3 codes to ISO
 * 639-1 (deu, ger → de; iw → he), `_` as `-`; `script` only when the tag asks for another script than
 * the language's usual one (zh-TW and zh-Hant → Hant; pt-BR, de-DE → none). Undefined when not a tag.
 */
function languageTag(raw: string): { base: string; script?: string } | undefined {
  let loc: Intl.Locale;
  try {
    loc = new Intl.Locale(Intl.getCanonicalLocales(raw.replace(/_/g, '-'))[0]!);
  } catch {
    return undefined;
  }
  // A code AI Lab lists as given is kept (tl, which Intl spells fil).
  const first = raw.split(/[-_]/)[0]!.toLowerCase();
  const base = NLLB_CODES[first] ? first : loc.language;
  if (!loc.script && !loc.region) return { base };
  const script = loc.maximize().script;
  const usual = new Intl.Locale(base).maximize().script;
  return script && script !== usual ? { base, script } : { base };
}

/**
 * Reads a language as a person gives it: an ISO 639-1 code ("de"), an ISO 639-2/3 code ("deu",
 * "ger"), an NLLB code ("deu_Latn"), an English name ("German"), or a region- or script-tagged code
 * ("pt-BR": its language; "zh-TW", "zh-Hant": Traditional Chinese, zho_Hant for NLLB). `what` names it in
 * errors ("--from", "the source language").
 * @throws InputError for a code AI Lab does not know, naming close matches
 */
export function parseLanguage(given: string, what: string): Language {
  const raw = given.trim();
  if (!raw) throw new InputError(`${what} is empty: give a language code such as de, en or fr.`);
  if (NLLB_SHAPE.test(raw)) {
    const iso = isoOfNllb(raw);
    return { iso: iso ?? raw, nllb: raw, name: languageName(raw) };
  }
  const lower = raw.toLowerCase();
  const tag = languageTag(raw);
  if (tag && NLLB_CODES[tag.base]) {
    if (!tag.script) return { iso: tag.base, nllb: NLLB_CODES[tag.base], name: languageName(tag.base) };
    // Another script than the language's usual one (zh-TW, zh-Hant, sr-Latn): NLLB's code for that
    // script where it has one; else none, so NLLB refuses rather than writing the usual script.
    return { iso: tag.base, nllb: NLLB_SCRIPTS[`${tag.base}-${tag.script}`], name: languageName(`${tag.base}-${tag.script}`) };
  }
  const byName = Object.keys(NLLB_CODES).find((iso) => languageName(iso).toLowerCase() === lower);
  if (byName) return { iso: byName, nllb: NLLB_CODES[byName], name: languageName(byName) };
  const close = closeLanguages(raw);
  throw new InputError(
    `${what} "${raw}" is not a language code AI Lab knows${close.length ? ` (did you mean ${close.join('; ')}?)` : ''}. Use an ISO 639-1 code such as de, en, fr, or an NLLB code such as deu_Latn.`,
  );
}
