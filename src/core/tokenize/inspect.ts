/**
 * The tokenizer inspector: a model's tokenizer.json run on a text (pure JS, @huggingface/tokenizers),
 * each token mapped back to the characters it came from, and the pitfalls from the user's notes:
 * tokenizer vocabulary vs config.vocab_size, cased vs uncased, and length vs the model's maximum.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { InspectedToken, TokenReport } from './types';
import { foldText } from '../text/fold';

export type { InspectedToken, TokenReport } from './types';

export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'config.json', 'special_tokens_map.json'];

type Json = Record<string, unknown>;

function readJson(file: string): Json | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${path.basename(file)} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Whether the tokenizer's normalizer lowercases (BertNormalizer lowercase, or a Lowercase step). */
function normalizerLowercases(n: unknown): boolean {
  if (!n || typeof n !== 'object') return false;
  const o = n as Json;
  if (o.type === 'Lowercase') return true;
  if (o.type === 'BertNormalizer') return o.lowercase !== false;
  if (o.type === 'Sequence' && Array.isArray(o.normalizers)) return o.normalizers.some(normalizerLowercases);
  return false;
}

/** The text a token stands for, as it would appear in the input (subword and space markers removed). */
function surface(tok: Tokenizer, id: number, token: string): string {
  if (token.startsWith('##')) return token.slice(2);
  const decoded = tok.decode([id], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  return (decoded.includes('\uFFFD') ? token.replace(/^[Ġ▁]/, '') : decoded).trim();
}

/** Places tokens on the text left to right; a piece that cannot be found is left unplaced. */
export function alignTokens(text: string, pieces: Array<{ surface: string; special: boolean; unknown: boolean }>): Array<{ start?: number; end?: number }> {
  const { folded, at, ends } = foldText(text);
  let cursor = 0;
  return pieces.map((p) => {
    if (p.special && !p.unknown) return {};
    if (p.unknown || !p.surface) {
      // [UNK]: the next word (pre-tokenizers split punctuation off), else the next character.
      const m = /[\p{L}\p{N}]+|\S/u.exec(folded.slice(cursor));
      if (!m) return {};
      const s = cursor + m.index;
      cursor = s + m[0].length;
      return { start: at[s], end: ends[cursor - 1] };
    }
    const want = foldText(p.surface).folded;
    const s = folded.indexOf(want, cursor);
    // Only a nearby match counts: skipping far ahead would misplace every later token.
    if (s < 0 || folded.slice(cursor, s).trim().length > 0) return {};
    cursor = s + want.length;
    return { start: at[s], end: ends[cursor - 1] };
  });
}

export function loadTokenizer(dir: string): { tokenizer: Tokenizer; config?: Json; tokenizerConfig: Json; tokenizerJson: Json } {
  const tokenizerJson = readJson(path.join(dir, 'tokenizer.json'));
  if (!tokenizerJson) throw new Error(`${dir} has no tokenizer.json (a "fast" tokenizer file), which AI Lab needs to tokenize.`);
  const tokenizerConfig = readJson(path.join(dir, 'tokenizer_config.json')) ?? {};
  return { tokenizer: new Tokenizer(tokenizerJson, tokenizerConfig), config: readJson(path.join(dir, 'config.json')), tokenizerConfig, tokenizerJson };
}

export function inspectTokenization(text: string, dir: string, model: string): TokenReport {
  const { tokenizer, config, tokenizerConfig, tokenizerJson } = loadTokenizer(dir);
  const enc = tokenizer.encode(text, { add_special_tokens: true });
  const added = tokenizer.get_added_tokens_decoder();
  const unkToken = typeof tokenizerConfig.unk_token === 'string' ? tokenizerConfig.unk_token : '[UNK]';
  const pieces = enc.ids.map((id, i) => {
    const token = enc.tokens[i] ?? tokenizer.id_to_token(id) ?? '';
    const special = Boolean(added.get(id)?.special);
    const unknown = token === unkToken;
    return { id, token, special, unknown, surface: special ? '' : surface(tokenizer, id, token) };
  });
  const spans = alignTokens(text, pieces);
  const tokens: InspectedToken[] = pieces.map((p, i) => ({ id: p.id, token: p.token, special: p.special, ...spans[i] }));

  const vocabSize = Math.max(-1, ...tokenizer.get_vocab(true).values()) + 1;
  const configVocabSize = typeof config?.vocab_size === 'number' ? config.vocab_size : undefined;
  const lowercases = normalizerLowercases(tokenizerJson.normalizer) || tokenizerConfig.do_lower_case === true;
  const rawMax = Number(tokenizerConfig.model_max_length ?? config?.max_position_embeddings);
  const maxLength = Number.isFinite(rawMax) && rawMax > 0 && rawMax < 1e7 ? rawMax : undefined;
  const warnings: string[] = [];
  const notes: string[] = [];
  if (configVocabSize !== undefined && vocabSize > configVocabSize) {
    warnings.push(`The tokenizer has ${vocabSize} tokens but config.vocab_size is ${configVocabSize}: ids ≥ ${configVocabSize} index past the embedding table, and the model fails or reads garbage. Use the tokenizer that was trained with this model.`);
  } else if (configVocabSize !== undefined && vocabSize < configVocabSize) {
    notes.push(`config.vocab_size (${configVocabSize}) is larger than the tokenizer (${vocabSize}); models often pad the embedding table, which is harmless.`);
  }
  const name = model.toLowerCase();
  if (/(^|[-_/])uncased/.test(name) && !lowercases) warnings.push(`The model is named "uncased" but its tokenizer does not lowercase: capitalised words become rare pieces or [UNK].`);
  if (/(^|[-_/])cased/.test(name) && lowercases) warnings.push(`The model is named "cased" but its tokenizer lowercases: case information is lost.`);
  if (lowercases && /\p{Lu}/u.test(text)) notes.push('This tokenizer lowercases: "Apple" and "apple" are the same tokens. For tasks where case matters (names, NER), use a cased model.');
  const unk = pieces.filter((p) => p.unknown).length;
  if (unk) warnings.push(`${unk} token${unk === 1 ? ' is' : 's are'} ${unkToken}: this text has characters the vocabulary does not cover.`);
  if (maxLength !== undefined && enc.ids.length > maxLength) {
    warnings.push(`${enc.ids.length} tokens is more than the model's maximum of ${maxLength}: a single pass truncates the rest (AI Lab's tasks split long text into parts instead).`);
  }
  return { model, tokens, count: enc.ids.length, maxLength, vocabSize, configVocabSize, lowercases, warnings, notes };
}
