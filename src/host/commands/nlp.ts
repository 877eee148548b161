import * as vscode from 'vscode';
import { classifyText, parseLabels, qnli, zeroShot } from '../../core/nlp/classify';
import { continueText } from '../../core/nlp/generate';
import { checkHypothesisTemplate } from '../../core/nlp/hypothesis';
import { extractiveSummary, summarize } from '../../core/nlp/summarize';
import { LAB_TASKS, type LabTaskId } from '../../core/nlp/tasks';
import { readConfig } from '../config';
import { summarizePages, withPageRefs } from '../../core/pdf/summarizePages';
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
  const cfg = () => readConfig().nlp;
  const pdf = input.pdf;
  if (preset === 'extractive') {
    return runLab(d, 'extractive', input, async (runner, text, signal, onProgress) => {
      const c = cfg();
      const out = await extractiveSummary({ runner, model: c.models.extractive, text, sentences: c.extractiveSentences || undefined, ratio: c.extractiveRatio, batchSize: c.batchSize * 2, signal, onProgress });
      return pdf ? { ...out, text: withPageRefs(pdf.doc, out.sentences) } : out;
    });
  }
  return runLab(d, 'summarize', input, (runner, text, signal, onProgress, onPartial) => {
    const c = cfg();
    const common = { runner, model: c.models.summarize, preset: c.presets[preset], chunkTokens: c.chunkTokens, signal, onProgress, onPartial };
    return pdf ? summarizePages({ ...common, doc: pdf.doc }) : summarize({ ...common, text });
  });
}

export function createNlpCommands(d: NlpDeps): Record<string, (args?: unknown) => unknown> {
  const cfg = () => readConfig().nlp;
  const classify = (task: 'sentiment' | 'grammar') => async (a: unknown) => {
    const input = await readInputOrSay(d, labArgs(a, d));
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
      return runLab(d, 'qnli', input, (runner, text, signal, onProgress) => qnli({ runner, model: cfg().models.qnli, text, question, maxTokens: cfg().maxTokensPerPart, batchSize: cfg().batchSize, signal, onProgress }));
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
      return runLab(d, 'zeroShot', input, (runner, text, signal, onProgress) => {
        const c = cfg();
        return zeroShot({ runner, model: c.models.zeroShot, text, labels, multiLabel: c.multiLabel, hypothesisTemplate: c.hypothesisTemplate, maxTokens: c.maxTokensPerPart, batchSize: Math.max(1, Math.floor(c.batchSize / 2)), signal, onProgress });
      });
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
      return runLab(d, 'generate', input, (runner, text, signal, _progress, onPartial) => {
        const g = cfg().generate;
        return continueText({ runner, model: cfg().models.generate, prompt: text, maxNewTokens: g.maxNewTokens, doSample: g.doSample, temperature: g.temperature, topK: g.topK, topP: g.topP, signal, onPartial });
      });
    },
    'aiLab.showResults': () => d.panel.show(),
  };
}
