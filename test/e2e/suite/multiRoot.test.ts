/**
 * A multi-root workspace (two folders, each with notes/same.md): Index Workspace indexes both (each
 * with its own .gitignore), Search Workspace by Meaning and Ask the Workspace name the folder of each
 * hit and answer, and opening one opens the file of its own folder. Runs where the window holds two
 * folders: AI_LAB_E2E_PHASE=1 AI_LAB_E2E_MULTIROOT=1 AI_LAB_E2E_GREP='multi-root' node out/test/e2e/runInCodeServer.js
 * (runInCodeServer.ts then opens a .code-workspace of its folder and a second one).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LabOutput } from '../../../src/core/nlp/runner';
import { fixtureModelDirs } from '../../fixtures/models';
import { api, setSetting } from './helpers';

type Hit = { file: string; folder?: string; root: string; page?: number; line?: number };
type Answers = Extract<LabOutput, { kind: 'answers' }>;

describe('multi-root workspace: index, search and ask over two folders', function () {
  this.timeout(120_000);
  const folders = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  const written: string[] = [];
  before(async function () {
    if (folders().length < 2) {
      console.log('multi-root checks skipped: this window has one folder (run with AI_LAB_E2E_MULTIROOT=1)');
      this.skip();
    }
    const [a, b] = folders().map((f) => f.uri.fsPath);
    const files: Array<[string, string]> = [
      [path.join(a!, 'mr', 'same.md'), 'The server crash left a bug in the login dashboard.'],
      [path.join(b!, 'mr', 'same.md'), 'Snow and rain are in the forecast, cold weather all week.'],
      [path.join(b!, 'mr', 'policy.md'), 'Each full-time employee is eligible for 12 hours of volunteer time off per calendar year.'],
      [path.join(b!, '.gitignore'), 'mr/hidden.md\n'],
      [path.join(b!, 'mr', 'hidden.md'), 'Snow storm forecast: sunny weather will not come.'],
    ];
    for (const [f, text] of files) {
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, text);
      written.push(f);
    }
    await setSetting('index.embeddingModel', fixtureModelDirs().embed);
    await setSetting('index.include', ['mr/**/*.md']);
    await setSetting('index.watch', false);
    await setSetting('models.qa', fixtureModelDirs().qa);
  });
  after(async () => {
    for (const f of written) fs.rmSync(f, { force: true });
    for (const k of ['index.embeddingModel', 'index.include', 'index.watch', 'models.qa']) await setSetting(k, undefined);
    await vscode.commands.executeCommand('aiLab.deleteWorkspaceIndex', { confirm: false });
  });

  it('multi-root: Index Workspace indexes every folder, each with its own .gitignore', async () => {
    const results = await vscode.commands.executeCommand<Array<{ files: number }>>('aiLab.indexWorkspace');
    assert.ok(results, 'indexing finished');
    // Folder a: mr/same.md; folder b: mr/same.md and mr/policy.md (mr/hidden.md is in its .gitignore).
    assert.deepEqual(results.map((r) => r.files), [1, 2]);
  });

  it('multi-root: a search hit names its folder and opens the same-named file of that folder', async () => {
    const [a, b] = folders();
    const hits = await vscode.commands.executeCommand<Hit[]>('aiLab.searchWorkspace', { query: 'storm sunny forecast', open: 0 });
    assert.deepEqual([hits[0]!.file, hits[0]!.folder, hits[0]!.root], ['mr/same.md', b!.name, b!.uri.fsPath]);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, path.join(b!.uri.fsPath, 'mr', 'same.md'));
    const tech = await vscode.commands.executeCommand<Hit[]>('aiLab.searchWorkspace', { query: 'slow broken server', open: 0 });
    assert.deepEqual([tech[0]!.file, tech[0]!.folder], ['mr/same.md', a!.name]);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, path.join(a!.uri.fsPath, 'mr', 'same.md'));
  });

  it('multi-root: Ask the Workspace names the answer\'s folder; clicking it opens that folder\'s file at the answer', async () => {
    const [, b] = folders();
    const out = await vscode.commands.executeCommand<Answers>('aiLab.askWorkspace', { question: 'How many hours of volunteer time off does each employee get?' });
    assert.deepEqual([out.answers[0]!.answer, out.answers[0]!.file, out.answers[0]!.folder], ['12 hours', 'mr/policy.md', b!.name]);
    const r = await api();
    await r.results.openAnswer(r.results.history[0]!.id, 0);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.fsPath, path.join(b!.uri.fsPath, 'mr', 'policy.md'));
    assert.equal(editor.document.getText(editor.selection), '12 hours');
  });
});
