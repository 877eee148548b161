#!/usr/bin/env node
import { UsageError } from './cli/args';
import { InputError } from './core/text/chunks';
import { CACHE_COMMANDS, CACHE_USAGE } from './cli/cacheCommands';
import { HUB_COMMANDS, HUB_USAGE } from './cli/hubCommands';
import { ENABLE_CUDA_USAGE, enableCudaCommand } from './cli/enableCudaCommand';
import { ENV_USAGE, envCommand } from './cli/envCommand';
import { NLP_COMMANDS, NLP_USAGE, nlpCommand } from './cli/nlpCommands';
import { PDF_COMMANDS, PDF_USAGE } from './cli/pdfCommands';
import { INDEX_COMMANDS, INDEX_USAGE } from './cli/indexCommands';
import { endQuietlyOnClosedPipe } from './cli/pipes';
import { installProxyFromEnv } from './core/net/proxy';
import { CLI_SURFACE, useSurface } from './core/surface/names';
import { RUN_USAGE, runCommand } from './cli/runCommand';
import { TRANSLATE_USAGE, translateCommand } from './cli/translateCommand';
import { SIMILARITY_COMMANDS, SIMILARITY_USAGE } from './cli/similarityCommands';
import { VALIDATE_USAGE, validateCommand } from './cli/validateCommand';
import { ONNX_USAGE, onnxCommand } from './cli/onnxCommand';
import { UPLOAD_USAGE, uploadCommand } from './cli/uploadCommand';
import { EVAL_USAGE, evalCommand } from './cli/evalCommand';
import { SHORTLIST_USAGE, shortlistCommand } from './cli/shortlistCommand';

// Core messages name flags and `ai-lab` commands, not the extension's settings and command titles.
useSurface(CLI_SURFACE);
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and NODE_EXTRA_CA_CERTS, which Node reads itself) for every request.
installProxyFromEnv();

const USAGE = `Usage: ai-lab <command> [options]

Commands:
${ENV_USAGE}
${RUN_USAGE}
${ENABLE_CUDA_USAGE}
${NLP_USAGE}
${TRANSLATE_USAGE}
${PDF_USAGE}
${SIMILARITY_USAGE}
${INDEX_USAGE}
${HUB_USAGE}
${CACHE_USAGE}
${VALIDATE_USAGE}
${ONNX_USAGE}
${UPLOAD_USAGE}
${EVAL_USAGE}
${SHORTLIST_USAGE}

Options:
  -h, --help     this text
  --version      the AI Lab version
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  env: envCommand,
  run: runCommand,
  'enable-cuda': enableCudaCommand,
  ...HUB_COMMANDS,
  ...CACHE_COMMANDS,
  ...PDF_COMMANDS,
  ...SIMILARITY_COMMANDS,
  ...INDEX_COMMANDS,
  ...Object.fromEntries(NLP_COMMANDS.map((c) => [c, (argv: string[]) => nlpCommand(c, argv)])),
  translate: translateCommand,
  validate: validateCommand,
  onnx: onnxCommand,
  upload: uploadCommand,
  eval: evalCommand,
  shortlist: shortlistCommand,
};

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
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command: ${command}`);
  helpFor = command;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`Usage: ai-lab ${COMMAND_USAGE[command] ?? USAGE}\n`);
    return 0;
  }
  return run(rest);
}

/** Each command's part of the usage text, for `ai-lab <command> --help`. */
const COMMAND_USAGE: Record<string, string> = {
  env: ENV_USAGE.trimStart(),
  run: RUN_USAGE.trimStart(),
  'enable-cuda': ENABLE_CUDA_USAGE.trimStart(),
  ...Object.fromEntries(Object.keys(HUB_COMMANDS).map((c) => [c, HUB_USAGE.trimStart()])),
  ...Object.fromEntries(Object.keys(CACHE_COMMANDS).map((c) => [c, CACHE_USAGE.trimStart()])),
  ...Object.fromEntries(Object.keys(PDF_COMMANDS).map((c) => [c, PDF_USAGE.trimStart()])),
  ...Object.fromEntries(Object.keys(SIMILARITY_COMMANDS).map((c) => [c, SIMILARITY_USAGE.trimStart()])),
  ...Object.fromEntries(Object.keys(INDEX_COMMANDS).map((c) => [c, INDEX_USAGE.trimStart()])),
  ...Object.fromEntries(NLP_COMMANDS.map((c) => [c, NLP_USAGE.trimStart()])),
  translate: TRANSLATE_USAGE.trimStart(),
  validate: VALIDATE_USAGE.trimStart(),
  onnx: ONNX_USAGE.trimStart(),
  upload: UPLOAD_USAGE.trimStart(),
  eval: EVAL_USAGE.trimStart(),
  shortlist: SHORTLIST_USAGE.trimStart(),
};

/** The command being run, for the "see `ai-lab <command> --help`" line after an argument error. */
let helpFor: string | undefined;

endQuietlyOnClosedPipe(process.stdout);
endQuietlyOnClosedPipe(process.stderr);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      // One line and where the usage is: the full text only for --help and no arguments.
      process.stderr.write(err.showUsage ? `ai-lab: ${err.message}\nsee \`ai-lab ${helpFor ? `${helpFor} ` : ''}--help\`\n` : `ai-lab: ${err.message} (ai-lab --help for usage)\n`);
      process.exitCode = 2;
    } else if (err instanceof InputError) {
      // Input with nothing to work on (or not text): exit 2, as for bad arguments, without the usage.
      process.stderr.write(`ai-lab: ${err.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`ai-lab: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
