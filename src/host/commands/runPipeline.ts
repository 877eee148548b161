import * as vscode from 'vscode';
import { summarizeOutput } from '../../core/inference/defaults';
import { PIPELINE_TASKS } from '../../core/nlp/tasks';
import { pipelineInputs } from '../../core/inference/taskInputs';
import { hasVisibleText } from '../../core/text/visible';
import { stageMessage, type InferenceHost, type PipelineResult } from '../inferenceHost';
import type { Log } from '../log';
import { toAbortSignal } from '../cancellation';
import { modelDisplayName } from '../../core/inference/modelName';

export interface RunPipelineArgs {
  task?: string;
  model?: string;
  text?: string;
  labels?: string[];
  question?: string;
}

/** The selection, or the whole document when nothing is selected. */
export function selectedText(): string {
  const e = vscode.window.activeTextEditor;
  if (!e) return '';
  return e.selection.isEmpty ? e.document.getText() : e.document.getText(e.selection);
}

/** "AI Lab: Run Model on Selection…": task, model, then a cancellable progress notification. */
export async function runPipelineCommand(
  host: InferenceHost,
  log: Log,
  state: vscode.Memento,
  args: RunPipelineArgs = {},
): Promise<PipelineResult | undefined> {
  const text = args.text ?? selectedText();
  if (!hasVisibleText(text)) {
    const editor = vscode.window.activeTextEditor;
    const what = args.text !== undefined ? 'The text given' : !editor ? undefined : editor.selection.isEmpty ? 'The document' : 'The selection';
    const why = what ? `${what} ${text ? 'has no visible text' : 'is empty'}: nothing to work on. ` : '';
    void vscode.window.showWarningMessage(`AI Lab: ${why}Select some text, or open a document that has text, to run a model on it.`);
    return undefined;
  }
  const task =
    args.task ??
    (
      await vscode.window.showQuickPick(
        Object.entries(PIPELINE_TASKS).map(([id, t]) => ({ id, label: t.label, description: id })),
        { title: 'AI Lab: Run Model on Selection', placeHolder: 'Task' },
      )
    )?.id;
  if (!task) return undefined;
  const model =
    args.model ??
    (await vscode.window.showInputBox({
      title: `AI Lab: model for ${task}`,
      ignoreFocusOut: true,
      prompt: 'A Hugging Face Hub id with ONNX weights (org/name) or a local folder in transformers.js layout',
      value: state.get<string>(`aiLab.lastModel.${task}`) ?? PIPELINE_TASKS[task]?.defaultModel ?? '',
      validateInput: (v) => (v.trim() ? undefined : 'Name a model'),
    }));
  if (!model) return undefined;
  let labels = args.labels;
  if (task === 'zero-shot-classification' && !labels) {
    const raw = await vscode.window.showInputBox({ title: 'Candidate labels', prompt: 'Comma-separated', value: state.get<string>('aiLab.lastLabels') ?? '' });
    if (!raw) return undefined;
    labels = raw.split(',').map((s) => s.trim()).filter(Boolean);
    await state.update('aiLab.lastLabels', raw);
  }
  let question = args.question;
  if (task === 'question-answering' && !question) {
    question = await vscode.window.showInputBox({ title: 'Question', prompt: 'Asked of the selected text' });
    if (!question) return undefined;
  }
  let inputs: unknown[];
  try {
    inputs = pipelineInputs(task, { text, labels, question });
  } catch (err) {
    void vscode.window.showErrorMessage(`AI Lab: ${(err as Error).message}`);
    return undefined;
  }
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `AI Lab: ${task}`, cancellable: true },
      async (progress, token) => {
        const signal = toAbortSignal(token);
        let shownPct = 0;
        return host.run({ task, model: model.trim(), inputs }, signal, (s) => {
          if (s.stage !== 'download') progress.report({ message: stageMessage(s, model) });
          else {
            const p = s.progress;
            const pct = p.totalBytes ? Math.floor((100 * p.doneBytes) / p.totalBytes) : 100;
            progress.report({ message: stageMessage(s, model), increment: Math.max(0, pct - shownPct) });
            shownPct = Math.max(shownPct, pct);
          }
        });
      },
    );
    await state.update(`aiLab.lastModel.${task}`, model.trim());
    void vscode.window.showInformationMessage(
      `AI Lab: ${summarizeOutput(result.output)} — ${modelDisplayName(model)} on ${result.device.device.toUpperCase()}, ${Math.round(result.runMs)} ms`,
    );
    return result;
  } catch (err) {
    // A model without ONNX weights: the button gets them (a Hub port, or an Optimum export) for this pipeline.
    if (err instanceof Error && / has no ONNX weights for transformers\.js/.test(err.message)) {
      log.warn(err.message);
      void vscode.window.showWarningMessage(`AI Lab: ${err.message}`, 'Get ONNX Weights').then((p) => p && vscode.commands.executeCommand('aiLab.getOnnxWeights', { model: model.trim(), pipeline: task }));
    } else await log.showError(`AI Lab: ${task} with ${modelDisplayName(model)} failed`, err);
    return undefined;
  }
}
