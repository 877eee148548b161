/** Offsets in a real VS Code: answers and tokens after emoji land on their exact characters; case 09's answer is highlighted on page 2. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import * as vscode from 'vscode';
import type { LabOutput } from '../../../src/core/nlp/runner';
import { fixtureModelDirs } from '../../fixtures/models';
import { FIXTURES } from '../../fixtures/paths';
import { api, setSetting } from './helpers';

type Answers = Extract<LabOutput, { kind: 'answers' }>;
interface Shown {
  page: number;
  highlighted: boolean;
  marked?: string;
  before?: string;
}

const QUESTION = 'How many hours of volunteer time off does each employee get?';
const SENTENCE = 'Each full-time employee is eligible for 12 hours of volunteer time off per calendar year.';

/** One page: a "112 hours" decoy first, then the answer's sentence. */
async function samePagePdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([612, 792]);
  ['Overtime and volunteering.', 'The help desk logged 112 hours of overtime in March.', SENTENCE].forEach((line, i) => page.drawText(line, { x: 72, y: 720 - 20 * i, size: 11, font }));
  return pdf.save();
}

describe('Offsets in a real VS Code: exact selections and highlights after emoji', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-offsets-'));

  before(async () => {
    await setSetting('models.qa', fixtureModelDirs().qa);
    fs.copyFileSync(path.join(FIXTURES, 'cases', '09-qa-first-match', 'handbook.pdf'), path.join(dir, 'case09.pdf'));
    fs.writeFileSync(path.join(dir, 'same-page.pdf'), await samePagePdf());
  });
  after(async () => {
    await setSetting('models.qa', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an answer after emoji (skin tone, ZWJ family, flag) and a math letter is selected exactly in the editor, also from a selection that starts after them', async () => {
    const content = `😀👍🏽 👩‍👩‍👧 🇫🇷 𝑥 notes.\nThe help desk logged 112 hours of overtime.\n${SENTENCE}\n`;
    const doc = await vscode.workspace.openTextDocument({ content, language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    const out = await vscode.commands.executeCommand<Answers>('aiLab.askQuestion', { question: QUESTION });
    assert.equal(out.answers[0]?.answer, '12 hours');
    const a = await api();
    await a.results.openAnswer(a.results.history[0]!.id, 0);
    const shown = vscode.window.activeTextEditor!;
    assert.equal(shown.document.getText(shown.selection), '12 hours');
    assert.equal(shown.document.offsetAt(shown.selection.start), content.indexOf(SENTENCE) + SENTENCE.indexOf('12 hours'));
    // A selection that starts after the emoji: offsets count from the selection's start.
    editor.selection = new vscode.Selection(doc.positionAt(content.indexOf('𝑥')), doc.positionAt(content.length));
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    const again = await vscode.commands.executeCommand<Answers>('aiLab.askQuestion', { question: QUESTION });
    assert.equal(again.answers[0]?.answer, '12 hours');
    await a.results.openAnswer(a.results.history[0]!.id, 0);
    const e2 = vscode.window.activeTextEditor!;
    assert.equal(e2.document.getText(e2.selection), '12 hours');
    assert.equal(e2.document.offsetAt(e2.selection.start), content.indexOf(SENTENCE) + SENTENCE.indexOf('12 hours'));
  });

  it('case 09: the answer is on page 2 and the viewer highlights "12 hours" there, in the volunteer sentence', async () => {
    const uri = vscode.Uri.file(path.join(dir, 'case09.pdf'));
    const out = await vscode.commands.executeCommand<Answers>('aiLab.askQuestion', { question: QUESTION, uri });
    assert.deepEqual([out.answers[0]?.answer, out.answers[0]?.page, out.answers[0]?.context], ['12 hours', 2, SENTENCE]);
    const a = await api();
    const shown = (await a.results.openAnswer(a.results.history[0]!.id, 0)) as Shown;
    assert.deepEqual([shown.page, shown.highlighted, shown.marked], [2, true, '12 hours'], JSON.stringify(shown));
    assert.match(shown.before ?? '', /eligiblefor$/);
    // Not asserted: the viewer's page box. On the last page of a 2-page PDF it can stay at 1, since the
    // view cannot scroll page 2 to the top (a viewer quirk noted on issue 14); the mark is on page 2.
  });

  it('a "112 hours" decoy on the same page: the highlight is the answer\'s "12 hours", not the one inside "112 hours"', async () => {
    const uri = vscode.Uri.file(path.join(dir, 'same-page.pdf'));
    const out = await vscode.commands.executeCommand<Answers>('aiLab.askQuestion', { question: QUESTION, uri });
    assert.deepEqual([out.answers[0]?.answer, out.answers[0]?.page], ['12 hours', 1]);
    const a = await api();
    const shown = (await a.results.openAnswer(a.results.history[0]!.id, 0)) as Shown;
    assert.deepEqual([shown.highlighted, shown.marked], [true, '12 hours'], JSON.stringify(shown));
    assert.match(shown.before ?? '', /eligiblefor$/);
  });

  it('the tokenizer inspector maps a token after an emoji to its characters, and selecting it selects exactly them', async () => {
    const content = 'Intro.\ngreat 👍🏽 product 😀 hours\n';
    const doc = await vscode.workspace.openTextDocument({ content, language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(1, 0, 1, doc.lineAt(1).text.length);
    const r = await vscode.commands.executeCommand<{ tokens: Array<{ token: string; start?: number; end?: number }> }>('aiLab.inspectTokenization', { model: fixtureModelDirs().qa });
    const line = doc.lineAt(1).text;
    assert.deepEqual(r!.tokens.filter((t) => t.start !== undefined).map((t) => [t.token, line.slice(t.start, t.end)]), [['great', 'great'], ['[UNK]', '👍🏽'], ['product', 'product'], ['[UNK]', '😀'], ['hours', 'hours']]);
    const hours = r!.tokens.find((t) => t.token === 'hours')!;
    const a = await api();
    await a.hub.tokenizer.reveal(hours.start!, hours.end!);
    const e = vscode.window.activeTextEditor!;
    assert.equal(e.document.getText(e.selection), 'hours');
    assert.equal(e.document.offsetAt(e.selection.start), content.lastIndexOf('hours'));
  });
});
