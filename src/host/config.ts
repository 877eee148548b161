import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeviceSetting } from '../core/inference/device';
import type { Dtype } from '../core/inference/modelFiles';
import { BATCH_SIZE, CLASSIFY_DEFAULTS, DEFAULT_PRESETS, GENERATE_DEFAULTS, LAB_TASKS, QA_DEFAULTS, SUMMARY_DEFAULTS, TRANSLATE_DEFAULTS, ZERO_SHOT_DEFAULTS, type LabTaskId, type SummaryPreset } from '../core/nlp/tasks';
import { findCudaLibraryDirs, withLibraryPath } from '../core/onnx/cudaLibraries';
import { resolveGuarded, type GuardedKey, type SettingOrigin } from '../core/settings/guarded';
import { isInsideAny, looksLikePath, resolveSettingPath } from '../core/settings/workspacePaths';

/** Typed view of the `aiLab.*` settings. */
export interface AiLabConfig {
  gpuPollSeconds: number;
  nvidiaSmiPath: string;
  nvidiaSmiTimeoutSeconds: number;
  statusBarEnabled: boolean;
  statusBarShowWhenNoGpu: boolean;
  device: DeviceSetting;
  dtype: Dtype;
  hubEndpoint: string;
  hubOffline: boolean;
  datasetsServerEndpoint: string;
  modelCardRemoteImages: boolean;
  idleUnloadMinutes: number;
  cudaProviderFeed: string;
  cudaLibraryPaths: string[];
  pythonPaths: string[];
  modelDtypes: Record<string, Dtype>;
  nlp: NlpConfig;
  /** Where each guarded setting's value came from (user, workspace, default): shown in the Environment view. */
  origins: Record<GuardedKey, SettingOrigin>;
}

export interface NlpConfig {
  models: Record<LabTaskId, string>;
  labelMaps: Record<string, Record<string, string>>;
  hypothesisTemplate: string;
  multiLabel: boolean;
  presets: Record<'short' | 'medium' | 'long', SummaryPreset>;
  extractiveSentences: number;
  extractiveRatio: number;
  chunkTokens: number;
  maxTokensPerPart: number;
  batchSize: number;
  generate: { maxNewTokens: number; doSample: boolean; temperature: number; topK: number; topP: number };
  statusMessage: boolean;
  /** Ask a Question: chunk size and overlap (tokens), answers shown, minimum score, chunks read after retrieval (0 = all). */
  qa: { chunkTokens: number; overlapTokens: number; topK: number; minScore: number; retrieveTop: number };
  /** Translate Selection: the source ('' = ask) and target asked first, and the language detector ('' = none). */
  translate: { from: string; to: string; detectModel: string };
}

function pick<T extends string>(v: string | undefined, allowed: readonly T[], fallback: T): T {
  return (allowed as readonly string[]).includes(v ?? '') ? (v as T) : fallback;
}

/**
 * Reads the settings. The guarded ones (src/core/settings/guarded.ts) come from the user's settings
 * only, or from the workspace's once it is trusted: never `c.get`, which merges the workspace in.
 */
export function readConfig(): AiLabConfig {
  const c = vscode.workspace.getConfiguration('aiLab');
  const origins = {} as Record<GuardedKey, SettingOrigin>;
  const guarded = <T>(key: GuardedKey): T | undefined => {
    const r = resolveGuarded<T>(key, c.inspect<T>(key), vscode.workspace.isTrusted);
    origins[key] = r.origin;
    return r.value;
  };
  // Paths are made absolute from the folder of the settings that named them, never the editor's current folder.
  const absolute = (key: GuardedKey, p: string) => resolveSettingPath(p, origins[key] === 'workspace' ? workspaceSettingsFolder() : localWorkspaceFolders()[0]);
  const stringList = (v: unknown) => (Array.isArray(v) ? v : []).filter((x): x is string => typeof x === 'string' && x.trim() !== '');
  const paths = (key: GuardedKey) => stringList(guarded(key)).map((p) => absolute(key, p));
  const smi = text(guarded('nvidiaSmiPath')).trim();
  const num = (key: string, fallback: number, min: number) => {
    const v = c.get<number>(key, fallback);
    return typeof v === 'number' && Number.isFinite(v) ? Math.max(min, v) : fallback;
  };
  return {
    // 0 is off; anything else at least every half second (a setting cannot make AI Lab spin on nvidia-smi).
    gpuPollSeconds: ((v) => (v === 0 ? 0 : Math.max(0.5, v)))(num('gpuPollSeconds', 2, 0)),
    nvidiaSmiPath: smi && absolute('nvidiaSmiPath', smi),
    nvidiaSmiTimeoutSeconds: num('nvidiaSmiTimeoutSeconds', 5, 0.2),
    statusBarEnabled: c.get<boolean>('statusBar.enabled', true) ?? true,
    statusBarShowWhenNoGpu: c.get<boolean>('statusBar.showWhenNoGpu', true) ?? true,
    device: pick(c.get<string>('device'), ['auto', 'cpu', 'cuda'], 'auto'),
    dtype: pick(c.get<string>('dtype'), ['auto', 'fp32', 'fp16', 'q8'], 'auto'),
    hubEndpoint: text(guarded('hubEndpoint')),
    hubOffline: c.get<boolean>('hubOffline', false) ?? false,
    datasetsServerEndpoint: text(guarded('datasetsServerEndpoint')).trim(),
    modelCardRemoteImages: guarded<boolean>('modelCard.remoteImages') === true,
    idleUnloadMinutes: num('idleUnloadMinutes', 10, 0),
    cudaProviderFeed: text(guarded('cudaProviderFeed')),
    cudaLibraryPaths: paths('cudaLibraryPaths'),
    pythonPaths: paths('pythonPaths'),
    nlp: readNlpConfig(c, num, guarded),
    modelDtypes: Object.fromEntries(
      Object.entries(c.get<Record<string, unknown>>('modelDtypes', {}) ?? {}).map(([k, v]) => [k.trim(), pick(typeof v === 'string' ? v : undefined, ['auto', 'fp32', 'fp16', 'q8'], 'auto')]),
    ),
    origins,
  };
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function readNlpConfig(
  c: vscode.WorkspaceConfiguration,
  num: (key: string, fallback: number, min: number) => number,
  guarded: <T>(key: GuardedKey) => T | undefined,
): NlpConfig {
  const model = (id: LabTaskId) => {
    const v = text(guarded(`models.${id}`)).trim();
    // A folder is taken from where the settings are, like the other paths; a Hub id stays as it is.
    return !v ? LAB_TASKS[id].defaultModel : looksLikePath(v) ? resolveSettingPath(v, localWorkspaceFolders()[0]) : v;
  };
  const models = Object.fromEntries((Object.keys(LAB_TASKS) as LabTaskId[]).map((id) => [id, model(id)])) as Record<LabTaskId, string>;
  const rawPresets = c.get<Record<string, Partial<SummaryPreset>>>('summarize.presets') ?? {};
  const preset = (k: 'short' | 'medium' | 'long'): SummaryPreset => {
    const p = rawPresets[k] ?? {};
    const min = Number.isFinite(p.minNewTokens) ? Math.max(0, Number(p.minNewTokens)) : DEFAULT_PRESETS[k].minNewTokens;
    const max = Number.isFinite(p.maxNewTokens) ? Math.max(1, Number(p.maxNewTokens)) : DEFAULT_PRESETS[k].maxNewTokens;
    return { minNewTokens: Math.min(min, max), maxNewTokens: max };
  };
  return {
    models,
    labelMaps: guarded<Record<string, Record<string, string>>>('labelMaps') ?? {},
    hypothesisTemplate: c.get<string>('zeroShot.hypothesisTemplate') || ZERO_SHOT_DEFAULTS.hypothesisTemplate,
    multiLabel: c.get<boolean>('zeroShot.multiLabel') ?? ZERO_SHOT_DEFAULTS.multiLabel,
    presets: { short: preset('short'), medium: preset('medium'), long: preset('long') },
    extractiveSentences: num('summarize.extractiveSentences', SUMMARY_DEFAULTS.extractiveSentences, 0),
    extractiveRatio: Math.min(1, num('summarize.extractiveRatio', SUMMARY_DEFAULTS.extractiveRatio, 0.01)),
    chunkTokens: num('summarize.chunkTokens', SUMMARY_DEFAULTS.chunkTokens, 32),
    maxTokensPerPart: num('maxTokensPerPart', CLASSIFY_DEFAULTS.maxTokensPerPart, 16),
    batchSize: num('batchSize', BATCH_SIZE, 1),
    generate: {
      maxNewTokens: num('generate.maxNewTokens', GENERATE_DEFAULTS.maxNewTokens, 1),
      doSample: c.get<boolean>('generate.doSample') ?? GENERATE_DEFAULTS.doSample,
      temperature: num('generate.temperature', GENERATE_DEFAULTS.temperature, 0.01),
      topK: num('generate.topK', GENERATE_DEFAULTS.topK, 1),
      topP: Math.min(1, num('generate.topP', GENERATE_DEFAULTS.topP, 0.01)),
    },
    statusMessage: c.get<boolean>('results.statusMessage') ?? true,
    translate: {
      from: text(c.get<string>('translate.from') ?? TRANSLATE_DEFAULTS.from).trim(),
      to: text(c.get<string>('translate.to') ?? TRANSLATE_DEFAULTS.to).trim() || TRANSLATE_DEFAULTS.to,
      detectModel: text(guarded('translate.detectModel') ?? TRANSLATE_DEFAULTS.detectModel).trim(),
    },
    qa: {
      chunkTokens: Math.min(1000, num('qa.chunkTokens', QA_DEFAULTS.chunkTokens, 64)),
      overlapTokens: num('qa.overlapTokens', QA_DEFAULTS.overlapTokens, 0),
      topK: Math.min(20, num('qa.topK', QA_DEFAULTS.topK, 1)),
      minScore: Math.min(1, num('qa.minScore', QA_DEFAULTS.minScore, 0)),
      retrieveTop: num('qa.retrieveTop', QA_DEFAULTS.retrieveTop, 0),
    },
  };
}

/** The workspace folders on disk. */
export function localWorkspaceFolders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

/**
 * The workspace folders whose programs and libraries AI Lab may run or load (their `.venv`
 * interpreters, the CUDA libraries in them): none in Restricted Mode.
 */
export function trustedWorkspaceFolders(): string[] {
  return vscode.workspace.isTrusted ? localWorkspaceFolders() : [];
}

/** Where a workspace's own settings live: the `.code-workspace` file's folder, else the (first) folder. */
function workspaceSettingsFolder(): string | undefined {
  const f = vscode.workspace.workspaceFile;
  return f?.scheme === 'file' ? path.dirname(f.fsPath) : localWorkspaceFolders()[0];
}

/** Restricted Mode: whether a program or library at `p` lies in the workspace (and so must not run). */
export function insideUntrustedWorkspace(p: string): boolean {
  return !vscode.workspace.isTrusted && isInsideAny(p, localWorkspaceFolders());
}

/**
 * The process environment for children that load CUDA: the CUDA library folders on their library
 * path; in Restricted Mode none inside the workspace (a `VIRTUAL_ENV` there included).
 */
export function cudaChildEnv(): NodeJS.ProcessEnv {
  const dirs = findCudaLibraryDirs({ configured: readConfig().cudaLibraryPaths, workspaceFolders: trustedWorkspaceFolders() }).filter((d) => !insideUntrustedWorkspace(d));
  return withLibraryPath(process.env, dirs);
}
