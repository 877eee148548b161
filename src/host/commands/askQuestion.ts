import * as vscode from 'vscode';
import type { LabOutput } from '../../core/nlp/runner';
import { joinPages, parsePageRange } from '../../core/pdf/pageText';
import { batchSizeFor } from '../../core/nlp/tasks';
import { hasVisibleText } from '../../core/text/visible';
import { readConfig } from '../config';
import { indexedEmbedder } from '../indexedEmbedder';
import { fileName } from '../pdf/pdfTextService';
import { PDF_VIEW_TYPE } from '../pdf/pdfViewer';
import { activeTabPdf, asUri, labArgs, readInputOrSay, refuseNothingToWorkOn, runLab, wholePdfTarget, type Input, type LabArgs, type NlpDeps } from './labRun';
import { pickSummaryPreset, runSummary } from './nlp';

const HISTORY_KEY = 'aiLab.questionHistory';
const PER_DOCUMENT = 10;
const DOCUMENTS = 50;

type History = Record<string, string[]>;

function documentKey(input: Input): string {
  return (input.pdf?.uri ?? input.source?.uri)?.toString() ?? 'text';
}

/** Earlier questions on this document first; typing a new one asks that. The box closes when `closeIf` resolves true. */
async function pickQuestion(d: NlpDeps, key: string, where: string | undefined, closeIf?: Promise<boolean>): Promise<string | undefined> {
  const earlier = d.workspaceState.get<History>(HISTORY_KEY)?.[key] ?? [];
  const qp = vscode.window.createQuickPick();
  qp.title = `AI Lab: Ask a Question${where ? ` — ${where}` : ''}`;
  qp.placeholder = earlier.length ? 'Type a question, or pick one you asked before' : 'Type a question about this document';
  qp.ignoreFocusOut = true;
  const asked = earlier.map((q) => ({ label: q, description: 'asked before' }));
  qp.items = asked;
  qp.onDidChangeValue((v) => {
    // The typed text is always the first choice, so Enter asks it.
    qp.items = v.trim() && !earlier.includes(v.trim()) ? [{ label: v.trim(), description: 'ask' }, ...asked] : asked;
  });
  const question = await new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]?.label ?? (qp.value.trim() || undefined)));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
    void closeIf?.then((close) => close && qp.hide());
  });
  qp.dispose();
  return question;
}

async function remember(d: NlpDeps, key: string, question: string): Promise<void> {
  const all = { ...(d.workspaceState.get<History>(HISTORY_KEY) ?? {}) };
  all[key] = [question, ...(all[key] ?? []).filter((q) => q !== question)].slice(0, PER_DOCUMENT);
  // Most recently asked documents last; drop the oldest beyond the limit.
  const { [key]: mine, ...others } = all;
  const kept = Object.entries(others).slice(-(DOCUMENTS - 1));
  await d.workspaceState.update(HISTORY_KEY, Object.fromEntries([...kept, [key, mine!]]));
}

/**
 * Shows an answer where it is (its offsets come from the model's span): the PDF viewer at its page,
 * highlighted at its place in its sentence; or its range selected in the text editor.
 */
async function showAnswer(d: NlpDeps, input: Input, output: LabOutput | undefined, index: number): Promise<unknown> {
  if (output?.kind !== 'answers') return undefined;
  const a = output.answers[index];
  if (!a) return undefined;
  if (input.pdf) return d.pdfViewer.reveal(input.pdf.uri, a.page ?? 1, { text: a.answer, context: a.context, at: a.inContext.start });
  const src = input.source;
  if (!src) {
    void vscode.window.showInformationMessage(`AI Lab: "${a.answer}" — ${a.context}`);
    return undefined;
  }
  return revealInSource(src, a.start, a.end);
}

/**
 * Selects [start, end) (UTF-16 offsets into the text the command read) in the editor it came from,
 * opening it in the first column and scrolling it into view; returns the range.
 */
export async function revealInSource(src: { uri: vscode.Uri; range: vscode.Range }, start: number, end: number): Promise<vscode.Range> {
  const doc = await vscode.workspace.openTextDocument(src.uri);
  const base = doc.offsetAt(src.range.start);
  const range = new vscode.Range(doc.positionAt(base + start), doc.positionAt(base + end));
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return range;
}

/**
 * A command working on a PDF shows it in the AI Lab viewer, where its answers will be marked: opened
 * beside nothing else (not awaited: a first webview may take a while), and a tab showing the same
 * file as text (garbled bytes, or VS Code's binary placeholder) gives way to it.
 */
export function showPdfInViewer(d: NlpDeps, uri: vscode.Uri): void {
  if (d.pdfViewer.viewerFor(uri)) return;
  // Tabs are snapshots: look for the text tabs again once the viewer is open.
  const asText = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
  void Promise.resolve(vscode.commands.executeCommand('vscode.openWith', uri, PDF_VIEW_TYPE, { preview: false, preserveFocus: true }))
    .then(() => (asText().length ? vscode.window.tabGroups.close(asText()) : undefined))
    .then(undefined, (err: unknown) => d.log.warn(`Could not open ${fileName(uri)} in the AI Lab PDF viewer: ${(err as Error).message}`));
}

/**
 * The workspace index's embedding model for hybrid retrieval, when the index exists and both the
 * reader and the embedder run locally (one runner runs both: a remote reader's server does not embed).
 */
function hybridEmbedder(d: NlpDeps): string | undefined {
  const b = d.inference.backends;
  if (b && (b.chosen('qa') !== 'local' || b.chosen('extractive') !== 'local')) return undefined;
  return indexedEmbedder();
}

/** "Ask: “What does the pilot measure?”", the question cut at 80 characters. */
export function askTitle(question: string): string {
  const q = question.replace(/\s+/g, ' ').trim();
  return `Ask: “${q.length > 80 ? `${q.slice(0, 79)}…` : q}”`;
}

async function pickPdf(args: LabArgs, d: NlpDeps): Promise<vscode.Uri | undefined> {
  const uri = args.uri ? asUri(args.uri) : (d.pdfViewer.active()?.uri ?? activeTabPdf());
  if (uri) return uri;
  const picked = await vscode.window.showOpenDialog({ title: 'AI Lab: choose a PDF', filters: { PDF: ['pdf', 'PDF'] }, canSelectMany: false });
  return picked?.[0];
}

export function createPdfCommands(d: NlpDeps): Record<string, (args?: unknown) => unknown> {
  return {
    'aiLab.askQuestion': async (a) => {
      const args = labArgs(a, d);
      // A whole PDF takes a while to read: the question box opens at once and the text is read
      // meanwhile (a password box waits for the question), so no keystroke typed early is lost.
      const pdf = args.question === undefined ? wholePdfTarget(d, args) : undefined;
      if (pdf) showPdfInViewer(d, pdf);
      let asked: () => void = () => undefined;
      const reading = readInputOrSay(d, args, { beforePrompt: new Promise<void>((r) => (asked = r)) });
      const early = pdf ? pickQuestion(d, pdf.toString(), fileName(pdf), reading.then((i) => !i || !hasVisibleText(i.text))).finally(asked) : undefined;
      if (!pdf) asked();
      const input = await reading;
      if (!input) return undefined;
      const refused = refuseNothingToWorkOn(d, 'qa', input);
      if (refused) return refused;
      if (input.pdf && !pdf) showPdfInViewer(d, input.pdf.uri);
      const key = documentKey(input);
      const question = args.question ?? (early ? await early : await pickQuestion(d, key, input.where));
      if (!question?.trim()) return undefined;
      await remember(d, key, question.trim());
      let entry = '';
      const c = readConfig().nlp;
      const output = await runLab(
        d,
        // The entry names the question; its "where" line names the document.
        { ...input, title: askTitle(question.trim()) },
        { task: 'qa', model: c.models.qa, text: input.text, doc: input.pdf?.doc, question, options: { ...c.qa, batchSize: batchSizeFor('qa', c.batchSize), embedModel: hybridEmbedder(d) } },
        (id) => (entry = id),
      );
      d.panel.setOpener(entry, (index) => showAnswer(d, input, output, index));
      return output;
    },
    'aiLab.summarizePdf': async (a) => {
      const args = labArgs(a, d);
      const uri = await pickPdf(args, d);
      if (!uri) return undefined;
      const input = await readInputOrSay(d, { uri });
      if (!input?.pdf) return undefined;
      showPdfInViewer(d, uri);
      const count = input.pdf.doc.pages.length;
      const spec =
        args.pages ??
        (await vscode.window.showInputBox({
          title: `AI Lab: Summarize ${fileName(uri)}`,
          prompt: `Pages to summarize, e.g. 1-5, 9 (empty for all ${count} pages)`,
          ignoreFocusOut: true,
          validateInput: (v) => {
            try {
              parsePageRange(v, count);
              return undefined;
            } catch (err) {
              return (err as Error).message;
            }
          },
        }));
      if (spec === undefined) return undefined;
      let pages: number[];
      try {
        pages = parsePageRange(spec, count);
      } catch (err) {
        void vscode.window.showWarningMessage(`AI Lab: ${(err as Error).message}`);
        return undefined;
      }
      const preset = args.preset ?? (await pickSummaryPreset(`AI Lab: Summarize ${fileName(uri)}`));
      if (!preset) return undefined;
      const wanted = new Set(pages);
      const doc = joinPages(input.pdf.doc.pages.filter((p) => wanted.has(p.page)));
      const label = pages.length === count ? `${count} pages` : `pages ${spec.trim()}`;
      return runSummary(d, { text: doc.text, pdf: { uri, doc }, where: `${fileName(uri)}, ${label}` }, preset);
    },
    'aiLab.openPdfViewer': async (a) => {
      const uri = await pickPdf(typeof a === 'string' ? { uri: a } : labArgs(a, d), d);
      if (uri) await vscode.commands.executeCommand('vscode.openWith', uri, PDF_VIEW_TYPE);
      return uri;
    },
  };
}
