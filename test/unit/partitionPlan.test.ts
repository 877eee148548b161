import * as assert from 'node:assert/strict';
import { partitionCode, resolveSliceSpec, stratifiedSplit } from '../../src/core/hub/partitionPlan';

describe('Partition planner', () => {
  const sizes = { train: 25_000, test: 1001 };

  it('resolves named splits and percentage slices as datasets does', () => {
    assert.equal(resolveSliceSpec('train', sizes).rows, 25_000);
    assert.deepEqual(resolveSliceSpec('train[:90%]', sizes).parts, [{ split: 'train', from: 0, to: 22_500 }]);
    assert.deepEqual(resolveSliceSpec('train[-10%:]', sizes).parts, [{ split: 'train', from: 22_500, to: 25_000 }]);
    assert.equal(resolveSliceSpec('train[:10]+test[10:20]', sizes).rows, 20);
    // 1001 × 50 % = 500.5: Python's round() goes to the even row, 500.
    assert.deepEqual(resolveSliceSpec('test[:50%]', sizes).parts[0], { split: 'test', from: 0, to: 500 });
    // 1001 × 15 % = 150.15 → 150; row boundaries past the end are clamped.
    assert.deepEqual(resolveSliceSpec('test[15%:]', sizes).parts[0], { split: 'test', from: 150, to: 1001 });
    assert.deepEqual(resolveSliceSpec('test[1000:2000]', sizes).parts[0], { split: 'test', from: 1000, to: 1001 });
  });

  it('rejects specs datasets would reject, with what to write instead', () => {
    assert.throws(() => resolveSliceSpec('validation', sizes), /no split "validation".*train, test/);
    assert.throws(() => resolveSliceSpec('train[:150%]', sizes), /between -100% and 100%/);
    assert.throws(() => resolveSliceSpec('train[10:50%]', sizes), /both boundaries/);
    assert.throws(() => resolveSliceSpec('train[::2]', sizes), /not a split slice/);
  });

  it('stratifies a train/test split per label, keeping the label proportions', () => {
    const plan = stratifiedSplit({ pos: 150, neg: 100 }, 0.2, 42);
    assert.equal(plan.test, 50);
    assert.equal(plan.train, 200);
    assert.deepEqual(plan.perLabel, [
      { label: 'pos', total: 150, train: 120, test: 30 },
      { label: 'neg', total: 100, train: 80, test: 20 },
    ]);
    // Three equal labels and an odd test size: the seed decides the tie, the same way every time.
    const a = stratifiedSplit({ a: 10, b: 10, c: 10 }, 0.1, 7);
    assert.equal(a.test, 3);
    const b = stratifiedSplit({ a: 10, b: 10, c: 10 }, 0.25, 7);
    assert.equal(b.perLabel.reduce((s, l) => s + l.test, 0), 8);
    assert.deepEqual(stratifiedSplit({ a: 10, b: 10, c: 10 }, 0.25, 7), b);
    for (const l of b.perLabel) assert.equal(l.train + l.test, l.total);
  });

  it('refuses impossible stratified splits', () => {
    assert.throws(() => stratifiedSplit({ a: 1, b: 10 }, 0.2), /at least 2 rows of every label; a/);
    assert.throws(() => stratifiedSplit({ a: 5, b: 5 }, 10), /leaves no rows/);
    assert.throws(() => stratifiedSplit({ a: 5, b: 5 }, 0), /fraction between 0 and 1/);
  });

  it('writes the Python that reproduces the partition', () => {
    const code = partitionCode({ dataset: 'fixture-org/reviews', config: 'default', slice: 'train[:90%]', stratify: { column: 'label', testSize: 0.2, seed: 42 } });
    assert.match(code, /load_dataset\("fixture-org\/reviews", "default", split="train\[:90%\]"\)/);
    assert.match(code, /train_test_split\(test_size=0\.2, stratify_by_column="label", seed=42\)/);
  });
});
