import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { suggestColumns, type EvalTask } from '../../src/core/eval/columns';
import { readDataFile } from '../../src/core/eval/dataFiles';
import { buildExamples } from '../../src/core/eval/examples';
import { corpusBleu, corpusChrf } from '../../src/core/eval/metrics';
import { runComparison } from '../../src/core/lab/compareModels';
import { fixtureModelDirs } from '../fixtures/models';
import { marianFiles } from '../fixtures/models/translation';
import { writeModelDir } from '../fixtures/models/write';
import { FIXTURES } from '../fixtures/paths';
import { useTestRunner } from '../fixtures/serviceRunner';

const at = (name: string) => path.join(FIXTURES, 'eval', name);

describe('Compare models: extractive QA, summaries and translations scored on fixture models', function () {
  this.timeout(120_000);
  const t = useTestRunner();

  async function run(task: EvalTask, file: string, model: string, o: { from?: string; to?: string; candidates?: Record<string, string> } = {}) {
    const table = await readDataFile(at(file));
    const mapping = suggestColumns(task, table.columns, table.rows[0]).mapping;
    const set = buildExamples(task, table, mapping, o);
    return runComparison({ task, examples: set.examples, dataset: { source: table.source, totalRows: table.totalRows, sample: table.rows.length, seed: 0, mapping, skipped: set.skipped, ...(set.labels ? { labels: set.labels.map((l) => l.name) } : {}), ...(set.from ? { from: set.from, to: set.to } : {}) }, models: [{ model, runner: t.runner }], ...(o.candidates ? { candidates: o.candidates } : {}) });
  }

  it('QA (SQuAD v1.1): EM 2/3 and F1 (1 + 1 + 0.8)/3; the unanswerable SQuAD v2 row is skipped, not scored', async () => {
    const r = await run('question-answering', 'battery-qa.jsonl', fixtureModelDirs().qa);
    assert.deepEqual(r.dataset.skipped, [{ row: 3, reason: 'unanswerable (no gold answer)' }]);
    assert.deepEqual(r.runs[0]!.predictions, ['12 hours', '40 dollars', '12 hours']);
    assert.ok(Math.abs(r.runs[0]!.metrics.exactMatch! - 200 / 3) < 1e-9);
    // "about 12 hours" against "12 hours": precision 2/2, recall 2/3, F1 0.8.
    assert.ok(Math.abs(r.runs[0]!.metrics.f1! - (280 / 3)) < 1e-9);
    assert.deepEqual(r.runs[0]!.scores.map((s) => Math.round(s! * 1000) / 1000), [1, 1, 0.8]);
    assert.deepEqual(r.allFail, [2]);
  });

  it('zero-shot: the dataset labels are the candidates unless words are given for them; predictions come back as dataset labels', async () => {
    const nli = fixtureModelDirs().nli;
    // "tech" is no word the NLI fixture knows; "technical" is. The last row is labelled billing but is about volunteering.
    const plain = await run('zero-shot-classification', 'tickets.csv', nli);
    assert.deepEqual(plain.runs[0]!.predictions, ['billing', 'billing', 'feedback', 'billing', 'billing', 'billing']);
    const worded = await run('zero-shot-classification', 'tickets.csv', nli, { candidates: { tech: 'technical', billing: 'billing', feedback: 'feedback' } });
    assert.deepEqual(worded.runs[0]!.predictions, ['tech', 'billing', 'feedback', 'tech', 'billing', 'tech']);
    assert.equal(worded.runs[0]!.metrics.accuracy, 5 / 6);
    // tech P 2/3 R 1 → 0.8; billing P 1 R 2/3 → 0.8; feedback 1.
    assert.ok(Math.abs(worded.runs[0]!.metrics.macroF1! - 2.6 / 3) < 1e-12);
  });

  it('summaries: ROUGE-1 by hand (the fixture writes the whole text back: 18/22 and 4/12 vs 4/4 → F 0.5)', async () => {
    const r = await run('summarization', 'club-news.jsonl', fixtureModelDirs().summarizer);
    assert.deepEqual(r.dataset.mapping, { document: 'article', summary: 'highlights' });
    assert.deepEqual(r.runs[0]!.predictions, ['The club planted a pollinator garden beside the library. Volunteers logged soil quality.', 'A robotics club built a solar rover. Students documented the build process.']);
    assert.ok(Math.abs(r.runs[0]!.metrics.rouge1! - (18 / 22 + 0.5) / 2) < 1e-12);
    assert.deepEqual(r.allFail, [], 'both overlap their reference by more than the failure line');
  });

  it('translations from a {de, en} column: the Marian fixture word for word, chrF and BLEU as the metric functions (checked against sacrebleu) give', async () => {
    const r = await run('translation', 'de-en.jsonl', writeModelDir(marianFiles()), { from: 'de', to: 'en' });
    const preds = r.runs[0]!.predictions as string[];
    assert.deepEqual(preds, ['The house is small.', 'The dog sleeps.']);
    const refs = [['The house is small.'], ['The dog is sleeping.']];
    assert.equal(r.runs[0]!.metrics.chrf, corpusChrf(preds, refs));
    assert.equal(r.runs[0]!.metrics.bleu, corpusBleu(preds, refs).score);
    assert.equal(r.runs[0]!.scores[0], 1, 'an exact translation scores chrF 100');
  });
});
