/**
 * The tokenizer inspector: a model's tokenizer.json run on a text (pure JS, @huggingface/tokenizers),
 * each token mapped back to the characters it came from (offsets.ts: UTF-16 offsets, from the
 * tokenizer's own steps, not from searching the text), and the pitfalls from the user's notes:
 * tokenizer vocabulary vs config.vocab_size, cased vs uncased, and length vs the model's maximum.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { InspectedToken, TokenReport } from './types';
import { TokenOffsetMapper } from './offsets';

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

export function loadTokenizer(dir: string): { tokenizer: Tokenizer; config?: Json; tokenizerConfig: Json; tokenizerJson: Json } {
  const tokenizerJson = readJson(path.join(dir, 'tokenizer.json'));
  if (!tokenizerJson) throw new Error(`${dir} has no tokenizer.json (a "fast" tokenizer file), which AI Lab needs to tokenize.`);
  const tokenizerConfig = readJson(path.join(dir, 'tokenizer_config.json')) ?? {};
  return { tokenizer: new Tokenizer(tokenizerJson, tokenizerConfig), config: readJson(path.join(dir, 'config.json')), tokenizerConfig, tokenizerJson };
}

/** `text` encoded by the tokenizer of a loaded folder, each piece marked special or unknown. */
function encodePieces(t: ReturnType<typeof loadTokenizer>, text: string) {
  const { tokenizer, tokenizerConfig, tokenizerJson } = t;
  const enc = new TokenOffsetMapper(tokenizer, tokenizerJson).encode(text);
  const added = tokenizer.get_added_tokens_decoder();
  const unkToken = typeof tokenizerConfig.unk_token === 'string' ? tokenizerConfig.unk_token : '[UNK]';
  const unkId = tokenizer.token_to_id(unkToken);
  const pieces = enc.ids.map((id, i) => {
    const token = enc.tokens[i] ?? tokenizer.id_to_token(id) ?? '';
    // Unigram models keep an unknown piece's own text as its token, with the unknown id.
    return { id, token, special: Boolean(added.get(id)?.special), unknown: token === unkToken || (unkId !== undefined && id === unkId) };
  });
  return { enc, pieces, unkToken };
}

/**
 * Of `text`'s tokens under the tokenizer in `dir` (special tokens left out): how many there are, and
 * how many are the unknown token ([UNK], <unk>). All unknown: the model cannot read the text.
 */
export function unknownTokens(text: string, dir: string): { tokens: number; unknown: number; unkToken: string } {
  const { pieces, unkToken } = encodePieces(loadTokenizer(dir), text);
  const plain = pieces.filter((p) => !p.special || p.unknown);
  return { tokens: plain.length, unknown: plain.filter((p) => p.unknown).length, unkToken };
}

export function inspectTokenization(text: string, dir: string, model: string): TokenReport {
  const loaded = loadTokenizer(dir);
  const { tokenizer, config, tokenizerConfig, tokenizerJson } = loaded;
  const { enc, pieces, unkToken } = encodePieces(loaded, text);
  const tokens: InspectedToken[] = pieces.map((p, i) => {
    const span = enc.offsets[i];
    return { id: p.id, token: p.token, special: p.special, ...(span ? { start: span.start, end: span.end } : {}) };
  });

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
  const unplaced = tokens.filter((t, i) => enc.sequence[i] !== undefined && t.start === undefined).length;
  if (unplaced) {
    warnings.push(`${unplaced} token${unplaced === 1 ? '' : 's'} could not be traced back to the text${enc.mapped ? '' : ' (AI Lab could not reproduce this tokenizer\'s steps)'}; ${unplaced === 1 ? 'it is' : 'they are'} listed but not marked.`);
  }
  if (unk) warnings.push(`${unk} token${unk === 1 ? ' is' : 's are'} ${unkToken}: this text has words or characters the vocabulary does not cover.`);
  if (maxLength !== undefined && enc.ids.length > maxLength) {
    warnings.push(`${enc.ids.length} tokens is more than the model's maximum of ${maxLength}: a single pass truncates the rest (AI Lab's tasks split long text into parts instead).`);
  }
  return { model, tokens, count: enc.ids.length, maxLength, vocabSize, configVocabSize, lowercases, warnings, notes };
}
