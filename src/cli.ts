#!/usr/bin/env node
import * as path from 'node:path';
import { collectEnvironment } from './core/env/collect';
import { reportToMarkdown } from './core/env/reportMarkdown';

const USAGE = `Usage: ai-lab <command> [options]

Commands:
  env [--json] [--nvidia-smi PATH] [--timeout SECONDS]
      GPUs, driver, CUDA, compute capability, CUDA toolkit, WSL, ONNX Runtime providers, diagnoses.
      Exit code 0 even without a GPU; the reason is in "errors".

Options:
  -h, --help     this text
  --version      the AI Lab version
`;

class UsageError extends Error {}

interface EnvArgs {
  json: boolean;
  nvidiaSmi?: string;
  timeoutS?: number;
}

function parseEnvArgs(argv: string[]): EnvArgs {
  const out: EnvArgs = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--json') out.json = true;
    else if (flag === '--nvidia-smi') out.nvidiaSmi = value();
    else if (flag === '--timeout') {
      const n = Number(value());
      if (!Number.isFinite(n) || n <= 0) throw new UsageError('--timeout needs a positive number of seconds');
      out.timeoutS = n;
    } else throw new UsageError(`unknown option for env: ${a}`);
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (command === '--version') {
    process.stdout.write(`${require('../package.json').version}\n`);
    return 0;
  }
  if (command !== 'env') throw new UsageError(`unknown command: ${command}`);
  const args = parseEnvArgs(rest);
  const { report } = await collectEnvironment({
    nvidiaSmiPath: args.nvidiaSmi,
    smiTimeoutMs: (args.timeoutS ?? 5) * 1000,
    ortProbeScript: path.join(__dirname, 'ortProbe.js'),
  });
  process.stdout.write(args.json ? JSON.stringify(report, null, 2) + '\n' : reportToMarkdown(report));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`ai-lab: ${err.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`ai-lab: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
