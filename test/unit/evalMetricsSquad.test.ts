import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { normalizeAnswer, squadScores, tokenF1Score } from '../../src/core/eval/metrics';

const PYTHON = '/usr/bin/python3';
const REFERENCE = path.join(__dirname, '..', '..', '..', 'test', 'unit', 'evalMetricsSquadReference.py');

/** Examples chosen for the normalisation's edge cases: articles, punctuation, Unicode, multiple golds. */
const EXAMPLES: Array<{ prediction: string; golds: string[] }> = [
  { prediction: 'The Eiffel Tower', golds: ['Eiffel Tower', 'the tower'] },
  { prediction: 'the big cat', golds: ['a big dog'] },
  { prediction: 'Denver Broncos', golds: ['Denver Broncos', 'The Denver Broncos'] },
  { prediction: 'in 1990s, the (early) years!', golds: ['early 1990s'] },
  { prediction: 'Theatre and an anthem', golds: ['theatre anthem'] },
  { prediction: 'a a a the', golds: ['an'] },
  { prediction: '', golds: ['something'] },
  { prediction: '...', golds: ['!'] },
  { prediction: 'Café the Ünïcode—dash', golds: ['café ünïcode—dash'] },
  { prediction: 'théâtre the\u00a0end', golds: ['théâtre end'] },
  { prediction: 'naïve_the a', golds: ['naïve_the'] },
  { prediction: 'cat cat cat dog', golds: ['cat dog dog', 'bird'] },
  { prediction: "rock 'n' roll", golds: ['rock n roll'] },
  { prediction: 'É the', golds: ['é'] },
];

describe('eval metrics: SQuAD v1.1 exact match and F1', () => {
  it('hand-computed: normalisation and token F1', () => {
    assert.equal(normalizeAnswer('  The  Quick, brown fox!  '), 'quick brown fox');
    assert.equal(normalizeAnswer('An apple a day'), 'apple day');
    assert.equal(normalizeAnswer('theatre'), 'theatre');
    // [big, cat] vs [big, dog]: one common token, P = R = 1/2.
    assert.equal(tokenF1Score('the big cat', 'a big dog'), 0.5);
    // [cat, cat, cat, dog] vs [cat, dog, dog]: common = min(3,1) + min(1,2) = 2; P = 2/4, R = 2/3 → F1 = 4/7.
    assert.ok(Math.abs(tokenF1Score('cat cat cat dog', 'cat dog dog') - 4 / 7) < 1e-12);
    const corpus = squadScores(['The Eiffel Tower', 'the big cat'], [['Eiffel Tower'], ['a big dog']]);
    assert.equal(corpus.exactMatch, 50);
    assert.equal(corpus.f1, 75);
  });

  it('matches the official algorithm run by Python 3 on the edge-case examples', function () {
    if (!fs.existsSync(PYTHON)) {
      console.log(`      skipped: ${PYTHON} is not installed, so the Python reference cannot run`);
      this.skip();
    }
    const ref = JSON.parse(execFileSync(PYTHON, [REFERENCE], { input: JSON.stringify(EXAMPLES), encoding: 'utf8' })) as {
      perExample: Array<{ exactMatch: number; f1: number; normalized: string }>;
      exactMatch: number;
      f1: number;
    };
    const ours = squadScores(
      EXAMPLES.map((e) => e.prediction),
      EXAMPLES.map((e) => e.golds),
    );
    EXAMPLES.forEach((e, i) => {
      const r = ref.perExample[i]!;
      assert.equal(normalizeAnswer(e.prediction), r.normalized, `normalised ${JSON.stringify(e.prediction)}`);
      assert.equal(ours.perExample[i]!.exactMatch, r.exactMatch, `EM of ${JSON.stringify(e.prediction)}`);
      assert.ok(Math.abs(ours.perExample[i]!.f1 - r.f1) < 1e-12, `F1 of ${JSON.stringify(e.prediction)}: ${ours.perExample[i]!.f1} vs ${r.f1}`);
    });
    assert.ok(Math.abs(ours.exactMatch - ref.exactMatch) < 1e-9);
    assert.ok(Math.abs(ours.f1 - ref.f1) < 1e-9);
    // The examples exercise both outcomes, so the comparison is not vacuous.
    assert.ok(ref.perExample.some((p) => p.exactMatch === 1) && ref.perExample.some((p) => p.exactMatch === 0));
  });

  it('refuses bad input with a clear error', () => {
    assert.throws(() => squadScores(['a'], [['a'], ['b']]), /1 predictions but 2 references/);
    assert.throws(() => squadScores([], []), /no examples/);
    assert.throws(() => squadScores(['a'], [[]]), /example 0 has no gold answer/);
  });
});
