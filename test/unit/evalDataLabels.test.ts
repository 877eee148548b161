import * as assert from 'node:assert/strict';
import { EvalDataError } from '../../src/core/eval/dataTable';
import { assertLabelMapping, datasetLabelsOf, suggestLabelMapping, userLabelMapping, type DatasetLabel, type LabelMapping } from '../../src/core/eval/labels';

const classLabel = (...names: string[]): DatasetLabel[] => datasetLabelsOf({ name: 'label', type: `ClassLabel(${names.join(', ')})`, labels: names }, []);
const pairs = (m: LabelMapping) => m.pairs.map((p) => [p.dataset.name, p.model, p.how, p.guess]);

describe('Evaluation data: label mapping between dataset labels and a model\'s id2label', () => {
  it('maps exact names, and names equal up to case, spaces, - and _, as sure pairs', () => {
    const m = suggestLabelMapping(classLabel('negative', 'positive'), { 0: 'NEGATIVE', 1: 'positive' });
    assert.deepEqual(pairs(m), [['negative', 'NEGATIVE', 'case', false], ['positive', 'positive', 'exact', false]]);
    assert.equal(m.hasGuess, false);
    assertLabelMapping(m);
    const nli = suggestLabelMapping(classLabel('entailment', 'not_entailment'), { 0: 'ENTAILMENT', 1: 'NOT ENTAILMENT' });
    assert.deepEqual(pairs(nli), [['entailment', 'ENTAILMENT', 'case', false], ['not_entailment', 'NOT ENTAILMENT', 'case', false]]);
  });

  it('maps known synonyms: imdb neg/pos to NEGATIVE/POSITIVE, cola acceptable to grammatical', () => {
    const m = suggestLabelMapping(classLabel('neg', 'pos'), { 0: 'NEGATIVE', 1: 'POSITIVE' });
    assert.deepEqual(pairs(m), [['neg', 'NEGATIVE', 'synonym', false], ['pos', 'POSITIVE', 'synonym', false]]);
    const cola = suggestLabelMapping(classLabel('unacceptable', 'acceptable'), { 0: 'ungrammatical', 1: 'grammatical' });
    assert.deepEqual(pairs(cola).map((p) => p.slice(0, 2)), [['unacceptable', 'ungrammatical'], ['acceptable', 'grammatical']]);
  });

  it('pairs [negative, positive] with a LABEL_0/LABEL_1 model by index, marked as a guess that must be confirmed', () => {
    const m = suggestLabelMapping(classLabel('negative', 'positive'), { 0: 'LABEL_0', 1: 'LABEL_1' });
    assert.deepEqual(pairs(m), [['negative', 'LABEL_0', 'index', true], ['positive', 'LABEL_1', 'index', true]]);
    assert.equal(m.hasGuess, true);
    assert.throws(() => assertLabelMapping(m), (e: unknown) => e instanceof EvalDataError && e.message === 'Label mapping: the pairing negative → LABEL_0, positive → LABEL_1 is a guess by position only: confirm it or choose the labels.');
    assertLabelMapping(m, true);
  });

  it('pairs unnamed 0/1 labels with a named model by index, as a guess; the stored value is the index', () => {
    const labels = datasetLabelsOf({ name: 'label', type: 'int64' }, [1, 0, 1, 1, null, 0]);
    assert.deepEqual(labels, [{ name: '0', value: 0 }, { name: '1', value: 1 }]);
    const m = suggestLabelMapping(labels, { 1: 'POSITIVE', 0: 'NEGATIVE' });
    assert.deepEqual(m.pairs.map((p) => [p.dataset.value, p.modelId, p.guess]), [[0, 0, true], [1, 1, true]]);
  });

  it('does not guess by index when the counts differ or some names matched; reports what is left on both sides', () => {
    const three = suggestLabelMapping(classLabel('negative', 'positive'), { 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' });
    assert.deepEqual(three.pairs, []);
    assert.deepEqual(three.unmappedDataset.map((d) => d.name), ['negative', 'positive']);
    assert.deepEqual(three.unmappedModel.map((x) => x.label), ['LABEL_0', 'LABEL_1', 'LABEL_2']);
    const twitter = suggestLabelMapping(classLabel('negative', 'positive'), { 0: 'negative', 1: 'neutral', 2: 'positive' });
    assert.deepEqual(pairs(twitter), [['negative', 'negative', 'exact', false], ['positive', 'positive', 'exact', false]]);
    assert.deepEqual(twitter.unmappedModel, [{ id: 1, label: 'neutral' }]);
    assertLabelMapping(twitter); // a model label left over only makes its predictions wrong
  });

  it('refuses labels that do not map, naming them and the model\'s free labels', () => {
    const m = suggestLabelMapping(classLabel('World', 'Sports', 'Business', 'Sci/Tech'), { 0: 'sports', 1: 'politics', 2: 'science' });
    assert.deepEqual(pairs(m), [['Sports', 'sports', 'case', false]]);
    assert.throws(
      () => assertLabelMapping(m, true),
      (e: unknown) => e instanceof EvalDataError && e.message === 'Label mapping: dataset labels "World", "Business", "Sci/Tech" have no model label (the model\'s free labels: politics, science).',
    );
  });

  it('reads distinct string labels sorted, and refuses list labels and an empty label column', () => {
    assert.deepEqual(datasetLabelsOf({ name: 'label', type: 'string' }, ['pos', 'neg', 'pos']).map((d) => d.name), ['neg', 'pos']);
    assert.throws(() => datasetLabelsOf({ name: 'labels', type: 'list(string)' }, [['a', 'b']]), /holds lists .* a single label per example/);
    assert.throws(() => datasetLabelsOf({ name: 'label', type: 'null' }, [null]), /Label column "label" has no labels/);
  });

  it('refuses a model without id2label, or with a key that is not a class index', () => {
    assert.throws(() => suggestLabelMapping(classLabel('a'), {}), /The model has no id2label/);
    assert.throws(() => suggestLabelMapping(classLabel('a'), { first: 'a' }), /key "first" that is not a class index/);
  });

  it('takes a mapping the user chose, by model label or id, and refuses unknown labels and two labels on one', () => {
    const labels = classLabel('negative', 'positive');
    const id2label = { 0: 'LABEL_0', 1: 'LABEL_1' };
    const m = userLabelMapping({ negative: 'LABEL_1', positive: '0' }, labels, id2label);
    assert.deepEqual(pairs(m), [['negative', 'LABEL_1', 'user', false], ['positive', 'LABEL_0', 'user', false]]);
    assertLabelMapping(m);
    assert.throws(() => userLabelMapping({ neutral: 'LABEL_0' }, labels, id2label), /The dataset has no label "neutral"; its labels are: negative, positive/);
    assert.throws(() => userLabelMapping({ negative: 'LABEL_7' }, labels, id2label), /The model has no label "LABEL_7"; its labels are: 0=LABEL_0, 1=LABEL_1/);
    assert.throws(() => userLabelMapping({ negative: 'LABEL_0', positive: 'LABEL_0' }, labels, id2label), /"negative" and "positive" both map to the model's "LABEL_0"/);
  });
});
