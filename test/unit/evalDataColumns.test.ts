import * as assert from 'node:assert/strict';
import { checkMapping, suggestColumns, type EvalTask } from '../../src/core/eval/columns';
import { EvalDataError, type Feature } from '../../src/core/eval/dataTable';
import { describeFeature } from '../../src/core/hub/datasetViewer';

/** Columns from the viewer's feature JSON (the way a Hub split's columns arrive). */
const cols = (features: Record<string, unknown>): Feature[] => Object.entries(features).map(([name, t]) => ({ name, ...describeFeature(t) }));
const v = (dtype: string) => ({ dtype, _type: 'Value' });
const cl = (...names: string[]) => ({ names, _type: 'ClassLabel' });
const list = (feature: unknown) => ({ feature, _type: 'List' });

/** Features of well-known datasets as the dataset viewer gives them. */
const KNOWN = {
  sst2: cols({ idx: v('int32'), sentence: v('string'), label: cl('negative', 'positive') }),
  imdb: cols({ text: v('string'), label: cl('neg', 'pos') }),
  qnli: cols({ question: v('string'), sentence: v('string'), label: cl('entailment', 'not_entailment'), idx: v('int32') }),
  mrpc: cols({ sentence1: v('string'), sentence2: v('string'), label: cl('not_equivalent', 'equivalent'), idx: v('int32') }),
  mnli: cols({ premise: v('string'), hypothesis: v('string'), label: cl('entailment', 'neutral', 'contradiction'), idx: v('int32') }),
  colaGrammar: cols({ sentence: v('string'), label: cl('unacceptable', 'acceptable'), idx: v('int32') }),
  agNews: cols({ text: v('string'), label: cl('World', 'Sports', 'Business', 'Sci/Tech') }),
  squad: cols({ id: v('string'), title: v('string'), context: v('string'), question: v('string'), answers: { feature: { text: v('string'), answer_start: v('int32') }, _type: 'Sequence' } }),
  squadDatasets4: cols({ id: v('string'), title: v('string'), context: v('string'), question: v('string'), answers: { text: list(v('string')), answer_start: list(v('int32')) } }),
  cnnDailymail: cols({ article: v('string'), highlights: v('string'), id: v('string') }),
  xsum: cols({ document: v('string'), summary: v('string'), id: v('string') }),
  opus: cols({ id: v('string'), translation: { languages: ['en', 'fr'], _type: 'Translation' } }),
  wmtDict: cols({ translation: { de: v('string'), en: v('string') } }),
};

describe('Evaluation data: column mapping suggestions and checks', () => {
  const cases: Array<[string, EvalTask, Feature[], Record<string, string>]> = [
    ['sst2', 'text-classification', KNOWN.sst2, { text: 'sentence', label: 'label' }],
    ['imdb', 'text-classification', KNOWN.imdb, { text: 'text', label: 'label' }],
    ['glue qnli (a text pair)', 'text-classification', KNOWN.qnli, { text: 'question', pair: 'sentence', label: 'label' }],
    ['glue mrpc', 'text-classification', KNOWN.mrpc, { text: 'sentence1', pair: 'sentence2', label: 'label' }],
    ['mnli', 'text-classification', KNOWN.mnli, { text: 'premise', pair: 'hypothesis', label: 'label' }],
    ['cola (grammar)', 'text-classification', KNOWN.colaGrammar, { text: 'sentence', label: 'label' }],
    ['ag_news (zero-shot)', 'zero-shot-classification', KNOWN.agNews, { text: 'text', label: 'label' }],
    ['squad', 'question-answering', KNOWN.squad, { question: 'question', context: 'context', answers: 'answers' }],
    ['squad, datasets 4 lists', 'question-answering', KNOWN.squadDatasets4, { question: 'question', context: 'context', answers: 'answers' }],
    ['cnn_dailymail', 'summarization', KNOWN.cnnDailymail, { document: 'article', summary: 'highlights' }],
    ['xsum', 'summarization', KNOWN.xsum, { document: 'document', summary: 'summary' }],
    ['opus books', 'translation', KNOWN.opus, { translation: 'translation' }],
    ['wmt (dict type)', 'translation', KNOWN.wmtDict, { translation: 'translation' }],
  ];
  for (const [name, task, columns, want] of cases) {
    it(`suggests ${JSON.stringify(want)} for ${name} (${task}), by name, and the check accepts it`, () => {
      const s = suggestColumns(task, columns);
      assert.deepEqual(Object.fromEntries(Object.entries(s.mapping).sort()), Object.fromEntries(Object.entries(want).sort()));
      assert.deepEqual(s.missing, []);
      assert.deepEqual(s.byType, []);
      checkMapping(task, s.mapping, columns);
    });
  }

  it('gives a translation dict\'s languages from its type, or from a row for a Translation feature', () => {
    assert.deepEqual(suggestColumns('translation', KNOWN.wmtDict).languages, ['de', 'en']);
    assert.deepEqual(suggestColumns('translation', KNOWN.opus, { id: '1', translation: { en: 'Hi', fr: 'Salut' } }).languages, ['en', 'fr']);
  });

  it('takes two columns named by language as source and target, marked to confirm', () => {
    const s = suggestColumns('translation', [{ name: 'en', type: 'string' }, { name: 'fr', type: 'string' }]);
    assert.deepEqual(s.mapping, { source: 'en', target: 'fr' });
    assert.deepEqual(s.byType, ['source', 'target']);
    checkMapping('translation', s.mapping, [{ name: 'en', type: 'string' }, { name: 'fr', type: 'string' }]);
  });

  it('fills a role from the only column of a fitting type when no name is known, and says so', () => {
    const columns = [{ name: 'review_body_text', type: 'string' }, { name: 'stars', type: 'int64' }];
    const s = suggestColumns('text-classification', columns);
    assert.deepEqual(s.mapping, { text: 'review_body_text', label: 'stars' });
    assert.deepEqual(s.byType, ['text', 'label']);
  });

  it('lists the roles it cannot fill; answers as plain text are taken by their name only, never by type', () => {
    // A column named answers (or answer) of text or a list of texts holds the gold answers themselves.
    for (const type of ['string', 'list(string)']) {
      const named = suggestColumns('question-answering', [{ name: 'question', type: 'string' }, { name: 'context', type: 'string' }, { name: 'answer', type }]);
      assert.deepEqual([named.mapping.answers, named.missing], ['answer', []], type);
    }
    const s = suggestColumns('question-answering', [{ name: 'question', type: 'string' }, { name: 'context', type: 'string' }, { name: 'title', type: 'string' }]);
    assert.deepEqual(s.missing, ['answers']);
    assert.equal(s.mapping.answers, undefined);
    assert.deepEqual(suggestColumns('summarization', [{ name: 'a', type: 'string' }, { name: 'b', type: 'string' }]).missing, ['document', 'summary']);
  });

  it('refuses a mapping naming a column the split lacks, with the columns it has', () => {
    assert.throws(
      () => checkMapping('question-answering', { question: 'question', context: 'passage', answers: 'answers' }, KNOWN.squad, 'squad (plain_text/validation)'),
      (e: unknown) => e instanceof EvalDataError && e.message === 'squad (plain_text/validation) has no column "passage" (mapped as context); its columns are: id, title, context, question, answers.',
    );
  });

  it('refuses a mapping that leaves a required role empty, or uses a role the task does not have', () => {
    assert.throws(() => checkMapping('text-classification', { text: 'sentence' }, KNOWN.sst2), /text-classification task needs columns for text \+ label; the split's columns are: idx, sentence, label/);
    assert.throws(() => checkMapping('translation', { source: 'translation' }, KNOWN.opus), /needs columns for translation, or source \+ target/);
    assert.throws(() => checkMapping('summarization', { document: 'article', summary: 'highlights', pair: 'id' }, KNOWN.cnnDailymail), /The summarization task has no "pair" column/);
  });
});
