/**
 * Get ONNX Weights, second half: the exact Optimum conversion for one Python environment — the
 * install line when the exporter is missing, `optimum-cli export onnx --model M --task T OUT` — and
 * what AI Lab does after it: move the exported `*.onnx` (and their `*.onnx_data`) from OUT into
 * OUT/onnx/, where transformers.js looks, then validate OUT (validateModelFolder, and the files the
 * task needs). The move is done here, not as a shell line, so it is the same on every platform.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chooseModelFiles, assertRunnableFiles } from '../inference/modelFiles';
import { listModelFiles } from '../inference/modelCheck';
import { ModelFilesError } from '../inference/modelFolder';
import { childEnv, neutralCwd } from '../process';
import type { FolderReport } from './findings';
import type { OptimumEnv } from './optimumProbe';
import { validateModelFolder } from './validateFolder';

/** A plan that cannot be made or a run that did not give a usable model (message says what to do). */
export class ExportError extends Error {}

/**
 * Optimum's export task for each transformers.js task or Hub pipeline tag. Generation gets
 * `-with-past` so the exported decoder takes the KV cache (AI Lab refuses a causal LM without it).
 * Zero-shot and text-pair classification are sequence classifiers to Optimum.
 */
export const OPTIMUM_TASK: Record<string, string> = {
  'text-classification': 'text-classification',
  'sentiment-analysis': 'text-classification',
  'text-pair-classification': 'text-classification',
  'zero-shot-classification': 'text-classification',
  'question-answering': 'question-answering',
  'feature-extraction': 'feature-extraction',
  'sentence-similarity': 'feature-extraction',
  'token-classification': 'token-classification',
  'fill-mask': 'fill-mask',
  summarization: 'text2text-generation-with-past',
  'text2text-generation': 'text2text-generation-with-past',
  translation: 'text2text-generation-with-past',
  'text-generation': 'text-generation-with-past',
};

/** The transformers.js task AI Lab checks the result with, for a task given to the plan. */
const CHECK_TASK: Record<string, string> = { 'sentence-similarity': 'feature-extraction', 'sentiment-analysis': 'text-classification' };

/** The transformers.js task files are checked for (`sentence-similarity` runs as feature-extraction). */
export const checkTask = (task: string): string => CHECK_TASK[task] ?? task;

/** The task of a model from its config.json head class, for a folder given without --task. */
export function taskFromConfig(config: Record<string, unknown> | undefined): string | undefined {
  const arch = Array.isArray(config?.architectures) && typeof config.architectures[0] === 'string' ? config.architectures[0] : '';
  if (/ForSequenceClassification$/.test(arch)) return 'text-classification';
  if (/ForQuestionAnswering$/.test(arch)) return 'question-answering';
  if (/ForTokenClassification$/.test(arch)) return 'token-classification';
  if (/ForMaskedLM$/.test(arch)) return 'fill-mask';
  if (/(ForCausalLM|LMHeadModel)$/.test(arch)) return 'text-generation';
  if (/ForConditionalGeneration$/.test(arch) && config?.is_encoder_decoder === true) return 'text2text-generation';
  return undefined;
}

export type Shell = 'posix' | 'powershell';

/** `s` as one word of a shell line: quoted only when it needs it. */
export function shellWord(s: string, shell: Shell): string {
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${shell === 'powershell' ? s.replace(/'/g, "''") : s.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one line for `shell`; PowerShell needs `&` to run a quoted program path. */
export function shellLine(argv: string[], shell: Shell): string {
  const words = argv.map((a) => shellWord(a, shell));
  return shell === 'powershell' && words[0]!.startsWith("'") ? `& ${words.join(' ')}` : words.join(' ');
}

export interface ExportPlan {
  /** A Hub id or an absolute folder, as Optimum is given it. */
  model: string;
  /** The task the result is checked for (a transformers.js task). */
  task: string;
  /** Optimum's --task. */
  optimumTask: string;
  /** Absolute output folder. */
  out: string;
  python: string;
  /** Run first when the exporter is missing: `<python> -m pip install --upgrade "optimum-onnx[onnxruntime]"`. */
  install?: string[];
  export: string[];
  /** The same as shell lines for the terminal the user runs them in. */
  lines: string[];
  shell: Shell;
}

export interface PlanInput {
  model: string;
  task: string;
  out: string;
  env: OptimumEnv;
  shell?: Shell;
}

/** The install line's packages: the exporter (optimum-onnx; see README) and torch when the environment has none. */
export function installPackages(env: OptimumEnv): string[] {
  return [...(env.exporter ? [] : ['optimum-onnx[onnxruntime]']), ...(env.packages.torch ? [] : ['torch'])];
}

/**
 * The commands for `env`. Throws ExportError for an unknown task, an interpreter that does not run,
 * or an output folder inside the model folder (the export would write next to the weights it reads).
 */
export function planExport(i: PlanInput): ExportPlan {
  const optimumTask = OPTIMUM_TASK[i.task];
  if (!optimumTask) throw new ExportError(`Unknown task "${i.task}" for an ONNX export. Give one of: ${Object.keys(OPTIMUM_TASK).join(', ')}.`);
  if (!i.env.version) throw new ExportError(`The Python environment cannot be used: ${i.env.error ?? `${i.env.python} does not run`}. Pick another with --python (an interpreter or a venv folder).`);
  const shell = i.shell ?? (process.platform === 'win32' ? 'powershell' : 'posix');
  const out = path.resolve(i.out);
  const isFolder = path.isAbsolute(i.model);
  if (isFolder && path.resolve(i.model) === out) throw new ExportError(`The output folder is the model folder itself (${out}): give another --out, e.g. ${out}-onnx.`);
  const packages = installPackages(i.env);
  const install = packages.length ? [i.env.python, '-m', 'pip', 'install', '--upgrade', ...packages] : undefined;
  // The environment's own optimum-cli (a venv's bin/ gets one on install); else the same CLI through the interpreter.
  const venvCli = path.join(path.dirname(i.env.python), process.platform === 'win32' ? 'optimum-cli.exe' : 'optimum-cli');
  const cli = i.env.cli ?? (install && fs.existsSync(path.join(path.dirname(path.dirname(i.env.python)), 'pyvenv.cfg')) ? venvCli : undefined);
  const program = cli ? [cli] : [i.env.python, '-m', 'optimum.commands.optimum_cli'];
  const exportArgv = [...program, 'export', 'onnx', '--model', i.model, '--task', optimumTask, out];
  return {
    model: i.model,
    task: checkTask(i.task),
    optimumTask,
    out,
    python: i.env.python,
    install,
    export: exportArgv,
    lines: [...(install ? [shellLine(install, shell)] : []), shellLine(exportArgv, shell)],
    shell,
  };
}

export interface RunResult {
  code: number | null;
  /** The last lines of its stderr (for the error message). */
  stderrTail: string;
}

/** Runs `argv` with its output streamed to `onOutput`; resolves when it exits. A program that cannot start rejects with an ExportError. */
export function runStreamed(argv: string[], onOutput: (chunk: string, stream: 'stdout' | 'stderr') => void, signal?: AbortSignal): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: neutralCwd(), env: childEnv({ ...process.env, PYTHONIOENCODING: 'utf-8' }), stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let tail = '';
    const onAbort = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (d: string) => onOutput(d, 'stdout'));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      tail = (tail + d).slice(-4000);
      onOutput(d, 'stderr');
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort);
      reject(new ExportError(err.code === 'ENOENT' ? `${argv[0]} does not exist` : `${argv[0]} could not be started: ${err.message}`));
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      resolve({ code, stderrTail: tail.trim().split(/\r?\n/).slice(-8).join('\n') });
    });
  });
}

export interface ExportOutcome {
  out: string;
  /** Files moved into onnx/ (relative to out). */
  moved: string[];
  report: FolderReport;
  /** Why the result cannot run the task in AI Lab (empty: it can). */
  problems: string[];
  /** It runs in AI Lab for the task and the validation found no errors. */
  ok: boolean;
}

/**
 * Refuses an export folder that would lose or mislead: a file, or a folder that already holds
 * anything. Optimum writes config.json, the tokenizer and model.onnx into OUT over whatever is there,
 * and the move into OUT/onnx/ would replace an onnx/model.onnx already there; an .onnx left by an
 * earlier export would also pass for this export's result. Throws ExportError saying what to do.
 */
export function assertFreshOut(out: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(out);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ExportError(`Cannot use ${out} for the export: ${(err as Error).message}`);
  }
  if (!st.isDirectory()) throw new ExportError(`${out} is a file: the export needs a folder. Give another --out (a folder that does not exist yet).`);
  const held = fs.readdirSync(out);
  if (held.length) {
    const shown = held.slice(0, 3).join(', ') + (held.length > 3 ? ', …' : '');
    throw new ExportError(`${out} already holds ${held.length} entr${held.length === 1 ? 'y' : 'ies'} (${shown}): the export would write over them. Nothing was run. Give a new folder with --out, or move ${out} away (or delete it if it is an earlier export you no longer need).`);
  }
}

/**
 * After the export: moves the top-level `*.onnx` / `*.onnx_data*` of `out` into `out/onnx/` (external
 * data stays beside its graph, so its relative location still holds), then validates `out` for `task`.
 * Throws ExportError when `out` does not exist or holds no ONNX file at all.
 */
export function finishExport(out: string, task: string): ExportOutcome {
  if (!fs.existsSync(out) || !fs.statSync(out).isDirectory()) throw new ExportError(`The export wrote nothing: ${out} does not exist. See the export's output above for why.`);
  const top = fs.readdirSync(out, { withFileTypes: true }).filter((e) => e.isFile() && /\.onnx(_data.*)?$/.test(e.name)).map((e) => e.name);
  if (top.length) fs.mkdirSync(path.join(out, 'onnx'), { recursive: true });
  for (const f of top) fs.renameSync(path.join(out, f), path.join(out, 'onnx', f));
  const files = listModelFiles(out);
  if (!files.some((f) => /^onnx\/[^/]+\.onnx$/.test(f))) throw new ExportError(`The export finished but wrote no .onnx file into ${out}. See the export's output above for why.`);
  const report = validateModelFolder(out);
  const problems: string[] = [];
  try {
    assertRunnableFiles(out, files);
    chooseModelFiles(out, files, task, 'cpu', 'auto');
  } catch (err) {
    if (!(err instanceof ModelFilesError)) throw err;
    problems.push(err.message);
  }
  return { out, moved: top.map((f) => `onnx/${f}`), report, problems, ok: !problems.length && report.errors === 0 };
}
