/**
 * Settings a cloned repository must not be able to turn against its user. A repository can carry
 * `.vscode/settings.json` (or a `.code-workspace` file); VS Code merges it over the user's settings.
 * Two kinds of AI Lab setting are dangerous there:
 * - `userOnly`: URLs that receive the Hugging Face token, or from which native code is downloaded.
 *   They are read from the user's own settings (and the environment) only, never from a workspace.
 * - `trustedWorkspace`: paths of programs AI Lab runs and libraries its processes load, and what
 *   decides an answer (the model of each task, label names). A workspace may set them once the user
 *   trusts it (VS Code's Workspace Trust); in Restricted Mode they are skipped.
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
  // A CA trusted for every request: a workspace's could let a third party read and change them.
  'http.caCertificates': 'userOnly',
  // Servers that receive the documents' text and an API key or the Hugging Face token.
  'backends.teiUrl': 'userOnly',
  'backends.openaiUrl': 'userOnly',
  'backends.hfEndpointUrl': 'userOnly',
  'backends.openaiHeaders': 'userOnly',
  nvidiaSmiPath: 'trustedWorkspace',
  // Which engine reads the documents (a remote one sends their text away): not a repository's choice unseen.
  backend: 'trustedWorkspace',
  backendPerTask: 'trustedWorkspace',
  pythonPaths: 'trustedWorkspace',
  cudaLibraryPaths: 'trustedWorkspace',
  // Which model answers, and what its labels are called: a repository must not pick them unseen.
  'models.sentiment': 'trustedWorkspace',
  'models.grammar': 'trustedWorkspace',
  'models.qnli': 'trustedWorkspace',
  'models.zeroShot': 'trustedWorkspace',
  'models.summarize': 'trustedWorkspace',
  'models.extractive': 'trustedWorkspace',
  'models.generate': 'trustedWorkspace',
  'models.qa': 'trustedWorkspace',
  'models.translate': 'trustedWorkspace',
  'translate.detectModel': 'trustedWorkspace',
  'models.similarity': 'trustedWorkspace',
  'models.findSimilar': 'trustedWorkspace',
  'index.embeddingModel': 'trustedWorkspace',
  labelMaps: 'trustedWorkspace',
  // Lets a model card fetch images from any host (who viewed which card).
  'modelCard.remoteImages': 'trustedWorkspace',
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
  /** A folder's `.vscode/settings.json`, or a `.code-workspace` file's `settings`. */
  source: 'folder' | 'workspaceFile';
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
    const value = lookUp(settings, ['aiLab', ...key.split('.')]);
    if (value !== undefined) out.push({ key, value, file, source: kind });
  }
  return out;
}

/**
 * A dotted setting in a settings object, written flat (`"aiLab.models.qa"`), nested (`"aiLab": {"models":
 * {"qa": …}}`) or anything between (`"aiLab.models": {"qa": …}`), as VS Code accepts them all.
 */
function lookUp(obj: Record<string, unknown>, parts: string[]): unknown {
  for (let i = parts.length; i >= 1; i--) {
    const head = obj[parts.slice(0, i).join('.')];
    if (i === parts.length) {
      if (head !== undefined) return head;
    } else if (isObject(head)) {
      const v = lookUp(head, parts.slice(i));
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

/** What AI Lab did with the guarded settings a workspace names. */
export interface WorkspaceSettingVerdict extends WorkspaceSetting {
  /**
   * `ignored`: never taken from a workspace; `skipped`: not in Restricted Mode; `applied`: trusted and
   * in use; `unused`: a folder's settings in a multi-root workspace, which apply only to per-file settings.
   */
  verdict: 'ignored' | 'skipped' | 'applied' | 'unused';
  reason: string;
}

/** What AI Lab does with each guarded setting a workspace names. */
export function judgeWorkspaceSettings(found: WorkspaceSetting[], trusted: boolean, multiRoot: boolean): WorkspaceSettingVerdict[] {
  return found.map((s): WorkspaceSettingVerdict => {
    if (GUARDED_SETTINGS[s.key] === 'userOnly') {
      return { ...s, verdict: 'ignored', reason: `aiLab.${s.key} is only read from your user settings: it ${s.key === 'cudaProviderFeed' ? 'decides where native libraries are downloaded from' : 'receives your Hugging Face token'}` };
    }
    if (multiRoot && s.source === 'folder') {
      return { ...s, verdict: 'unused', reason: `in a multi-root workspace a folder's settings do not apply to aiLab.${s.key}: set it in the .code-workspace file` };
    }
    return trusted
      ? { ...s, verdict: 'applied', reason: `the workspace is trusted, so AI Lab uses aiLab.${s.key} from it` }
      : { ...s, verdict: 'skipped', reason: `Restricted Mode: AI Lab does not take aiLab.${s.key} from an untrusted workspace's settings` };
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
