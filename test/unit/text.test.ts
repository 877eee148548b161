import * as assert from 'node:assert/strict';
import { checkText, chunkText, estimateTokens } from '../../src/core/text/chunks';
import { splitSentences } from '../../src/core/text/sentences';

describe('sentences and chunks', () => {
  it('splits sentences with offsets back into the text, not after abbreviations or decimals', () => {
    const text = 'Dr. Smith paid $3.50 today. It was fine, e.g. cheap!  Was it?\n\nNew para without stop';
    const s = splitSentences(text);
    assert.deepEqual(s.map((x) => x.text), ['Dr. Smith paid $3.50 today.', 'It was fine, e.g. cheap!', 'Was it?', 'New para without stop']);
    for (const x of s) assert.equal(text.slice(x.start, x.end), x.text);
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

  it('empty and binary input get a clear error', () => {
    assert.throws(() => checkText('   \n '), /Nothing to work on: the selection is empty/);
    assert.throws(() => checkText('PK\u0003\u0004\u0000\u0000binary'), /looks like binary data/);
    assert.equal(checkText('Café – naïve, 日本語'), 'Café – naïve, 日本語');
  });
});
