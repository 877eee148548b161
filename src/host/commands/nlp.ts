import * as vscode from 'vscode';
import { classifyText, parseLabels, qnli, zeroShot } from '../../core/nlp/classify';
import { continueText } from '../../core/nlp/generate';
import type { LabOutput, Progress, TaskRunner } from '../../core/nlp/runner';
import { extractiveSummary, summarize } from '../../core/nlp/summarize';
import { LAB_TASKS, type LabTaskId } from '../../core/nlp/tasks';
import { InputError } from '../../core/text/chunks';
import { readConfig } from '../config';
import { stageMessage, type InferenceHost, type Stage } from '../inferenceHost';
import { isCancellation, type Log } from '../log';
import type { InputSource, ResultsPanel } from '../webviews/resultsPanel';
import { toAbortSignal } from '../cancellation';

/** Arguments a caller (a test, a keybinding, another extension) may pass instead of being asked. */
export interface LabArgs {
  text?: string;
  question?: string;
  labels?: string[];
  preset?: 'short' | 'medium' | 'long' | 'extractive';
}

export interface NlpDeps {
  inference: InferenceHost;
  panel: ResultsPanel;
  log: Log;
  globalState: vscode.Memento;
  workspaceState: vscode.Memento;
}

interface Input {
  text: string;
  source?: InputSource;
  where?: string;
}

/** The selection, or the whole document when nothing is selected; or the text a caller passed. */
function readInput(args: LabArgs): Input | undefined {
  if (args.text !== undefined) return { text: args.text };
  const e = vscode.window.activeTextEditor;
  if (!e) {
    void vscode.window.showWarningMessage('AI Lab: open a document, or select some text, first.');
    return undefined;
  }
  const doc = e.document;
  const range = e.selection.isEmpty ? new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)) : new vscode.Range(e.selection.start, e.selection.end);
  const text = doc.getText(range);
  const name = doc.uri.path.split('/').pop() ?? doc.uri.toString();
  return { text, source: { uri: doc.uri, range, text }, where: `${name}:${range.start.line + 1}` };
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 90 ? `${flat.slice(0, 87)}…` : flat;
}

/** Runs one task: progress notification with cancel, an entry in the results panel, errors shown once. */
async function runLab(
  d: NlpDeps,
  task: LabTaskId,
  input: Input,
  work: (runner: TaskRunner, text: string, signal: AbortSignal, progress: (p: Progress) => void, onPartial: (t: string) => void) => Promise<LabOutput>,
): Promise<LabOutput | undefined> {
  const def = LAB_TASKS[task];
  const cfg = readConfig();
  const model = cfg.nlp.models[task];
  const started = performance.now();
  const id = d.panel.start(
    { task, title: def.title, model, device: d.inference.lastDevice?.device ?? 'cpu', input: { excerpt: excerpt(input.text), length: input.text.length, where: input.where } },
    input.source,
  );
  try {
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
        return work(d.inference.taskRunner(onStage), input.text, signal, onProgress, (t) => d.panel.partial(id, t));
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
    if (err instanceof InputError) void vscode.window.showWarningMessage(`AI Lab: ${msg}`);
    else await d.log.showError(`AI Lab: ${def.title} with ${model} failed`, err);
    return undefined;
  }
}

async function askLabels(d: NlpDeps): Promise<string[] | undefined> {
  const recent = d.globalState.get<string[]>('aiLab.recentLabelSets') ?? [];
  const NEW = '$(add) New set of labels…';
  const pick = recent.length
    ? await vscode.window.showQuickPick([NEW, ...recent], { title: 'AI Lab: Classify Into Categories', placeHolder: 'Labels to choose from' })
    : NEW;
  if (!pick) return undefined;
  const raw =
    pick === NEW
      ? await vscode.window.showInputBox({
          title: 'AI Lab: labels',
          ignoreFocusOut: true,
          prompt: 'Comma-separated labels, e.g. Billing Question, Product Feedback, Technical Support',
          validateInput: (v) => {
            try {
              parseLabels(v);
              return undefined;
            } catch (err) {
              return (err as Error).message;
            }
          },
        })
      : pick;
  if (!raw) return undefined;
  const labels = parseLabels(raw);
  await d.globalState.update('aiLab.recentLabelSets', [labels.join(', '), ...recent.filter((r) => r !== labels.join(', '))].slice(0, 5));
  return labels;
}

function labelMapFor(model: string, task: LabTaskId): Record<string, string> | undefined {
  return readConfig().nlp.labelMaps[model] ?? LAB_TASKS[task].labelMap;
}

export function createNlpCommands(d: NlpDeps): Record<string, (args?: unknown) => unknown> {
  const cfg = () => readConfig().nlp;
  const classify = (task: 'sentiment' | 'grammar') => async (a: unknown) => {
    const input = readInput((a ?? {}) as LabArgs);
    if (!input) return undefined;
    return runLab(d, task, input, (runner, text, signal, onProgress) => {
      const c = cfg();
      return classifyText({ runner, model: c.models[task], text, maxTokens: c.maxTokensPerPart, batchSize: c.batchSize, labelMap: labelMapFor(c.models[task], task), signal, onProgress });
    });
  };
  return {
    'aiLab.classifySentiment': classify('sentiment'),
    'aiLab.checkGrammar': classify('grammar'),
    'aiLab.checkEntailment': async (a) => {
      const args = (a ?? {}) as LabArgs;
      const input = readInput(args);
      if (!input) return undefined;
      const question =
        args.question ??
        (await vscode.window.showInputBox({
          title: 'AI Lab: Check Answer Entailment',
          ignoreFocusOut: true,
          prompt: 'The question the selected text should answer',
          value: d.workspaceState.get<string>('aiLab.lastQuestion') ?? '',
          validateInput: (v) => (v.trim() ? undefined : 'Type a question'),
        }));
      if (!question) return undefined;
      await d.workspaceState.update('aiLab.lastQuestion', question);
      return runLab(d, 'qnli', input, (runner, text, signal, onProgress) => qnli({ runner, model: cfg().models.qnli, text, question, maxTokens: cfg().maxTokensPerPart, batchSize: cfg().batchSize, signal, onProgress }));
    },
    'aiLab.classifyZeroShot': async (a) => {
      const args = (a ?? {}) as LabArgs;
      const input = readInput(args);
      if (!input) return undefined;
      const labels = args.labels ?? (await askLabels(d));
      if (!labels?.length) return undefined;
      return runLab(d, 'zeroShot', input, (runner, text, signal, onProgress) => {
        const c = cfg();
        return zeroShot({ runner, model: c.models.zeroShot, text, labels, multiLabel: c.multiLabel, hypothesisTemplate: c.hypothesisTemplate, maxTokens: c.maxTokensPerPart, batchSize: Math.max(1, Math.floor(c.batchSize / 2)), signal, onProgress });
      });
    },
    'aiLab.summarize': async (a) => {
      const args = (a ?? {}) as LabArgs;
      const input = readInput(args);
      if (!input) return undefined;
      const preset =
        args.preset ??
        (
          await vscode.window.showQuickPick(
            [
              ...(['short', 'medium', 'long'] as const).map((id) => ({
                label: id[0]!.toUpperCase() + id.slice(1),
                id,
                description: `${cfg().presets[id].minNewTokens}–${cfg().presets[id].maxNewTokens} tokens`,
              })),
              { label: 'Extractive', id: 'extractive' as const, description: 'the most central sentences, verbatim' },
            ],
            { title: 'AI Lab: Summarize', placeHolder: 'Length, or extractive' },
          )
        )?.id;
      if (!preset) return undefined;
      if (preset === 'extractive') {
        return runLab(d, 'extractive', input, (runner, text, signal, onProgress) => {
          const c = cfg();
          return extractiveSummary({ runner, model: c.models.extractive, text, sentences: c.extractiveSentences || undefined, ratio: c.extractiveRatio, batchSize: c.batchSize * 2, signal, onProgress });
        });
      }
      return runLab(d, 'summarize', input, (runner, text, signal, onProgress, onPartial) =>
        summarize({ runner, model: cfg().models.summarize, text, preset: cfg().presets[preset], chunkTokens: cfg().chunkTokens, signal, onProgress, onPartial }),
      );
    },
    'aiLab.continueText': async (a) => {
      const input = readInput((a ?? {}) as LabArgs);
      if (!input) return undefined;
      return runLab(d, 'generate', input, (runner, text, signal, _progress, onPartial) => {
        const g = cfg().generate;
        return continueText({ runner, model: cfg().models.generate, prompt: text, maxNewTokens: g.maxNewTokens, doSample: g.doSample, temperature: g.temperature, topK: g.topK, topP: g.topP, signal, onPartial });
      });
    },
    'aiLab.showResults': () => d.panel.show(),
  };
}
