import * as assert from 'node:assert/strict';
import { DatasetViewer } from '../../src/core/hub/datasetViewer';
import { HubError } from '../../src/core/hub/hubError';
import { checkMapping, suggestColumns } from '../../src/core/eval/columns';
import { fetchSplitSample } from '../../src/core/eval/dataHub';
import { EvalDataError } from '../../src/core/eval/dataTable';
import { datasetLabelsOf, suggestLabelMapping } from '../../src/core/eval/labels';
import { chooseSample } from '../../src/core/eval/sample';
import { FixtureHub } from '../fixtures/hub/server';

const value = (dtype: string) => ({ dtype, _type: 'Value' });
/** SST-2 as the viewer describes it: idx, sentence, label ClassLabel(negative, positive); 250 validation rows, label = idx % 2. */
const SST2 = {
  features: { idx: value('int32'), sentence: value('string'), label: { names: ['negative', 'positive'], _type: 'ClassLabel' } },
  splits: {
    validation: Array.from({ length: 250 }, (_, i) => ({ idx: i, sentence: `review ${i}`, label: i % 2 })),
    empty: [] as Array<Record<string, unknown>>,
  },
};
/** SQuAD as the viewer describes it (`datasets` < 4: answers is a Sequence of {text, answer_start}). */
const SQUAD = {
  features: {
    id: value('string'),
    title: value('string'),
    context: value('string'),
    question: value('string'),
    answers: { feature: { text: value('string'), answer_start: value('int32') }, _type: 'Sequence' },
  },
  splits: { validation: [{ id: 'a', title: 'T', context: 'Paris is in France.', question: 'Where is Paris?', answers: { text: ['France'], answer_start: [12] } }] },
};
/** An opus-like translation split: a Translation feature, languages from the rows. */
const OPUS = {
  features: { id: value('string'), translation: { languages: ['en', 'fr'], _type: 'Translation' } },
  splits: { train: [{ id: '0', translation: { en: 'Hello', fr: 'Bonjour' } }] },
};

describe('Evaluation data: a Hub split sample through the dataset viewer (loopback Hub)', () => {
  let hub: FixtureHub;
  let viewer: DatasetViewer;
  before(async () => {
    hub = new FixtureHub();
    hub.addRepo({ id: 'glue-like/sst2', type: 'dataset', files: { 'README.md': '# sst2' }, viewer: { configs: { default: SST2 } } });
    hub.addRepo({ id: 'squad-like/squad', type: 'dataset', files: { 'README.md': '# squad' }, viewer: { configs: { plain_text: SQUAD } } });
    hub.addRepo({ id: 'opus-like/books', type: 'dataset', files: { 'README.md': '# opus' }, viewer: { configs: { 'en-fr': OPUS } } });
    await hub.start();
    viewer = new DatasetViewer({ base: `${hub.url}/datasets-server`, hubEndpoint: hub.url });
  });
  after(() => hub.stop());

  const rowRequests = () => hub.requests.filter((r) => r.url.startsWith('/datasets-server/rows')).map((r) => new URL(r.url, hub.url).searchParams.get('offset'));

  it('fetches the seeded sample\'s rows, only from the 100-row pages that hold them, with the ClassLabel features', async () => {
    hub.requests.length = 0;
    const t = await fetchSplitSample(viewer, { dataset: 'glue-like/sst2', config: 'default', split: 'validation', size: 6, seed: 5 });
    const want = chooseSample(250, 6, 5).indices;
    assert.deepEqual(t.rowIndex, want);
    assert.deepEqual(t.rows.map((r) => r.idx), want, 'each row is the one at its index');
    assert.deepEqual(t.rows.map((r) => r.label), want.map((i) => i % 2));
    assert.equal(t.totalRows, 250);
    assert.equal(t.partial, false);
    assert.equal(t.source, 'glue-like/sst2 (default/validation)');
    assert.deepEqual(t.columns.find((c) => c.name === 'label'), { name: 'label', type: 'ClassLabel(negative, positive)', labels: ['negative', 'positive'] });
    const pages = [...new Set(want.map((i) => String(Math.floor(i / 100) * 100)))];
    assert.deepEqual(rowRequests(), [...new Set(['0', ...pages])], 'page 0 for the count, then each needed page once');
    const again = await fetchSplitSample(viewer, { dataset: 'glue-like/sst2', config: 'default', split: 'validation', size: 6, seed: 5 });
    assert.deepEqual(again.rows, t.rows, 'same seed, same rows');
  });

  it('takes every row when the sample is bigger than the split; refuses an empty split and a missing one', async () => {
    const all = await fetchSplitSample(viewer, { dataset: 'glue-like/sst2', config: 'default', split: 'validation', size: 1000, seed: 1 });
    assert.equal(all.rows.length, 250);
    assert.deepEqual(all.rows[249], { idx: 249, sentence: 'review 249', label: 1 });
    await assert.rejects(
      fetchSplitSample(viewer, { dataset: 'glue-like/sst2', config: 'default', split: 'empty', size: 10, seed: 1 }),
      (e: unknown) => e instanceof EvalDataError && /glue-like\/sst2 \(default\/empty\) has no rows/.test(e.message),
    );
    await assert.rejects(fetchSplitSample(viewer, { dataset: 'glue-like/sst2', config: 'default', split: 'test', size: 10, seed: 1 }), (e: unknown) => e instanceof HubError && e.kind === 'not-found');
  });

  it('samples from the first rows, marked partial, when the viewer has no /rows for the split (only /first-rows)', async () => {
    hub.faults.push({ match: '/datasets-server/rows', kind: 'status', status: 501, times: 1 });
    try {
      const t = await fetchSplitSample(viewer, { dataset: 'glue-like/sst2', config: 'default', split: 'validation', size: 4, seed: 8 });
      assert.equal(t.partial, true);
      assert.equal(t.totalRows, 100, 'the first 100 rows /first-rows returns');
      assert.deepEqual(t.rowIndex, chooseSample(100, 4, 8).indices);
      assert.deepEqual(t.rows.map((r) => r.idx), t.rowIndex);
    } finally {
      hub.faults.length = 0;
    }
  });

  it('suggests columns and labels from the viewer\'s features, and refuses a mapping to a column the split lacks', async () => {
    const sst2 = await fetchSplitSample(viewer, { dataset: 'glue-like/sst2', config: 'default', split: 'validation', size: 20, seed: 2 });
    const s = suggestColumns('text-classification', sst2.columns);
    assert.deepEqual(s.mapping, { label: 'label', text: 'sentence' });
    assert.deepEqual(s.missing, []);
    const labelCol = sst2.columns.find((c) => c.name === s.mapping.label)!;
    const m = suggestLabelMapping(datasetLabelsOf(labelCol, sst2.rows.map((r) => r.label)), { 0: 'LABEL_0', 1: 'LABEL_1' });
    assert.equal(m.hasGuess, true, 'LABEL_k: a guess by position');
    assert.throws(
      () => checkMapping('text-classification', { text: 'text', label: 'label' }, sst2.columns, sst2.source),
      (e: unknown) => e instanceof EvalDataError && e.message === 'glue-like/sst2 (default/validation) has no column "text" (mapped as text); its columns are: idx, sentence, label.',
    );

    const squad = await fetchSplitSample(viewer, { dataset: 'squad-like/squad', config: 'plain_text', split: 'validation', size: 5, seed: 1 });
    assert.equal(squad.columns.find((c) => c.name === 'answers')!.type, 'Sequence({text: string, answer_start: int32})');
    assert.deepEqual(suggestColumns('question-answering', squad.columns).mapping, { answers: 'answers', question: 'question', context: 'context' });

    const opus = await fetchSplitSample(viewer, { dataset: 'opus-like/books', config: 'en-fr', split: 'train', size: 5, seed: 1 });
    const t = suggestColumns('translation', opus.columns, opus.rows[0]);
    assert.deepEqual(t.mapping, { translation: 'translation' });
    assert.deepEqual(t.languages, ['en', 'fr']);
  });
});
