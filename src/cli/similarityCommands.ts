/** ai-lab similarity (two texts → cosine) and ai-lab similar (a file's passages closest to a query). */
import * as path from 'node:path';
import type { DeviceSetting } from '../core/inference/device';
import type { Dtype } from '../core/inference/modelFiles';
import { makeRunner } from '../core/lab/makeRunner';
import { runLabTask, type LabRequest } from '../core/lab/runLabTask';
import { LAB_TASKS } from '../core/nlp/tasks';
import { formatSimilarity, formatSimilarPassages } from '../core/nlp/similarityFormat';
import { checkText, InputError } from '../core/text/chunks';
import { readTextFileBytes } from '../core/text/textFile';
import { requireVisibleText } from '../core/text/visible';
import { remoteDefaultModel } from '../core/backends/remoteModels';
import { oneOf, parseFlags, UsageError, wholeNumber, type Parsed } from './args';
import { BACKEND_FLAGS, BACKEND_USAGE, backendFlags } from './backendFlags';
import { CLI_SERVICE, cliDevice, cliHub, decodeInput, encodingFlag, requireInputText } from './context';
import { exists, isPdfFile, readSource } from './pdfCommands';

export const SIMILARITY_USAGE = `  similarity "<text A>" "<text B>" [--file-a PATH] [--file-b PATH] [--model ID|FOLDER] [--json]
      Cosine similarity (−1…1) of two texts' sentence vectors, as sentence-transformers computes them
      (the model's pooling from its 1_Pooling/config.json, then L2 normalisation). A text longer than
      the model reads (its max_seq_length) is truncated, and the result says so. --file-a/--file-b
      read a text from a file instead of its argument.
  similar <file|-> "<query>" [--top K] [--passage-tokens N] [--pages 1-3,7] [--password PW] [--json]
      The file's passages (sentence-aligned, at most N tokens; PDF pages kept) most similar to the
      query, best first, with score, page and offsets.
      Both: [--device auto|cpu|cuda] [--dtype auto|fp32|fp16|q8] [--endpoint URL] [--offline] [--encoding NAME]
${BACKEND_USAGE}`;

const COMMON_VALUES = ['--model', '--device', '--dtype', '--endpoint', '--encoding', ...BACKEND_FLAGS];

/** A text file's contents (not a PDF, not binary), named for messages. */
function readTextArg(file: string, a: Parsed, flag: string): string {
  exists(file);
  if (isPdfFile(file)) throw new InputError(`${flag} ${file} is a PDF: compare its passages with \`ai-lab similar ${file} "text"\`, or get its text with \`ai-lab pdf-text ${file}\`.`);
  const decoded = decodeInput(readTextFileBytes(file, `${flag} ${file}`), path.basename(file), a);
  return checkText(requireInputText(decoded.text, decoded.bom, `the file ${file}`), `the file ${file}`);
}

function common(a: Parsed, task: 'similarity' | 'findSimilar') {
  const remote = backendFlags(a, LAB_TASKS[task].pipeline);
  const model = a.flags.get('--model') ?? (remote ? remoteDefaultModel(remote, LAB_TASKS[task].defaultModel) : LAB_TASKS[task].defaultModel);
  const deviceSetting = oneOf<DeviceSetting>('--device', a.flags.get('--device'), ['auto', 'cpu', 'cuda'], 'auto');
  const dtype = oneOf<Dtype>('--dtype', a.flags.get('--dtype'), ['auto', 'fp32', 'fp16', 'q8'], 'auto');
  encodingFlag(a);
  return { remote, model, deviceSetting, dtype };
}

async function run(a: Parsed, task: 'similarity' | 'findSimilar', request: LabRequest, c: ReturnType<typeof common>) {
  const started = performance.now();
  const device = c.remote ? { device: undefined, reason: undefined } : await cliDevice(c.deviceSetting);
  const runner = makeRunner({ backend: c.remote, device: device.device ?? 'cpu', dtype: c.dtype, hub: cliHub(a), service: CLI_SERVICE });
  try {
    const { producedBy, ...output } = await runLabTask(request, runner);
    const head = { task, model: producedBy.model, ...(producedBy.modelPath ? { modelPath: producedBy.modelPath } : {}), backend: producedBy.backend, device: producedBy.device ?? device.device };
    return { head, output, totalMs: Math.round(performance.now() - started) };
  } finally {
    runner.dispose();
  }
}

function notes(list: string[]): void {
  for (const n of list) process.stderr.write(`ai-lab: note: ${n}\n`);
}

export async function similarityCommand(argv: string[]): Promise<number> {
  const a = parseFlags('similarity', argv, { values: [...COMMON_VALUES, '--file-a', '--file-b'], switches: ['--json', '--offline'] });
  const fileA = a.flags.get('--file-a');
  const fileB = a.flags.get('--file-b');
  const positional = [...a.positional];
  const wanted = 2 - (fileA ? 1 : 0) - (fileB ? 1 : 0);
  if (positional.length !== wanted) {
    throw new UsageError(
      positional.length > wanted
        ? `unexpected argument "${positional[wanted]}" (quote each text: ai-lab similarity "text A" "text B")`
        : 'similarity needs two texts: ai-lab similarity "text A" "text B" (or --file-a PATH / --file-b PATH)',
    );
  }
  const c = common(a, 'similarity');
  const textA = fileA ? readTextArg(fileA, a, '--file-a') : requireVisibleText(positional.shift()!, 'the first text');
  const textB = fileB ? readTextArg(fileB, a, '--file-b') : requireVisibleText(positional.shift()!, 'the second text');
  const request: LabRequest = { task: 'similarity', model: c.model, text: textA, other: textB, what: fileA ? `the file ${fileA}` : 'the first text', whatOther: fileB ? `the file ${fileB}` : 'the second text' };
  const { head, output, totalMs } = await run(a, 'similarity', request, c);
  if (output.kind !== 'similarity') throw new Error(`Compare Similarity gave a ${output.kind} result`);
  if (a.switches.has('--json')) process.stdout.write(`${JSON.stringify({ ...head, score: output.score, output, timings: { totalMs } }, null, 2)}\n`);
  else {
    process.stdout.write(`${formatSimilarity(output, head.model)}\n`);
    notes(output.notes);
  }
  return 0;
}

export async function similarCommand(argv: string[]): Promise<number> {
  const a = parseFlags('similar', argv, { values: [...COMMON_VALUES, '--top', '--passage-tokens', '--pages', '--password'], switches: ['--json', '--offline'] });
  const [source, query, extra] = a.positional;
  if (!source || query === undefined) throw new UsageError('similar needs a file (or - for stdin) and the text to look for: ai-lab similar notes.md "how do I get my money back"');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}" (quote the query)`);
  if (!query.trim()) throw new UsageError('the query is empty');
  const topK = wholeNumber('--top', a.flags.get('--top'), 1);
  const passageTokens = wholeNumber('--passage-tokens', a.flags.get('--passage-tokens'), 8);
  const c = common(a, 'findSimilar');
  const json = a.switches.has('--json');
  const read = await readSource(source, a, json);
  // A file named on the command line that is not a PDF is checked as text (binary, too long), as --file-a is.
  const text = read.doc ? read.text : checkText(read.text, source === '-' ? 'the text on stdin' : `the file ${source}`);
  const doc = read.doc;
  const request: LabRequest = { task: 'findSimilar', model: c.model, text, doc, query, what: `the text of ${source === '-' ? 'stdin' : source}`, options: { topK, passageTokens } };
  const { head, output, totalMs } = await run(a, 'findSimilar', request, c);
  if (output.kind !== 'similarPassages') throw new Error(`Find Similar Passages gave a ${output.kind} result`);
  if (json) process.stdout.write(`${JSON.stringify({ ...head, source, query: output.query, hits: output.hits, output, timings: { totalMs } }, null, 2)}\n`);
  else {
    process.stdout.write(`${formatSimilarPassages(output)}\n`);
    notes(output.notes);
  }
  return 0;
}

export const SIMILARITY_COMMANDS: Record<string, (argv: string[]) => Promise<number>> = { similarity: similarityCommand, similar: similarCommand };
