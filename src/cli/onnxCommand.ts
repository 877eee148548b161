/** ai-lab onnx MODEL: Get ONNX Weights from a terminal (src/core/model/onnxPorts.ts, optimumExport.ts). */
import { HubClient } from '../core/hub/hubApi';
import { HubError } from '../core/hub/hubError';
import { hasRunnableFiles } from '../core/inference/modelFiles';
import { listModelFiles } from '../core/inference/modelCheck';
import { findOnnxPorts, type PortSearch } from '../core/model/onnxPorts';
import { chooseExportPython, defaultOut, exportTask, onnxTarget, type OnnxTarget } from '../core/model/onnxTarget';
import { assertFreshOut, checkTask, ExportError, shellWord, finishExport, planExport, runStreamed, type ExportOutcome, type ExportPlan } from '../core/model/optimumExport';
import type { OptimumEnv } from '../core/model/optimumProbe';
import { InputError } from '../core/text/chunks';
import { parseFlags, UsageError } from './args';
import { cliHub } from './context';
import { commandLinePath } from './envCommand';

export const ONNX_USAGE = `  onnx MODEL_ID_OR_DIR [--task T] [--out DIR] [--python PATH] [--run] [--endpoint URL] [--json]
      Get ONNX weights for a model that has none: lists transformers.js-ready copies on the Hub (repos
      declaring it as base_model, onnx-community/ and Xenova/ of the same name) that run in AI Lab;
      else the exact Optimum commands for a Python environment (the install line when its exporter is
      missing, then optimum-cli export onnx --model … --task … OUT). --run runs the export (output
      streamed to stderr), moves the .onnx files into OUT/onnx/ and validates OUT: exit 0 only when
      it runs in AI Lab for the task with no validation errors; 1 when the export or the result fails
      or the exporter is not installed (the install line is printed). --out default: DIR-onnx beside a
      folder, NAME-onnx here for a Hub id. --python: an interpreter or a venv folder (default: the
      workspace's venv, VIRTUAL_ENV, conda, then python3 on PATH; the first with Optimum wins).`;

interface Answer {
  model: string;
  portsOf: string | null;
  task: string | null;
  /** The model runs in AI Lab already: nothing to get. */
  alreadyRunnable: boolean;
  ports: PortSearch['ports'];
  rejected: PortSearch['rejected'];
  /** Why the Hub could not be searched (offline…), when it could not. */
  hubError?: string;
  python?: { path: string; source: string; version: string | null; packages: OptimumEnv['packages']; exporter: boolean; cli: string | null };
  plan?: Pick<ExportPlan, 'install' | 'export' | 'lines' | 'out' | 'optimumTask'>;
  result?: { code: number | null; moved: string[]; ok: boolean; problems: string[]; errors: number; warnings: number; findings: ExportOutcome['report']['findings'] };
  /** What stopped --run (the exporter missing, the export failing). */
  stopped?: string;
  /** Why no conversion plan could be made (no task known). */
  noPlan?: string;
}


/** The Hub's pipeline tag and whether the repo (or folder) already runs in AI Lab. */
async function describe(t: OnnxTarget, client: HubClient, a: Answer): Promise<string | undefined> {
  if (t.isFolder) {
    a.alreadyRunnable = hasRunnableFiles(listModelFiles(t.model));
    return undefined;
  }
  try {
    const info = await client.modelInfo(t.model);
    a.alreadyRunnable = hasRunnableFiles(info.files);
    return info.pipelineTag;
  } catch (err) {
    if (!(err instanceof HubError)) throw err;
    if (err.kind === 'not-found' || err.kind === 'gated') throw new InputError(err.message);
    a.hubError = err.message;
    return undefined;
  }
}

/**
 * The `ai-lab onnx … --run` line that does the plan shown: the same model, task, interpreter and
 * output folder (the defaults could pick others), each quoted for the plan's shell.
 */
export function runLine(a: Pick<Answer, 'model' | 'task'>, python: string, plan: Pick<ExportPlan, 'out' | 'shell'>): string {
  return ['ai-lab', 'onnx', a.model, '--run', ...(a.task ? ['--task', a.task] : []), '--python', python, '--out', plan.out].map((w) => shellWord(w, plan.shell)).join(' ');
}

function print(a: Answer, run?: string): void {
  const out: string[] = [];
  if (a.alreadyRunnable) out.push(`${a.model} already has ONNX weights for transformers.js: it runs in AI Lab as it is.`);
  if (a.hubError) out.push(`Could not search the Hub: ${a.hubError}`);
  if (a.ports.length) {
    out.push(`transformers.js-ready copies of ${a.portsOf} that run in AI Lab${a.task ? ` for ${a.task}` : ''}:`);
    for (const p of a.ports) out.push(`  ${p.id}  ${p.downloads.toLocaleString('en-US')} downloads · ${p.onnxFiles.length} ONNX file${p.onnxFiles.length === 1 ? '' : 's'} (${p.onnxFiles.slice(0, 3).join(', ')}${p.onnxFiles.length > 3 ? ', …' : ''}) · ${p.reason}`);
    out.push(`Use one as the model, e.g. --model ${a.ports[0]!.id}.`);
  } else if (a.portsOf && !a.hubError && !a.alreadyRunnable) {
    out.push(`No transformers.js-ready copy of ${a.portsOf} on the Hub${a.rejected.length ? ` (looked at and left out: ${a.rejected.slice(0, 4).map((r) => `${r.id}: ${r.reason}`).join('; ')})` : ''}.`);
  } else if (!a.portsOf && !a.alreadyRunnable) out.push(`${a.model}'s config.json names no Hub model it was saved from: no copy to look for on the Hub.`);
  if (!a.ports.length && !a.alreadyRunnable && a.noPlan) out.push(a.noPlan);
  if (a.plan && a.python) {
    out.push(`Convert it with Optimum in ${a.python.path} (${a.python.source}${a.python.version ? `, Python ${a.python.version}` : ''}):`);
    if (a.plan.install) out.push(`  ${a.python.exporter ? 'install' : 'install the exporter (not installed there)'}:  ${a.plan.lines[0]}`);
    out.push(`  export:  ${a.plan.lines[a.plan.lines.length - 1]}`);
    out.push(`Then the .onnx files go into ${a.plan.out}/onnx/ (where transformers.js looks) and the folder is validated: ${run} does all of it.`);
    try {
      assertFreshOut(a.plan.out);
    } catch (err) {
      if (!(err instanceof ExportError)) throw err;
      out.push(`note: ${err.message.replace(' Nothing was run.', '')}`);
    }
  }
  process.stdout.write(out.join('\n') + '\n');
}

export async function onnxCommand(argv: string[]): Promise<number> {
  const a = parseFlags('onnx', argv, { values: ['--task', '--out', '--python', '--endpoint'], switches: ['--run', '--json'] });
  if (a.positional.length !== 1) throw new UsageError(a.positional.length ? `onnx takes one MODEL (got ${a.positional.length})` : 'onnx needs the model: ai-lab onnx MODEL_ID_OR_DIR');
  const json = a.switches.has('--json');
  const run = a.switches.has('--run');
  let t: OnnxTarget;
  try {
    t = onnxTarget(a.positional[0]!);
  } catch (err) {
    if (err instanceof ExportError) throw new InputError(err.message);
    throw err;
  }
  const hub = cliHub(a);
  const client = new HubClient({ endpoint: hub.endpoint, token: hub.token });
  const answer: Answer = { model: t.model, portsOf: t.portsOf ?? null, task: a.flags.get('--task') ?? null, alreadyRunnable: false, ports: [], rejected: [] };
  const pipelineTag = await describe(t, client, answer);
  let task: string | undefined;
  try {
    task = exportTask(t, a.flags.get('--task'), pipelineTag);
  } catch (err) {
    if (!(err instanceof ExportError)) throw err;
    // Without a task ports can still be listed; the conversion cannot be planned. A wrong --task is refused.
    if (run || !t.portsOf || a.flags.has('--task')) throw new InputError(err.message);
    answer.noPlan = err.message;
  }
  answer.task = task ?? null;
  // --run converts as asked; without it, ports first.
  if (!run && t.portsOf && !answer.hubError && !answer.alreadyRunnable) {
    try {
      const found = await findOnnxPorts(client, t.portsOf, { task: task && checkTask(task) });
      answer.ports = found.ports;
      answer.rejected = found.rejected;
    } catch (err) {
      if (!(err instanceof HubError)) throw err;
      answer.hubError = err.message;
    }
  }
  let planShell: ExportPlan['shell'] = 'posix';
  if (task && (run || !answer.ports.length) && !answer.alreadyRunnable) {
    let env: OptimumEnv;
    let plan: ExportPlan;
    try {
      const python = a.flags.get('--python');
      env = await chooseExportPython({ python: python === undefined ? undefined : commandLinePath(python), discover: { workspaceFolders: [process.cwd()], configured: [] } });
      plan = planExport({ model: t.model, task, out: a.flags.get('--out') ?? defaultOut(t), env });
    } catch (err) {
      if (err instanceof ExportError) throw new InputError(err.message);
      throw err;
    }
    answer.python = { path: env.python, source: env.source, version: env.version, packages: env.packages, exporter: env.exporter, cli: env.cli };
    answer.plan = { install: plan.install, export: plan.export, lines: plan.lines, out: plan.out, optimumTask: plan.optimumTask };
    planShell = plan.shell;
    if (run) return runExport(answer, plan, env, json);
  }
  if (json) process.stdout.write(JSON.stringify(answer, null, 2) + '\n');
  else print(answer, answer.plan && answer.python ? runLine(answer, answer.python.path, { out: answer.plan.out, shell: planShell }) : undefined);
  return 0;
}

async function runExport(answer: Answer, plan: ExportPlan, env: OptimumEnv, json: boolean): Promise<number> {
  const say = (s: string) => process.stderr.write(`ai-lab: ${s}\n`);
  const done = (code: number) => {
    if (json) process.stdout.write(JSON.stringify(answer, null, 2) + '\n');
    return code;
  };
  if (!env.exporter) {
    answer.stopped = `Optimum's ONNX exporter is not installed in ${env.python}: run ${plan.lines[0]} first, then run this again.`;
    say(answer.stopped);
    return done(1);
  }
  try {
    assertFreshOut(plan.out);
  } catch (err) {
    if (!(err instanceof ExportError)) throw err;
    answer.stopped = err.message;
    say(err.message);
    return done(2);
  }
  if (plan.install) say(`note: ${env.python} has no torch; the export needs it (${plan.lines[0]}).`);
  say(`running ${plan.lines[plan.lines.length - 1]}`);
  let r;
  try {
    r = await runStreamed(plan.export, (chunk) => process.stderr.write(chunk));
  } catch (err) {
    if (!(err instanceof ExportError)) throw err;
    answer.stopped = err.message;
    say(err.message);
    return done(1);
  }
  if (r.code !== 0) {
    answer.stopped = `The export failed (exit ${r.code ?? 'killed'})${r.stderrTail ? `: ${r.stderrTail}` : ''}`;
    say(answer.stopped);
    return done(1);
  }
  let outcome: ExportOutcome;
  try {
    outcome = finishExport(plan.out, plan.task);
  } catch (err) {
    if (!(err instanceof ExportError)) throw err;
    answer.stopped = err.message;
    say(err.message);
    return done(1);
  }
  const rep = outcome.report;
  answer.result = { code: r.code, moved: outcome.moved, ok: outcome.ok, problems: outcome.problems, errors: rep.errors, warnings: rep.warnings, findings: rep.findings };
  if (json) return done(outcome.ok ? 0 : 1);
  const lines = [`Exported into ${plan.out}${outcome.moved.length ? `; moved ${outcome.moved.join(', ')}` : ''}.`];
  lines.push(`Validation: ${rep.errors} error${rep.errors === 1 ? '' : 's'}, ${rep.warnings} warning${rep.warnings === 1 ? '' : 's'}${rep.errors ? ' (ai-lab validate ' + plan.out + ' for the details)' : ''}.`);
  for (const f of rep.findings.filter((x) => x.severity === 'error')) lines.push(`  ✗ ${f.check}${f.file ? ` (${f.file})` : ''}: ${f.message}`);
  for (const p of outcome.problems) lines.push(`  ✗ ${p}`);
  lines.push(outcome.ok ? `It runs in AI Lab for ${plan.task}: use --model ${plan.out}` : `It does not run in AI Lab for ${plan.task} as it is.`);
  process.stdout.write(lines.join('\n') + '\n');
  return outcome.ok ? 0 : 1;
}
