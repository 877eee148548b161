/** Commands of the Models, Datasets and Tasks views: search, filters, sort, paging, cards, previews. */
import { MODALITY_LABELS } from '@huggingface/tasks';
import * as vscode from 'vscode';
import type { ConfigInfo } from '../../core/hub/datasetViewer';
import { MODEL_SORTS, type DatasetQuery, type ModelQuery, type ModelSort } from '../../core/hub/hubApi';
import type { HubSession } from '../hubSession';
import type { Log } from '../log';
import type { DatasetNode, DatasetsTreeProvider } from '../views/datasetsTree';
import type { ModelsTreeProvider } from '../views/modelsTree';
import type { TasksTreeProvider } from '../views/tasksTree';
import type { DatasetPanels } from '../webviews/datasetPanel';
import type { ModelCardPanels } from '../webviews/modelCardPanel';

export interface HubBrowseDeps {
  session: HubSession;
  log: Log;
  models: ModelsTreeProvider;
  datasets: DatasetsTreeProvider;
  tasks: TasksTreeProvider;
  cards: ModelCardPanels;
  datasetPanels: DatasetPanels;
}

/** A repo id from a tree node, a { id } argument, or a string. */
export function repoIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const o = arg as { kind?: string; model?: { id?: string } | string; dataset?: { id?: string } | string; id?: string; repo?: { id?: string } } | undefined;
  if (!o) return undefined;
  if (o.kind === 'model' && typeof o.model === 'object') return o.model.id;
  if (o.kind === 'dataset' && typeof o.dataset === 'object') return o.dataset.id;
  if (o.kind === 'repo' && o.repo) return o.repo.id;
  return o.id;
}

const SORT_LABELS: Record<ModelSort, string> = { downloads: 'Most downloads', likes: 'Most likes', trending: 'Trending', lastModified: 'Recently updated' };
const LIBRARIES = ['transformers.js', 'onnx', 'transformers', 'sentence-transformers', 'gguf', 'diffusers', 'timm'];
const LICENSES = ['apache-2.0', 'mit', 'cc-by-4.0', 'cc-by-sa-4.0', 'bsd-3-clause', 'openrail', 'llama3', 'gemma', 'other'];
const SIZES = ['n<1K', '1K<n<10K', '10K<n<100K', '100K<n<1M', '1M<n<10M', '10M<n<100M', 'n>1B'];

async function pickSort(current: ModelSort | undefined): Promise<ModelSort | undefined> {
  const pick = await vscode.window.showQuickPick(
    MODEL_SORTS.map((s) => ({ label: SORT_LABELS[s], description: s === (current ?? 'downloads') ? 'current' : undefined, s })),
    { title: 'Sort by' },
  );
  return pick?.s;
}

/** A value from a list, "Any" to clear, or typed in. */
async function pickValue(title: string, options: string[], current: string | undefined, placeholder: string): Promise<string | null | undefined> {
  const items = [{ label: 'Any', value: null as string | null }, ...options.map((o) => ({ label: o, value: o as string | null, description: o === current ? 'current' : undefined })), { label: '$(edit) Other…', value: '' as string | null }];
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder: placeholder, matchOnDescription: true });
  if (!pick) return undefined;
  if (pick.value !== '') return pick.value;
  const typed = await vscode.window.showInputBox({ title, prompt: placeholder, value: current ?? '' });
  return typed === undefined ? undefined : typed.trim() || null;
}

interface FilterField<Q> {
  key: keyof Q & string;
  label: string;
  options: () => string[] | Promise<string[]>;
  placeholder?: string;
}

const LANGUAGES = ['en', 'fr', 'de', 'es', 'zh', 'ja', 'multilingual'];

/** Which filter to change, then its value: the query with it set (or cleared), undefined if dismissed. */
async function pickFilter<Q extends object>(what: string, fields: Array<FilterField<Q>>, q: Q): Promise<Q | undefined> {
  const current = (k: keyof Q) => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
  const which = await vscode.window.showQuickPick(
    fields.map((f) => ({ label: f.label, description: current(f.key) ?? 'any', f })),
    { title: `Filter ${what} by` },
  );
  if (!which) return undefined;
  const f = which.f;
  const v = await pickValue(`${what[0]!.toUpperCase()}${what.slice(1)}: ${f.label.toLowerCase()}`, await f.options(), current(f.key), f.placeholder ?? `A ${f.label.toLowerCase()} tag`);
  return v === undefined ? undefined : { ...q, [f.key]: v ?? undefined };
}

export function createHubBrowseCommands(d: HubBrowseDeps): Record<string, (...args: unknown[]) => unknown> {
  const setModels = (q: ModelQuery, taskLabel?: string) => d.models.setQuery(q, taskLabel);
  const taskPick = async (): Promise<{ id: string; label: string } | null | undefined> => {
    let tasks;
    try {
      tasks = await d.tasks.list();
    } catch (err) {
      await d.log.showError('AI Lab: could not list the Hub tasks', err);
      return undefined;
    }
      const labels = MODALITY_LABELS as Record<string, string>;
    type Item = vscode.QuickPickItem & { id?: string | null };
    const items: Item[] = [{ label: 'Any task', id: null }];
    for (const m of [...new Set(tasks.map((t) => t.modality))].sort()) {
      items.push({ label: labels[m] ?? m, kind: vscode.QuickPickItemKind.Separator });
      for (const t of tasks.filter((x) => x.modality === m)) items.push({ label: t.label, description: t.id, id: t.id });
    }
    const pick = await vscode.window.showQuickPick(items, { title: 'Filter models by task', matchOnDescription: true });
    if (!pick) return undefined;
    return pick.id ? { id: pick.id, label: pick.label } : null;
  };
  const focus = (view: string) => vscode.commands.executeCommand(`${view}.focus`);

  return {
    'aiLab.models.search': async (query?: unknown) => {
      await focus('aiLab.models');
      const q = typeof query === 'string' ? query : await vscode.window.showInputBox({ title: 'Search Hub models', prompt: 'Words in the model id (empty: all)', value: d.models.query.search ?? '' });
      if (q === undefined) return;
      await setModels({ ...d.models.query, search: q.trim() || undefined });
    },
    'aiLab.models.filterTask': async () => {
      await focus('aiLab.models');
      const t = await taskPick();
      if (t === undefined) return;
      await setModels({ ...d.models.query, task: t?.id }, t?.label);
    },
    'aiLab.models.filterByTask': async (taskId?: unknown) => {
      if (typeof taskId !== 'string') return;
      const label = (await d.tasks.list().catch(() => [])).find((t) => t.id === taskId)?.label;
      await focus('aiLab.models');
      await setModels({ ...d.models.query, task: taskId }, label);
    },
    'aiLab.models.filter': async () => {
      const q = await pickFilter<ModelQuery>(
        'models',
        [
          { key: 'library', label: 'Library', options: () => LIBRARIES },
          { key: 'author', label: 'Author', options: () => [], placeholder: 'A user or organization, e.g. Xenova' },
          { key: 'language', label: 'Language', options: () => LANGUAGES },
          { key: 'license', label: 'License', options: () => LICENSES },
        ],
        d.models.query,
      );
      if (q) await setModels(q);
    },
    'aiLab.models.sort': async () => {
      const s = await pickSort(d.models.query.sort);
      if (s) await setModels({ ...d.models.query, sort: s });
    },
    'aiLab.models.clearFilters': () => setModels({ sort: d.models.query.sort }, undefined),
    'aiLab.models.refresh': () => d.models.reload(),
    'aiLab.models.loadMore': () => d.models.loadMore(),
    'aiLab.models.openCard': (arg?: unknown) => {
      const id = repoIdOf(arg);
      return id ? d.cards.open(id, 'model') : undefined;
    },
    'aiLab.models.copyId': async (arg?: unknown) => {
      const id = repoIdOf(arg);
      if (id) await vscode.env.clipboard.writeText(id);
    },
    'aiLab.models.openOnHub': (arg?: unknown) => {
      const id = repoIdOf(arg);
      if (id) void vscode.env.openExternal(vscode.Uri.parse(`${d.session.endpoint()}/${id}`));
    },

    'aiLab.datasets.search': async (query?: unknown) => {
      await focus('aiLab.datasets');
      const q = typeof query === 'string' ? query : await vscode.window.showInputBox({ title: 'Search Hub datasets', prompt: 'Words in the dataset id (empty: all)', value: d.datasets.query.search ?? '' });
      if (q === undefined) return;
      await d.datasets.setQuery({ ...d.datasets.query, search: q.trim() || undefined });
    },
    'aiLab.datasets.filter': async () => {
      const q = await pickFilter<DatasetQuery>(
        'datasets',
        [
          { key: 'taskCategory', label: 'Task category', options: async () => (await d.tasks.list().catch(() => [])).map((t) => t.id) },
          { key: 'language', label: 'Language', options: () => LANGUAGES },
          { key: 'sizeCategory', label: 'Size category', options: () => SIZES },
          { key: 'license', label: 'License', options: () => LICENSES },
          { key: 'author', label: 'Author', options: () => [], placeholder: 'A user or organization' },
        ],
        d.datasets.query,
      );
      if (q) await d.datasets.setQuery(q);
    },
    'aiLab.datasets.sort': async () => {
      const s = await pickSort(d.datasets.query.sort);
      if (s) await d.datasets.setQuery({ ...d.datasets.query, sort: s });
    },
    'aiLab.datasets.clearFilters': () => d.datasets.setQuery({ sort: d.datasets.query.sort }),
    'aiLab.datasets.refresh': () => d.datasets.reload(),
    'aiLab.datasets.loadMore': () => d.datasets.loadMore(),
    'aiLab.datasets.openCard': (arg?: unknown) => {
      const id = repoIdOf(arg);
      return id ? d.cards.open(id, 'dataset') : undefined;
    },
    'aiLab.datasets.openOnHub': (arg?: unknown) => {
      const id = repoIdOf(arg);
      if (id) void vscode.env.openExternal(vscode.Uri.parse(`${d.session.endpoint()}/datasets/${id}`));
    },
    'aiLab.datasets.previewSplit': async (arg?: unknown) => {
      const n = arg as (DatasetNode & { kind: 'split' }) | { dataset?: string; config?: string; split?: string } | undefined;
      try {
        if (n && 'kind' in n && n.kind === 'split') return await d.datasetPanels.open(n.dataset, n.config, n.split.split);
        const dataset = n && 'dataset' in n && typeof n.dataset === 'string' ? n.dataset : await vscode.window.showInputBox({ title: 'Preview a dataset split', prompt: 'Dataset id, e.g. stanfordnlp/imdb' });
        if (!dataset) return;
        const configs = await d.datasets.configsOf(dataset);
        const byName = (c: ConfigInfo) => c.config === (n as { config?: string })?.config;
        const config = configs.find(byName) ?? (configs.length === 1 ? configs[0] : undefined);
        if (!config) throw new Error(`${dataset} has configs ${configs.map((c) => c.config).join(', ')}: name one`);
        const split = (n as { split?: string })?.split ?? config.splits[0]?.split;
        if (!split || !config.splits.some((s) => s.split === split)) throw new Error(`${dataset} (${config.config}) has no split ${split}; it has ${config.splits.map((s) => s.split).join(', ')}`);
        await d.datasetPanels.open(dataset, config, split);
      } catch (err) {
        await d.log.showError('AI Lab: could not preview the split', err);
      }
    },
    'aiLab.tasks.refresh': () => d.tasks.refresh(),
    'aiLab.signIn': async (token?: unknown) => {
      const user = await d.session.signIn(typeof token === 'string' ? token : undefined);
      if (user) {
        void d.models.reload();
        void d.datasets.reload();
      }
      return user?.name;
    },
    'aiLab.signOut': async () => {
      await d.session.signOut();
      void d.models.reload();
      void d.datasets.reload();
    },
  };
}
