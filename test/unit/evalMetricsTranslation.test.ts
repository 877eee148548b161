import * as assert from 'node:assert/strict';
import { bleuFromStats, corpusBleu, corpusChrf, tokenize13a } from '../../src/core/eval/metrics';

// Test vectors copied from sacrebleu's own tests (https://github.com/mjpost/sacrebleu, test/test_chrf.py
// and test/test_bleu.py). sacrebleu takes reference streams; here references are per example.

describe('eval metrics: chrF against sacrebleu test vectors', () => {
  // test_cases: corpus_chrf(char_order=6, word_order=0, beta=3, eps_smoothing=True)
  const epsCases: Array<[string[], string[], number]> = [
    [['abcdefg'], ['hijklmnop'], 0.0],
    [['a'], ['b'], 0.0],
    [[''], ['b'], 0.0],
    [[''], ['ref'], 0.0],
    [[''], ['reference'], 0.0],
    [['aa'], ['ab'], 8.3333],
    [['a', 'b'], ['a', 'c'], 8.3333],
    [['a'], ['a'], 16.6667],
    [['a b c'], ['a b c'], 50.0],
    [['a b c'], ['abc'], 50.0],
    [
      [' risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .'],
      ['risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .'],
      63.36173,
    ],
    [
      [' Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. '],
      ['Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.'],
      64.1302698,
    ],
    [['Niemand hat die Absicht, eine Mauer zu errichten'], ['Niemand hat die Absicht, eine Mauer zu errichten'], 100.0],
  ];
  for (const [hyps, refs, expected] of epsCases) {
    it(`eps smoothing, β=3: ${JSON.stringify(hyps).slice(0, 50)} → ${expected}`, () => {
      const score = corpusChrf(hyps, refs.map((r) => [r]), { beta: 3, epsSmoothing: true });
      assert.ok(Math.abs(score - expected) < 1e-4, `${score} vs ${expected}`);
    });
  }

  // test_cases_effective_order: eps_smoothing=False (sacrebleu's default mode), beta=3
  const effCases: Array<[string[], string[], number]> = [
    [['a'], ['a'], 100.0],
    [[''], ['reference'], 0.0],
    [['a b c'], ['a b c'], 100.0],
    [['a b c'], ['abc'], 100.0],
    [[''], ['c'], 0.0],
    [['a', 'b'], ['a', 'c'], 50.0],
    [['aa'], ['ab'], 25.0],
  ];
  for (const [hyps, refs, expected] of effCases) {
    it(`effective order, β=3: ${JSON.stringify(hyps)} → ${expected}`, () => {
      const score = corpusChrf(hyps, refs.map((r) => [r]), { beta: 3 });
      assert.ok(Math.abs(score - expected) < 1e-4, `${score} vs ${expected}`);
    });
  }

  // test_cases_keep_whitespace: whitespace=True, beta=3, eps_smoothing=False
  const wsCases: Array<[string, string, number]> = [
    [
      'Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.',
      'Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.',
      67.3481606,
    ],
    [
      'risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .',
      'risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .',
      65.2414427,
    ],
  ];
  for (const [hyp, ref, expected] of wsCases) {
    it(`whitespace kept, β=3: ${hyp.slice(0, 30)}… → ${expected}`, () => {
      const score = corpusChrf([hyp], [[ref]], { beta: 3, whitespace: true });
      assert.ok(Math.abs(score - expected) < 1e-4, `${score} vs ${expected}`);
    });
  }

  // test_sentence_level_chrf: sentence_chrf(hyp, refs, eps_smoothing=True), default β=2, char order 6
  const sentenceCases: Array<[string, string, number]> = [
    [
      'Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.',
      'Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.',
      39.14078509,
    ],
    [
      'Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.',
      'A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.',
      31.22557079,
    ],
    [
      'Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.',
      'Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.',
      57.15704367,
    ],
  ];
  for (const [hyp, ref, expected] of sentenceCases) {
    it(`sentence level, defaults + eps smoothing: ${hyp.slice(0, 30)}… → ${expected}`, () => {
      const score = corpusChrf([hyp], [[ref]], { epsSmoothing: true });
      assert.ok(Math.abs(score - expected) < 1e-4, `${score} vs ${expected}`);
    });
  }

  it('hand-computed default chrF2 (effective order): "ab" vs "ab" is 100, "ab" vs "ac" is 25', () => {
    assert.equal(corpusChrf(['ab'], [['ab']]), 100);
    // Order 1: P = R = 1/2; order 2: no match but both sides have a bigram, P = R = 0. Averages 1/4 → F = 25.
    assert.ok(Math.abs(corpusChrf(['ab'], [['ac']]) - 25) < 1e-9);
  });

  it('takes the best-scoring reference per sentence', () => {
    assert.equal(corpusChrf(['hello world'], [['goodbye', 'hello world']]), 100);
  });

  it('refuses bad input with a clear error', () => {
    assert.throws(() => corpusChrf(['a', 'b'], [['a']]), /2 predictions but 1 references/);
    assert.throws(() => corpusChrf([], []), /no examples/);
    assert.throws(() => corpusChrf(['a'], [[]]), /example 0 has no reference/);
  });
});

describe('eval metrics: BLEU against sacrebleu test vectors', () => {
  // sacrebleu test_bleu.py: _hyps with the two reference streams _refs (transposed to per example here).
  const hyps = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
  const refs = [
    ['The dog bit the man.', 'The dog had bit the man.'],
    ['It was not unexpected.', 'No one was surprised.'],
    ['The man bit him first.', 'The man had bitten the dog.'],
  ];

  it('default corpus BLEU (13a, exp smoothing) is 48.530827', () => {
    assert.ok(Math.abs(corpusBleu(hyps, refs).score - 48.530827) < 1e-6);
  });
  it("tokenize 'none' gives 49.1919566", () => {
    assert.ok(Math.abs(corpusBleu(hyps, refs, { tokenize: 'none' }).score - 49.1919566) < 1e-6);
  });
  it('empty hypotheses are kept and score 0', () => {
    assert.equal(corpusBleu(['', '', ''], refs).score, 0);
  });
  it('statistics: "am I am a character sequence" vs "I am a symbol string sequence a a" → counts [4,2,1,0], totals [6,5,4,3]', () => {
    const r = corpusBleu(['am I am a character sequence'], [['I am a symbol string sequence a a']], { tokenize: 'none' });
    assert.deepEqual(r.counts, [4, 2, 1, 0]);
    assert.deepEqual(r.totals, [6, 5, 4, 3]);
  });
  it('scoring from statistics [9,7,5,3]/[10,8,6,4], lengths 11/11 → 0.8375922397', () => {
    assert.ok(Math.abs(bleuFromStats([9, 7, 5, 3], [10, 8, 6, 4], 11, 11).score / 100 - 0.8375922397) < 1e-8);
  });
  it('"this is a test" vs itself is 100; no matching unigram is 0', () => {
    assert.ok(Math.abs(corpusBleu(['this is a test'], [['this is a test']]).score - 100) < 1e-9);
    assert.equal(corpusBleu(['this is a test', 'another test'], [['ref1'], ['ref2']]).score, 0);
  });
  it('13a tokenizer: punctuation split, digits kept together (expected values from sacrebleu regexes run in Python 3)', () => {
    // The apostrophe is not among 13a's symbols, so it stays inside the word.
    assert.equal(tokenize13a("It wasn't surprising."), "It wasn't surprising .");
    assert.equal(tokenize13a('Pay $3.50, or 1,000-2 &amp; more'), 'Pay $ 3.50 , or 1,000 - 2 & more');
    assert.equal(tokenize13a('a<skipped>b "q"'), 'ab " q "');
  });
  it('refuses bad input with a clear error', () => {
    assert.throws(() => corpusBleu(['a'], []), /1 predictions but 0 references/);
    assert.throws(() => corpusBleu(['a'], [[]]), /example 0 has no reference/);
  });
});
