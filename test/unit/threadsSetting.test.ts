/** AI_LAB_THREADS set to something unusable: results say "auto" (what ran) and the CLI says why. */
import * as assert from 'node:assert/strict';
import { serviceThreads, threadsProblem } from '../../src/core/inference/sessionOptions';
import { cliAsync } from '../fixtures/cli';
import { fixtureModelDirs } from '../fixtures/models';

describe('AI_LAB_THREADS', () => {
  it('a positive whole number is used; unset or empty is auto with nothing to say; anything else is auto with the reason', () => {
    assert.deepEqual([serviceThreads({ AI_LAB_THREADS: '3' }), threadsProblem({ AI_LAB_THREADS: '3' })], [3, undefined]);
    assert.deepEqual([serviceThreads({}), threadsProblem({})], ['auto', undefined]);
    assert.equal(threadsProblem({ AI_LAB_THREADS: ' ' }), undefined);
    for (const bad of ['four', '0', '-2', '1.5', '2x']) {
      assert.equal(serviceThreads({ AI_LAB_THREADS: bad }), 'auto', bad);
      assert.match(threadsProblem({ AI_LAB_THREADS: bad })!, new RegExp(`AI_LAB_THREADS=${bad.replace('.', '\\.')} is not a positive whole number of threads; ONNX Runtime's own pool \\("auto"\\) runs instead`));
    }
  });

  it('the CLI notes an unusable value on stderr and its --json says the threads that ran', async () => {
    const model = fixtureModelDirs().sentiment;
    const env = { HF_HUB_OFFLINE: '1' };
    const bad = await cliAsync(['classify', '--model', model, '--text', 'good', '--device', 'cpu', '--json'], { ...env, AI_LAB_THREADS: 'four' });
    assert.equal(bad.status, 0, bad.stderr);
    assert.equal(JSON.parse(bad.stdout).threads, 'auto');
    assert.match(bad.stderr, /note: AI_LAB_THREADS=four is not a positive whole number/);
    const good = await cliAsync(['classify', '--model', model, '--text', 'good', '--device', 'cpu', '--json'], { ...env, AI_LAB_THREADS: '1' });
    assert.equal(JSON.parse(good.stdout).threads, 1);
    assert.doesNotMatch(good.stderr, /AI_LAB_THREADS/);
  });
});
