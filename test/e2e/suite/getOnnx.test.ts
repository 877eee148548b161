import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GetOnnxResult } from '../../../src/host/commands/getOnnxWeights';
import { addOnnxPortRepos, PT_MODEL } from '../../fixtures/hub/onnxPorts';
import { FixtureHub } from '../../fixtures/hub/server';
import { makeFakeOptimumEnv } from '../../fixtures/python/fakeOptimum';
import { setSetting } from './helpers';

describe('AI Lab in a real VS Code: Get ONNX weights', () => {
  let hub: FixtureHub;
  let sentimentBefore: unknown;
  before(async () => {
    hub = new FixtureHub();
    addOnnxPortRepos(hub);
    await hub.start();
    await setSetting('hubEndpoint', hub.url);
    sentimentBefore = vscode.workspace.getConfiguration('aiLab').inspect('models.sentiment')?.globalValue;
  });
  after(async () => {
    await setSetting('hubEndpoint', undefined);
    await setSetting('pythonPaths', undefined);
    await setSetting('models.sentiment', sentimentBefore);
    await hub.stop();
  });

  it('onnx weights: a port on the Hub is offered in a Quick Pick (official owner first); choosing it makes it the model of the task that failed', async () => {
    const running = vscode.commands.executeCommand<GetOnnxResult | undefined>('aiLab.getOnnxWeights', { model: PT_MODEL, task: 'sentiment' });
    let settled = false;
    void running.then(() => (settled = true));
    // Accept the Quick Pick's first item once it is open (retried until the command returns).
    for (let i = 0; i < 100 && !settled; i++) {
      await new Promise((r) => setTimeout(r, 200));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    const result = await running;
    assert.ok(result, 'the command returned nothing');
    assert.deepEqual(result.ports.map((p) => p.id), ['onnx-community/pt-model', 'fan/pt-model-onnx-q8', 'fan/pt-model-onnx']);
    assert.equal(result.chosen, 'onnx-community/pt-model');
    assert.equal(result.usedFor, 'sentiment');
    assert.equal(vscode.workspace.getConfiguration('aiLab').get('models.sentiment'), 'onnx-community/pt-model');
  });

  it('onnx weights: no port — the Optimum plan for the configured environment is shown (install line when missing, then the export)', async () => {
    const fake = makeFakeOptimumEnv({ packages: { 'optimum-onnx': null, optimum: null } });
    await setSetting('pythonPaths', [fake.python]);
    const result = await vscode.commands.executeCommand<GetOnnxResult | undefined>('aiLab.getOnnxWeights', { model: 'acme/lonely', task: 'sentiment' });
    assert.ok(result?.plan, 'no plan');
    assert.deepEqual(result.ports, []);
    assert.equal(result.plan.python, fake.python);
    assert.equal(result.plan.optimumTask, 'text-classification');
    assert.equal(result.plan.lines.length, 2);
    assert.match(result.plan.lines[0]!, /-m pip install --upgrade 'optimum-onnx\[onnxruntime\]'$/);
    assert.match(result.plan.lines[1]!, /optimum-cli export onnx --model acme\/lonely --task text-classification .*lonely-onnx'?$/);
  });
});
