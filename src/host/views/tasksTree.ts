import { MODALITY_LABELS } from '@huggingface/tasks';
import * as vscode from 'vscode';
import type { HubTask } from '../../core/hub/hubApi';
import type { HubSession } from '../hubSession';
import { isOffline } from './hubPages';

export type TaskNode = { kind: 'modality'; id: string; label: string; tasks: HubTask[] } | { kind: 'task'; task: HubTask } | { kind: 'message'; text: string };

/** /api/tasks grouped by modality; a task opens the Models view filtered on it. */
export class TasksTreeProvider implements vscode.TreeDataProvider<TaskNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TaskNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private tasks: HubTask[] | string | undefined;

  constructor(private readonly session: HubSession) {}

  refresh(): void {
    this.tasks = undefined;
    this.emitter.fire(undefined);
  }

  /** The Hub's tasks, fetched once (for the Models view's task filter too). */
  async list(): Promise<HubTask[]> {
    if (Array.isArray(this.tasks)) return this.tasks;
    const tasks = await (await this.session.client()).tasks();
    this.tasks = tasks;
    return tasks;
  }

  getTreeItem(n: TaskNode): vscode.TreeItem {
    if (n.kind === 'message') {
      const item = new vscode.TreeItem(n.text);
      item.iconPath = new vscode.ThemeIcon('error');
      return item;
    }
    if (n.kind === 'modality') {
      const item = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `modality:${n.id}`;
      item.description = String(n.tasks.length);
      return item;
    }
    const item = new vscode.TreeItem(n.task.label);
    item.id = `task:${n.task.id}`;
    item.description = n.task.libraries.includes('transformers.js') ? `${n.task.id} · transformers.js` : n.task.id;
    item.tooltip = n.task.summary ?? n.task.id;
    item.iconPath = new vscode.ThemeIcon('symbol-event');
    item.command = { command: 'aiLab.models.filterByTask', title: 'Show Models for Task', arguments: [n.task.id] };
    return item;
  }

  async getChildren(n?: TaskNode): Promise<TaskNode[]> {
    if (n) return n.kind === 'modality' ? n.tasks.map((task) => ({ kind: 'task', task })) : [];
    let tasks: HubTask[];
    try {
      tasks = await this.list();
    } catch (err) {
      const msg = (err as Error).message;
      return isOffline(msg) ? [] : [{ kind: 'message', text: msg }];
    }
      const labels = MODALITY_LABELS as Record<string, string>;
    const ids = [...new Set(tasks.map((t) => t.modality))].sort((a, b) => (labels[a] ?? a).localeCompare(labels[b] ?? b));
    return ids.map((id) => ({ kind: 'modality', id, label: labels[id] ?? id, tasks: tasks.filter((t) => t.modality === id) }));
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
