import * as assert from 'node:assert/strict';
import { checkText, chunkText, estimateTokens, sentencesWithin } from '../../src/core/text/chunks';
import { tokenizerCounter } from '../../src/core/nlp/modelInput';
import { splitSentences } from '../../src/core/text/sentences';
import { fixtureModelDirs } from '../fixtures/models';
import { modelTokenizer } from '../fixtures/text/fits';
import { CHINESE, CHINESE_RUN, JAPANESE, MIXED, THAI, THAI_RUN } from '../fixtures/text/scripts';

describe('sentences and chunks', () => {
  it('splits sentences with offsets back into the text, not after abbreviations or decimals', () => {
    const text = 'Dr. Smith paid $3.50 today. It was fine, e.g. cheap!  Was it?\n\nNew para without stop';
    const s = splitSentences(text);
    assert.deepEqual(s.map((x) => x.text), ['Dr. Smith paid $3.50 today.', 'It was fine, e.g. cheap!', 'Was it?', 'New para without stop']);
    for (const x of s) assert.equal(text.slice(x.start, x.end), x.text);
  });

  it('ends sentences on 。！？ and . ! ? of any script, not after e.g. / Dr. / 3.5 / initials / list numbers', () => {
    const zh = '我喜欢读书。你呢？很好！这是第三句';
    assert.deepEqual(splitSentences(zh).map((x) => x.text), ['我喜欢读书。', '你呢？', '很好！', '这是第三句']);
    const ja = '今日は晴れです。明日は雨でしょう！本当？';
    assert.deepEqual(splitSentences(ja).map((x) => x.text), ['今日は晴れです。', '明日は雨でしょう！', '本当？']);
    const en = 'We met Dr. Brown at 3.5 km, e.g. near the U.S. border. See Fig. 2 for J. R. Smith. Steps: 1. Mix. 2. Bake. Done!Next one? Yes.';
    assert.deepEqual(splitSentences(en).map((x) => x.text), ['We met Dr. Brown at 3.5 km, e.g. near the U.S. border.', 'See Fig. 2 for J. R. Smith.', 'Steps: 1. Mix.', '2. Bake.', 'Done!', 'Next one?', 'Yes.']);
    // A single line break (wrapped text, PDF lines) is not an end; a blank line is.
    const lines = 'A sentence wrapped\nover two lines. Title without stop\n\n\u201cQuoted.\u201d Then more';
    assert.deepEqual(splitSentences(lines).map((x) => x.text), ['A sentence wrapped\nover two lines.', 'Title without stop', '\u201cQuoted.\u201d', 'Then more']);
    // Thai has no sentence mark: a space between Thai words ends a sentence or clause.
    assert.deepEqual(splitSentences(THAI).map((x) => x.text), THAI.split(' '));
    for (const text of [zh, ja, en, lines, THAI, CHINESE, JAPANESE, MIXED]) {
      for (const x of splitSentences(text)) assert.equal(text.slice(x.start, x.end), x.text, 'offsets are UTF-16 code units into the text');
    }
    const mixed = splitSentences(MIXED).map((x) => x.text);
    assert.equal(mixed[0], 'The garden report, e.g. the spring edition, was read by Dr. Chen at 3.5 hours past noon.');
    assert.ok(mixed.includes('城市图书馆旁边的社区花园今年春天正式开放了。'));
    assert.ok(mixed.includes('😀 Volunteers planted 40 trees.'));
  });

  it('without the tokenizer, the estimate counts scripts without spaces per character (≥ a real tokenizer\'s count)', () => {
    assert.ok(CHINESE.length >= 700);
    const han = CHINESE.match(/\p{Script=Han}/gu)!.length;
    assert.equal(estimateTokens(CHINESE), 2 * han + (CHINESE.length - han), 'two a character, one a punctuation mark');
    assert.ok(estimateTokens(THAI_RUN) >= THAI_RUN.length);
    const bpe = tokenizerCounter(modelTokenizer(fixtureModelDirs().summarizer).tokenizer);
    const wordpiece = tokenizerCounter(modelTokenizer(fixtureModelDirs().qa).tokenizer);
    for (const text of ['The club planted a pollinator garden beside the library.', 'Dr. Chen paid $3.50, i.e. 12% more!', JAPANESE, MIXED]) {
      assert.ok(estimateTokens(text) >= wordpiece.count(text), `WordPiece: ${text.slice(0, 20)}`);
    }
    // Byte-level BPE without merges for CJK takes 3 tokens a character: more than the estimate says
    // (which is why parts are sized with the model's tokenizer whenever the model is known).
    assert.ok(bpe.count(CHINESE) > estimateTokens(CHINESE));
  });

  it('with the model\'s tokenizer, every part of Chinese, Japanese, Thai and mixed text fits, at word boundaries', () => {
    const counters = { wordpiece: tokenizerCounter(modelTokenizer(fixtureModelDirs().qa).tokenizer), bpe: tokenizerCounter(modelTokenizer(fixtureModelDirs().summarizer).tokenizer) };
    const texts = { CHINESE, CHINESE_RUN, JAPANESE, THAI, THAI_RUN, MIXED, english: 'The club planted a garden beside the library. '.repeat(30) };
    for (const [name, counter] of Object.entries(counters)) {
      for (const [label, text] of Object.entries(texts)) {
        for (const budget of [16, 60, 200]) {
          const chunks = chunkText(text, budget, 0, counter);
          const what = `${name} ${label} ${budget}`;
          for (const c of chunks) {
            assert.equal(text.slice(c.start, c.end), c.text, what);
            assert.equal(counter.count(c.text), c.tokens, what);
            assert.ok(c.tokens <= budget, `${what}: a part of ${c.tokens} tokens`);
          }
          assert.equal(chunks.map((c) => c.text).join('').replace(/\s+/g, ''), text.replace(/\s+/g, ''), `${what}: nothing lost, nothing repeated`);
          if (counter.count(text) > budget) assert.ok(chunks.length > 1, what);
          const sentences = sentencesWithin(text, budget, counter);
          for (const x of sentences) assert.ok(x.tokens <= budget && text.slice(x.start, x.end) === x.text && counter.count(x.text) === x.tokens, `${what}: sentence ${x.text}`);
          assert.equal(sentences.map((x) => x.text).join('').replace(/\s+/g, ''), text.replace(/\s+/g, ''), `${what}: sentences cover the text`);
        }
      }
    }
    // A run of Chinese without punctuation is cut between words, never inside a surrogate pair.
    const emoji = '😀'.repeat(40) + CHINESE_RUN;
    for (const c of chunkText(emoji, 16, 0, counters.bpe)) assert.ok(!/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(c.text), 'a part starts or ends inside a surrogate pair');
  });

  it('packs whole sentences under the budget, cuts over-long ones by words, keeps offsets', () => {
    const sentence = 'The club planted a garden beside the library. ';
    const text = sentence.repeat(20) + 'word '.repeat(300);
    const chunks = chunkText(text, 40);
    for (const c of chunks) {
      assert.ok(estimateTokens(c.text) <= 40, `chunk of ${estimateTokens(c.text)} tokens`);
      assert.equal(text.slice(c.start, c.end), c.text);
    }
    assert.ok(chunks[0]!.text.endsWith('library.'), 'chunks end on sentence boundaries');
    const joined = chunks.map((c) => c.text).join(' ').replace(/\s+/g, ' ');
    assert.equal(joined, text.trim().replace(/\s+/g, ' '), 'nothing lost, nothing repeated');
  });

  it('a 1 MB text chunks quickly', () => {
    const text = 'This is a sentence about the weather and the rain. '.repeat(20_000);
    const started = Date.now();
    const chunks = chunkText(text, 200);
    assert.ok(chunks.length > 1000);
    assert.ok(Date.now() - started < 5000);
  });

  it('a 1 MB Chinese text chunks with the model\'s tokenizer in seconds', () => {
    const counter = tokenizerCounter(modelTokenizer(fixtureModelDirs().qa).tokenizer);
    // About 1 MB of UTF-8: the paragraph's sentences shuffled and numbered, so few repeat.
    const sentences = CHINESE.split(/(?<=[。！？])/);
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    let text = '';
    for (let i = 0; text.length < 340_000; i++) text += `${sentences[next() % sentences.length]!.slice(0, -1)}第${i}次。${i % 10 === 9 ? '\n\n' : ''}`;
    const started = Date.now();
    const chunks = chunkText(text, 240, 60, counter);
    assert.ok(chunks.length > 1000 && chunks.every((c) => c.tokens <= 240));
    assert.ok(Date.now() - started < 20_000, `${Date.now() - started} ms`);
  });

  it('empty and binary input get a clear error', () => {
    assert.throws(() => checkText('   \n '), /Nothing to work on: the selection is empty/);
    assert.throws(() => checkText('PK\u0003\u0004\u0000\u0000binary'), /looks like binary data/);
    assert.equal(checkText('Café – naïve, 日本語'), 'Café – naïve, 日本語');
  });
});
