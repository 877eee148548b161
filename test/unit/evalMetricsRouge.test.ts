import * as assert from 'node:assert/strict';
import { lcsLength, rougeExample, rougeScores, rougeTokens } from '../../src/core/eval/metrics';

const close = (a: number, b: number, msg?: string): void => assert.ok(Math.abs(a - b) < 1e-12, msg ?? `${a} vs ${b}`);

describe('eval metrics: ROUGE-1/2/L (rouge_score, no stemming)', () => {
  it('rouge_score README example: rouge1 P 0.75 R 2/3 F 0.70588…, rougeL P 0.625 R 5/9 F 0.58823…', () => {
    // From google-research/rouge README: scorer.score(target, prediction).
    const s = rougeExample('The quick brown dog jumps on the log.', 'The quick brown fox jumps over the lazy dog');
    close(s.rouge1.precision, 0.75);
    close(s.rouge1.recall, 0.6666666666666666);
    close(s.rouge1.fmeasure, 0.7058823529411765);
    close(s.rougeL.precision, 0.625);
    close(s.rougeL.recall, 0.5555555555555556);
    close(s.rougeL.fmeasure, 0.5882352941176471);
  });

  it('hand-computed: "the cat sat on the mat" vs "the cat was on the mat"', () => {
    const s = rougeExample('the cat sat on the mat', 'the cat was on the mat');
    close(s.rouge1.fmeasure, 5 / 6); // the×2, cat, on, mat
    close(s.rouge2.fmeasure, 3 / 5); // "the cat", "on the", "the mat" of 5 bigrams each
    close(s.rougeL.fmeasure, 5 / 6); // LCS "the cat on the mat"
  });

  it('hand-computed, asymmetric: "Testing one." vs "testing one two three"', () => {
    const s = rougeExample('Testing one.', 'testing one two three');
    assert.deepEqual(s.rouge1, { precision: 1, recall: 0.5, fmeasure: 2 / 3 });
    close(s.rouge2.precision, 1);
    close(s.rouge2.recall, 1 / 3);
    close(s.rouge2.fmeasure, 0.5);
    close(s.rougeL.fmeasure, 2 / 3);
  });

  it('tokenizer: lowercase, non [a-z0-9] become separators (non-ASCII letters are dropped)', () => {
    assert.deepEqual(rougeTokens("Don't STOP-me now, Über 2x!"), ['don', 't', 'stop', 'me', 'now', 'ber', '2x']);
    assert.equal(lcsLength(['a', 'b', 'c', 'd'], ['b', 'd', 'a']), 2);
  });

  it('empty prediction or reference scores 0', () => {
    const s = rougeExample('', 'some reference');
    assert.deepEqual([s.rouge1.fmeasure, s.rouge2.fmeasure, s.rougeL.fmeasure], [0, 0, 0]);
    const t = rougeExample('!!!', '...');
    assert.deepEqual([t.rouge1.fmeasure, t.rougeL.fmeasure], [0, 0]);
  });

  it('corpus score is the mean of per-example F-measures', () => {
    const c = rougeScores(['the cat sat on the mat', 'Testing one.'], ['the cat was on the mat', 'testing one two three']);
    close(c.rouge1, (5 / 6 + 2 / 3) / 2);
    close(c.rouge2, (3 / 5 + 1 / 2) / 2);
    close(c.rougeL, (5 / 6 + 2 / 3) / 2);
    assert.equal(c.perExample.length, 2);
  });

  it('refuses bad input with a clear error', () => {
    assert.throws(() => rougeScores(['a', 'b'], ['a']), /2 predictions but 1 references/);
    assert.throws(() => rougeScores([], []), /no examples/);
    assert.throws(() => rougeScores(['a'], [3 as unknown as string]), /references\[0\] is number/);
  });
});
