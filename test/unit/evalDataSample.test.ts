import * as assert from 'node:assert/strict';
import { EvalDataError } from '../../src/core/eval/dataTable';
import { chooseSample } from '../../src/core/eval/sample';
import { seededRandom } from '../../src/core/random';

/** The textbook Fisher–Yates over a full array (from the front), with the same generator: the reference. */
function referenceSample(total: number, size: number, seed: number): number[] {
  const a = Array.from({ length: total }, (_, i) => i);
  const rand = seededRandom(seed);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(rand() * (total - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, size).sort((x, y) => x - y);
}

describe('Evaluation data: seeded sample (mulberry32 + Fisher–Yates)', () => {
  it('chooses the same rows as a full-array Fisher–Yates with mulberry32, for many sizes and seeds', () => {
    for (const [total, size, seed] of [[10, 3, 42], [1000, 50, 1], [1000, 999, 7], [37, 36, 0], [5, 1, 2 ** 31]] as const) {
      assert.deepEqual(chooseSample(total, size, seed).indices, referenceSample(total, size, seed), `${total}/${size}/${seed}`);
    }
  });

  it('gives the same rows every time for a seed, other rows for another seed, distinct and in range', () => {
    const a = chooseSample(100_000, 200, 1234).indices;
    assert.deepEqual(chooseSample(100_000, 200, 1234).indices, a);
    assert.notDeepEqual(chooseSample(100_000, 200, 1235).indices, a);
    assert.equal(new Set(a).size, 200);
    assert.ok(a.every((i, k) => Number.isInteger(i) && i >= 0 && i < 100_000 && (k === 0 || a[k - 1]! < i)), 'distinct, ascending, in range');
  });

  it('picks every row about equally often (no bias to either end)', () => {
    const counts = new Array<number>(10).fill(0);
    for (let seed = 0; seed < 2000; seed++) for (const i of chooseSample(10, 3, seed).indices) counts[i]!++;
    // 2000 draws of 3 of 10: 600 expected per row; a biased shuffle would be far off.
    for (const c of counts) assert.ok(c > 500 && c < 700, `count ${c}`);
  });

  it('takes every row, marked all, when the sample is as big as the split or bigger', () => {
    assert.deepEqual(chooseSample(4, 4, 9), { indices: [0, 1, 2, 3], all: true });
    assert.deepEqual(chooseSample(4, 100, 9), { indices: [0, 1, 2, 3], all: true });
    assert.equal(chooseSample(4, 3, 9).all, false);
  });

  it('refuses an empty split, a size below 1 or not whole, and a seed that is not an integer', () => {
    assert.throws(() => chooseSample(0, 10, 1, 'imdb (plain_text/test)'), (e: unknown) => e instanceof EvalDataError && /imdb \(plain_text\/test\) has no rows/.test(e.message));
    assert.throws(() => chooseSample(10, 0, 1), /Sample size must be a whole number ≥ 1 \(got 0\)/);
    assert.throws(() => chooseSample(10, 2.5, 1), /Sample size/);
    assert.throws(() => chooseSample(10, 2, 0.5), /Seed must be an integer/);
  });
});
