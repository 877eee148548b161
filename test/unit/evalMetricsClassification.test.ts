import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { classificationReport, latencyStats, OTHER_COLUMN, percentile } from '../../src/core/eval/metrics';

const close = (a: number, b: number, msg?: string): void => assert.ok(Math.abs(a - b) < 1e-12, msg ?? `${a} vs ${b}`);

describe('eval metrics: classification (sklearn definitions)', () => {
  // Hand-computed. a: TP 2, predicted 3, support 3 → P = R = F1 = 2/3.
  // b: TP 1, predicted 2, support 2 → P = R = F1 = 1/2. c: never predicted, 1 true → all 0.
  // "x" is outside the labels: wrong for accuracy and for b's recall, its own confusion column.
  const refs = ['a', 'a', 'a', 'b', 'b', 'c'];
  const preds = ['a', 'b', 'a', 'b', 'x', 'a'];

  it('accuracy, per-class scores and macro-F1 (sklearn f1_score(average="macro") = 7/18)', () => {
    const r = classificationReport(preds, refs, ['a', 'b', 'c']);
    close(r.accuracy, 0.5);
    const [a, b, c] = r.perClass;
    close(a!.precision, 2 / 3);
    close(a!.recall, 2 / 3);
    close(a!.f1, 2 / 3);
    close(b!.precision, 1 / 2);
    close(b!.recall, 1 / 2);
    close(b!.f1, 1 / 2);
    assert.deepEqual([c!.precision, c!.recall, c!.f1, c!.support, c!.predicted], [0, 0, 0, 1, 0]);
    close(r.macroF1, 7 / 18);
    assert.equal(r.outsideLabels, 1);
  });

  it('confusion matrix: rows true, columns predicted in the given order, plus the outside column', () => {
    const r = classificationReport(preds, refs, ['a', 'b', 'c']);
    assert.deepEqual(r.confusion, {
      labels: ['a', 'b', 'c'],
      columns: ['a', 'b', 'c', OTHER_COLUMN],
      matrix: [
        [2, 1, 0, 0],
        [0, 1, 0, 1],
        [1, 0, 0, 0],
      ],
    });
    const reordered = classificationReport(preds, refs, ['c', 'b', 'a']);
    assert.deepEqual(reordered.confusion.matrix, [
      [0, 0, 1, 0],
      [0, 1, 0, 1],
      [0, 1, 2, 0],
    ]);
  });

  it('no outside column when every prediction is a label; default labels are the true labels in first-seen order', () => {
    const r = classificationReport(['neg', 'pos', 'pos'], ['pos', 'pos', 'neg']);
    assert.deepEqual(r.confusion, { labels: ['pos', 'neg'], columns: ['pos', 'neg'], matrix: [[1, 1], [1, 0]] });
    close(r.accuracy, 1 / 3);
    // pos: P = 1/2, R = 1/2; neg: P = 0, R = 0 → macro-F1 = 1/4.
    close(r.macroF1, 0.25);
  });

  it('a listed class with no true and no predicted example counts as F1 = 0 in the macro mean (zero_division default)', () => {
    const r = classificationReport(preds, refs, ['a', 'b', 'c', 'd']);
    close(r.macroF1, 7 / 24);
    assert.deepEqual(r.perClass[3], { label: 'd', precision: 0, recall: 0, f1: 0, support: 0, predicted: 0 });
  });

  it('all correct is 1', () => {
    const r = classificationReport(['x', 'y'], ['x', 'y']);
    assert.equal(r.accuracy, 1);
    assert.equal(r.macroF1, 1);
  });

  it('refuses bad input with a clear error', () => {
    assert.throws(() => classificationReport(['a'], ['a', 'b']), /1 predictions but 2 references/);
    assert.throws(() => classificationReport([], []), /no examples/);
    assert.throws(() => classificationReport(['a'], ['z'], ['a', 'b']), /reference\[0\] "z" is not one of the labels/);
    assert.throws(() => classificationReport(['a'], ['a'], ['a', 'a']), /listed twice/);
    assert.throws(() => classificationReport(['a'], ['a'], []), /label list is empty/);
    assert.throws(() => classificationReport(['a'], ['a'], ['a', OTHER_COLUMN]), /reserved/);
  });
});

describe('eval metrics: latency percentiles (numpy linear) and throughput', () => {
  it('matches numpy.percentile defaults on hand-computed values', () => {
    const ten = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    close(percentile(ten, 50), 5.5); // h = 4.5
    close(percentile(ten, 95), 9.55); // h = 8.55
    close(percentile([10, 20, 30, 40], 95), 38.5); // h = 2.85
    close(percentile([7], 95), 7);
    close(percentile([1, 2, 3], 0), 1);
    close(percentile([1, 2, 3], 100), 3);
  });

  it('matches numpy.percentile run by /usr/bin/python3 on uneven samples (skips without numpy)', function () {
    const samples = [[3.2, 1.5, 9.9, 4.4, 4.4, 120.7, 0.3], [12, 15, 11, 250, 13, 14, 12, 16, 18, 900, 13], [5, 1]];
    const py = spawnSync('/usr/bin/python3', ['-c', 'import json,sys,numpy as np; d=json.load(sys.stdin); print(json.dumps([[float(np.percentile(x, q)) for q in (50, 95)] for x in d]))'], {
      input: JSON.stringify(samples),
      encoding: 'utf8',
    });
    if (py.status !== 0) {
      console.log(`      skipped: numpy reference unavailable (${(py.stderr || String(py.error)).trim().split('\n').pop()})`);
      this.skip();
    }
    const expected = JSON.parse(py.stdout) as number[][];
    samples.forEach((x, i) => {
      close(percentile(x, 50), expected[i]![0]!);
      close(percentile(x, 95), expected[i]![1]!);
    });
  });

  it('summary and throughput from latencies, or from the wall time when given', () => {
    const s = latencyStats([100, 200, 300, 400]);
    assert.equal(s.count, 4);
    close(s.p50, 250);
    close(s.p95, 385);
    close(s.mean, 250);
    assert.equal(s.min, 100);
    assert.equal(s.max, 400);
    close(s.throughput, 4); // 4 examples in 1 s of summed latency
    close(latencyStats([100, 200, 300, 400], 500).throughput, 8);
  });

  it('refuses bad input with a clear error', () => {
    assert.throws(() => latencyStats([]), /no latencies/);
    assert.throws(() => latencyStats([1, -2]), /latenciesMs\[1\] = -2/);
    assert.throws(() => latencyStats([1, Number.NaN]), /latenciesMs\[1\]/);
    assert.throws(() => latencyStats([1], 0), /wallMs = 0/);
    assert.throws(() => latencyStats([0, 0]), /throughput is undefined/);
    assert.throws(() => percentile([1], 101), /within 0–100/);
  });
});
