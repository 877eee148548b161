/**
 * AI Lab: Get ONNX Weights (palette, Explorer folder menu, and the button on a "no ONNX weights"
 * error): a transformers.js-ready copy from the Hub when one exists (src/core/model/onnxPorts.ts),
 * else the Optimum conversion for the workspace's Python environment run in a visible terminal, then
 * the .onnx files moved into onnx/ and the result validated (src/core/model/optimumExport.ts).
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import { hasRunnableFiles } from '../../core/inference/modelFiles';
import { listModelFiles } from '../../core/inference/modelCheck';
import { LAB_TASKS, type LabTaskId } from '../../core/nlp/tasks';
import { findOnnxPorts, type OnnxPort } from '../../core/model/onnxPorts';
import { chooseExportPython, defaultOut, exportTask, onnxTarget, type OnnxTarget } from '../../core/model/onnxTarget';
import { assertFreshOut, checkTask, ExportError, finishExport, planExport, type ExportOutcome, type ExportPlan } from '../../core/model/optimumExport';
import { HubError } from '../../core/hub/hubError';
import { readConfig } from '../config';
import type { HubSession } from '../hubSession';
import type { Log } from '../log';
import { requireTrust } from '../workspaceTrust';

const TERMINAL = 'AI Lab: ONNX export';

/** What the command was given: a Hub id or folder, and the lab task the user was running, if any. */
export interface GetOnnxArgs {
  model?: string;
  task?: LabTaskId;
  /** A transformers.js pipeline (Run Model on Selection), when no lab task was running. */
  pipeline?: string;
}

/** What the command did (returned for callers and tests). */
export interface GetOnnxResult {
  model: string;
  ports: OnnxPort[];
  /** The port the user chose. */
  chosen?: string;
  plan?: Pick<ExportPlan, 'lines' | 'out' | 'optimumTask' | 'python'>;
  /** The lab task whose model setting now names the result. */
  usedFor?: LabTaskId;
}

interface PortPick extends vscode.QuickPickItem {
  port?: OnnxPort;
  convert?: boolean;
}

function argsOf(arg: unknown): GetOnnxArgs {
  if (arg instanceof vscode.Uri) return { model: arg.scheme === 'file' ? arg.fsPath : undefined };
  if (typeof arg === 'string') return { model: arg };
  if (arg && typeof arg === 'object') {
    const o = arg as Record<string, unknown>;
    return {
      model: typeof o.model === 'string' ? o.model : undefined,
      task: typeof o.task === 'string' && o.task in LAB_TASKS ? (o.task as LabTaskId) : undefined,
      pipeline: typeof o.pipeline === 'string' ? o.pipeline : undefined,
    };
  }
  return {};
}


/** Sets `model` as the model of the lab task `task` (as Choose Model for Task does). */
async function useFor(task: LabTaskId, model: string): Promise<void> {
  await vscode.workspace.getConfiguration('aiLab').update(`models.${task}`, model, vscode.ConfigurationTarget.Global);
  void vscode.window.showInformationMessage(`AI Lab: ${LAB_TASKS[task].title} now uses ${model}.`);
}

/** "Use for <task>" when the task is known, else "Use for a Task…" (Choose Model for Task with the model). */
function offerUse(model: string, task: LabTaskId | undefined, message: string, extra: string[] = []): void {
  const use = task ? `Use for ${LAB_TASKS[task].title}` : 'Use for a Task…';
  void vscode.window.showInformationMessage(message, use, ...extra).then(async (pick) => {
    if (pick === use) {
      if (task) await useFor(task, model);
      else await vscode.commands.executeCommand('aiLab.chooseModel', { model });
    } else if (pick === 'Open Validation Report') await vscode.commands.executeCommand('aiLab.validateModelFolder', vscode.Uri.file(model));
  });
}

/** Runs `lines` in a visible terminal; resolves with the last exit code when shell integration tells it, else when the user says it finished. */
async function runInTerminal(plan: ExportPlan, log: Log): Promise<number | undefined> {
  const t = vscode.window.createTerminal({ name: TERMINAL });
  t.show(false);
  const integration = t.shellIntegration ?? (await new Promise<vscode.TerminalShellIntegration | undefined>((resolve) => {
    const timer = setTimeout(() => (sub.dispose(), resolve(undefined)), 4000);
    const sub = vscode.window.onDidChangeTerminalShellIntegration((e) => {
      if (e.terminal !== t) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e.shellIntegration);
    });
  }));
  if (!integration) {
    // Without shell integration nothing tells when a command ends: the user says so.
    for (const line of plan.lines) t.sendText(line);
    log.info(`ONNX export sent to the terminal (no shell integration): ${plan.lines.join(' ; ')}`);
    const done = await vscode.window.showInformationMessage(`AI Lab: the export runs in the terminal "${TERMINAL}". When it has finished, validate the result.`, 'Validate Result');
    return done ? 0 : undefined;
  }
  for (const line of plan.lines) {
    log.info(`ONNX export: ${line}`);
    const execution = integration.executeCommand(line);
    const code = await new Promise<number | undefined>((resolve) => {
      const sub = vscode.window.onDidEndTerminalShellExecution((e) => {
        if (e.execution !== execution) return;
        sub.dispose();
        resolve(e.exitCode);
      });
      const closed = vscode.window.onDidCloseTerminal((x) => {
        if (x !== t) return;
        closed.dispose();
        resolve(x.exitStatus?.code ?? -1);
      });
    });
    if (code !== 0) {
      log.warn(`ONNX export: "${line}" ended with exit code ${code ?? 'unknown'}.`);
      return code ?? -1;
    }
  }
  return 0;
}

function report(outcome: ExportOutcome, plan: ExportPlan, task: LabTaskId | undefined, log: Log): void {
  const r = outcome.report;
  log.info(`ONNX export into ${plan.out}: moved ${outcome.moved.join(', ') || 'nothing'}; ${r.errors} errors, ${r.warnings} warnings${outcome.problems.length ? `; ${outcome.problems.join(' ')}` : ''}.`);
  if (outcome.ok) {
    offerUse(plan.out, task, `AI Lab: exported ${plan.model} into ${plan.out}: it runs in AI Lab for ${plan.task}${r.warnings ? ` (${r.warnings} warning${r.warnings === 1 ? '' : 's'})` : ''}.`, ['Open Validation Report']);
    return;
  }
  const why = outcome.problems[0] ?? r.findings.find((f) => f.severity === 'error')?.message ?? '';
  void vscode.window.showErrorMessage(`AI Lab: the export of ${plan.model} does not run in AI Lab for ${plan.task}: ${why}`, 'Open Validation Report', 'Show Log').then((p) => {
    if (p === 'Open Validation Report') void vscode.commands.executeCommand('aiLab.validateModelFolder', vscode.Uri.file(plan.out));
    if (p === 'Show Log') log.show();
  });
}

async function convert(t: OnnxTarget, task: string, labTask: LabTaskId | undefined, log: Log): Promise<GetOnnxResult['plan']> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const env = await chooseExportPython({ discover: { workspaceFolders: folders, configured: readConfig().pythonPaths, includeSystem: true } });
  const out = defaultOut(t, folders[0] ?? os.homedir());
  const plan = planExport({ model: t.model, task, out, env });
  log.info(`Get ONNX Weights for ${t.model}: ${env.python} (${env.source}), exporter ${env.exporter ? 'installed' : 'missing'}; ${plan.lines.join(' ; ')}`);
  const shown = { lines: plan.lines, out: plan.out, optimumTask: plan.optimumTask, python: plan.python };
  const message = `AI Lab: no transformers.js-ready copy of ${t.model} on the Hub. Convert it with Optimum in ${env.python}${plan.install ? ' (installs the exporter first)' : ''}: ${plan.lines.join('  then  ')}`;
  void vscode.window.showInformationMessage(message, 'Run in Terminal', 'Copy Commands').then(async (pick) => {
    if (pick === 'Copy Commands') await vscode.env.clipboard.writeText(plan.lines.join('\n'));
    if (pick !== 'Run in Terminal' || !requireTrust('Exporting a model with Python')) return;
    try {
      assertFreshOut(plan.out);
    } catch (err) {
      if (err instanceof ExportError) void vscode.window.showErrorMessage(`AI Lab: ${err.message}`);
      else throw err;
      return;
    }
    const code = await runInTerminal(plan, log);
    if (code === undefined) return;
    if (code !== 0) {
      void vscode.window.showErrorMessage(`AI Lab: the export of ${t.model} failed (exit code ${code}): see the terminal "${TERMINAL}".`, 'Show Log').then((p) => p && log.show());
      return;
    }
    try {
      report(finishExport(plan.out, plan.task), plan, labTask, log);
    } catch (err) {
      if (err instanceof ExportError) void vscode.window.showErrorMessage(`AI Lab: ${err.message}`, 'Show Log').then((p) => p && log.show());
      else await log.showError('AI Lab: checking the exported model failed', err);
    }
  });
  return shown;
}

/** The command: returns what it found and did, or undefined when cancelled or refused (the reason shown). */
export async function getOnnxWeightsCommand(log: Log, session: HubSession, arg?: unknown): Promise<GetOnnxResult | undefined> {
  const a = argsOf(arg);
  const given = a.model ?? (await vscode.window.showInputBox({ title: 'AI Lab: Get ONNX Weights', prompt: 'A Hub model id (org/name) or a local model folder that has no ONNX weights' }))?.trim();
  if (!given) return undefined;
  try {
    const t = onnxTarget(given);
    const client = await session.client();
    let pipelineTag: string | undefined;
    let files: string[] | undefined;
    if (t.isFolder) files = listModelFiles(t.model);
    else {
      const info = await client.modelInfo(t.model);
      pipelineTag = info.pipelineTag;
      files = info.files;
    }
    if (hasRunnableFiles(files)) {
      void vscode.window.showInformationMessage(`AI Lab: ${t.model} already has ONNX weights for transformers.js: it runs in AI Lab as it is.`);
      return { model: t.model, ports: [] };
    }
    const labPipeline = a.task ? LAB_TASKS[a.task].pipeline : a.pipeline;
    let task: string | undefined;
    let noTask = '';
    try {
      task = exportTask(t, labPipeline, pipelineTag);
    } catch (err) {
      if (!(err instanceof ExportError)) throw err;
      noTask = err.message.replace('give --task', 'run it from the task that failed (its "Get ONNX Weights" button), or use `ai-lab onnx` with --task');
    }
    let ports: OnnxPort[] = [];
    try {
      if (t.portsOf) ports = (await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `AI Lab: looking for ONNX copies of ${t.portsOf}…` }, () => findOnnxPorts(client, t.portsOf!, { task: task && checkTask(task) }))).ports;
    } catch (err) {
      // A folder can still be converted without the Hub: said in the log, the plan follows.
      if (!(err instanceof HubError) || !t.isFolder) throw err;
      log.warn(`Get ONNX Weights: searching the Hub for copies of ${t.portsOf} failed: ${err.message}`);
    }
    log.info(`Get ONNX Weights for ${t.model}: ${ports.length} port(s) of ${t.portsOf ?? '(no Hub model named)'}${ports.length ? `: ${ports.map((p) => p.id).join(', ')}` : ''}.`);
    if (ports.length) {
      const items: PortPick[] = [
        ...ports.map((p) => ({ label: p.id, description: `${p.owner} · ${p.downloads.toLocaleString('en-US')} downloads`, detail: `${p.onnxFiles.slice(0, 4).join(', ')}${p.onnxFiles.length > 4 ? ', …' : ''} — ${p.reason}`, port: p })),
        ...(task ? [{ label: '$(terminal) Convert it with Optimum instead…', description: 'in your Python environment', convert: true }] : []),
      ];
      const pick = await vscode.window.showQuickPick(items, { title: `AI Lab: transformers.js-ready copies of ${t.portsOf}`, matchOnDescription: true, matchOnDetail: true });
      if (!pick) return { model: t.model, ports };
      if (pick.port) {
        if (a.task) await useFor(a.task, pick.port.id);
        else offerUse(pick.port.id, undefined, `AI Lab: ${pick.port.id} runs in AI Lab.`);
        return { model: t.model, ports, chosen: pick.port.id, usedFor: a.task };
      }
    }
    if (!task) throw new ExportError(noTask);
    return { model: t.model, ports, plan: await convert(t, task, a.task, log) };
  } catch (err) {
    if (err instanceof ExportError) void vscode.window.showErrorMessage(`AI Lab: ${err.message}`);
    else if (err instanceof HubError) await log.showError(`AI Lab: looking for ONNX weights of ${given} failed`, err);
    else await log.showError(`AI Lab: Get ONNX Weights for ${given} failed`, err);
    return undefined;
  }
}
