import * as vscode from 'vscode';
import { cachedModelIds } from '../../core/hub/cacheLayout';
import { LAB_TASKS, type LabTaskId } from '../../core/nlp/tasks';
import { readConfig } from '../config';
import type { HubSession } from '../hubSession';
import type { Log } from '../log';
import { modelDisplayName } from '../../core/inference/modelName';

interface ModelPick extends vscode.QuickPickItem {
  model?: string;
  action?: 'search' | 'folder';
}

/** "AI Lab: Choose Model for Task": configured, default, cached, a Hub search by task, or a folder. */
export async function chooseModelCommand(log: Log, session: HubSession, args?: { task?: LabTaskId; model?: string }): Promise<string | undefined> {
  const taskId =
    args?.task ??
    (await vscode.window.showQuickPick(
      (Object.keys(LAB_TASKS) as LabTaskId[]).map((id) => ({ label: LAB_TASKS[id].title, description: readConfig().nlp.models[id], id })),
      { title: 'AI Lab: Choose Model for Task', placeHolder: 'Task' },
    ))?.id;
  if (!taskId) return undefined;
  const task = LAB_TASKS[taskId];
  let model = args?.model;
  if (!model) {
    const current = readConfig().nlp.models[taskId];
    const items: ModelPick[] = [
      { label: current, description: 'configured', model: current },
      ...(current !== task.defaultModel ? [{ label: task.defaultModel, description: 'default', model: task.defaultModel }] : []),
      { label: 'In the Hugging Face cache', kind: vscode.QuickPickItemKind.Separator },
      ...cachedModelIds(session.cacheDir()).filter((id) => id !== current).map((id) => ({ label: id, description: 'cached', model: id })),
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(search) Search the Hub…', description: `${task.pipeline}, transformers.js`, action: 'search' as const },
      { label: '$(folder) Local folder…', description: 'transformers.js layout', action: 'folder' as const },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: `AI Lab: model for ${task.title}` });
    if (!pick) return undefined;
    if (pick.action === 'folder') {
      const dir = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Use This Model Folder' });
      model = dir?.[0]?.fsPath;
    } else if (pick.action === 'search') {
      model = await searchHub(task.pipeline, log, session);
    } else {
      model = pick.model;
    }
  }
  if (!model) return undefined;
  await vscode.workspace.getConfiguration('aiLab').update(`models.${taskId}`, model, vscode.ConfigurationTarget.Global);
  void vscode.window.showInformationMessage(`AI Lab: ${task.title} now uses ${modelDisplayName(model)}.`);
  return model;
}

async function searchHub(pipeline: string, log: Log, session: HubSession): Promise<string | undefined> {
  const query = await vscode.window.showInputBox({ title: 'Search the Hugging Face Hub', prompt: `Models for ${pipeline} with ONNX weights for transformers.js (empty: most downloaded)` });
  if (query === undefined) return undefined;
  let found: ModelPick[];
  try {
    found = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'AI Lab: searching the Hub…', cancellable: false }, async () => {
      const task = pipeline === 'text-pair-classification' ? 'text-classification' : pipeline;
      const page = await (await session.client()).searchModels({ search: query || undefined, task, library: 'transformers.js', sort: 'downloads', limit: 30 });
      return page.items.map((m) => ({ label: m.id, description: `${m.downloads.toLocaleString('en-US')} downloads · ${m.likes} likes`, model: m.id }));
    });
  } catch (err) {
    await log.showError('AI Lab: searching the Hub failed (offline? set aiLab.hubEndpoint for a mirror)', err);
    return undefined;
  }
  if (!found.length) {
    void vscode.window.showInformationMessage(`AI Lab: no transformers.js model for ${pipeline} matches "${query}".`);
    return undefined;
  }
  return (await vscode.window.showQuickPick(found, { title: 'Hub models with ONNX weights', matchOnDescription: true }))?.model;
}
