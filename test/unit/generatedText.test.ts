/** Generated text cut inside a character at its token limit: no trailing U+FFFD, in the core and through the CLI. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { continueText } from '../../src/core/nlp/generate';
import type { TaskRunner } from '../../src/core/nlp/runner';
import { summarize } from '../../src/core/nlp/summarize';
import { DEFAULT_PRESETS } from '../../src/core/nlp/tasks';
import { dropCutCharacter } from '../../src/core/text/cutCharacter';
import { cliAsync } from '../fixtures/cli';
import { fixtureModelDirs } from '../fixtures/models';

/** A runner whose generations end with the first byte of a cut character, as a byte-level decode does. */
const cutRunner: TaskRunner = {
  async run(pipeline, _model, inputs) {
    if (pipeline === 'summarization') return [{ summary_text: '日本語\uFFFD' }];
    return [{ generated_text: `${inputs[0]} 😀 and \uFFFD\uFFFD` }];
  },
};

describe('generated text cut inside a character', () => {
  it('dropCutCharacter drops only the U+FFFD run at the very end', () => {
    assert.equal(dropCutCharacter('abc\uFFFD\uFFFD'), 'abc');
    assert.equal(dropCutCharacter('a\uFFFDb'), 'a\uFFFDb');
    assert.equal(dropCutCharacter('日本'), '日本');
  });

  it('summaries and continuations end before the cut character', async () => {
    const s = await summarize({ runner: cutRunner, model: 'm', text: '日本語の文章です。', preset: DEFAULT_PRESETS.short });
    assert.equal(s.text, '日本語');
    const g = await continueText({ runner: cutRunner, model: 'm', prompt: 'The future of' });
    assert.equal(g.text, ' 😀 and ');
  });

  it('through the CLI: the fixture summarizer stopping inside a Japanese character prints no U+FFFD', async function () {
    this.timeout(120_000);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-cut-'));
    const r = await cliAsync(['summarize', '--preset', 'short', '--text', '日本語の文章です。これはテストです。', '--model', fixtureModelDirs().summarizer, '--json'], { HF_HOME: home, HF_HUB_OFFLINE: '1' });
    assert.equal(r.status, 0, r.stderr);
    const text = (JSON.parse(r.stdout) as { output: { text: string } }).output.text;
    assert.ok(text.length > 0);
    assert.ok(!text.includes('\uFFFD'), JSON.stringify(text));
  });
});
