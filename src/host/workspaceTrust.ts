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
    const verdicts = judgeWorkspaceSettings(found, this.trusted);
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
   * Tells the user once per window when the workspace's settings were ignored or skipped, with the
   * way out (trust the workspace, or set it in the user settings). "Don't Show Again" is per workspace.
   */
  async notifyOnce(skippedPythons: string[]): Promise<void> {
    const held = this.verdicts.filter((v) => v.verdict !== 'applied');
    if (this.noticeShown || (!held.length && !skippedPythons.length)) return;
    const fingerprint = [...held.map((v) => `${v.key}=${settingValueText(v.value)}`), ...skippedPythons].sort().join('\n');
    if (this.workspaceState.get<string>(DISMISSED_KEY) === fingerprint) return;
    this.noticeShown = true;
    const ignored = held.filter((v) => v.verdict === 'ignored').map((v) => `aiLab.${v.key}`);
    const skipped = [...held.filter((v) => v.verdict === 'skipped').map((v) => `aiLab.${v.key}`), ...(skippedPythons.length ? ['its Python environments'] : [])];
    const parts = [
      skipped.length ? `In Restricted Mode AI Lab does not run what this workspace names (${skipped.join(', ')}).` : '',
      ignored.length ? `It ignores ${ignored.join(', ')} from the workspace's settings: set ${ignored.length > 1 ? 'them' : 'it'} in your user settings.` : '',
    ].filter(Boolean);
    const actions = [...(skipped.length ? ['Manage Workspace Trust'] : []), ...(ignored.length ? ['Open User Settings'] : []), "Don't Show Again"];
    const pick = await vscode.window.showWarningMessage(`AI Lab: ${parts.join(' ')}`, ...actions);
    if (pick === 'Manage Workspace Trust') await vscode.commands.executeCommand('workbench.trust.manage');
    else if (pick === 'Open User Settings') await vscode.commands.executeCommand('workbench.action.openSettings', ignored.join(' '));
    else if (pick === "Don't Show Again") await this.workspaceState.update(DISMISSED_KEY, fingerprint);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * For commands that run something inside the workspace: in Restricted Mode, says why not and offers
 * to manage trust. Returns whether the command may go on.
 */
export function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`AI Lab: ${what} runs programs in this workspace, which Restricted Mode does not allow. Trust the workspace first.`, 'Manage Workspace Trust').then((p) => {
    if (p) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
