import * as vscode from 'vscode';
import { parseLabels } from '../../core/nlp/classify';
import { checkHypothesisTemplate } from '../../core/nlp/hypothesis';
import { batchSizeFor, LAB_TASKS, type LabTaskId } from '../../core/nlp/tasks';
import { readConfig } from '../config';
import { labArgs, readInputOrSay, refuseNothingToWorkOn, runLab, type Input, type LabArgs, type NlpDeps } from './labRun';

export type { LabArgs, NlpDeps } from './labRun';

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

type Preset = NonNullable<LabArgs['preset']>;

const TEMPLATE_SETTING = 'aiLab.zeroShot.hypothesisTemplate';

/** False, after saying why (with a way to the setting), when the hypothesis template has no {}. */
function templateOrSay(): boolean {
  try {
    checkHypothesisTemplate(readConfig().nlp.hypothesisTemplate, `the setting ${TEMPLATE_SETTING}`);
    return true;
  } catch (err) {
    const open = 'Open Setting';
    // Not awaited: the command ends now, the notification stays until it is answered.
    void vscode.window.showWarningMessage(`AI Lab: ${(err as Error).message}`, open).then((pick) => {
      if (pick === open) void vscode.commands.executeCommand('workbench.action.openSettings', TEMPLATE_SETTING);
    });
    return false;
  }
}

export async function pickSummaryPreset(title: string): Promise<Preset | undefined> {
  const presets = readConfig().nlp.presets;
  const pick = await vscode.window.showQuickPick(
    [
      ...(['short', 'medium', 'long'] as const).map((id) => ({ label: id[0]!.toUpperCase() + id.slice(1), id, description: `${presets[id].minNewTokens}–${presets[id].maxNewTokens} tokens` })),
      { label: 'Extractive', id: 'extractive' as const, description: 'the most central sentences, verbatim' },
    ],
    { title, placeHolder: 'Length, or extractive' },
  );
  return pick?.id;
}

/** Summarizes the input; PDF input is summarized by page sections, and every part says its pages. */
export function runSummary(d: NlpDeps, input: Input, preset: Preset) {
  const c = readConfig().nlp;
  const doc = input.pdf?.doc;
  if (preset === 'extractive') {
    const options = { sentences: c.extractiveSentences, ratio: c.extractiveRatio, batchSize: batchSizeFor('extractive', c.batchSize) };
    return runLab(d, input, { task: 'extractive', model: c.models.extractive, text: input.text, doc, options });
  }
  return runLab(d, input, { task: 'summarize', model: c.models.summarize, text: input.text, doc, options: { preset: c.presets[preset], chunkTokens: c.chunkTokens } });
}

export function createNlpCommands(d: NlpDeps): Record<string, (args?: unknown) => unknown> {
  const cfg = () => readConfig().nlp;
  const classify = (task: 'sentiment' | 'grammar') => async (a: unknown) => {
    const input = await readInputOrSay(d, labArgs(a, d));
    if (!input) return undefined;
    const c = cfg();
    return runLab(d, input, { task, model: c.models[task], text: input.text, options: { maxTokens: c.maxTokensPerPart, batchSize: c.batchSize, labelMap: labelMapFor(c.models[task], task) } });
  };
  return {
    'aiLab.classifySentiment': classify('sentiment'),
    'aiLab.checkGrammar': classify('grammar'),
    'aiLab.checkEntailment': async (a) => {
      const args = labArgs(a, d);
      const input = await readInputOrSay(d, args);
      if (!input) return undefined;
      const refused = refuseNothingToWorkOn(d, 'qnli', input);
      if (refused) return refused;
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
      const c = cfg();
      return runLab(d, input, { task: 'qnli', model: c.models.qnli, text: input.text, question, options: { maxTokens: c.maxTokensPerPart, batchSize: c.batchSize } });
    },
    'aiLab.classifyZeroShot': async (a) => {
      const args = labArgs(a, d);
      if (!templateOrSay()) return undefined;
      const input = await readInputOrSay(d, args);
      if (!input) return undefined;
      const refused = refuseNothingToWorkOn(d, 'zeroShot', input);
      if (refused) return refused;
      const labels = args.labels ?? (await askLabels(d));
      if (!labels?.length) return undefined;
      const c = cfg();
      const options = { multiLabel: c.multiLabel, hypothesisTemplate: c.hypothesisTemplate, maxTokens: c.maxTokensPerPart, batchSize: batchSizeFor('zeroShot', c.batchSize) };
      return runLab(d, input, { task: 'zeroShot', model: c.models.zeroShot, text: input.text, labels, options });
    },
    'aiLab.summarize': async (a) => {
      const args = labArgs(a, d);
      const input = await readInputOrSay(d, args);
      if (!input) return undefined;
      const refused = refuseNothingToWorkOn(d, 'summarize', input);
      if (refused) return refused;
      const preset = args.preset ?? (await pickSummaryPreset('AI Lab: Summarize'));
      return preset && runSummary(d, input, preset);
    },
    'aiLab.continueText': async (a) => {
      const input = await readInputOrSay(d, labArgs(a, d));
      if (!input) return undefined;
      const c = cfg();
      return runLab(d, input, { task: 'generate', model: c.models.generate, text: input.text, options: c.generate });
    },
    'aiLab.showResults': () => d.panel.show(),
  };
}
