/**
 * AI Lab: Publish Model to the Hub (Explorer context menu on a folder, palette): src/core/hub/publish.ts
 * with the questions asked in VS Code. Order: the folder, the token's role (a read token stops here,
 * with where to make a write token), the repo id (prefilled "<user>/<folder>", checked as typed),
 * public or private, the validation (errors stop with the findings; warnings ask), the model card
 * (none: create one to fill in, or publish without), then the upload with progress and Cancel.
 *
 * Tests (and scripts) may pass the answers: `aiLab.publishModel(uri, { repoId, private,
 * publishWithWarnings, withoutCard })`; an answer given is not asked.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../../core/bytes';
import type { WhoAmI } from '../../core/hub/hubApi';
import { PublishError, publishModel, type PublishProgress, type PublishResult } from '../../core/hub/publish';
import { qualifyRepoId, repoIdProblem, repoNameFrom } from '../../core/hub/repoId';
import { tokenSettingsUrl, writeRefusal } from '../../core/hub/writeAccess';
import type { FolderReport } from '../../core/model/findings';
import { FolderError, validateModelFolder } from '../../core/model/validateFolder';
import { writeCardScaffold } from '../../core/model/cardScaffold';
import type { HubSession } from '../hubSession';
import type { Log } from '../log';

export interface PublishAnswers {
  repoId?: string;
  private?: boolean;
  /** Publish when the validation has warnings (not asked). */
  publishWithWarnings?: boolean;
  /** With no README.md: true publishes without a card, false writes the card scaffold and stops. */
  withoutCard?: boolean;
}

export interface PublishDeps {
  log: Log;
  session: HubSession;
  /** Shows a validation report (the Validate Model Folder panel). */
  showReport: (report: FolderReport) => void;
}

const TITLE = 'AI Lab: Publish Model to the Hub';

function progressText(p: PublishProgress): string | undefined {
  switch (p.phase) {
    case 'checking-token':
      return 'checking the token…';
    case 'creating-repo':
      return `repo ${p.repo}…`;
    case 'hashing':
      return `reading ${p.file}…`;
    case 'comparing':
      return `${p.upload} file${p.upload === 1 ? '' : 's'} to upload (${formatBytes(p.bytes)}), ${p.unchanged} unchanged`;
    case 'uploading':
      return `uploading ${p.file} (${p.filesDone}/${p.files}, ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytes)})`;
    case 'committing':
      return `committing ${p.files} file${p.files === 1 ? '' : 's'}…`;
    default:
      return undefined;
  }
}

export function createPublishCommand(d: PublishDeps): Record<string, (...args: unknown[]) => unknown> {
  /** A token problem: the message with "Open Token Settings" and "Sign In" (to replace the token). */
  const tokenError = (message: string, settingsUrl: string): void => {
    d.log.error(message);
    void vscode.window.showErrorMessage(`AI Lab: ${message}`, 'Open Token Settings', 'Sign In').then((pick) => {
      if (pick === 'Open Token Settings') void vscode.env.openExternal(vscode.Uri.parse(settingsUrl));
      if (pick === 'Sign In') void vscode.commands.executeCommand('aiLab.signIn');
    });
  };

  const folderOf = async (arg: unknown): Promise<string | undefined> => {
    let uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined;
    if (!uri) uri = (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Publish', title: `${TITLE}: the model folder (it holds config.json)` }))?.[0];
    if (!uri) return undefined;
    if (uri.scheme !== 'file') {
      void vscode.window.showErrorMessage(`AI Lab: ${uri.toString()} is not on this machine's disk; open the folder locally (or in a Remote window) to publish it.`);
      return undefined;
    }
    return uri.fsPath;
  };

  const askRepo = async (me: WhoAmI, dir: string, given?: string): Promise<string | undefined> => {
    const check = (v: string): string | undefined => {
      const problem = repoIdProblem(v);
      if (problem) return problem;
      const refusal = writeRefusal(me, qualifyRepoId(v, me.name));
      return refusal?.kind === 'no-rights' ? refusal.message : undefined;
    };
    if (given !== undefined) {
      const problem = check(given);
      if (problem) {
        void vscode.window.showErrorMessage(`AI Lab: ${problem}`);
        return undefined;
      }
      return qualifyRepoId(given, me.name);
    }
    const value = await vscode.window.showInputBox({
      title: TITLE,
      prompt: `The repo to publish ${path.basename(dir)} to: namespace/name (your name${me.orgs.length ? ` or an organization: ${me.orgs.join(', ')}` : ''})`,
      value: `${me.name}/${repoNameFrom(path.basename(dir))}`,
      ignoreFocusOut: true,
      validateInput: check,
    });
    return value === undefined ? undefined : qualifyRepoId(value, me.name);
  };

  /** The validation, with the questions it raises; undefined when the user stops (or must fix something). */
  const checkFolder = async (dir: string, repo: string, a: PublishAnswers): Promise<FolderReport | undefined> => {
    let report: FolderReport;
    try {
      report = validateModelFolder(dir);
    } catch (err) {
      if (err instanceof FolderError) void vscode.window.showErrorMessage(`AI Lab: ${err.message}`);
      else void d.log.showError(`AI Lab: validating ${dir} failed`, err);
      return undefined;
    }
    d.log.info(`Publish: validated ${dir}: ${report.errors} errors, ${report.warnings} warnings.`);
    if (report.errors) {
      const first = report.findings.filter((f) => f.severity === 'error').slice(0, 3).map((f) => f.message).join(' ');
      void vscode.window.showErrorMessage(`AI Lab: ${path.basename(dir)} has ${report.errors} validation error${report.errors === 1 ? '' : 's'}; nothing was published. ${first}`, 'Show Findings').then((pick) => {
        if (pick === 'Show Findings') d.showReport(report);
      });
      return undefined;
    }
    const noCard = report.findings.some((f) => f.check === 'card.present');
    if (noCard) {
      let without = a.withoutCard;
      if (without === undefined) {
        const pick = await vscode.window.showWarningMessage(
          `${path.basename(dir)} has no model card (README.md): the Hub page would be empty, with no license or task.`,
          { modal: true, detail: 'Create Model Card writes README.md filled from config.json and opens it; fill in the TODO fields (license, language…), then publish again.' },
          'Create Model Card',
          'Publish Without Card',
        );
        if (!pick) return undefined;
        without = pick === 'Publish Without Card';
      }
      if (!without) {
        const file = writeCardScaffold(dir, repo);
        d.log.info(`Publish: wrote the model card scaffold ${file}.`);
        await vscode.window.showTextDocument(vscode.Uri.file(file));
        void vscode.window.showInformationMessage(`AI Lab: fill in the TODO fields of README.md, then run ${TITLE} again.`);
        return undefined;
      }
    }
    const warnings = report.findings.filter((f) => f.severity === 'warning' && f.check !== 'card.present');
    if (warnings.length && !a.publishWithWarnings) {
      const pick = await vscode.window.showWarningMessage(
        `${path.basename(dir)} has ${warnings.length} validation warning${warnings.length === 1 ? '' : 's'}.`,
        { modal: true, detail: warnings.map((f) => `• ${f.message}`).join('\n') },
        'Publish Anyway',
        'Show Findings',
      );
      if (pick === 'Show Findings') d.showReport(report);
      if (pick !== 'Publish Anyway') return undefined;
    }
    return report;
  };

  return {
    'aiLab.publishModel': async (arg?: unknown, answers?: unknown): Promise<PublishResult | undefined> => {
      const a = (answers && typeof answers === 'object' ? answers : {}) as PublishAnswers;
      const dir = await folderOf(arg);
      if (!dir) return undefined;
      const endpoint = d.session.endpoint();
      const settingsUrl = tokenSettingsUrl(endpoint);
      const token = (await d.session.token())?.token;
      if (!token) {
        tokenError(`Publishing needs a Hugging Face token with the write role; you are not signed in. Create one at ${settingsUrl}, then sign in with it.`, settingsUrl);
        return undefined;
      }
      let me: WhoAmI;
      try {
        me = await (await d.session.client()).whoami();
      } catch (err) {
        await d.log.showError('AI Lab: the Hub did not accept the token', err);
        return undefined;
      }
      const readOnly = writeRefusal(me, `${me.name}/x`, settingsUrl);
      if (readOnly?.kind === 'read-token' && me.tokenRole !== 'fineGrained') {
        tokenError(readOnly.message, settingsUrl);
        return undefined;
      }
      const repo = await askRepo(me, dir, a.repoId);
      if (!repo) return undefined;
      let isPrivate = a.private;
      if (isPrivate === undefined) {
        const pick = await vscode.window.showQuickPick(
          [
            { label: 'Public', description: 'anyone can see and download it', value: false },
            { label: 'Private', description: 'only you (or the organization) can see it', value: true },
          ],
          { title: `${TITLE}: ${repo}`, placeHolder: 'Visibility of a new repo (an existing repo keeps its own)', ignoreFocusOut: true },
        );
        if (!pick) return undefined;
        isPrivate = pick.value;
      }
      const refusal = writeRefusal(me, repo, settingsUrl);
      if (refusal) {
        tokenError(refusal.message, settingsUrl);
        return undefined;
      }
      const report = await checkFolder(dir, repo, a);
      if (!report) return undefined;
      try {
        const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `AI Lab: publishing to ${repo}`, cancellable: true }, async (progress, cancel) => {
          const abort = new AbortController();
          cancel.onCancellationRequested(() => abort.abort());
          let shown = 0;
          return publishModel({
            dir,
            repoId: repo,
            endpoint,
            token,
            private: isPrivate,
            validation: report,
            confirmWarnings: async () => true,
            signal: abort.signal,
            onProgress: (p) => {
              const message = progressText(p);
              // The bar moves with the bytes sent (LFS files), in whole percents.
              const pct = p.phase === 'uploading' && p.bytes ? Math.floor((100 * p.bytesDone) / p.bytes) : undefined;
              const increment = pct !== undefined && pct > shown ? pct - shown : undefined;
              if (increment) shown = pct!;
              if (message) progress.report({ message, increment });
            },
          });
        });
        d.log.info(`Published ${dir} to ${result.repo}: ${result.uploaded.length} uploaded, ${result.unchanged.length} unchanged, commit ${result.commit}.`);
        for (const s of result.skipped) d.log.info(`Publish: skipped ${s.path}: ${s.why}`);
        for (const n of result.notes) d.log.warn(`Publish: ${n}`);
        const summary = result.uploaded.length ? `published ${result.uploaded.length} file${result.uploaded.length === 1 ? '' : 's'} to ${result.repo}` : `nothing changed: ${result.repo} has every file already`;
        void vscode.window.showInformationMessage(`AI Lab: ${summary}.${result.notes.length ? ` ${result.notes.join(' ')}` : ''}`, 'Open on the Hub').then((pick) => {
          if (pick === 'Open on the Hub') void vscode.env.openExternal(vscode.Uri.parse(result.url));
        });
        return result;
      } catch (err) {
        if (err instanceof PublishError && (err.kind === 'read-token' || err.kind === 'not-signed-in')) tokenError(err.message, err.extra.settingsUrl ?? settingsUrl);
        else if (err instanceof PublishError && err.kind === 'cancelled') {
          d.log.info(`Publish: ${err.message}`);
          void vscode.window.showInformationMessage(`AI Lab: ${err.message}`);
        } else await d.log.showError(`AI Lab: publishing ${path.basename(dir)} to ${repo} failed`, err);
        return undefined;
      }
    },
  };
}
