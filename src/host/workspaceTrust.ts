import * as vscode from 'vscode';
import { guardedSettingsIn, judgeWorkspaceSettings, settingValueText, type WorkspaceSetting, type WorkspaceSettingVerdict } from '../core/settings/guarded';
import type { Log } from './log';

const DISMISSED_KEY = 'aiLab.workspaceSettingsNotice.dismissed';

/**
 * What this workspace's own settings files ask of AI Lab's guarded settings, and what AI Lab does
 * with it (ignored, skipped in Restricted Mode, or applied once trusted). The files are read as text
 * because VS Code drops some of these values before an extension can see them, and a user should
 * still be told that a repository tried to set them.
 */
export class WorkspaceSettingsGuard implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  verdicts: WorkspaceSettingVerdict[] = [];
  private noticeShown = false;
  private scanning: Promise<void> | undefined;

  constructor(
    private readonly log: Log,
    private readonly workspaceState: vscode.Memento,
  ) {}

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** Reads the workspace's settings files again (coalesces with a scan in flight). */
  scan(): Promise<void> {
    // One after another: a scan asked for during another reads the files again after it.
    const next = (this.scanning ?? Promise.resolve()).then(() => this.doScan());
    this.scanning = next;
    return next;
  }

  private async doScan(): Promise<void> {
    const found: WorkspaceSetting[] = [];
    const read = async (uri: vscode.Uri, kind: 'folder' | 'workspaceFile') => {
      try {
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        found.push(...guardedSettingsIn(text, vscode.workspace.asRelativePath(uri, true), kind));
      } catch {
        // No settings file there.
      }
    };
    for (const f of vscode.workspace.workspaceFolders ?? []) await read(vscode.Uri.joinPath(f.uri, '.vscode', 'settings.json'), 'folder');
    const wsFile = vscode.workspace.workspaceFile;
    if (wsFile && wsFile.scheme !== 'untitled') await read(wsFile, 'workspaceFile');
    const verdicts = judgeWorkspaceSettings(found, this.trusted, vscode.workspace.workspaceFile !== undefined);
    const summary = (v: WorkspaceSettingVerdict[]) => v.map((x) => `${x.key}:${x.verdict}:${settingValueText(x.value)}`).join('|');
    if (summary(verdicts) === summary(this.verdicts)) return;
    this.verdicts = verdicts;
    for (const v of verdicts) {
      const line = `Workspace setting aiLab.${v.key} = ${settingValueText(v.value)} (${v.file}): ${v.verdict}; ${v.reason}.`;
      if (v.verdict === 'applied') this.log.info(line);
      else this.log.warn(line);
    }
    this.changed.fire();
  }

  /**
   * Sets `aiLab.trust.skipped` (Restricted Mode left something out), and tells the user once per window when the workspace's settings were ignored or skipped, with the
   * way out (trust the workspace, or set it in the user settings). "Don't Show Again" is per workspace.
   */
  async notifyOnce(skippedPythons: string[]): Promise<void> {
    // The no-GPU welcome view says so too (a workspace's nvidia-smi may be why there is no GPU).
    const restricted = !this.trusted && (skippedPythons.length > 0 || this.verdicts.some((v) => v.verdict === 'skipped'));
    void vscode.commands.executeCommand('setContext', 'aiLab.trust.skipped', restricted);
    const held = this.verdicts.filter((v) => v.verdict === 'ignored' || v.verdict === 'skipped');
    if (this.noticeShown || (!held.length && !skippedPythons.length)) return;
    const fingerprint = [...held.map((v) => `${v.key}=${settingValueText(v.value)}`), ...skippedPythons].sort().join('\n');
    if (this.workspaceState.get<string>(DISMISSED_KEY) === fingerprint) return;
    this.noticeShown = true;
    const ignored = held.filter((v) => v.verdict === 'ignored');
    const skipped = [...held.filter((v) => v.verdict === 'skipped').map((v) => `aiLab.${v.key}`), ...(skippedPythons.length ? [`Python interpreters (${skippedPythons.join(', ')})`] : [])];
    const parts = [
      skipped.length ? `Restricted Mode: not using this workspace's ${skipped.join(', ')}.` : '',
      // The value is shown so nobody copies a repository's server into their settings unseen.
      ignored.length
        ? `Ignoring its aiLab.${ignored[0]!.key} (${settingValueText(ignored[0]!.value)})${ignored.length > 1 ? ` and ${ignored.length - 1} more` : ''}: a workspace never chooses where your token goes or native code comes from.`
        : '',
    ].filter(Boolean);
    const actions = [...(skipped.length ? ['Manage Workspace Trust'] : []), ...(ignored.length ? ['Open Settings'] : []), "Don't Show Again"];
    const pick = await vscode.window.showWarningMessage(`AI Lab: ${parts.join(' ')}`, ...actions);
    if (pick === 'Manage Workspace Trust') await vscode.commands.executeCommand('workbench.trust.manage');
    else if (pick === 'Open Settings') await openUserSettings(`aiLab.${ignored[0]!.key}`);
    else if (pick === "Don't Show Again") await this.workspaceState.update(DISMISSED_KEY, fingerprint);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * Opens the settings where a user-only setting lives: in a remote window (SSH, WSL, code-server)
 * machine-scoped settings are in the Remote tab, not the User tab.
 */
async function openUserSettings(id: string): Promise<void> {
  if (vscode.env.remoteName) await vscode.commands.executeCommand('workbench.action.openRemoteSettings', { query: `@id:${id}` });
  else await vscode.commands.executeCommand('workbench.action.openSettings', `@id:${id}`);
}

/**
 * For commands that run something inside the workspace: in Restricted Mode, says why not and offers
 * to manage trust. Returns whether the command may go on.
 */
export function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`AI Lab: ${what} works on this workspace's own Python environment, which Restricted Mode does not allow. Trust the workspace first.`, 'Manage Workspace Trust').then((p) => {
    if (p) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
