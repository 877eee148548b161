import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectEnvironment } from '../core/env/collect';
import { reportToMarkdown } from '../core/env/reportMarkdown';
import { parseFlags, positiveNumber, UsageError } from './args';

export const ENV_USAGE = `  env [--json] [--nvidia-smi PATH] [--timeout SECONDS] [--python PATH]...
      GPUs, driver, CUDA, compute capability, CUDA toolkit, WSL, ONNX Runtime providers, diagnoses;
      with --python (an interpreter or a venv folder, repeatable): its torch/CUDA health too.
      Exit code 0 even without a GPU; the reason is in "errors".`;

/**
 * A path given on the command line, as the shell user means it: relative to the current folder (the
 * probes run in an empty folder of their own, where a relative path would name nothing), `~` the
 * home folder. A bare name (`python3`) stays a command looked up on PATH, unless a folder of that name is here.
 */
const isFolder = (p: string) => {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
};

export function commandLinePath(p: string, cwd = process.cwd()): string {
  if (p === '~' || p.startsWith('~/')) return path.join(os.homedir(), p.slice(1));
  if (path.isAbsolute(p)) return p;
  // A bare name is a command on PATH, unless it is a folder here (`--python .venv`, `--python venv`).
  const bare = !/[\\/]/.test(p) && !p.startsWith('.');
  if (bare && !isFolder(path.resolve(cwd, p))) return p;
  return path.resolve(cwd, p);
}

export async function envCommand(argv: string[]): Promise<number> {
  const a = parseFlags('env', argv, { values: ['--nvidia-smi', '--timeout', '--python'], switches: ['--json'] });
  if (a.positional.length) throw new UsageError(`env takes no arguments (got "${a.positional[0]}")`);
  const smi = a.flags.get('--nvidia-smi');
  const { report } = await collectEnvironment({
    nvidiaSmiPath: smi === undefined ? undefined : commandLinePath(smi),
    smiTimeoutMs: (positiveNumber('--timeout', a.flags.get('--timeout')) ?? 5) * 1000,
    ortProbeScript: path.join(__dirname, 'ortProbe.js'),
    python: a.all.get('--python')?.map((p) => commandLinePath(p)),
  });
  process.stdout.write(a.switches.has('--json') ? JSON.stringify(report, null, 2) + '\n' : reportToMarkdown(report));
  return 0;
}
