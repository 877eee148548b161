/** AI Lab: Validate Model Folder (Explorer context menu on a folder, palette): src/core/model/validateFolder.ts in a panel. */
import * as vscode from 'vscode';
import type { FolderReport } from '../../core/model/findings';
import { FolderError, validateModelFolder } from '../../core/model/validateFolder';
import type { Log } from '../log';
import { ValidatePanel } from '../webviews/validatePanel';

export function createValidateCommands(extensionUri: vscode.Uri, log: Log): { commands: Record<string, (...args: unknown[]) => unknown>; panel: ValidatePanel } {
  /** Validates `dir` and shows the report; undefined (with the reason shown) when it could not. */
  const run = (dir: string): FolderReport | undefined => {
    try {
      const report = validateModelFolder(dir);
      log.info(`Validated ${report.dir}: ${report.errors} errors, ${report.warnings} warnings.`);
      panel.show(report);
      return report;
    } catch (err) {
      if (err instanceof FolderError) void vscode.window.showErrorMessage(`AI Lab: ${err.message}`);
      else void log.showError(`AI Lab: validating ${dir} failed`, err);
      return undefined;
    }
  };
  const panel = new ValidatePanel(extensionUri, log, run);
  return {
    panel,
    commands: {
      'aiLab.validateModelFolder': async (arg?: unknown) => {
        let uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined;
        if (!uri) {
          const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Validate', title: 'AI Lab: the model folder to validate (it holds config.json)' });
          uri = picked?.[0];
        }
        if (!uri) return undefined;
        if (uri.scheme !== 'file') {
          void vscode.window.showErrorMessage(`AI Lab: ${uri.toString()} is not on this machine's disk; open the folder locally (or in a Remote window) to validate it.`);
          return undefined;
        }
        return run(uri.fsPath);
      },
    },
  };
}
