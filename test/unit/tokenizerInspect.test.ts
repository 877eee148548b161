import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inspectTokenization } from '../../src/core/tokenize/inspect';
import { fixtureModelDirs } from '../fixtures/models';
import { writeModelDir } from '../fixtures/models/write';

describe('Tokenizer inspector', () => {
  it('maps WordPiece tokens back to the text, marks special tokens and [UNK], and flags the cased/uncased pitfall', () => {
    const text = 'The Wi-Fi keeps dropping, café!';
    const r = inspectTokenization(text, fixtureModelDirs().sentiment, 'org/bert-base-cased');
    assert.equal(r.tokens[0]!.token, '[CLS]');
    assert.equal(r.tokens[0]!.special, true);
    assert.equal(r.tokens.at(-1)!.token, '[SEP]');
    for (const t of r.tokens.filter((x) => !x.special && x.token !== '[UNK]')) {
      assert.equal(text.slice(t.start, t.end).toLowerCase(), t.token.replace(/^##/, ''), `${t.token} maps back to its text`);
    }
    const unk = r.tokens.filter((t) => t.token === '[UNK]').map((t) => text.slice(t.start, t.end));
    assert.deepEqual(unk, ['keeps', 'dropping', 'café']);
    assert.equal(r.count, r.tokens.length);
    assert.equal(r.lowercases, true);
    assert.ok(r.warnings.some((w) => /named "cased" but its tokenizer lowercases/.test(w)));
    // Whole words are unknown here, not only characters: the warning says both.
    assert.ok(r.warnings.some((w) => /3 tokens are \[UNK\]: this text has words or characters the vocabulary does not cover/.test(w)));
    assert.ok(r.notes.some((n) => /lowercases/.test(n)));
  });

  it('maps byte-level BPE tokens (Ġ) back to words', () => {
    const text = 'The future of open science is bright.';
    const r = inspectTokenization(text, fixtureModelDirs().lm, 'fixture/gpt2');
    assert.deepEqual(r.tokens.map((t) => text.slice(t.start, t.end)), ['The', 'future', 'of', 'open', 'science', 'is', 'bright', '.']);
    assert.deepEqual(r.warnings, []);
  });

  it('warns when the tokenizer has more tokens than config.vocab_size, and when the text is longer than the model allows', () => {
    const src = fixtureModelDirs().sentiment;
    const files = Object.fromEntries(['tokenizer.json', 'tokenizer_config.json'].filter((f) => fs.existsSync(path.join(src, f))).map((f) => [f, fs.readFileSync(path.join(src, f))]));
    const dir = writeModelDir({ ...files, 'config.json': JSON.stringify({ vocab_size: 10, max_position_embeddings: 8 }) });
    const r = inspectTokenization('the movie was great and the food was good. '.repeat(20), dir, 'x/y');
    assert.ok(r.warnings.some((w) => /config\.vocab_size is 10/.test(w)), r.warnings.join('\n'));
    assert.ok(r.warnings.some((w) => /more than the model's maximum of (8|128)/.test(w)), r.warnings.join('\n'));
  });

  it('says what is missing for a folder without tokenizer.json', () => {
    const dir = writeModelDir({ 'config.json': '{}' });
    assert.throws(() => inspectTokenization('x', dir, 'x/y'), /has no tokenizer\.json/);
  });

  it('maps accented and cased text to its characters, in UTF-16 offsets', () => {
    const text = 'Ça 😀 Great';
    const r = inspectTokenization(text, fixtureModelDirs().sentiment, 'x/y');
    assert.deepEqual(r.tokens.filter((t) => t.start !== undefined).map((t) => [t.token, text.slice(t.start, t.end)]), [['[UNK]', 'Ça'], ['[UNK]', '😀'], ['great', 'Great']]);
  });
});
