/**
 * AI Lab: Compare Similarity (two texts → cosine) and AI Lab: Find Similar Passages (the current
 * document's or PDF's passages closest to a query, each shown where it is when clicked).
 */
import * as vscode from 'vscode';
import type { LabOutput } from '../../core/nlp/runner';
import { batchSizeFor } from '../../core/nlp/tasks';
import { readConfig } from '../config';
import { fileName } from '../pdf/pdfTextService';
import { revealInSource, showPdfInViewer } from './askQuestion';
import { activeTabPdf, labArgs, readInputOrSay, refuseNothingToWorkOn, runLab, type Input, type LabArgs, type NlpDeps } from './labRun';

/** What a caller (a test, a keybinding) may pass instead of being asked. */
export interface SimilarityArgs extends LabArgs {
  /** Compare Similarity: the second text. */
  other?: string;
  /** Find Similar Passages: the text to look for (else the selection, else asked). */
  query?: string;
}

function flat(text: string, max = 60): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** Two non-empty selections in the active editor (multi-cursor), as inputs; undefined otherwise. */
function twoSelections(): [Input, Input] | undefined {
  const e = vscode.window.activeTextEditor;
  const sels = e?.selections.filter((s) => !s.isEmpty) ?? [];
  if (!e || sels.length < 2) return undefined;
  const name = fileName(e.document.uri);
  const [a, b] = [...sels].sort((x, y) => x.start.compareTo(y.start)).slice(0, 2) as [vscode.Selection, vscode.Selection];
  const input = (s: vscode.Selection, what: string): Input => {
    const range = new vscode.Range(s.start, s.end);
    const text = e.document.getText(range);
    return { text, what, source: { uri: e.document.uri, range, text }, where: `${name}:${range.start.line + 1}` };
  };
  return [input(a, 'the first selection'), input(b, 'the second selection')];
}

async function compare(d: NlpDeps, a: unknown): Promise<LabOutput | undefined> {
  const args = labArgs(a, d) as SimilarityArgs;
  const pair = args.text === undefined && !args.uri ? twoSelections() : undefined;
  const input = pair?.[0] ?? (await readInputOrSay(d, args));
  if (!input) return undefined;
  const refused = refuseNothingToWorkOn(d, 'similarity', input);
  if (refused) return refused;
  const other =
    pair?.[1].text ??
    args.other ??
    (await vscode.window.showInputBox({
      title: 'AI Lab: Compare Similarity',
      prompt: `Text to compare with “${flat(input.text, 50)}” (or select two passages with multiple cursors)`,
      ignoreFocusOut: true,
    }));
  if (other === undefined) return undefined;
  const c = readConfig().nlp;
  return runLab(d, { ...input, title: `Similarity: “${flat(input.text, 40)}” ~ “${flat(other, 40)}”` }, { task: 'similarity', model: c.models.similarity, text: input.text, other, whatOther: pair ? pair[1].what : 'the text typed' });
}

/** The document Find Similar Passages searches, the query's own place in it, and the query when selected. */
interface Target {
  input: Input;
  selected?: string;
  exclude?: { start: number; end: number };
}

/** Where `query` is on PDF page `page` of `input`, when it is there once (whitespace may differ): its own passage is then not a hit. */
function placeOnPage(input: Input, page: number | undefined, query: string): { start: number; end: number } | undefined {
  const p = input.pdf?.doc.pages.find((x) => x.page === page);
  const words = query.trim().split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (!p || !words.length || !words[0]) return undefined;
  const found = [...p.text.matchAll(new RegExp(words.join('\\s+'), 'g'))];
  return found.length === 1 ? { start: p.start + found[0]!.index!, end: p.start + found[0]!.index! + found[0]![0].length } : undefined;
}

async function target(d: NlpDeps, args: SimilarityArgs): Promise<Target | undefined> {
  if (args.text !== undefined || args.uri) {
    const input = await readInputOrSay(d, { text: args.text, uri: args.uri });
    return input && { input };
  }
  const viewer = d.pdfViewer.active();
  const pdf = viewer?.uri ?? activeTabPdf();
  if (pdf) {
    const input = await readInputOrSay(d, { uri: pdf });
    if (!input) return undefined;
    const sel = viewer?.selection;
    return { input, selected: sel?.text, exclude: sel ? placeOnPage(input, sel.page ?? viewer?.page, sel.text) : undefined };
  }
  const e = vscode.window.activeTextEditor;
  if (!e) {
    void vscode.window.showWarningMessage('AI Lab: open a document or a PDF first; Find Similar Passages searches it.');
    return undefined;
  }
  const doc = e.document;
  const range = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
  const text = doc.getText();
  const name = fileName(doc.uri);
  const input: Input = { text, what: `the document ${name}`, source: { uri: doc.uri, range, text }, where: name };
  const sel = e.selection;
  if (sel.isEmpty) return { input };
  return { input, selected: doc.getText(sel), exclude: { start: doc.offsetAt(sel.start), end: doc.offsetAt(sel.end) } };
}

/** Shows hit `index` where it is: its range selected in the editor, or the PDF viewer at its page with the passage marked. */
async function showHit(d: NlpDeps, input: Input, output: LabOutput | undefined, index: number): Promise<unknown> {
  if (output?.kind !== 'similarPassages') return undefined;
  const h = output.hits[index];
  if (!h) return undefined;
  if (input.pdf) return d.pdfViewer.reveal(input.pdf.uri, h.page ?? 1, { text: h.text, context: h.text, at: 0 });
  const src = input.source;
  if (!src) {
    void vscode.window.showInformationMessage(`AI Lab: ${h.text}`);
    return undefined;
  }
  return revealInSource(src, h.start, h.end);
}

async function findSimilar(d: NlpDeps, a: unknown): Promise<LabOutput | undefined> {
  const args = labArgs(a, d) as SimilarityArgs;
  const t = await target(d, args);
  if (!t) return undefined;
  const refused = refuseNothingToWorkOn(d, 'findSimilar', t.input);
  if (refused) return refused;
  if (t.input.pdf) showPdfInViewer(d, t.input.pdf.uri);
  const query =
    args.query ??
    (t.selected?.trim() ? t.selected : undefined) ??
    (await vscode.window.showInputBox({ title: `AI Lab: Find Similar Passages${t.input.where ? ` — ${t.input.where}` : ''}`, prompt: 'Text to look for (passages that mean the same, in other words too)', ignoreFocusOut: true }));
  if (!query?.trim()) return undefined;
  const c = readConfig().nlp;
  // A typed query (or one passed) is not in the document: nothing is left out.
  const exclude = args.query === undefined && t.selected?.trim() ? t.exclude : undefined;
  let entry = '';
  const output = await runLab(
    d,
    { ...t.input, title: `Similar to “${flat(query)}”` },
    { task: 'findSimilar', model: c.models.findSimilar, text: t.input.text, doc: t.input.pdf?.doc, query, exclude, options: { batchSize: batchSizeFor('findSimilar', c.batchSize) } },
    (id) => (entry = id),
  );
  d.panel.setOpener(entry, (index) => showHit(d, t.input, output, index));
  return output;
}

export function createSimilarityCommands(d: NlpDeps): Record<string, (args?: unknown) => unknown> {
  return {
    'aiLab.compareSimilarity': (a) => compare(d, a),
    'aiLab.findSimilarPassages': (a) => findSimilar(d, a),
  };
}
