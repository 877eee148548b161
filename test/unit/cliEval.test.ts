import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EvalReport } from '../../src/core/eval/report';
import { cliAsync } from '../fixtures/cli';
import { toySentiment } from '../fixtures/backends/common';
import { TeiStandIn } from '../fixtures/backends/tei';
import { FixtureHub } from '../fixtures/hub/server';
import { splitExport } from '../fixtures/hub/parquet';
import { fixtureModelDirs } from '../fixtures/models';
import { sentimentModelFiles } from '../fixtures/models/sentiment';
import { FIXTURES } from '../fixtures/paths';

const REVIEWS = path.join(FIXTURES, 'eval', 'reviews.csv');
const OFFLINE = { HF_HUB_OFFLINE: '1', HF_HOME: '/nonexistent-hf-home' };
const cli = (args: string[], env: NodeJS.ProcessEnv = OFFLINE) => cliAsync(['eval', ...args], env);

/** reviews.csv as a Hub dataset with a ClassLabel, in two splits. */
const REVIEW_ROWS = fs
  .readFileSync(REVIEWS, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [text, label] = line.split(',');
    return { text: text!, label: label === 'positive' ? 1 : 0 };
  });

describe('ai-lab eval: compare models on a data file or a Hub split', function () {
  this.timeout(120_000);
  const d = fixtureModelDirs();
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-cli-eval-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('two models on a CSV: the LABEL_0/LABEL_1 guess is refused until accepted; then the hand-checked metrics, as JSON and in --out', async () => {
    const base = ['--task', 'text-classification', '--model', d.sentiment, '--model', d.grammar, '--data', REVIEWS];
    const refused = await cli(base);
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /guess by position only.*--accept-label-guess.*--label-map/);
    assert.equal(refused.stdout, '');
    const out = path.join(tmp, 'report.json');
    const r = await cli([...base, '--accept-label-guess', '--json', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as EvalReport;
    assert.deepEqual(JSON.parse(fs.readFileSync(out, 'utf8')), report);
    assert.equal(report.version, 1);
    assert.deepEqual(report.runs.map((x) => [x.status, x.metrics.accuracy]), [['done', 0.875], ['done', 0.875]]);
    assert.deepEqual(report.runs[1]!.labelMapping!.pairs.map((p) => [p.dataset.name, p.model, p.guess]), [['negative', 'LABEL_0', true], ['positive', 'LABEL_1', true]]);
    assert.deepEqual(report.allFail, [4]);
    assert.equal(report.examples[4]!.kind === 'classification' && report.examples[4]!.text, 'not good at all');
    const text = await cli([...base, '--accept-label-guess']);
    assert.match(text.stdout, /accuracy 87\.5 {2}macro-F1 87\.3/);
    assert.match(text.stdout, /Where every model fails \(1\):\n {2}row 4: not good at all\n {4}reference: negative/);
  });

  it('--shortlist adds each model that ran to the workspace shortlist; ai-lab shortlist export shows them; a corrupt shortlist is refused before any model runs', async () => {
    const ws = fs.mkdtempSync(path.join(tmp, 'ws-'));
    const args = ['--task', 'text-classification', '--model', d.sentiment, '--model', d.grammar, '--data', REVIEWS, '--accept-label-guess', '--shortlist', '--workspace', ws];
    const r = await cli(args);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /2 of 2 models added to .*\.ai-lab\/shortlist\.json/);
    const list = JSON.parse(fs.readFileSync(path.join(ws, '.ai-lab', 'shortlist.json'), 'utf8')) as { entries: Array<Record<string, unknown>> };
    assert.deepEqual(list.entries.map((e) => [e.model, (e.metrics as Record<string, number>).accuracy, (e.dataset as Record<string, unknown>).sample, e.backend]), [[d.sentiment, 0.875, 8, 'local'], [d.grammar, 0.875, 8, 'local']]);
    // The same run again replaces its rows rather than adding.
    assert.equal((await cli(args)).status, 0);
    assert.equal((JSON.parse(fs.readFileSync(path.join(ws, '.ai-lab', 'shortlist.json'), 'utf8')) as { entries: unknown[] }).entries.length, 2);
    const md = await cliAsync(['shortlist', 'export', '--format', 'md', '--workspace', ws], OFFLINE);
    assert.equal(md.status, 0, md.stderr);
    assert.match(md.stdout, /\| text-classification \| .*ailab-model-.* \| local \|.*0\.875/);
    fs.writeFileSync(path.join(ws, '.ai-lab', 'shortlist.json'), '{ not json');
    const bad = await cli(args);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /shortlist\.json/);
    assert.equal(fs.readFileSync(path.join(ws, '.ai-lab', 'shortlist.json'), 'utf8'), '{ not json', 'left as it was');
  });

  it('a dataset label the model has none for is refused with the choices; --allow-unmapped-labels counts its examples as wrong', async () => {
    const three = path.join(FIXTURES, 'eval', 'three-labels.csv');
    const refused = await cli(['--task', 'text-classification', '--model', d.sentiment, '--data', three]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /dataset label "neutral" has no model label.*the model's: 0=NEGATIVE, 1=POSITIVE.*--allow-unmapped-labels to count their examples as wrong/);
    const r = await cli(['--task', 'text-classification', '--model', d.sentiment, '--data', three, '--allow-unmapped-labels', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const run = (JSON.parse(r.stdout) as EvalReport).runs[0]!;
    assert.deepEqual(run.labelMapping!.unmappedDataset.map((l) => l.name), ['neutral']);
    assert.equal(run.scores[2], 0, 'the neutral example can only be wrong');
    assert.deepEqual(run.confusion!.labels, ['negative', 'neutral', 'positive']);
  });

  it('--label-map for one model (MODEL@…) is used as given', async () => {
    const r = await cli(['--task', 'text-classification', '--model', d.sentiment, '--model', d.grammar, '--data', REVIEWS, '--label-map', `${d.grammar}@negative=LABEL_1,positive=LABEL_0`, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as EvalReport;
    assert.equal(report.runs[1]!.metrics.accuracy, 1 / 8);
    assert.deepEqual(report.disagreements, [0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('a model for another task is refused with the reason (exit 1) before any model runs', async () => {
    const r = await cli(['--task', 'text-classification', '--model', d.sentiment, '--model', d.qa, '--data', REVIEWS, '--json']);
    assert.equal(r.status, 1, r.stderr);
    // Its labels are read (for the mapping) before anything runs: the task check refuses it there.
    assert.match(r.stderr, /is an extractive question-answering model \(BertForQuestionAnswering\), but text classification needs a sequence classifier/);
    assert.equal(r.stdout, '');
  });

  it('bad input: each gets a clear message before any model runs', async () => {
    const cases: Array<[string[], RegExp, number]> = [
      [['--model', d.sentiment, '--data', REVIEWS], /eval needs --task/, 2],
      [['--task', 'ner', '--model', d.sentiment, '--data', REVIEWS], /unknown --task "ner"/, 2],
      [['--task', 'text-classification', '--data', REVIEWS], /at least one --model/, 2],
      [['--task', 'text-classification', '--model', d.sentiment], /one of --data FILE or --dataset ID/, 2],
      [['--task', 'text-classification', '--model', d.sentiment, '--model', d.sentiment, '--data', REVIEWS], /given twice/, 2],
      [['--task', 'text-classification', '--model', d.sentiment, '--data', REVIEWS, '--column', 'text=review'], /has no column "review" \(mapped as text\); its columns are: text, label/, 1],
      [['--task', 'text-classification', '--model', d.sentiment, '--data', REVIEWS, '--column', 'colour=text'], /unknown role "colour"/, 2],
      [['--task', 'text-classification', '--model', d.sentiment, '--data', path.join(FIXTURES, 'eval', 'header-only.csv')], /no rows|has no rows|empty/i, 1],
      [['--task', 'text-classification', '--model', d.sentiment, '--data', path.join(tmp, 'missing.csv')], /does not exist/, 2],
      [['--task', 'summarization', '--model', d.summarizer, '--data', path.join(FIXTURES, 'eval', 'qnli.jsonl')], /summarization task needs columns for document \+ summary/, 1],
      [['--task', 'zero-shot-classification', '--model', d.nli, '--data', REVIEWS, '--candidates', 'good=great'], /--candidates names good, which the dataset does not have; its labels are negative, positive/, 2],
      [['--task', 'text-classification', '--model', d.sentiment, '--data', REVIEWS, '--from', 'en'], /--from and --to are for --task translation/, 2],
      [['--task', 'question-answering', '--model', d.qa, '--model', d.sentiment, '--data', path.join(FIXTURES, 'eval', 'battery-qa.jsonl')], /is a text classifier \(BertForSequenceClassification\).*but question answering needs an extractive QA model/, 1],
    ];
    for (const [args, re, status] of cases) {
      const r = await cli(args);
      assert.match(r.stderr, re, `${args.join(' ')}\n${r.stderr}`);
      assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
    }
  });

  it("a remote backend (TEI stand-in): the server's own model, labels read from its answer, scored as its toy rule says", async () => {
    const tei = new TeiStandIn();
    await tei.start();
    try {
      const r = await cli(['--task', 'text-classification', '--backend', 'tei', '--backend-url', tei.url, '--data', REVIEWS, '--json']);
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(r.stdout) as EvalReport;
      const run = report.runs[0]!;
      assert.equal(run.model, tei.modelId, "the server's model is named from its answer");
      assert.equal(run.backend, 'tei');
      const texts = report.examples.map((e) => (e.kind === 'classification' ? e.text : ''));
      assert.deepEqual(run.predictions, texts.map((t) => toySentiment(t)[0]!.label.toLowerCase()));
      assert.equal(run.metrics.accuracy, 6 / 8);
      assert.equal(run.sizeBytes, undefined, 'no size is claimed for a model on a server');
    } finally {
      await tei.stop();
    }
  });

  describe('a Hub split through the dataset viewer (loopback Hub)', () => {
    let hub: FixtureHub;
    before(async () => {
      hub = new FixtureHub();
      const features = { text: { dtype: 'string', _type: 'Value' }, label: { names: ['negative', 'positive'], _type: 'ClassLabel' } };
      hub.addRepo({
        id: 'demo/reviews',
        type: 'dataset',
        files: { 'README.md': '# reviews' },
        viewer: { configs: { default: { features, splits: { validation: REVIEW_ROWS, test: REVIEW_ROWS.map((r) => ({ ...r, label: -1 })) } } } },
        parquet: { files: splitExport('default', 'validation', features, REVIEW_ROWS, { rowGroupSize: 3 }) },
      });
      hub.addRepo({ id: 'demo/sentiment', files: sentimentModelFiles(), pipelineTag: 'text-classification', cardData: { license: 'apache-2.0' } });
      await hub.start();
    });
    after(() => hub.stop());

    it('--parquet reads the split from its Parquet export: the same sample, the same metrics, no viewer asked', async () => {
      const base = ['--task', 'text-classification', '--model', d.sentiment, '--dataset', 'demo/reviews', '--config', 'default', '--split', 'validation', '--sample', '5', '--seed', '3', ...hubArgs(), '--json'];
      const viewer = JSON.parse((await cli(base, {})).stdout) as EvalReport;
      hub.requests.length = 0;
      const r = await cli([...base, '--parquet'], {});
      assert.equal(r.status, 0, r.stderr);
      const pq = JSON.parse(r.stdout) as EvalReport;
      assert.ok(!hub.requests.some((x) => x.url.startsWith('/datasets-server/')), 'the viewer is not asked');
      assert.deepEqual(pq.examples, viewer.examples);
      assert.deepEqual(pq.runs[0]!.predictions, viewer.runs[0]!.predictions);
      assert.equal(pq.runs[0]!.metrics.accuracy, viewer.runs[0]!.metrics.accuracy);
      const bad = await cli(['--task', 'text-classification', '--model', d.sentiment, '--data', REVIEWS, '--parquet'], {});
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /--parquet reads a Hub split's Parquet export: it goes with --dataset/);
    });

    it('a Hub model is downloaded into HF_HOME; its weights and its licence (from the model info) are in the report', async () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-eval-hf-'));
      try {
        const r = await cli(['--task', 'text-classification', '--model', 'demo/sentiment', '--dataset', 'demo/reviews', '--split', 'validation', ...hubArgs(), '--json'], { HF_HOME: home });
        assert.equal(r.status, 0, r.stderr);
        const run = (JSON.parse(r.stdout) as EvalReport).runs[0]!;
        assert.equal(run.model, 'demo/sentiment');
        assert.equal(run.license, 'apache-2.0');
        assert.equal(run.sizeBytes, Buffer.byteLength(sentimentModelFiles()['onnx/model.onnx']!));
        assert.equal(run.metrics.accuracy, 0.875);
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
    });
    const hubArgs = () => ['--endpoint', hub.url, '--datasets-server', `${hub.url}/datasets-server`];

    it('the only config is taken; several splits need --split (listed); the test split without labels says to use validation', async () => {
      const base = ['--task', 'text-classification', '--model', d.sentiment, '--dataset', 'demo/reviews', ...hubArgs()];
      const noSplit = await cli(base, {});
      assert.equal(noSplit.status, 2);
      assert.match(noSplit.stderr, /demo\/reviews \(default\) has several splits: give --split \(validation \(8 rows\), test \(8 rows\)\)/);
      const test = await cli([...base, '--split', 'test'], {});
      assert.match(test.stderr, /no row can be scored .*no label \(-1\).*use the validation split/);
      const r = await cli([...base, '--split', 'validation', '--json'], {});
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(r.stdout) as EvalReport;
      assert.equal(report.dataset.source, 'demo/reviews (default/validation)');
      assert.deepEqual([report.dataset.dataset, report.dataset.config, report.dataset.split], ['demo/reviews', 'default', 'validation']);
      assert.equal(report.runs[0]!.metrics.accuracy, 0.875);
      assert.deepEqual(report.runs[0]!.confusion!.matrix, [[4, 1], [0, 3]]);
    });
  });
});
