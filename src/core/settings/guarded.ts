/**
 * Settings a cloned repository must not be able to turn against its user. A repository can carry
 * `.vscode/settings.json` (or a `.code-workspace` file); VS Code merges it over the user's settings.
 * Two kinds of AI Lab setting are dangerous there:
 * - `userOnly`: URLs that receive the Hugging Face token, or from which native code is downloaded.
 *   They are read from the user's own settings (and the environment) only, never from a workspace.
 * - `trustedWorkspace`: paths of programs AI Lab runs and libraries its processes load. A workspace may
 *   set them once the user trusts it (VS Code's Workspace Trust); in Restricted Mode they are skipped.
 * The manifest says the same (`scope: machine` for the first kind, `restrictedConfigurations` for the
 * second); a unit test keeps the two in step. Here the rule is applied again on the values
 * `WorkspaceConfiguration.inspect` reports, so it holds whatever VS Code version filters or not.
 */
import { parse, type ParseError } from 'jsonc-parser';

export type SettingGuard = 'userOnly' | 'trustedWorkspace';

/** Every guarded `aiLab.*` key (without the `aiLab.` prefix) and its guard. */
export const GUARDED_SETTINGS = {
  hubEndpoint: 'userOnly',
  datasetsServerEndpoint: 'userOnly',
  cudaProviderFeed: 'userOnly',
  nvidiaSmiPath: 'trustedWorkspace',
  pythonPaths: 'trustedWorkspace',
  cudaLibraryPaths: 'trustedWorkspace',
} as const satisfies Record<string, SettingGuard>;

export type GuardedKey = keyof typeof GUARDED_SETTINGS;

/** Where a value came from: VS Code's layers, lowest first. */
export type SettingOrigin = 'default' | 'user' | 'workspace' | 'workspaceFolder';

/** The layers of one setting, as `vscode.WorkspaceConfiguration.inspect(key)` returns them. */
export interface SettingLayers<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export interface GuardedValue<T> {
  value: T | undefined;
  origin: SettingOrigin;
}

/**
 * The value AI Lab uses for a guarded setting: for `userOnly` the user's value (else the default),
 * for `trustedWorkspace` the most specific layer when the workspace is trusted, else the user's.
 */
export function resolveGuarded<T>(key: GuardedKey, layers: SettingLayers<T> | undefined, trusted: boolean): GuardedValue<T> {
  const l = layers ?? {};
  const workspaceMay = GUARDED_SETTINGS[key] === 'trustedWorkspace' && trusted;
  if (workspaceMay && l.workspaceFolderValue !== undefined) return { value: l.workspaceFolderValue, origin: 'workspaceFolder' };
  if (workspaceMay && l.workspaceValue !== undefined) return { value: l.workspaceValue, origin: 'workspace' };
  if (l.globalValue !== undefined) return { value: l.globalValue, origin: 'user' };
  return { value: l.defaultValue, origin: 'default' };
}

/** A guarded setting that a workspace's settings file names. */
export interface WorkspaceSetting {
  key: GuardedKey;
  value: unknown;
  /** The settings file it is in (for the message). */
  file: string;
}

/**
 * The guarded `aiLab.*` keys a workspace settings file names: `.vscode/settings.json` (the keys at
 * the top) or a `.code-workspace` file (under `"settings"`). JSON with comments and trailing commas,
 * as VS Code reads it. A file that does not parse yields what could be read, and never throws:
 * VS Code applies nothing from a broken file either, but what it names is still worth showing.
 */
export function guardedSettingsIn(text: string, file: string, kind: 'folder' | 'workspaceFile'): WorkspaceSetting[] {
  const errors: ParseError[] = [];
  const root: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const settings = kind === 'workspaceFile' && isObject(root) ? root.settings : root;
  if (!isObject(settings)) return [];
  const out: WorkspaceSetting[] = [];
  for (const key of Object.keys(GUARDED_SETTINGS) as GuardedKey[]) {
    // VS Code accepts both the flat key and a nested "aiLab": { … } object.
    const nested = isObject(settings.aiLab) ? settings.aiLab[key] : undefined;
    const value = settings[`aiLab.${key}`] ?? nested;
    if (value !== undefined) out.push({ key, value, file });
  }
  return out;
}

/** What AI Lab did with the guarded settings a workspace names. */
export interface WorkspaceSettingVerdict extends WorkspaceSetting {
  /** `ignored`: never taken from a workspace; `skipped`: not in Restricted Mode; `applied`: trusted and in use. */
  verdict: 'ignored' | 'skipped' | 'applied';
  reason: string;
}

export function judgeWorkspaceSettings(found: WorkspaceSetting[], trusted: boolean): WorkspaceSettingVerdict[] {
  return found.map((s) => {
    if (GUARDED_SETTINGS[s.key] === 'userOnly') {
      return { ...s, verdict: 'ignored', reason: `aiLab.${s.key} is only read from your user settings: it ${s.key === 'cudaProviderFeed' ? 'decides where native libraries are downloaded from' : 'receives your Hugging Face token'}` };
    }
    return trusted
      ? { ...s, verdict: 'applied', reason: `the workspace is trusted, so AI Lab uses aiLab.${s.key} from it` }
      : { ...s, verdict: 'skipped', reason: `Restricted Mode: AI Lab does not run or load paths from an untrusted workspace's settings` };
  });
}

/** A display form of a setting's value: strings as they are, arrays joined. */
export function settingValueText(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ') || '[]';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
