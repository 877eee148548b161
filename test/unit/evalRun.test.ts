import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { readDataFile } from '../../src/core/eval/dataFiles';
import { columnType, EvalDataError } from '../../src/core/eval/dataTable';
import { buildExamples, goldAnswers } from '../../src/core/eval/examples';
import { assertLabelMapping, userLabelMapping } from '../../src/core/eval/labels';
import { modelLabels, suggestMapping } from '../../src/core/eval/modelFacts';
import { runComparison, type EvalSpec } from '../../src/core/lab/compareModels';
import { fixtureModelDirs } from '../fixtures/models';
import { FIXTURES } from '../fixtures/paths';
import { useTestRunner } from '../fixtures/serviceRunner';

const REVIEWS = path.join(FIXTURES, 'eval', 'reviews.csv');

describe('Compare models on a dataset: the runner on fixture models with known answers', function () {
  this.timeout(120_000);
  const t = useTestRunner();

  async function spec(): Promise<EvalSpec> {
    const table = await readDataFile(REVIEWS);
    const set = buildExamples('text-classification', table, { text: 'text', label: 'label' });
    const d = fixtureModelDirs();
    const labels = set.labels!;
    const sentiment = suggestMapping(labels, await modelLabels(t.runner, 'text-classification', d.sentiment, set.examples[0]!));
    return {
      task: 'text-classification',
      examples: set.examples,
      dataset: { source: table.source, totalRows: table.totalRows, sample: table.rows.length, seed: 0, mapping: { text: 'text', label: 'label' }, skipped: set.skipped, labels: labels.map((l) => l.name) },
      models: [{ model: d.sentiment, runner: t.runner, labelMapping: sentiment }],
    };
  }

  it('one model: accuracy 7/8, macro-F1 and the confusion matrix by hand (the sentiment fixture scores its words)', async () => {
    const s = await spec();
    // The sentiment fixture's labels match the dataset's up to case: no question to ask.
    assert.deepEqual(s.models[0]!.labelMapping!.pairs.map((p) => [p.dataset.name, p.model, p.how]), [['negative', 'NEGATIVE', 'case'], ['positive', 'POSITIVE', 'case']]);
    const r = await runComparison(s);
    const run = r.runs[0]!;
    assert.equal(run.status, 'done');
    assert.equal(run.done, 8);
    // "not good at all" (negative) is the one miss: "good" is the only word the model knows.
    assert.deepEqual(run.predictions, ['positive', 'negative', 'negative', 'positive', 'positive', 'negative', 'negative', 'positive']);
    assert.equal(run.metrics.accuracy, 7 / 8);
    // negative: P 4/4, R 4/5, F1 8/9; positive: P 3/4, R 1, F1 6/7.
    assert.ok(Math.abs(run.metrics.macroF1! - (8 / 9 + 6 / 7) / 2) < 1e-12);
    assert.deepEqual(run.confusion, { labels: ['negative', 'positive'], columns: ['negative', 'positive'], matrix: [[4, 1], [0, 3]] });
    assert.equal(run.latency!.count, 7, 'the first example (the load) is timed apart');
    assert.ok(run.firstMs! >= 0 && run.latency!.p95Ms >= run.latency!.p50Ms);
    assert.equal(run.dtype, 'fp32');
    assert.ok(run.sizeBytes! > 0);
    assert.deepEqual(r.allFail, [4]);
    assert.deepEqual(r.disagreements, []);
  });

  it('LABEL_0/LABEL_1 is a guess that must be confirmed; a reversed mapping scores as chosen, and the examples where the models disagree are every one', async () => {
    const s = await spec();
    const d = fixtureModelDirs();
    const labels = (await buildExamples('text-classification', await readDataFile(REVIEWS), { text: 'text', label: 'label' })).labels!;
    const guess = suggestMapping(labels, await modelLabels(t.runner, 'text-classification', d.grammar, s.examples[0]!));
    assert.equal(guess.hasGuess, true);
    assert.throws(() => assertLabelMapping(guess), /guess by position only: confirm it/);
    const reversed = userLabelMapping({ negative: 'LABEL_1', positive: 'LABEL_0' }, labels, { 0: 'LABEL_0', 1: 'LABEL_1' });
    s.models.push({ model: d.grammar, runner: t.runner, labelMapping: reversed });
    const r = await runComparison(s);
    assert.equal(r.runs[1]!.metrics.accuracy, 1 / 8);
    assert.deepEqual(r.disagreements, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(r.allFail, []);
  });

  it('a model for another task fails with the reason and the next model still runs', async () => {
    const s = await spec();
    const d = fixtureModelDirs();
    s.models.unshift({ model: d.qa, runner: t.runner, labelMapping: s.models[0]!.labelMapping });
    const r = await runComparison(s);
    assert.equal(r.runs[0]!.status, 'failed');
    assert.match(r.runs[0]!.error!, /row 0: .*question-answering/i);
    assert.equal(r.runs[1]!.status, 'done');
    assert.equal(r.partial, true);
    assert.deepEqual(r.allFail, [4], 'a model that ran nothing does not count');
  });

  it('cancelled part way: the examples done are kept and scored, the model is marked cancelled, the next is not run', async () => {
    const s = await spec();
    s.models.push({ ...s.models[0]! });
    const ac = new AbortController();
    const r = await runComparison(s, { signal: ac.signal, onProgress: (p) => p.done === 3 && p.modelIndex === 0 && ac.abort() });
    assert.equal(r.runs[0]!.status, 'cancelled');
    assert.equal(r.runs[0]!.done, 3);
    assert.equal(r.runs[0]!.metrics.accuracy, 1);
    assert.deepEqual(r.runs[0]!.predictions.slice(3), [null, null, null, null, null]);
    assert.equal(r.runs[1]!.status, 'not-run');
    assert.equal(r.partial, true);
  });

  it('bad input: a text-classification model without a mapping, no models, an empty split', async () => {
    const s = await spec();
    await assert.rejects(runComparison({ ...s, models: [{ model: 'x', runner: t.runner }] }), /No label mapping for x/);
    await assert.rejects(runComparison({ ...s, models: [] }), /No model to compare/);
    const empty = { source: 'empty.csv', columns: [{ name: 'text', type: 'string' }, { name: 'label', type: 'string' }], rows: [], rowIndex: [], totalRows: 0 };
    assert.throws(() => buildExamples('text-classification', empty, { text: 'text', label: 'label' }), (e: unknown) => e instanceof EvalDataError && /no row can be scored \(no rows\)/.test(e.message));
  });
});

describe('Compare models: examples from rows', () => {
  it('GLUE test splits (-1 labels) are skipped and the error says to use validation', () => {
    const t = { source: 'glue (sst2/test)', columns: [{ name: 'sentence', type: 'string' }, { name: 'label', type: 'ClassLabel(negative, positive)', labels: ['negative', 'positive'] }], rows: [{ sentence: 'a', label: -1 }, { sentence: 'b', label: -1 }], rowIndex: [0, 1], totalRows: 2 };
    assert.throws(() => buildExamples('text-classification', t, { text: 'sentence', label: 'label' }), /no row can be scored .*no label \(-1\).*use the validation split/);
    t.rows[1]!.label = 1;
    const set = buildExamples('text-classification', t, { text: 'sentence', label: 'label' });
    assert.deepEqual(set.examples, [{ kind: 'classification', row: 1, text: 'b', label: 'positive' }]);
    assert.deepEqual(set.skipped, [{ row: 0, reason: 'no label (-1)' }]);
  });

  it('SQuAD answers in each stored shape; unanswerable rows are skipped', () => {
    assert.deepEqual(goldAnswers({ text: ['Paris', 'Paris, France'], answer_start: [0, 0] }), ['Paris', 'Paris, France']);
    assert.deepEqual(goldAnswers([{ text: 'x', answer_start: 1 }]), ['x']);
    assert.deepEqual(goldAnswers({ text: [], answer_start: [] }), []);
    const t = { source: 's', columns: [{ name: 'question', type: 'string' }, { name: 'context', type: 'string' }, { name: 'answers', type: '{text: list(string), answer_start: list(int32)}' }], rows: [{ question: 'q', context: 'c', answers: { text: [], answer_start: [] } }, { question: 'q2', context: 'c2', answers: { text: ['c2'], answer_start: [0] } }], rowIndex: [5, 9], totalRows: 10 };
    const set = buildExamples('question-answering', t, { question: 'question', context: 'context', answers: 'answers' });
    assert.deepEqual(set.skipped, [{ row: 5, reason: 'unanswerable (no gold answer)' }]);
    assert.equal(set.examples.length, 1);
  });

  it('column types: an empty list or a null field takes the type of the other rows (SQuAD v2 unanswerable rows); real conflicts stay mixed', () => {
    assert.equal(columnType([{ text: ['a'], answer_start: [1] }, { text: [], answer_start: [] }]), '{text: list(string), answer_start: list(int64)}');
    assert.equal(columnType([{ a: null }, { a: 'x' }, null]), '{a: string}');
    assert.equal(columnType([1, 2.5]), 'float64');
    assert.equal(columnType(['x', 1]), 'mixed(int64|string)');
    assert.equal(columnType([{ a: 1 }, { b: 1 }]), 'mixed({a: int64}|{b: int64})');
    assert.equal(columnType([[], []]), 'list(null)');
  });

  it('translation from a dict column needs languages it holds', () => {
    const t = { source: 'opus', columns: [{ name: 'translation', type: '{en: string, fr: string}' }], rows: [{ translation: { en: 'hello', fr: 'bonjour' } }], rowIndex: [0], totalRows: 1 };
    assert.throws(() => buildExamples('translation', t, { translation: 'translation' }), /needs the source and target languages; it holds en, fr/);
    assert.throws(() => buildExamples('translation', t, { translation: 'translation' }, { from: 'en', to: 'de' }), /no "de" texts; its languages are en, fr/);
    const set = buildExamples('translation', t, { translation: 'translation' }, { from: 'en', to: 'fr' });
    assert.deepEqual(set.examples, [{ kind: 'translation', row: 0, source: 'hello', reference: 'bonjour' }]);
  });
});
