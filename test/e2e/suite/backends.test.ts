import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LabOutput } from '../../../src/core/nlp/runner';
import { HfInferenceStandIn } from '../../fixtures/backends/hfInference';
import { TeiStandIn } from '../../fixtures/backends/tei';
import { shortHandbookPdf } from '../../fixtures/pdf/generate';
import { api, setSetting, waitFor } from './helpers';

type Labels = Extract<LabOutput, { kind: 'labels' }>;
type Answers = Extract<LabOutput, { kind: 'answers' }>;

/** Issue 17 in a real VS Code: a backend chosen in the settings runs the task; the results panel names it. */
describe('AI Lab in a real VS Code: remote backends (loopback stand-ins)', function () {
  this.timeout(120_000);
  const tei = new TeiStandIn();
  const hf = new HfInferenceStandIn();
  let dir = '';

  before(async () => {
    await tei.start();
    await hf.start();
    hf.endpointTask = 'question-answering';
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-backends-'));
    fs.writeFileSync(path.join(dir, 'handbook.pdf'), await shortHandbookPdf());
  });
  after(async () => {
    // The Ask below opened the PDF in the AI Lab viewer: close it before its file goes, or the next
    // suite's commands would take the (deleted) PDF in the active viewer as their input.
    const viewers = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === 'aiLab.pdfViewer');
    await vscode.window.tabGroups.close(viewers);
    // And leave the first group active, as the next suite expects its editors beside the results panel.
    await vscode.commands.executeCommand('workbench.action.focusFirstEditorGroup');
    for (const k of ['backend', 'backendPerTask', 'backends.teiUrl', 'backends.hfEndpointUrl']) await setSetting(k, undefined);
    await tei.stop();
    await hf.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('aiLab.backend tei: Classify Sentiment runs on the TEI server and the results panel names the backend', async () => {
    await setSetting('backends.teiUrl', tei.url);
    await setSetting('backend', 'tei');
    const out = await vscode.commands.executeCommand<Labels>('aiLab.classifySentiment', { text: 'The coffee was great and I love this place.' });
    assert.equal(out.labels[0]?.label, 'POSITIVE');
    assert.ok(tei.sent('/predict').length >= 1, 'the server was asked');
    const entry = (await api()).results.history[0]!;
    assert.equal(entry.backend, 'tei');
    assert.equal(entry.model, tei.modelId, 'the server names its model');
    assert.equal(entry.device, '', 'no local device is claimed for a remote result');
  });

  it('a task the backend cannot run is refused before anything is sent (summarize on TEI)', async () => {
    const before = tei.requests.length;
    const out = await vscode.commands.executeCommand('aiLab.summarize', { text: 'City council members met for a short session. They approved the budget.', preset: 'short' });
    assert.equal(out, undefined);
    assert.equal(tei.requests.length, before, 'nothing sent');
    assert.equal((await api()).results.history[0]!.status, 'error');
    assert.match(String((await api()).results.history[0]!.error), /cannot run summarization/);
  });

  it('aiLab.backendPerTask qa → hf-inference (an Inference Endpoint): Ask a Question on a PDF, the answer on its page', async () => {
    await setSetting('backend', 'local');
    await setSetting('backends.hfEndpointUrl', hf.url);
    await setSetting('backendPerTask', { qa: 'hf-inference' });
    const uri = vscode.Uri.file(path.join(dir, 'handbook.pdf'));
    const out = await vscode.commands.executeCommand<Answers>('aiLab.askQuestion', { question: 'How many hours of volunteer time off does each employee get?', uri });
    assert.equal(out.answers[0]?.answer, '12 hours');
    assert.equal(out.answers[0]?.page, 7);
    const entry = (await api()).results.history[0]!;
    assert.equal(entry.backend, 'hf-inference');
    // The Endpoint (the Inference Toolkit) took the passages read in lists, 8 at most to a request.
    const sizes = hf.passagesPerRequest();
    assert.equal(sizes.reduce((a, n) => a + n, 0), out.read);
    assert.ok(sizes.length < out.read && sizes.every((n) => n <= 8), `requests of ${sizes.join(', ')} for ${out.read} passages`);
    // The command opened the PDF in the AI Lab viewer without waiting for it: let it come up, so that
    // after() can close it (a viewer left active would be the next suite's input).
    await waitFor('the AI Lab viewer', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === 'aiLab.pdfViewer'), (open) => open, 60_000);
  });
});
