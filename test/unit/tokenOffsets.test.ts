/** Token offsets (UTF-16) for WordPiece, byte-level BPE, SentencePiece Unigram and Llama-style BPE, on emoji, astral letters, combining marks and CJK. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { inspectTokenization, loadTokenizer } from '../../src/core/tokenize/inspect';
import { TokenOffsetMapper, type OffsetEncoding } from '../../src/core/tokenize/offsets';
import { fixtureModelDirs } from '../fixtures/models';
import { llamaTokenizerJson, unigramTokenizerJson } from '../fixtures/models/sentencepiece';
import { writeModelDir } from '../fixtures/models/write';
import { FIXTURES } from '../fixtures/paths';

const CASE06 = path.join(FIXTURES, 'cases', '06-tok-unk-emoji');
const WORDS = ['Each', 'employee', 'gets', '12', 'hours', 'of', 'volunteer', 'time', 'off', 'x'];

function mapper(dir: string): TokenOffsetMapper {
  const { tokenizer, tokenizerJson } = loadTokenizer(dir);
  return new TokenOffsetMapper(tokenizer, tokenizerJson);
}

function fromJson(json: string): TokenOffsetMapper {
  const j = JSON.parse(json) as Record<string, unknown>;
  return new TokenOffsetMapper(new Tokenizer(j, {}), j);
}

/** [token, text at its span] for every token of the input (special tokens the tokenizer added: null). */
function spans(text: string, e: OffsetEncoding): Array<[string, string | null]> {
  return e.tokens.map((t, i) => [t, e.offsets[i] ? text.slice(e.offsets[i]!.start, e.offsets[i]!.end) : null]);
}

const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

describe('token offsets: WordPiece (the QA fixture\'s BERT tokenizer)', () => {
  const m = () => mapper(fixtureModelDirs().qa);

  it('case 06: the tokens after an emoji keep their spans; [UNK] is the emoji (UTF-16: 2 units)', () => {
    const r = inspectTokenization(fs.readFileSync(path.join(CASE06, 'input-min.txt'), 'utf8'), fixtureModelDirs().qa, 'fixture/bert');
    assert.deepEqual(r.tokens.map((t) => [t.token, t.start, t.end]), [['[CLS]', undefined, undefined], ['great', 0, 5], ['[UNK]', 6, 8], ['product', 9, 16], ['[SEP]', undefined, undefined]]);
    const skin = fs.readFileSync(path.join(CASE06, 'input.txt'), 'utf8');
    const r2 = inspectTokenization(skin, fixtureModelDirs().qa, 'fixture/bert');
    assert.deepEqual(r2.tokens.filter((t) => t.start !== undefined).map((t) => [t.token, skin.slice(t.start, t.end)]), [['great', 'great'], ['[UNK]', '👍🏽'], ['product', 'product']]);
    const two = fs.readFileSync(path.join(CASE06, 'input2.txt'), 'utf8');
    const r3 = inspectTokenization(two, fixtureModelDirs().qa, 'fixture/bert');
    assert.deepEqual(r3.tokens.filter((t) => t.start !== undefined).map((t) => [t.token, t.start, t.end]), [['hi', 0, 2], ['[UNK]', 3, 7], ['great', 8, 13], ['product', 14, 21]]);
  });

  it('every token after ZWJ sequences, flags, math letters, combining marks and CJK maps to its own characters', () => {
    const text = 'Each 👩‍👩‍👧 employee 🇫🇷 gets 𝑥 12 hours of Cafe\u0301 time 東京 off, e\u0301 hours!';
    const e = m().encode(text);
    assert.equal(e.mapped, true);
    const got = spans(text, e).filter(([, s]) => s !== null);
    for (const [token, s] of got) {
      if (token === '[UNK]') assert.ok(!/\s/.test(s!) && s!.length > 0, `[UNK] is one word: ${JSON.stringify(s)}`);
      else assert.equal(fold(s!), token.replace(/^##/, ''), `${token} ↔ ${JSON.stringify(s)}`);
    }
    assert.deepEqual(
      got.filter(([t]) => t === '[UNK]').map(([, s]) => s),
      ['👩‍👩‍👧', '🇫🇷', 'gets', '𝑥', 'Cafe\u0301', '東', '京', 'e\u0301'],
    );
    // The last "hours" is the last one in the text, at its UTF-16 offset.
    const last = e.tokens.lastIndexOf('hours');
    assert.deepEqual(e.offsets[last], { start: text.lastIndexOf('hours'), end: text.lastIndexOf('hours') + 5 });
  });

  it('a pair (question, passage) says which input each token is from, with offsets in that input', () => {
    const q = 'How many hours?';
    const p = '😀 Each employee gets 12 hours.';
    const e = m().encode(q, { pair: p });
    const second = e.tokens.map((t, i) => [t, e.sequence[i], e.offsets[i]]).filter(([, s]) => s === 1);
    assert.deepEqual(second.find(([t]) => t === '12')?.[2], { start: 22, end: 24 });
    assert.equal(e.sequence[0], undefined, '[CLS] comes from the template');
    assert.deepEqual(e.offsets[e.tokens.indexOf('hours')], { start: 9, end: 14 }, 'the question\'s own "hours"');
  });
});

describe('token offsets: byte-level BPE (the GPT-2-shaped fixture)', () => {
  const m = () => mapper(fixtureModelDirs().lm);

  it('byte pieces of one character all carry that character\'s span; a lone "Ġ" is its space', () => {
    const text = '😀 The 𝑥 future';
    const e = m().encode(text);
    assert.deepEqual(spans(text, e), [
      ['ð', '😀'], ['Ł', '😀'], ['ĺ', '😀'], ['Ģ', '😀'],
      ['Ġ', ' '], ['The', 'The'],
      ['Ġ', ' '], ['ð', '𝑥'], ['Ŀ', '𝑥'], ['ĳ', '𝑥'], ['¥', '𝑥'],
      ['Ġfuture', 'future'],
    ]);
    assert.deepEqual(e.offsets.slice(0, 4), Array(4).fill({ start: 0, end: 2 }));
  });

  it('skin tones, ZWJ families, flags and combining marks: each piece is one code point of them, in order, covering all', () => {
    const text = 'The 👍🏽 future 👩‍👩‍👧 of 🇫🇷 open e\u0301 science';
    const e = m().encode(text);
    assert.equal(e.mapped, true);
    const covered = new Set<number>();
    let last = 0;
    e.offsets.forEach((s, i) => {
      assert.ok(s, `token ${i} placed`);
      assert.ok(s.start >= last - 2, 'in order');
      last = s.start;
      const piece = text.slice(s.start, s.end);
      if (e.tokens[i]!.length === 1 && /[^\x20-\x7e]/.test(piece)) assert.equal([...piece].length, 1, `a byte piece stands for one code point: ${JSON.stringify(piece)}`);
      for (let k = s.start; k < s.end; k++) covered.add(k);
    });
    for (let k = 0; k < text.length; k++) assert.ok(covered.has(k) || text[k] === ' ', `character ${k} (${JSON.stringify(text[k])}) is in a token`);
  });
});

describe('token offsets: SentencePiece shapes', () => {
  it('Unigram with NFKC (Precompiled) and Metaspace: full-width digits and math letters map to what they came from', () => {
    const text = 'Each 😀 employee gets １２ hours 𝑥';
    const e = fromJson(unigramTokenizerJson(WORDS)).encode(text);
    assert.deepEqual(spans(text, e), [['▁Each', 'Each'], ['▁', ' '], ['😀', '😀'], ['▁employee', 'employee'], ['▁gets', 'gets'], ['▁12', '１２'], ['▁hours', 'hours'], ['▁x', '𝑥'], ['</s>', null]]);
    assert.equal(e.ids[2], 2, 'the emoji is the unknown piece, kept as its own text');
  });

  it('Llama-2 BPE: the prepended "▁" stands for no character; byte-fallback pieces share their character', () => {
    const text = '😀 12 hours\ne\u0301';
    const e = fromJson(llamaTokenizerJson(WORDS)).encode(text);
    assert.deepEqual(spans(text, e), [
      ['<s>', null], ['▁', ''],
      ['<0xF0>', '😀'], ['<0x9F>', '😀'], ['<0x98>', '😀'], ['<0x80>', '😀'],
      ['▁12', '12'], ['▁hours', 'hours'], ['<0x0A>', '\n'], ['e', 'e'], ['<0xCC>', '\u0301'], ['<0x81>', '\u0301'],
    ]);
  });
});

describe('token offsets: no place rather than a wrong one', () => {
  it('when the replay does not give the tokenizer\'s own tokens, no token has an offset', () => {
    const { tokenizer, tokenizerJson } = loadTokenizer(fixtureModelDirs().qa);
    const m = new TokenOffsetMapper(tokenizer, tokenizerJson);
    const real = tokenizer.encode.bind(tokenizer);
    // A tokenizer that does something the replay does not know: one more token.
    tokenizer.encode = ((text: string, o?: object) => {
      const r = real(text, o);
      return { ...r, ids: [...r.ids, 5], tokens: [...r.tokens, '[MASK]'] };
    }) as typeof tokenizer.encode;
    const e = m.encode('great product');
    assert.equal(e.mapped, false);
    assert.ok(e.offsets.every((s) => s === undefined));
  });

  it('words a pre-tokenizer rewrote are listed unplaced with a warning, the words before them keep their places', () => {
    const src = JSON.parse(fs.readFileSync(path.join(fixtureModelDirs().qa, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
    // A pre-tokenizer that writes "i" for every "z": the token "i" is not in the text.
    src.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'Replace', pattern: { String: 'z' }, content: 'i' }, { type: 'BertPreTokenizer' }] };
    const dir = writeModelDir({ 'tokenizer.json': JSON.stringify(src), 'tokenizer_config.json': fs.readFileSync(path.join(fixtureModelDirs().qa, 'tokenizer_config.json')) });
    const r = inspectTokenization('great product z hours', dir, 'x/y');
    assert.deepEqual(r.tokens.filter((t) => !['[CLS]', '[SEP]'].includes(t.token)).map((t) => [t.token, t.start]), [['great', 0], ['product', 6], ['i', undefined], ['hours', undefined]]);
    assert.ok(r.warnings.some((w) => /2 tokens could not be traced back to the text/.test(w)), r.warnings.join('\n'));
  });
});
