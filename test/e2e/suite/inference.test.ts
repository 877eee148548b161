import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FixtureHub } from '../../fixtures/hub/server';
import { sentimentModelFiles } from '../../fixtures/models/sentiment';
import { api, setSetting } from './helpers';

describe('AI Lab in a real VS Code: inference through the extension\'s service', () => {
  let hub: FixtureHub;
  before(async () => {
    hub = new FixtureHub();
    hub.addRepo({ id: 'Xenova/fixture-sst2', files: sentimentModelFiles(), pipelineTag: 'text-classification' });
    await hub.start();
    await setSetting('hubEndpoint', hub.url);
  });
  after(async () => {
    await setSetting('hubEndpoint', undefined);
    await hub.stop();
  });

  it('runs a pipeline on the selection: downloads into HF_HOME, runs in a separate process', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: 'Intro line.\nWi-Fi is slower than a snail today!\n' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 0, 1, 35);
    const a = await api();
    const r = await vscode.commands.executeCommand<{ output: Array<{ label: string; score: number }>; device: { device: string; reason: string }; resolved: { dir: string; source: string } }>(
      'aiLab.runPipeline',
      { task: 'text-classification', model: 'Xenova/fixture-sst2' },
    );
    assert.ok(r, 'the command returned a result');
    assert.equal(r.output[0]?.label, 'NEGATIVE');
    assert.equal(r.device.device, 'cpu');
    assert.match(r.device.reason, /CUDA provider (does not load|is not installed|needs |is built for another machine)/);
    assert.equal(r.resolved.source, 'hub');
    assert.ok(process.env.HF_HOME && r.resolved.dir.startsWith(path.join(process.env.HF_HOME, 'hub', 'models--Xenova--fixture-sst2', 'snapshots')));
    assert.ok(fs.existsSync(path.join(r.resolved.dir, 'onnx', 'model.onnx')));
    const stats = await (a.inference as unknown as { getService(): { stats(): Promise<{ pid: number; loaded: string[] }> } }).getService().stats();
    assert.notEqual(stats.pid, process.pid, 'the model runs outside the extension host');
    assert.equal(stats.loaded.length, 1);
    const heavy = Object.keys(require.cache).filter((k) => /onnxruntime-node|@huggingface[\\/]transformers/.test(k));
    assert.deepEqual(heavy, [], 'transformers.js and ONNX Runtime never load in the extension host');
  });

  it('an unknown model and an empty selection give clear messages, and nothing is changed', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: 'good' });
    await vscode.window.showTextDocument(doc);
    const r = await vscode.commands.executeCommand('aiLab.runPipeline', { task: 'text-classification', model: 'nobody/nothing' });
    assert.equal(r, undefined);
    assert.equal(doc.getText(), 'good');
    const empty = await vscode.workspace.openTextDocument({ content: '   ' });
    await vscode.window.showTextDocument(empty);
    assert.equal(await vscode.commands.executeCommand('aiLab.runPipeline', { task: 'text-classification', model: 'Xenova/fixture-sst2' }), undefined);
  });
});

describe('AI Lab in a real VS Code: per-model dtype', () => {
  let hub: FixtureHub;
  before(async () => {
    const { sentimentFp16Graph } = await import('../../fixtures/models/sentiment');
    hub = new FixtureHub();
    // Only fp16 weights: the run works only if the per-model setting picks fp16.
    const files = sentimentModelFiles();
    delete files['onnx/model.onnx'];
    hub.addRepo({ id: 'Xenova/fixture-sst2-fp16', files: { ...files, 'onnx/model_fp16.onnx': sentimentFp16Graph() } });
    await hub.start();
    await setSetting('hubEndpoint', hub.url);
  });
  after(async () => {
    await setSetting('hubEndpoint', undefined);
    await setSetting('modelDtypes', undefined);
    await hub.stop();
  });

  it('aiLab.modelDtypes chooses the weights for one model; fp16 logits are read right on Node 20', async () => {
    await setSetting('modelDtypes', { 'Xenova/fixture-sst2-fp16': 'fp16' });
    const r = await vscode.commands.executeCommand<{ output: Array<{ label: string; score: number }>; resolved: { dtype: string } }>('aiLab.runPipeline', {
      task: 'text-classification',
      model: 'Xenova/fixture-sst2-fp16',
      text: 'I love this great movie',
    });
    assert.equal(r?.resolved.dtype, 'fp16');
    assert.equal(r?.output[0]?.label, 'POSITIVE');
    assert.ok(r!.output[0]!.score > 0.99);
  });
});
