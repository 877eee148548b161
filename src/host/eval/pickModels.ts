/**
 * Compare Models: the models (2–5 Hub ids or folders; the task's configured models preselected; typed ids
 * and folders added), and a classifier's label mapping, asked whenever it holds a guess or leaves a
 * dataset label unmapped: never applied silently.
 */
import * as vscode from 'vscode';
import type { EvalTask } from '../../core/eval/columns';
import { userLabelMapping, type DatasetLabel, type LabelMapping } from '../../core/eval/labels';
import type { ModelLabels } from '../../core/eval/modelFacts';
import { modelLabels as listModelLabels } from '../../core/eval/labels';
import type { LabTaskId } from '../../core/nlp/tasks';
import { readConfig } from '../config';

export const MIN_MODELS = 2;
export const MAX_MODELS = 5;

/** The lab task whose backend and settings a compared model uses. */
export const LAB_TASK_OF: Record<EvalTask, LabTaskId> = {
  'text-classification': 'sentiment',
  'zero-shot-classification': 'zeroShot',
  'question-answering': 'qa',
  summarization: 'summarize',
  translation: 'translate',
};

/** The configured models of the lab tasks that run `task` (text classification: sentiment, grammar, QNLI). */
export function configuredModels(task: EvalTask): string[] {
  const m = readConfig().nlp.models;
  const ids: LabTaskId[] = task === 'text-classification' ? ['sentiment', 'grammar', 'qnli'] : [LAB_TASK_OF[task]];
  return [...new Set(ids.map((id) => m[id]))];
}

type ModelItem = vscode.QuickPickItem & { model: string };

/**
 * The models to compare. `preset` (the Models view's selection) is taken as it is when it holds 2–5;
 * otherwise a multi-select of the configured models (the first two checked), where a typed id or path is
 * added as an item and the title button adds a folder. Refuses fewer than 2 or more than 5 (says so, asks again).
 */
export async function pickModels(task: EvalTask, preset?: string[]): Promise<string[] | undefined> {
  if (preset && preset.length >= MIN_MODELS && preset.length <= MAX_MODELS) return preset;
  const known = [...new Set([...(preset ?? []), ...configuredModels(task)])];
  const qp = vscode.window.createQuickPick<ModelItem>();
  qp.title = `AI Lab: models to compare (${MIN_MODELS}–${MAX_MODELS})`;
  qp.placeholder = 'Check 2–5 models; type a Hub id or a folder path to add it';
  qp.canSelectMany = true;
  qp.ignoreFocusOut = true;
  const folderButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('folder-opened'), tooltip: 'Add a Local Model Folder…' };
  qp.buttons = [folderButton];
  let items: ModelItem[] = known.map((model) => ({ label: model, description: preset?.includes(model) ? 'selected in the Models view' : 'configured', model }));
  qp.items = items;
  qp.selectedItems = preset?.length ? items.filter((i) => preset.includes(i.model)) : items.slice(0, MIN_MODELS);
  const add = (model: string, description: string) => {
    const keep = qp.selectedItems;
    if (!items.some((i) => i.model === model)) items = [...items, { label: model, description, model, alwaysShow: true }];
    qp.items = items;
    qp.selectedItems = [...keep.filter((k) => k.model !== model), items.find((i) => i.model === model)!];
  };
  return new Promise<string[] | undefined>((resolve) => {
    qp.onDidTriggerButton(async () => {
      const dir = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Add This Model Folder' });
      if (dir?.[0]) add(dir[0].fsPath, 'folder');
      qp.show();
    });
    qp.onDidAccept(() => {
      // A typed value that is no item yet: add it (checked), and let the user accept again.
      const typed = qp.value.trim();
      if (typed && !items.some((i) => i.model === typed)) {
        add(typed, 'typed');
        qp.value = '';
        return;
      }
      const chosen = qp.selectedItems.map((i) => i.model);
      if (chosen.length < MIN_MODELS || chosen.length > MAX_MODELS) {
        void vscode.window.showWarningMessage(`AI Lab: check ${MIN_MODELS} to ${MAX_MODELS} models to compare (${chosen.length} checked).`);
        return;
      }
      resolve(chosen);
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

/**
 * A classifier's label mapping: the suggestion as it stands when every dataset label has a named match;
 * otherwise one QuickPick per dataset label (the suggested model label preselected, a positional one
 * marked "guess by position"), the answers becoming a user mapping (userLabelMapping).
 * Undefined when the user leaves.
 */
export async function confirmLabelMapping(model: string, datasetLabels: DatasetLabel[], labels: ModelLabels, suggested: LabelMapping): Promise<LabelMapping | undefined> {
  if (!suggested.hasGuess && !suggested.unmappedDataset.length) return suggested;
  const modelLabels = listModelLabels(labels.id2label);
  const choice: Record<string, string> = {};
  for (const [i, d] of datasetLabels.entries()) {
    const pair = suggested.pairs.find((p) => p.dataset.name === d.name);
    type Item = vscode.QuickPickItem & { label2?: string };
    const taken = new Set(Object.values(choice));
    const items: Item[] = modelLabels
      .filter((m) => !taken.has(m.label))
      .map((m) => ({ label: m.label, label2: m.label, description: m.label === pair?.model ? (pair.guess ? 'guess by position' : `suggested (${pair.how})`) : `id ${m.id}` }));
    items.push({ label: '(no model label)', description: 'examples with this label always count as wrong' });
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = `AI Lab: ${model}: label ${i + 1} of ${datasetLabels.length}`;
    qp.placeholder = `The model's label for the dataset's "${d.name}"${pair?.guess ? ' (the suggestion is a guess by position: check it)' : ''}`;
    qp.items = items;
    qp.ignoreFocusOut = true;
    const pre = items.find((it) => it.label2 === pair?.model);
    if (pre) qp.activeItems = [pre];
    const picked = await new Promise<Item | undefined>((resolve) => {
      qp.onDidAccept(() => resolve(qp.selectedItems[0] ?? qp.activeItems[0]));
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    if (!picked) return undefined;
    if (picked.label2) choice[d.name] = picked.label2;
  }
  return userLabelMapping(choice, datasetLabels, labels.id2label);
}
