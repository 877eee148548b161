import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LabOutput } from '../../../src/core/nlp/runner';
import { fixtureModelDirs } from '../../fixtures/models';
import { api, setSetting, waitFor } from './helpers';

type Labels = Extract<LabOutput, { kind: 'labels' }>;

async function editorWith(content: string, select?: [number, number, number, number]): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ content, language: 'plaintext' });
  const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  if (select) editor.selection = new vscode.Selection(...select);
  return editor;
}

describe('AI Lab in a real VS Code: classify, summarize, continue the selection', () => {
  before(async () => {
    const d = fixtureModelDirs();
    for (const [task, dir] of Object.entries({ sentiment: d.sentiment, grammar: d.grammar, qnli: d.nli, zeroShot: d.nli, summarize: d.summarizer, extractive: d.embed, generate: d.lm })) {
      await setSetting(`models.${task}`, dir);
    }
  });
  after(async () => {
    for (const task of ['sentiment', 'grammar', 'qnli', 'zeroShot', 'summarize', 'extractive', 'generate']) await setSetting(`models.${task}`, undefined);
  });

  it('Classify Sentiment on the selection: labels in the results panel, with the input it came from', async () => {
    await editorWith('Intro.\nWi-Fi is slower than a snail today!\n', [1, 0, 1, 35]);
    const out = await vscode.commands.executeCommand<Labels>('aiLab.classifySentiment');
    assert.equal(out.labels[0]?.label, 'NEGATIVE');
    const a = await api();
    const entry = a.results.history[0]!;
    assert.deepEqual([entry.title, entry.status, entry.input.excerpt], ['Classify Sentiment', 'done', 'Wi-Fi is slower than a snail today!']);
    assert.ok(a.results.visible, 'the panel is shown');
  });

  it('Check Grammar shows unacceptable/acceptable; QNLI and zero-shot take their question and labels', async () => {
    await editorWith('It was terrible.');
    assert.equal((await vscode.commands.executeCommand<Labels>('aiLab.checkGrammar')).labels[0]?.label, 'unacceptable');
    await editorWith('It will rain tomorrow in the forecast. The analytics dashboard shows an error at login.');
    const q = await vscode.commands.executeCommand<Labels>('aiLab.checkEntailment', { question: 'Where is the dashboard error?' });
    assert.equal(q.labels[0]?.label, 'entailment');
    await editorWith('Hi team, the analytics dashboard shows an error every time I log in.');
    const z = await vscode.commands.executeCommand<Labels>('aiLab.classifyZeroShot', { labels: ['Billing Question', 'Product Feedback', 'Technical Support'] });
    assert.equal(z.labels[0]?.label, 'Technical Support');
  });

  it('Summarize (Medium), then Insert Below and Replace Selection edit the document', async () => {
    const lead = 'City council members met for a short session to approve the river cleanup budget.';
    const editor = await editorWith(`${lead} They highlighted that volunteer turnout doubled.\nNext line.`, [0, 0, 0, 131]);
    const out = await vscode.commands.executeCommand<Extract<LabOutput, { kind: 'summary' }>>('aiLab.summarize', { preset: 'medium' });
    assert.equal(out.text, lead);
    const a = await api();
    const id = a.results.history[0]!.id;
    assert.equal(await a.results.act(id, 'insertBelow'), true);
    assert.equal(editor.document.lineAt(1).text, lead);
    assert.equal(editor.document.lineAt(2).text, 'Next line.');
    assert.equal(await a.results.act(id, 'replace'), true);
    assert.equal(editor.document.lineAt(0).text, lead);
  });

  it('Summarize Extractive keeps sentences verbatim; Continue Text streams into the panel', async () => {
    await editorWith('The dashboard shows an error. It will rain and snow in the forecast. A login crash bug hit the server.');
    await setSetting('summarize.extractiveSentences', 2);
    const ex = await vscode.commands.executeCommand<Extract<LabOutput, { kind: 'extractive' }>>('aiLab.summarize', { preset: 'extractive' });
    await setSetting('summarize.extractiveSentences', undefined);
    assert.deepEqual(ex.sentences.map((s) => s.text), ['The dashboard shows an error.', 'A login crash bug hit the server.']);
    await editorWith('The future of');
    const a = await api();
    const partials: string[] = [];
    const sub = a.results.onDidChange((e) => e.status === 'running' && e.partial && partials.push(e.partial));
    const gen = await vscode.commands.executeCommand<Extract<LabOutput, { kind: 'generation' }>>('aiLab.continueText');
    sub.dispose();
    assert.equal(gen.text, ' open science is bright.');
    assert.ok(partials.length > 1, 'text streamed in');
  });

  it('a 1 MB selection is classified in parts with progress; the excerpt reveals the input', async () => {
    const big = 'I love this great movie. '.repeat(42_000);
    const editor = await editorWith(`Header line\n${big}\nFooter`, [1, 0, 1, big.length]);
    const out = await vscode.commands.executeCommand<Labels>('aiLab.classifySentiment');
    assert.equal(out.labels[0]?.label, 'POSITIVE');
    assert.ok(out.parts.length > 100, `${out.parts.length} parts`);
    const a = await api();
    const entry = a.results.history[0]!;
    assert.ok(entry.input.excerpt.length <= 90 && entry.input.length === big.length);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    assert.equal(await a.results.act(entry.id, 'reveal'), true);
    const active = vscode.window.activeTextEditor!;
    assert.equal(active.document, editor.document);
    assert.deepEqual([active.selection.start.line, active.selection.end.line, active.selection.end.character], [1, 1, big.length]);
    assert.equal(editor.document.lineCount, 3, 'nothing was edited');
  });

  it('Choose Model for Task stores the model in the task\'s setting', async () => {
    const d = fixtureModelDirs();
    const chosen = await vscode.commands.executeCommand<string>('aiLab.chooseModel', { task: 'grammar', model: d.sentiment });
    assert.equal(chosen, d.sentiment);
    assert.equal(vscode.workspace.getConfiguration('aiLab').get('models.grammar'), d.sentiment);
    await setSetting('models.grammar', d.grammar);
  });

  it('bad input: empty document, unknown model, model of the wrong task: a clear message, document untouched', async () => {
    const a = await api();
    const empty = await editorWith('');
    assert.equal(await vscode.commands.executeCommand('aiLab.classifySentiment'), undefined);
    assert.match(a.results.history[0]!.error ?? '', /empty: nothing to work on/i);
    const editor = await editorWith('good movie');
    await setSetting('models.sentiment', 'nobody/nothing-here');
    await setSetting('hubEndpoint', 'http://127.0.0.1:9');
    await setSetting('hubOffline', true);
    assert.equal(await vscode.commands.executeCommand('aiLab.classifySentiment'), undefined);
    assert.match(a.results.history[0]!.error ?? '', /not in the Hugging Face cache/);
    await setSetting('hubOffline', undefined);
    await setSetting('hubEndpoint', undefined);
    await setSetting('models.sentiment', fixtureModelDirs().summarizer);
    assert.equal(await vscode.commands.executeCommand('aiLab.classifySentiment'), undefined);
    assert.match(a.results.history[0]!.error ?? '', /is a sequence-to-sequence model .*but text classification needs a sequence classifier/, JSON.stringify(a.results.history.slice(0, 3).map((e) => [e.model, e.backend, e.status, e.error?.slice(0, 60)])) + JSON.stringify([vscode.window.activeTextEditor?.document.uri.toString(), a.pdfViewer.active()?.uri.toString(), vscode.window.tabGroups.activeTabGroup.activeTab?.label]));
    await setSetting('models.sentiment', fixtureModelDirs().sentiment);
    assert.equal(editor.document.getText(), 'good movie');
    assert.equal(empty.document.getText(), '');
    // A stale range is never edited: the text changed since the result was made.
    await editorWith('The future of');
    await vscode.commands.executeCommand('aiLab.continueText');
    const ed = vscode.window.activeTextEditor!;
    await ed.edit((e) => e.insert(new vscode.Position(0, 0), 'X'));
    assert.equal(await a.results.act(a.results.history[0]!.id, 'replace'), false);
    assert.equal(ed.document.getText(), 'XThe future of');
    await waitFor('history', () => a.results.history.length, (n) => n >= 8);
  });

  it('input text: nothing visible is nothing to work on for every command; a file that is not UTF-8 is read in files.encoding; a template without {} is refused', async () => {
    const a = await api();
    const zwsp = '\u200b\u200b';
    const commands: Array<[string, object]> = [
      ['aiLab.classifySentiment', {}], ['aiLab.checkGrammar', {}], ['aiLab.checkEntailment', { question: 'Why?' }],
      ['aiLab.classifyZeroShot', { labels: ['a', 'b'] }], ['aiLab.summarize', { preset: 'short' }], ['aiLab.summarize', { preset: 'extractive' }],
      ['aiLab.continueText', {}], ['aiLab.askQuestion', { question: 'What?' }],
    ];
    for (const [command, extra] of commands) {
      assert.equal(await vscode.commands.executeCommand(command, { text: zwsp, ...extra }), undefined, command);
      assert.match(a.results.history[0]!.error ?? '', /no visible text, only 2 × U\+200B ZERO WIDTH SPACE: nothing to work on/, command);
    }
    // The same in an editor: a document of whitespace and a word joiner.
    await editorWith(' \u2060\n\t');
    assert.equal(await vscode.commands.executeCommand('aiLab.classifySentiment'), undefined);
    assert.match(a.results.history[0]!.error ?? '', /The document .* has no visible text.*nothing to work on/);
    // A Latin-2 file that is not open: decoded with files.encoding, not as U+FFFD.
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-enc-')), 'latin2.txt');
    fs.writeFileSync(file, Buffer.from([0x67, 0x6f, 0x6f, 0x64, 0x20, 0xb3, 0xf3, 0x64, 0xbc]));
    await vscode.workspace.getConfiguration('files').update('encoding', 'iso88592', vscode.ConfigurationTarget.Global);
    try {
      const out = await vscode.commands.executeCommand<Labels>('aiLab.classifySentiment', { uri: file });
      assert.equal(out.labels[0]?.label, 'POSITIVE');
      assert.equal(a.results.history[0]!.input.excerpt, 'good łódź');
    } finally {
      await vscode.workspace.getConfiguration('files').update('encoding', undefined, vscode.ConfigurationTarget.Global);
    }
    const before = a.results.history.length;
    await setSetting('zeroShot.hypothesisTemplate', 'This example is about');
    try {
      assert.equal(await vscode.commands.executeCommand('aiLab.classifyZeroShot', { text: 'the dashboard shows an error', labels: ['a', 'b'] }), undefined);
      assert.equal(a.results.history.length, before, 'refused before any run');
    } finally {
      await setSetting('zeroShot.hypothesisTemplate', undefined);
    }
  });
});
