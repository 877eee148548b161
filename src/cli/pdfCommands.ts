/** ai-lab pdf-text and ai-lab ask: PDF text by page, and questions answered with their page. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeviceSetting } from '../core/inference/device';
import type { Dtype } from '../core/inference/modelFiles';
import { makeRunner } from '../core/lab/makeRunner';
import { runLabTask } from '../core/lab/runLabTask';
import { extractPdf, PdfError, scanAdvice, type PdfText } from '../core/pdf/extract';
import { parsePageRange, type DocumentText } from '../core/pdf/pageText';
import { notAFileError, readPdfFile, specialFileKind } from '../core/pdf/pdfFile';
import { formatAnswers } from '../core/qa/format';
import { readTextFileBytes } from '../core/text/textFile';
import { requireVisibleText } from '../core/text/visible';
import { InputError } from '../core/text/chunks';
import { oneOf, parseFlags, readStdinBytes, UsageError, type Parsed } from './args';
import { CLI_SERVICE, cliDevice, cliHub, decodeInput, encodingFlag, requireInputText } from './context';
import { remoteDefaultModel } from '../core/backends/remoteModels';
import { LAB_TASKS } from '../core/nlp/tasks';
import { BACKEND_FLAGS, BACKEND_USAGE, backendFlags } from './backendFlags';
import { runOf } from './nlpCommands';
import { askWorkspaceCommand } from './indexCommands';

export const PDF_USAGE = `  pdf-text <file.pdf> [--json] [--pages 1-3,7] [--password PW]
      The text of each page (pdf.js, in reading order), with page numbers; --json adds offsets.
  ask <file|-> "<question>" [--model ID|FOLDER] [--top-k N] [--json] [--min-score S] [--embed-model ID|FOLDER (hybrid retrieval)]
      [--retrieve-top N (0 = read every passage)] [--chunk-tokens N] [--overlap-tokens N]
      [--pages 1-3,7] [--password PW] [--device auto|cpu|cuda] [--dtype auto|fp32|fp16|q8] [--endpoint URL] [--offline]
      [--encoding NAME (text files whose bytes are not UTF-8; default windows-1252)]
${BACKEND_USAGE}
      Extractive question answering over a PDF, a text file, or stdin (-): each answer with its score,
      page and context sentence; "No answer found" when nothing reaches the minimum score.`;

/** A path that names a regular file, or a usage error (exit 2) / InputError saying what it is. */
export function exists(file: string): void {
  if (!fs.existsSync(file)) throw new UsageError(`${file} does not exist`, false);
  const st = fs.statSync(file);
  if (st.isDirectory()) throw new UsageError(`${file} is a folder, not a file`, false);
  // A device or FIFO would never end or never start: refused before anything reads it (exit 1).
  const kind = specialFileKind(st);
  if (kind) throw notAFileError(file, kind);
}

export const isPdfFile = (file: string) => /\.pdf$/i.test(file) || fs.readFileSync(file).subarray(0, 5).toString('latin1') === '%PDF-';

/** A PDF's text with the CLI's errors: a missing password says which flag gives it. */
export async function readPdf(file: string, pages: string | undefined, password: string | undefined, quiet: boolean): Promise<PdfText> {
  const name = path.basename(file);
  const data = await readPdfFile(file, name);
  const progress = !quiet && process.stderr.isTTY ? (d: number, n: number) => process.stderr.write(`\rreading ${name}: page ${d} of ${n}${d === n ? '\n' : ''}`) : undefined;
  try {
    let wanted: number[] | undefined;
    if (pages) {
      const all = await extractPdf(data, name, { password, pages: [1] });
      try {
        wanted = parsePageRange(pages, all.pageCount);
      } catch (err) {
        throw new UsageError(`--pages: ${(err as Error).message}`);
      }
    }
    return await extractPdf(data, name, { password, pages: wanted, onProgress: progress });
  } catch (err) {
    if (err instanceof PdfError && err.kind === 'needPassword') throw new PdfError(err.kind, `${err.message} Give it with --password.`);
    throw err;
  }
}

export async function pdfTextCommand(argv: string[]): Promise<number> {
  const a = parseFlags('pdf-text', argv, { values: ['--pages', '--password'], switches: ['--json'] });
  const [file, extra] = a.positional;
  if (!file) throw new UsageError('pdf-text needs a PDF file');
  if (extra) throw new UsageError(`unexpected argument "${extra}"`);
  exists(file);
  const t = await readPdf(file, a.flags.get('--pages'), a.flags.get('--password'), a.switches.has('--json'));
  const advice = scanAdvice(t, path.basename(file));
  if (a.switches.has('--json')) {
    process.stdout.write(`${JSON.stringify({ file, pageCount: t.pageCount, title: t.title ?? null, scanned: t.scanned, emptyPages: t.emptyPages, blankPages: t.blankPages, unreadablePages: t.unreadablePages, pages: t.pages }, null, 2)}\n`);
  } else {
    const blank = new Set(t.blankPages);
    const empty = new Set(t.emptyPages);
    const note = (n: number) => (blank.has(n) ? ' (blank)' : empty.has(n) ? ' (no text)' : '');
    for (const p of t.pages) process.stdout.write(`=== page ${p.page}${note(p.page)}${p.notice ? ` (${p.notice})` : ''} ===\n${p.text}\n\n`);
  }
  if (advice) process.stderr.write(`ai-lab: ${advice}\n`);
  return advice ? 3 : 0;
}

function count(flag: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} needs a whole number ≥ ${min}`);
  return n;
}

export async function askCommand(argv: string[]): Promise<number> {
  const a = parseFlags('ask', argv, {
    values: ['--model', '--top-k', '--min-score', '--retrieve-top', '--chunk-tokens', '--overlap-tokens', '--pages', '--password', '--device', '--dtype', '--endpoint', '--encoding', '--embed-model', ...BACKEND_FLAGS],
    switches: ['--json', '--offline'],
  });
  const [source, question, extra] = a.positional;
  if (!source || question === undefined) throw new UsageError('ask needs a file (or - for stdin) and a question: ai-lab ask handbook.pdf "How many hours?"');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}" (quote the question)`);
  if (!question.trim()) throw new UsageError('the question is empty');
  // A folder: Ask the Workspace over its index (ai-lab index DIR).
  if (source !== '-' && fs.existsSync(source) && fs.statSync(source).isDirectory()) return askWorkspaceCommand(a);
  // Arguments swapped (ask "How many hours?" handbook.pdf): say the order rather than "does not exist".
  if (source !== '-' && !fs.existsSync(source) && fs.existsSync(question) && fs.statSync(question).isFile()) {
    throw new UsageError(`the file comes first: ai-lab ask FILE QUESTION, e.g. ai-lab ask ${JSON.stringify(question)} ${JSON.stringify(source)}`);
  }
  const json = a.switches.has('--json');
  // Flags not given: the task table's QA_DEFAULTS (runLabTask fills them in).
  const topK = count('--top-k', a.flags.get('--top-k'), 1);
  const minScore = a.flags.has('--min-score') ? Number(a.flags.get('--min-score')) : undefined;
  if (minScore !== undefined && (!Number.isFinite(minScore) || minScore < 0 || minScore > 1)) throw new UsageError('--min-score is between 0 and 1');
  const retrieveTop = count('--retrieve-top', a.flags.get('--retrieve-top'), 0);
  const chunkTokens = count('--chunk-tokens', a.flags.get('--chunk-tokens'), 32);
  const overlapTokens = count('--overlap-tokens', a.flags.get('--overlap-tokens'), 0);
  const deviceSetting = oneOf<DeviceSetting>('--device', a.flags.get('--device'), ['auto', 'cpu', 'cuda'], 'auto');
  const dtype = oneOf<Dtype>('--dtype', a.flags.get('--dtype'), ['auto', 'fp32', 'fp16', 'q8'], 'auto');
  const remote = backendFlags(a, LAB_TASKS.qa.pipeline);
  const model = a.flags.get('--model') ?? (remote ? remoteDefaultModel(remote, LAB_TASKS.qa.defaultModel) : undefined);
  encodingFlag(a);

  // A PDF's pages make answers say their page; a text file or stdin is one page without a number.
  const { text, doc } = await readSource(source, a, json);

  const started = performance.now();
  const device = remote ? { device: undefined } : await cliDevice(deviceSetting);
  const runner = makeRunner({ backend: remote, device: device.device ?? 'cpu', dtype, hub: cliHub(a), service: CLI_SERVICE });
  try {
    const out = await runLabTask({ task: 'qa', model, text, doc, question, what: `the text of ${source === '-' ? 'stdin' : source}`, options: { topK, minScore, retrieveTop, chunkTokens, overlapTokens, embedModel: a.flags.get('--embed-model') } }, runner);
    if (out.kind !== 'answers') throw new Error(`Ask a Question gave a ${out.kind} result`);
    if (json) {
      const answers = out.answers.map((x) => ({ answer: x.answer, score: x.score, page: x.page ?? null, context: x.context, start: x.start, end: x.end }));
      const by = out.producedBy;
      process.stdout.write(`${JSON.stringify({ question: out.question, source, model: by.model, ...(by.modelPath ? { modelPath: by.modelPath } : {}), backend: by.backend, device: by.device ?? device.device, ...runOf(by), answers, read: out.read, chunks: out.chunks, retrieval: out.retrieval, minScore: out.minScore, rejected: out.rejected ?? null, timings: { totalMs: Math.round(performance.now() - started) } }, null, 2)}\n`);
    } else {
      process.stdout.write(`${formatAnswers(out)}\n`);
    }
    return out.answers.length ? 0 : 3;
  } finally {
    runner.dispose();
  }
}

export const PDF_COMMANDS: Record<string, (argv: string[]) => Promise<number>> = { 'pdf-text': pdfTextCommand, ask: askCommand };

/**
 * The text of SOURCE for a command that reads a document: '-' is stdin, a PDF gives its pages (with
 * --pages and --password; a scan or blank pages is an InputError with the advice to OCR it), anything
 * else is a text file (decoded as --encoding says). --pages/--password on a non-PDF is a UsageError.
 */
export async function readSource(source: string, a: Parsed, json: boolean): Promise<{ text: string; doc?: DocumentText }> {
  const pdfOnly = ['--pages', '--password'].filter((f) => a.flags.has(f));
  const pdf = source !== '-' && (exists(source), isPdfFile(source));
  if (pdfOnly.length && !pdf) throw new UsageError(`${pdfOnly.join(' and ')} ${pdfOnly.length > 1 ? 'apply' : 'applies'} to PDFs; ${source === '-' ? 'stdin' : source} is read as text`);
  if (source === '-') {
    const bytes = await readStdinBytes();
    if (!bytes.length) throw new UsageError('no text on stdin');
    const decoded = decodeInput(bytes, 'stdin', a);
    return { text: requireInputText(decoded.text, decoded.bom, 'the text on stdin') };
  }
  if (pdf) {
    const t = await readPdf(source, a.flags.get('--pages'), a.flags.get('--password'), json);
    const advice = scanAdvice(t, path.basename(source));
    // A scan or blank pages: nothing to work on (exit 2, as for empty text), with the advice to OCR it.
    if (advice) throw new InputError(advice);
    return { text: requireVisibleText(t.text, `the text of ${source}`), doc: t };
  }
  const decoded = decodeInput(readTextFileBytes(source), path.basename(source), a);
  return { text: requireInputText(decoded.text, decoded.bom, `the file ${source}`) };
}
