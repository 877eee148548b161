/**
 * Extractive summaries embed sentences as the model says (embedTexts: its 1_Pooling config, its
 * max_seq_length, L2 normalisation): on a CLS-pooling fixture the summary keeps the sentences CLS
 * pooling makes central, which mean pooling would not; through core, the Lab task and the CLI.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InferenceService } from '../../src/core/inference/inferenceService';
import type { TaskRunner } from '../../src/core/nlp/runner';
import { ServiceTaskRunner } from '../../src/core/nlp/serviceRunner';
import { extractiveSummary } from '../../src/core/nlp/summarize';
import { cliAsync } from '../fixtures/cli';
import { SENTENCE_MAX_SEQ, sentenceEmbedderDirs, sentenceReference } from '../fixtures/models/sentenceEmbedder';
import { testRunner, testService } from '../fixtures/serviceRunner';

/** Four sentences: with one kept, CLS pooling keeps the first, mean pooling the second (worked from the hand-set weights). */
const SENTENCES = ['I want to buy a car.', 'We bought a cheap used car at home today.', 'The soup recipe is in the kitchen and it is very long and we cook it all day.', 'Please get me a refund.'];
const TEXT = SENTENCES.join(' ');

/** The `k` most central sentences (indexes, in order) by the reference vectors of `pooling`: centroid of unit vectors, dot product. */
function referencePick(sentences: string[], pooling: 'mean' | 'cls', k: number): number[] {
  const v = sentences.map((s) => sentenceReference(s, pooling));
  const centroid = v[0]!.map((_, i) => v.reduce((acc, r) => acc + r[i]! / v.length, 0));
  const score = v.map((r) => r.reduce((acc, x, i) => acc + x * centroid[i]!, 0));
  return score
    .map((s, i) => ({ s, i }))
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((x) => x.i)
    .sort((a, b) => a - b);
}

describe('extractive summary: the model\'s own pooling (embedTexts)', function () {
  this.timeout(120_000);
  let service: InferenceService;
  let runner: ServiceTaskRunner;
  before(() => {
    service = testService();
    runner = testRunner(service);
  });
  after(() => service.dispose());

  it('the fixture text tells the poolings apart: CLS and mean pooling would keep different sentences', () => {
    assert.deepEqual(referencePick(SENTENCES, 'cls', 1), [0]);
    assert.deepEqual(referencePick(SENTENCES, 'mean', 1), [1]);
  });

  it('core: a CLS-pooling model keeps what CLS pooling makes central, a mean-pooling one what mean pooling does', async () => {
    const d = sentenceEmbedderDirs();
    for (const pooling of ['cls', 'mean'] as const) {
      const r = await extractiveSummary({ runner, model: d[pooling], text: TEXT, sentences: 1 });
      const want = referencePick(SENTENCES, pooling, 1).map((i) => SENTENCES[i]!);
      assert.deepEqual(r.sentences.map((s) => s.text), want, pooling);
      assert.equal(r.text, want.join(' '));
      // The scores are the cosines to the centroid of the reference vectors.
      const v = SENTENCES.map((s) => sentenceReference(s, pooling));
      const centroid = v[0]!.map((_, i) => v.reduce((acc, row) => acc + row[i]! / v.length, 0));
      const expected = v[SENTENCES.indexOf(want[0]!)]!.reduce((acc, x, i) => acc + x * centroid[i]!, 0) / Math.hypot(...centroid);
      assert.ok(Math.abs(r.sentences[0]!.score - expected) < 1e-5, `${pooling}: ${r.sentences[0]!.score} vs ${expected}`);
    }
  });

  it('a sentence longer than max_seq_length is cut into pieces the model reads whole (none truncated unseen)', async () => {
    const long = `We bought a car${' and a cheap car'.repeat(12)}.`;
    const text = `${long} It is raining today.`;
    const r = await extractiveSummary({ runner, model: sentenceEmbedderDirs().cls, text, sentences: 10 });
    assert.ok(r.sentences.length >= 3, `${r.sentences.length} pieces`);
    for (const s of r.sentences) {
      assert.equal(text.slice(s.start, s.end), s.text);
      // Words and punctuation are one token each in the fixture's vocabulary; [CLS] and [SEP] make two more.
      const tokens = (s.text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? []).length + 2;
      assert.ok(tokens <= SENTENCE_MAX_SEQ, `"${s.text}": ${tokens} tokens`);
    }
  });

  it('a remote backend: the server\'s pooled vectors, asked for as for Compare Similarity', async () => {
    const sent: unknown[][] = [];
    const remote: TaskRunner = {
      backend: 'tei',
      run: async (_pipeline, _model, inputs) => {
        sent.push(inputs);
        return { data: (inputs[0] as string[]).map((t) => (t.includes('rain') ? [0, 5] : t.includes('car') ? [4, 3] : [3, 4])) };
      },
    };
    const r = await extractiveSummary({ runner: remote, model: '', text: 'A car. Another car here. It will rain.', sentences: 1 });
    assert.equal(r.text, 'A car.');
    // One call (batches are ordered by length), with the options Compare Similarity sends a server.
    assert.equal(sent.length, 1);
    assert.deepEqual([...(sent[0]![0] as string[])].sort(), ['A car.', 'Another car here.', 'It will rain.']);
    assert.deepEqual(sent[0]![1], { pooling: 'mean', normalize: true });
  });

  it('CLI: summarize --extractive keeps the CLS pick with the CLS model and the mean pick with the mean one', async () => {
    const d = sentenceEmbedderDirs();
    for (const pooling of ['cls', 'mean'] as const) {
      const r = await cliAsync(['summarize', '--extractive', '--model', d[pooling], '--sentences', '1', '--text', TEXT, '--json'], { HF_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-ext-')) });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout).output;
      assert.equal(out.kind, 'extractive');
      assert.deepEqual(out.sentences.map((s: { text: string }) => s.text), referencePick(SENTENCES, pooling, 1).map((i) => SENTENCES[i]!), pooling);
    }
  });
});
