/** Questions and labels with nothing visible in them are "nothing to work on", like the text itself: no score is computed. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipelineInputs } from '../../src/core/inference/taskInputs';
import { qnli, zeroShot } from '../../src/core/nlp/classify';
import type { TaskRunner } from '../../src/core/nlp/runner';
import { joinPages } from '../../src/core/pdf/pageText';
import { askQuestion } from '../../src/core/qa/ask';
import { InputError } from '../../src/core/text/chunks';
import { cliAsync } from '../fixtures/cli';
import { fixtureModelDirs } from '../fixtures/models';

const TEXT = 'Each employee gets 12 hours of volunteer time off.';
const INVISIBLE = ['\u200b', '\u200b\u2060', '\ufeff', '\u00a0 \u200d'];

/** A runner that must never be called. */
const never: TaskRunner = {
  async run() {
    throw new Error('a model ran on input with nothing to work on');
  },
};
// A question of only U+FEFF is empty once trimmed (JavaScript's trim removes it): "Type a question" / "No question given" then.
const nothing = (e: Error) => e instanceof InputError && /nothing to work on|Type a question|No question given/.test(e.message);

describe('questions and labels with nothing visible: the core refuses them before any model runs', () => {
  for (const q of INVISIBLE) {
    it(`question ${JSON.stringify(q)}: ask, QNLI and the question-answering pipeline refuse it`, async () => {
      await assert.rejects(askQuestion({ runner: never, model: 'm', question: q, doc: joinPages([{ page: 1, text: TEXT }]), paged: false }), (e: Error) => nothing(e) && /question/i.test(e.message));
      await assert.rejects(qnli({ runner: never, model: 'm', question: q, text: TEXT }), nothing);
      assert.throws(() => pipelineInputs('question-answering', { text: TEXT, question: q }), nothing);
    });
  }

  it('a zero-shot label of only invisible characters is refused, named by its place', async () => {
    await assert.rejects(zeroShot({ runner: never, model: 'm', text: TEXT, labels: ['billing', '\u200b'] }), (e: Error) => nothing(e) && /Label 2 of 2 has no visible text, only 1 × U\+200B ZERO WIDTH SPACE/.test(e.message));
    assert.throws(() => pipelineInputs('zero-shot-classification', { text: TEXT, labels: ['\u2060', 'a'] }), /Label 1 of 2 has no visible text/);
  });
});

describe('questions and labels with nothing visible through the CLI', function () {
  this.timeout(240_000);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-questions-'));
  const env = { HF_HOME: home, HF_HUB_OFFLINE: '1' };

  it('ask, qnli, zero-shot and run: exit 2, "nothing to work on", no answer or label printed', async () => {
    const d = fixtureModelDirs();
    const file = path.join(home, 'notes.txt');
    fs.writeFileSync(file, TEXT);
    const runs: string[][] = [
      ['ask', file, '\u200b', '--model', d.qa, '--json'],
      ['qnli', '--question', '\u200b\u2060', '--text', TEXT, '--model', d.nli],
      ['zero-shot', '--labels', '\u200b,support', '--text', TEXT, '--model', d.nli],
      ['run', 'question-answering', '--question', '\ufeff', '--text', TEXT, '--model', d.qa],
      ['run', 'zero-shot-classification', '--labels', 'a,\u200b', '--text', TEXT, '--model', d.nli],
    ];
    for (const args of runs) {
      const r = await cliAsync(args, env);
      assert.equal(r.status, 2, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, /nothing to work on/, args[0]);
      assert.equal(r.stdout, '', `${args[0]}: nothing computed`);
    }
  });
});
