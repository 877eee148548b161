/**
 * runLabTask (src/core/lab/runLabTask.ts), the one way the CLI and the extension run a lab task: every
 * task on the tiny generated models in the real service, the task table's defaults filled in, input
 * checked before any model is asked, and each result stamped with the backend, model and device.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeRunner, type LabRunner } from '../../src/core/lab/makeRunner';
import { runLabTask, type LabRequest } from '../../src/core/lab/runLabTask';
import type { TaskRunner } from '../../src/core/nlp/runner';
import { GENERATE_DEFAULTS, LAB_TASKS, QA_DEFAULTS } from '../../src/core/nlp/tasks';
import { joinPages } from '../../src/core/pdf/pageText';
import { InputError } from '../../src/core/text/chunks';
import { cliAsync } from '../fixtures/cli';
import { fixtureModelDirs } from '../fixtures/models';
import { DIST } from '../fixtures/paths';

const HANDBOOK = 'Each full-time employee is eligible for 12 hours of volunteer time off per calendar year. Requests must be submitted two weeks in advance.';
const LEAD = 'City council members met for a short session to approve the river cleanup budget.';

/** A runner that records what it is asked and answers like a model that found nothing special. */
class RecordingRunner implements TaskRunner {
  readonly backend = 'recording';
  readonly calls: Array<{ pipeline: string; inputs: unknown[] }> = [];
  async run(pipeline: string, _model: string, inputs: unknown[]): Promise<unknown> {
    this.calls.push({ pipeline, inputs });
    if (pipeline === 'text-generation') return [{ generated_text: `${inputs[0] as string} more` }];
    if (pipeline === 'question-answering') return (inputs[1] as string[]).map(() => [{ answer: 'Each', score: 0.9, start: 0, end: 4 }]);
    throw new Error(`not recorded: ${pipeline}`);
  }
}

describe('runLabTask: one way to run a lab task', () => {
  let runner: LabRunner;
  const m = () => fixtureModelDirs();
  before(() => {
    runner = makeRunner({ device: 'cpu', dtype: 'fp32', hub: { endpoint: 'http://127.0.0.1:9', cacheDir: '/nonexistent' }, service: { scriptPath: path.join(DIST, 'inferenceService.js') } });
  });
  after(() => runner.dispose());

  const run = (r: LabRequest, o = {}) => runLabTask(r, runner, o);

  it('sentiment: the labels, and who produced them (local backend, the folder by its name and path, the device)', async () => {
    const out = await run({ task: 'sentiment', model: m().sentiment, text: 'Wi-Fi is slower than a snail today!' });
    assert.equal(out.kind, 'labels');
    assert.equal(out.kind === 'labels' && out.labels[0]!.label, 'NEGATIVE');
    // And how it ran: the fixture's fp32 weights (auto finds no q8 file), one part, ONNX Runtime's own thread pool.
    assert.deepEqual(out.producedBy, { backend: 'local', model: path.basename(m().sentiment), modelPath: m().sentiment, device: 'cpu', dtype: 'fp32', batchSize: 1, threads: 'auto' });
  });

  it('a model folder inside a workspace folder is named by its path from there', async () => {
    const out = await run({ task: 'sentiment', model: m().sentiment, text: 'great' }, { modelRoots: [path.dirname(path.dirname(m().sentiment))] });
    assert.equal(out.producedBy.model, `${path.basename(path.dirname(m().sentiment))}/${path.basename(m().sentiment)}`);
  });

  it('grammar: the task table\'s label names (LABEL_0 → unacceptable) unless the request gives its own', async () => {
    const out = await run({ task: 'grammar', model: m().grammar, text: 'It was terrible.' });
    assert.equal(out.kind === 'labels' && out.labels[0]!.label, 'unacceptable');
    const own = await run({ task: 'grammar', model: m().grammar, text: 'It was terrible.', options: { labelMap: { LABEL_0: 'bad', LABEL_1: 'good' } } });
    assert.equal(own.kind === 'labels' && own.labels[0]!.label, 'bad');
  });

  it('qnli and zero-shot on the NLI model', async () => {
    const q = await run({ task: 'qnli', model: m().nli, question: 'Where is the dashboard error?', text: 'It will rain. The analytics dashboard shows an error at login.' });
    assert.equal(q.kind === 'labels' && q.labels[0]!.label, 'entailment');
    const z = await run({ task: 'zeroShot', model: m().nli, labels: ['Billing Question', 'Technical Support'], text: 'the dashboard shows an error' });
    assert.equal(z.kind === 'labels' && z.labels[0]!.label, 'Technical Support');
  });

  it('summarize: a text, and a PDF\'s pages (each section says its pages); the final summary streams', async () => {
    const partial: string[] = [];
    const s = await run({ task: 'summarize', model: m().summarizer, text: `${LEAD} They highlighted that volunteer turnout doubled.` }, { onPartial: (t: string) => partial.push(t) });
    assert.equal(s.kind === 'summary' && s.text, LEAD);
    assert.equal(partial.join('').trim(), LEAD);
    const doc = joinPages([{ page: 4, text: `${LEAD} They highlighted that volunteer turnout doubled.` }]);
    const pdf = await run({ task: 'summarize', model: m().summarizer, text: doc.text, doc });
    assert.deepEqual(pdf.kind === 'summary' && pdf.sections, [{ pages: 'p. 4', text: LEAD }]);
  });

  it('extractive: the table\'s 3 sentences unless told; a ratio alone decides; a PDF\'s sentences say their page', async () => {
    const text = 'It will rain and snow. The dashboard shows an error. A login crash bug hit the server. The login page shows an error again. Snow is expected.';
    const three = await run({ task: 'extractive', model: m().embed, text });
    assert.equal(three.kind === 'extractive' && three.sentences.length, 3);
    const ratio = await run({ task: 'extractive', model: m().embed, text, options: { ratio: 0.2 } });
    assert.equal(ratio.kind === 'extractive' && ratio.sentences.length, 1);
    const zero = await run({ task: 'extractive', model: m().embed, text, options: { sentences: 0, ratio: 0.4 } });
    assert.equal(zero.kind === 'extractive' && zero.sentences.length, 2);
    const doc = joinPages([{ page: 1, text: 'It will rain and snow.' }, { page: 2, text: 'The dashboard shows an error. A login crash bug hit the server.' }]);
    const pdf = await run({ task: 'extractive', model: m().embed, text: doc.text, doc, options: { sentences: 1 } });
    assert.match(pdf.kind === 'extractive' ? pdf.text : '', /\(p\. 2\)$/);
  });

  it('generate: the continuation, streamed', async () => {
    const partial: string[] = [];
    const g = await run({ task: 'generate', model: m().lm, text: 'The future of', options: { maxNewTokens: 10 } }, { onPartial: (t: string) => partial.push(t) });
    assert.equal(g.kind === 'generation' && g.text, ' open science is bright.');
    assert.ok(partial.join('').includes('open science'));
  });

  it('qa: the answer from a text, and from a PDF with its page', async () => {
    const question = 'How many volunteer hours do we receive each year?';
    const a = await run({ task: 'qa', model: m().qa, question, text: HANDBOOK });
    assert.equal(a.kind === 'answers' && a.answers[0]!.answer, '12 hours');
    assert.equal(a.kind === 'answers' && a.answers[0]!.page, undefined);
    const doc = joinPages([{ page: 1, text: 'Contents.' }, { page: 2, text: HANDBOOK }]);
    const p = await run({ task: 'qa', model: m().qa, question, text: doc.text, doc });
    assert.equal(p.kind === 'answers' && p.answers[0]!.page, 2);
  });

  it('options not given take the task table\'s defaults (generate, qa), and the model its task\'s default', async () => {
    const rec = new RecordingRunner();
    const g = await runLabTask({ task: 'generate', text: 'Hello' }, rec);
    assert.deepEqual(rec.calls[0]!.inputs[1], { max_new_tokens: GENERATE_DEFAULTS.maxNewTokens, do_sample: false });
    assert.deepEqual(g.producedBy, { backend: 'recording', model: LAB_TASKS.generate.defaultModel, batchSize: 1 });
    const a = await runLabTask({ task: 'qa', question: 'Who?', text: 'Each employee.' }, rec);
    assert.deepEqual(rec.calls[1]!.inputs[2], { top_k: QA_DEFAULTS.topK });
    assert.equal(a.kind === 'answers' && a.minScore, QA_DEFAULTS.minScore);
  });

  it('input with nothing visible is refused, naming it, before any model is asked', async () => {
    const rec = new RecordingRunner();
    for (const r of [
      { task: 'sentiment', text: ' \u200b\n' },
      { task: 'qa', question: 'Who?', text: '\u00a0', doc: joinPages([{ page: 1, text: '\u00a0' }]) },
      { task: 'generate', text: '' },
    ] as LabRequest[]) {
      await assert.rejects(runLabTask({ ...r, what: 'the selection' }, rec), (err: Error) => err instanceof InputError && /the selection/i.test(err.message));
    }
    assert.equal(rec.calls.length, 0);
  });

  describe('through the CLI', () => {
    let home: string;
    before(() => (home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-labrun-'))));
    after(() => fs.rmSync(home, { recursive: true, force: true }));

    it('--json keeps its keys (model, modelPath, device, …) and adds backend; ask --json too', async function () {
      this.timeout(60_000);
      const c = await cliAsync(['classify', '--model', m().sentiment, '--json'], { HF_HOME: home }, 'Wi-Fi is slower than a snail today!');
      assert.equal(c.status, 0, c.stderr);
      const j = JSON.parse(c.stdout);
      assert.deepEqual(Object.keys(j).sort(), ['backend', 'batchSize', 'device', 'deviceReason', 'dtype', 'model', 'modelPath', 'output', 'task', 'threads', 'timings']);
      assert.deepEqual([j.task, j.model, j.modelPath, j.backend, j.device], ['sentiment', path.basename(m().sentiment), m().sentiment, 'local', 'cpu']);
      // How it ran: the fixture has fp32 weights only; one short text is one part; ONNX Runtime's own pool.
      assert.deepEqual([j.dtype, j.batchSize, j.threads], ['fp32', 1, 'auto']);
      assert.equal(j.output.producedBy, undefined);
      const a = await cliAsync(['ask', '-', 'How many volunteer hours do we receive each year?', '--model', m().qa, '--json', '--device', 'cpu'], { HF_HOME: home }, HANDBOOK);
      assert.equal(a.status, 0, a.stderr);
      const aj = JSON.parse(a.stdout);
      assert.deepEqual([aj.model, aj.modelPath, aj.backend, aj.device, aj.answers[0].answer, aj.minScore], [path.basename(m().qa), m().qa, 'local', 'cpu', '12 hours', QA_DEFAULTS.minScore]);
      assert.equal(aj.dtype, 'fp32');
      assert.ok(aj.batchSize >= 1 && aj.batchSize <= 8, `batch ${aj.batchSize}`);
    });
  });
});
