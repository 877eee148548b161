import * as vscode from 'vscode';
import { requestModel, runLabTask, type LabRequest } from '../../core/lab/runLabTask';
import type { LabOutput, Progress } from '../../core/nlp/runner';
import { LAB_TASKS, type LabTaskId } from '../../core/nlp/tasks';
import { PdfError } from '../../core/pdf/extract';
import { joinPages, pageLabel, type DocumentText } from '../../core/pdf/pageText';
import { ModelFilesError } from '../../core/inference/modelFolder';
import { InputError } from '../../core/text/chunks';
import { decodeText, vscodeEncodingId } from '../../core/text/decode';
import { hasVisibleText, requireVisibleText } from '../../core/text/visible';
import { toAbortSignal } from '../cancellation';
import { localWorkspaceFolders, readConfig } from '../config';
import { modelDisplayName } from '../../core/inference/modelName';
import { stageMessage, type InferenceHost, type Stage } from '../inferenceHost';
import { isCancellation, type Log } from '../log';
import { fileName, type PdfTextService } from '../pdf/pdfTextService';
import type { PdfViewerProvider } from '../pdf/pdfViewer';
import type { InputSource, ResultsPanel } from '../webviews/resultsPanel';

/** Arguments a caller (a test, a keybinding, another extension) may pass instead of being asked. */
export interface LabArgs {
  text?: string;
  question?: string;
  labels?: string[];
  preset?: 'short' | 'medium' | 'long' | 'extractive';
  /** A file to work on instead of the active editor (a PDF or a text file), as a Uri or path. */
  uri?: vscode.Uri | string;
  /** PDF pages, e.g. "3-5, 9" (Summarize PDF). */
  pages?: string;
}

export interface NlpDeps {
  inference: InferenceHost;
  panel: ResultsPanel;
  log: Log;
  globalState: vscode.Memento;
  workspaceState: vscode.Memento;
  pdfText: PdfTextService;
  pdfViewer: PdfViewerProvider;
}

export interface Input {
  text: string;
  /** How messages name the input: "the selection", "the file notes.txt". */
  what?: string;
  source?: InputSource;
  where?: string;
  /** PDF input: the file and its text with pages (the whole document, or the selection on its page). */
  pdf?: { uri: vscode.Uri; doc: DocumentText };
  /** The results panel entry's title when the task's own is not enough (Ask names its question). */
  title?: string;
}

/** A Uri, or a path or URI string a caller passed. */
export function asUri(u: vscode.Uri | string): vscode.Uri {
  return typeof u === 'string' ? (/^[a-z][\w+.-]+:/i.test(u) && !/^[a-z]:[\\/]/i.test(u) ? vscode.Uri.parse(u) : vscode.Uri.file(u)) : u;
}

export const isPdf = (uri: vscode.Uri) => /\.pdf$/i.test(uri.path);

/**
 * A command's arguments as it was called: an object from the API or a keybinding; the file from a menu
 * (the editor title, the Explorer) as a Uri; the webview's context object from the viewer's menu, which
 * names nothing to work on. The file of the active viewer, or of the active text editor (whose context
 * menu passes its Uri), stays its selection, as from the palette.
 */
export function labArgs(a: unknown, d: NlpDeps): LabArgs {
  // The editor's context menu passes its document's Uri: its selection (or the whole text) is the input.
  const editing = vscode.window.activeTextEditor?.document.uri.toString();
  if (a instanceof vscode.Uri) return a.toString() === d.pdfViewer.active()?.uri.toString() || a.toString() === editing ? {} : { uri: a };
  if (!a || typeof a !== 'object' || 'webview' in a) return {};
  return a as LabArgs;
}

async function pdfInput(d: NlpDeps, uri: vscode.Uri, o: ReadOptions = {}): Promise<Input> {
  const doc = await d.pdfText.text(uri, o);
  return { text: doc.text, what: `the text of ${fileName(uri)}`, pdf: { uri, doc }, where: `${fileName(uri)} (${doc.pageCount} pages)` };
}

/**
 * A text file: as its editor shows it when it is open; else its bytes decoded as VS Code opens files
 * (core/text/decode), with bytes that are not UTF-8 read in `files.encoding` (or windows-1252) and a
 * notice that says so.
 */
async function textFileInput(uri: vscode.Uri): Promise<Input> {
  const name = fileName(uri);
  const what = `the file ${name}`;
  const open = vscode.workspace.textDocuments.find((t) => t.uri.toString() === uri.toString());
  if (open) {
    const range = new vscode.Range(open.positionAt(0), open.positionAt(open.getText().length));
    return { text: open.getText(), what, source: { uri, range, text: open.getText() }, where: name };
  }
  const decoded = decodeText(await vscode.workspace.fs.readFile(uri), {
    name,
    fallback: vscode.workspace.getConfiguration('files', uri).get<string>('encoding'),
    fallbackFrom: 'files.encoding',
    hint: 'If that is wrong, set files.encoding to its encoding.',
  });
  if (decoded.notice) void vscode.window.showWarningMessage(`AI Lab: ${decoded.notice}`);
  // The same encoding in the document, so answers and edits land where the text is.
  const doc = await vscode.workspace.openTextDocument(uri, { encoding: vscodeEncodingId(decoded) });
  const same = doc.getText() === decoded.text;
  const range = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
  return { text: decoded.text, what, source: same ? { uri, range, text: doc.getText() } : undefined, where: name };
}

/** A PDF in the active tab shown by another editor: VS Code's binary placeholder, another PDF extension. */
export function activeTabPdf(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : undefined;
  return uri && isPdf(uri) ? uri : undefined;
}

/**
 * What a command works on: text a caller passed; a file it named; the selection in the active PDF
 * viewer, else that whole PDF; a PDF another editor shows; the selection in the active text editor, else
 * its whole document.
 */
/** `beforePrompt`: a prompt the command has open that a PDF's password box must wait for. */
export interface ReadOptions {
  beforePrompt?: Promise<unknown>;
}

/** The PDF a command will read whole (a PDF argument, the viewer without a selection, a PDF tab), known before reading it. */
export function wholePdfTarget(d: NlpDeps, args: LabArgs): vscode.Uri | undefined {
  if (args.text !== undefined) return undefined;
  if (args.uri) return isPdf(asUri(args.uri)) ? asUri(args.uri) : undefined;
  const viewer = d.pdfViewer.active();
  if (viewer) return viewer.selection ? undefined : viewer.uri;
  return activeTabPdf();
}

export async function readInput(d: NlpDeps, args: LabArgs, o: ReadOptions = {}): Promise<Input | undefined> {
  if (args.text !== undefined) return { text: args.text, what: 'the text given' };
  if (args.uri) {
    const uri = asUri(args.uri);
    return isPdf(uri) ? pdfInput(d, uri, o) : textFileInput(uri);
  }
  const viewer = d.pdfViewer.active();
  if (viewer) {
    const sel = viewer.selection;
    if (!sel) return pdfInput(d, viewer.uri, o);
    const parts = sel.parts ?? [{ page: sel.page ?? viewer.page, text: sel.text }];
    const doc = joinPages(parts);
    return { text: doc.text, what: 'the selection', pdf: { uri: viewer.uri, doc }, where: `${fileName(viewer.uri)}, ${pageLabel(parts[0]!.page, parts.at(-1)!.page)} (selection)` };
  }
  const shown = activeTabPdf();
  if (shown) return pdfInput(d, shown, o);
  const e = vscode.window.activeTextEditor;
  if (!e) {
    void vscode.window.showWarningMessage('AI Lab: open a document or a PDF, or select some text, first.');
    return undefined;
  }
  const doc = e.document;
  const range = e.selection.isEmpty ? new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)) : new vscode.Range(e.selection.start, e.selection.end);
  const text = doc.getText(range);
  const name = doc.uri.path.split('/').pop() ?? doc.uri.toString();
  const what = e.selection.isEmpty ? `the document ${name}` : 'the selection';
  return { text, what, source: { uri: doc.uri, range, text }, where: `${name}:${range.start.line + 1}` };
}

/** Reads the input; a PDF that cannot be read or a cancelled extraction is told once, here. */
export async function readInputOrSay(d: NlpDeps, args: LabArgs, o: ReadOptions = {}): Promise<Input | undefined> {
  try {
    return await readInput(d, args, o);
  } catch (err) {
    if (isCancellation(err)) return undefined;
    if (err instanceof PdfError || err instanceof InputError) void vscode.window.showWarningMessage(`AI Lab: ${err.message}`);
    else await d.log.showError('AI Lab: could not read the input', err);
    return undefined;
  }
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 90 ? `${flat.slice(0, 87)}…` : flat;
}

/**
 * For commands that ask something (a question, labels, a preset) before they run: when the input has
 * nothing visible, the refusal runLab gives (a warning and a failed entry in the results panel), now,
 * instead of the question. Undefined when the input has something to work on.
 */
export function refuseNothingToWorkOn(d: NlpDeps, task: LabTaskId, input: Input): Promise<LabOutput | undefined> | undefined {
  if (hasVisibleText(input.text)) return undefined;
  return runInPanel(d, task, readConfig().nlp.models[task], input, () => Promise.reject(new Error('not reached: runInPanel refuses input with nothing visible')));
}

/**
 * Runs one task through the core runner (src/core/lab/runLabTask.ts): the input is `input` (its text,
 * or a PDF's pages), the model and options are the request's (read from the settings by the caller).
 */
export function runLab(d: NlpDeps, input: Input, request: LabRequest, onEntry?: (id: string) => void): Promise<LabOutput | undefined> {
  const r = { ...request, what: input.what } as LabRequest;
  return runInPanel(
    d,
    r.task,
    requestModel(r),
    input,
    async (onStage, signal, onProgress, onPartial) => {
      // A remote model still loading (HTTP 503) is waited for with its estimated time as the progress message.
      const { runner, model } = await d.inference.runnerFor(r.task, requestModel(r), onStage, (w) => onProgress({ done: 0, total: 1, message: w.message }));
      // A translation without a model has one chosen for its pair (src/core/lab/translateRequest.ts).
      const chosen = r.task === 'translate' && !r.model ? undefined : model;
      return runLabTask({ ...r, model: chosen } as LabRequest, runner, { signal, onProgress, onPartial, modelRoots: localWorkspaceFolders() });
    },
    onEntry,
  );
}

export type PanelWork = (onStage: (s: Stage) => void, signal: AbortSignal, progress: (p: Progress) => void, onPartial: (t: string) => void) => Promise<LabOutput>;

/** Runs one task: progress notification with cancel, an entry in the results panel, errors shown once. */
export async function runInPanel(d: NlpDeps, task: LabTaskId, modelSetting: string, input: Input, work: PanelWork, onEntry?: (id: string) => void): Promise<LabOutput | undefined> {
  const def = LAB_TASKS[task];
  const cfg = readConfig();
  // The name shown (panel, progress, errors): a workspace folder's path from the workspace, never a temp path.
  const model = modelDisplayName(modelSetting, localWorkspaceFolders());
  const started = performance.now();
  const id = d.panel.start(
    { task, title: input.title ?? def.title, model, device: d.inference.lastDevice?.device ?? 'cpu', input: { excerpt: excerpt(input.text), length: input.text.length, where: input.where } },
    input.source,
  );
  onEntry?.(id);
  try {
    // Every command (Ask included) refuses text with nothing visible in it, before any progress is shown.
    requireVisibleText(input.text, input.what ?? 'the text');
    const output = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `AI Lab: ${def.title}`, cancellable: true },
      async (progress, token) => {
        const signal = toAbortSignal(token);
        const onStage = (s: Stage) => s.stage !== 'resolve' && progress.report({ message: stageMessage(s, model) });
        let last = 0;
        const onProgress = (p: Progress) => {
          const pct = p.total ? Math.floor((100 * p.done) / p.total) : 0;
          progress.report({ message: p.message, increment: Math.max(0, pct - last) });
          last = Math.max(last, pct);
        };
        return work(onStage, signal, onProgress, (t) => d.panel.partial(id, t));
      },
    );
    d.panel.finish(id, output, performance.now() - started);
    if (output.kind === 'labels' && cfg.nlp.statusMessage && output.labels[0]) {
      vscode.window.setStatusBarMessage(`$(beaker) AI Lab ${def.title}: ${output.labels[0].label} (${(output.labels[0].score * 100).toFixed(1)} %)`, 10_000);
    }
    return output;
  } catch (err) {
    if (isCancellation(err)) {
      d.panel.fail(id, 'Cancelled', true);
      return undefined;
    }
    const msg = err instanceof Error ? err.message : String(err);
    d.panel.fail(id, msg);
    // A model without ONNX weights: the button gets them (a Hub port, or an Optimum export) for this task.
    if (err instanceof ModelFilesError && / has no ONNX weights for transformers\.js/.test(msg)) {
      void vscode.window.showWarningMessage(`AI Lab: ${msg}`, 'Get ONNX Weights').then((p) => p && vscode.commands.executeCommand('aiLab.getOnnxWeights', { model: modelSetting, task }));
    } else if (err instanceof InputError || err instanceof PdfError || err instanceof ModelFilesError) void vscode.window.showWarningMessage(`AI Lab: ${msg}`);
    else await d.log.showError(`AI Lab: ${def.title} with ${modelDisplayName(model)} failed`, err);
    return undefined;
  }
}
