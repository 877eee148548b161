import * as path from 'node:path';
import { collectEnvironment } from '../core/env/collect';
import { reportToMarkdown } from '../core/env/reportMarkdown';
import { parseFlags, positiveNumber, UsageError } from './args';

export const ENV_USAGE = `  env [--json] [--nvidia-smi PATH] [--timeout SECONDS] [--python PATH]...
      GPUs, driver, CUDA, compute capability, CUDA toolkit, WSL, ONNX Runtime providers, diagnoses;
      with --python (an interpreter or a venv folder, repeatable): its torch/CUDA health too.
      Exit code 0 even without a GPU; the reason is in "errors".`;

export async function envCommand(argv: string[]): Promise<number> {
  const a = parseFlags('env', argv, { values: ['--nvidia-smi', '--timeout', '--python'], switches: ['--json'] });
  if (a.positional.length) throw new UsageError(`env takes no arguments (got "${a.positional[0]}")`);
  const { report } = await collectEnvironment({
    nvidiaSmiPath: a.flags.get('--nvidia-smi'),
    smiTimeoutMs: (positiveNumber('--timeout', a.flags.get('--timeout')) ?? 5) * 1000,
    ortProbeScript: path.join(__dirname, 'ortProbe.js'),
    python: a.all.get('--python'),
  });
  process.stdout.write(a.switches.has('--json') ? JSON.stringify(report, null, 2) + '\n' : reportToMarkdown(report));
  return 0;
}
