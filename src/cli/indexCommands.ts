/** ai-lab index | search DIR, and ask DIR: the workspace index (search by meaning, Ask the Workspace) from a terminal. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeviceSetting } from '../core/inference/device';
import type { Dtype } from '../core/inference/modelFiles';
import { modelFolder } from '../core/inference/modelName';
import { makeRunner, type LabRunner } from '../core/lab/makeRunner';
import { LAB_TASKS } from '../core/nlp/tasks';
import { formatAnswers } from '../core/qa/format';
import { askWorkspace } from '../core/search/askWorkspace';
import { buildIndex, type BuildResult } from '../core/search/buildIndex';
import { DEFAULT_MAX_FILE_MB } from '../core/search/documents';
import { staleFiles, staleNote, type Staleness } from '../core/search/freshness';
import { SearchableIndex, searchIndex } from '../core/search/hybridSearch';
import { deleteIndex, indexFolder, loadIndex, type Manifest } from '../core/search/indexStore';
import { InputError } from '../core/text/chunks';
import { numberIn, oneOf, parseFlags, UsageError, wholeNumber, type Parsed } from './args';
import { BACKEND_FLAGS, BACKEND_USAGE, backendFlags } from './backendFlags';
import { CLI_SERVICE, cliDevice, cliHub } from './context';

export const INDEX_USAGE = `  index <DIR> [--include GLOB]... [--exclude GLOB]... [--no-gitignore] [--embed-model ID|FOLDER]
      [--max-file-mb N] [--delete] [--json] [--device auto|cpu|cuda] [--dtype auto|fp32|fp16|q8] [--endpoint URL] [--offline]
${BACKEND_USAGE}
      Indexes the text, Markdown and PDF files of DIR for search by meaning, into DIR/.ai-lab/index
      (again: only changed files are read; another embedding model rebuilds it). --delete removes it.
  search <DIR> "<query>" [--top K] [--json] (and index's model flags)
      Passages of DIR's index for the query, best first: BM25 and meaning fused (reciprocal rank fusion).
  ask <DIR> "<question>" [--model ID|FOLDER] [--top-k N] [--retrieve-top N] [--min-score S] [--json]
      Ask the Workspace: the question's passages from DIR's index, then the reader; answers name file and page.
      --retrieve-top 0 reads every passage of the index (no retrieval). One DIR per command: a folder's index
      is DIR/.ai-lab; several folders are indexed and asked one by one.`;

const MODEL_VALUES = ['--embed-model', '--device', '--dtype', '--endpoint', ...BACKEND_FLAGS];

/** Where the CLI keeps DIR's index: DIR/.ai-lab (the index itself in its "index" folder). */
export function cliIndexDir(dir: string): string {
  return path.join(dir, '.ai-lab');
}

function folderArg(dir: string | undefined, command: string): string {
  if (!dir) throw new UsageError(`${command} needs a folder`);
  if (!fs.existsSync(dir)) throw new UsageError(`${dir} does not exist`, false);
  if (!fs.statSync(dir).isDirectory()) throw new UsageError(`${dir} is a file, not a folder${command === 'search' ? '' : `: ai-lab ${command} takes a folder`}`, false);
  return path.resolve(dir);
}

async function runnerFor(a: Parsed, pipeline: string): Promise<{ runner: LabRunner; device?: string }> {
  const remote = backendFlags(a, pipeline);
  const deviceSetting = oneOf<DeviceSetting>('--device', a.flags.get('--device'), ['auto', 'cpu', 'cuda'], 'auto');
  const dtype = oneOf<Dtype>('--dtype', a.flags.get('--dtype'), ['auto', 'fp32', 'fp16', 'q8'], 'auto');
  const device = remote ? undefined : (await cliDevice(deviceSetting)).device;
  return { runner: makeRunner({ backend: remote, device: device ?? 'cpu', dtype, hub: { ...cliHub(a) }, service: CLI_SERVICE }), device };
}

/**
 * The embedding model as the index records it: a local folder as its absolute path, so the index
 * is searched with that folder from any current folder (a relative one would name another folder,
 * or none, from elsewhere); a Hub id as given.
 */
function embedModelArg(a: Parsed): string | undefined {
  const m = a.flags.get('--embed-model');
  return m === undefined ? undefined : (modelFolder(m) ?? m);
}

function readManifest(indexDir: string): Manifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(indexFolder(indexDir), 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** DIR's index for searching: made with --embed-model when given, else with the model it records. */
function openIndex(dir: string, a: Parsed): SearchableIndex {
  const indexDir = cliIndexDir(dir);
  const model = embedModelArg(a) ?? readManifest(indexDir)?.model ?? LAB_TASKS.extractive.defaultModel;
  const loaded = loadIndex(indexDir, model);
  if (!loaded.index) throw new InputError(`${dir} has no usable index (${loaded.reason}): run \`ai-lab index ${JSON.stringify(dir)}${a.flags.has('--embed-model') ? ` --embed-model ${model}` : ''}\` first.`);
  return new SearchableIndex(loaded.index);
}

/** On stderr: hits or answers from files changed or removed since the index was made, and what to run. */
function warnStale(stale: Map<string, Staleness>, dir: string): void {
  const note = staleNote(stale, `\`ai-lab index ${JSON.stringify(dir)}\``);
  if (note) process.stderr.write(`ai-lab: note: ${note}\n`);
}

function printBuild(r: BuildResult, dir: string): string {
  const lines = [`indexed ${r.files} file${r.files === 1 ? '' : 's'} of ${dir}: ${r.passages} passage${r.passages === 1 ? "" : "s"} (${r.updated} read, ${r.kept} unchanged, ${r.removed} removed) with ${r.model} in ${(r.ms / 1000).toFixed(1)} s`];
  if (r.rebuilt) lines.push(`rebuilt: ${r.rebuilt}`);
  for (const s of r.skipped) lines.push(`skipped ${s.path}: ${s.note}`);
  return lines.join('\n');
}

export async function indexCommand(argv: string[]): Promise<number> {
  const a = parseFlags('index', argv, { values: ['--include', '--exclude', '--max-file-mb', ...MODEL_VALUES], switches: ['--json', '--offline', '--no-gitignore', '--delete'] });
  const [raw, extra] = a.positional;
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  const dir = folderArg(raw, 'index');
  const indexDir = cliIndexDir(dir);
  if (a.switches.has('--delete')) {
    const had = deleteIndex(indexDir);
    process.stdout.write(a.switches.has('--json') ? `${JSON.stringify({ deleted: had, index: indexFolder(indexDir) })}\n` : `${had ? 'deleted' : 'there was no index at'} ${indexFolder(indexDir)}\n`);
    return 0;
  }
  const maxMb = numberIn('--max-file-mb', a.flags.get('--max-file-mb'), 0, 10_000) ?? DEFAULT_MAX_FILE_MB;
  const model = embedModelArg(a) ?? LAB_TASKS.extractive.defaultModel;
  const { runner } = await runnerFor(a, 'feature-extraction');
  const progress = !a.switches.has('--json') && process.stderr.isTTY ? (m: string) => process.stderr.write(`\r\x1b[K${m}`) : undefined;
  try {
    const r = await buildIndex({
      root: dir,
      indexDir,
      runner,
      model,
      include: a.all.get('--include'),
      exclude: a.all.get('--exclude'),
      gitignore: !a.switches.has('--no-gitignore'),
      maxFileBytes: maxMb * 1e6,
      onProgress: progress && ((p) => progress(p.message)),
    });
    if (progress) process.stderr.write('\r\x1b[K');
    process.stdout.write(a.switches.has('--json') ? `${JSON.stringify({ dir, index: indexFolder(indexDir), ...r }, null, 2)}\n` : `${printBuild(r, dir)}\n`);
  } finally {
    runner.dispose();
  }
  return 0;
}

export async function searchCommand(argv: string[]): Promise<number> {
  const a = parseFlags('search', argv, { values: ['--top', ...MODEL_VALUES], switches: ['--json', '--offline'] });
  const [raw, query, extra] = a.positional;
  if (query === undefined) throw new UsageError('search needs a folder and a query: ai-lab search docs "how do refunds work"');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}" (quote the query)`);
  if (!query.trim()) throw new UsageError('the query is empty');
  const dir = folderArg(raw, 'search');
  const top = wholeNumber('--top', a.flags.get('--top'), 1, 1000) ?? 10;
  const index = openIndex(dir, a);
  const { runner } = await runnerFor(a, 'feature-extraction');
  try {
    const started = performance.now();
    const found = await searchIndex(index, { runner, query, top });
    const stale = staleFiles(dir, index.data, found.map((h) => h.file));
    const hits = found.map((h) => (stale.has(h.file) ? { ...h, stale: stale.get(h.file) } : h));
    warnStale(stale, dir);
    if (a.switches.has('--json')) {
      process.stdout.write(`${JSON.stringify({ dir, query, model: index.data.manifest.model, hits, timings: { totalMs: Math.round(performance.now() - started) } }, null, 2)}\n`);
    } else if (!hits.length) process.stdout.write(`Nothing found for "${query}".\n`);
    else {
      const where = (h: (typeof hits)[number]) => (h.page !== undefined ? `p. ${h.page}${h.pageEnd ? `–${h.pageEnd}` : ''}` : `line ${h.line}`);
      process.stdout.write(`${hits.map((h, i) => `${i + 1}. ${h.file} · ${where(h)} · score ${h.score.toFixed(4)}${stale.has(h.file) ? ` · ${stale.get(h.file)} since indexed` : ''}\n   ${h.preview}`).join('\n')}\n`);
    }
    return hits.length ? 0 : 3;
  } finally {
    runner.dispose();
  }
}

/** ai-lab ask DIR "question" (pdfCommands' ask hands a folder over here). */
export async function askWorkspaceCommand(a: Parsed): Promise<number> {
  const [raw, question] = a.positional;
  const dir = folderArg(raw, 'ask');
  const stray = ['--pages', '--password', '--chunk-tokens', '--overlap-tokens', '--encoding'].filter((f) => a.flags.has(f));
  if (stray.length) throw new UsageError(`${stray.join(', ')} ${stray.length > 1 ? 'apply' : 'applies'} to one file, not a folder's index`);
  const topK = wholeNumber('--top-k', a.flags.get('--top-k'), 1);
  const retrieveTop = wholeNumber('--retrieve-top', a.flags.get('--retrieve-top'), 0);
  const minScore = a.flags.has('--min-score') ? Number(a.flags.get('--min-score')) : undefined;
  if (minScore !== undefined && (!Number.isFinite(minScore) || minScore < 0 || minScore > 1)) throw new UsageError('--min-score is between 0 and 1');
  const index = openIndex(dir, a);
  const model = a.flags.get('--model') ?? LAB_TASKS.qa.defaultModel;
  const { runner, device } = await runnerFor(a, LAB_TASKS.qa.pipeline);
  try {
    const started = performance.now();
    const out = await askWorkspace({ runner, model, question: question ?? '', index, topK, retrieveTop, minScore });
    const stale = staleFiles(dir, index.data, out.answers.flatMap((x) => (x.file === undefined ? [] : [x.file])));
    warnStale(stale, dir);
    if (a.switches.has('--json')) {
      const answers = out.answers.map((x) => ({ answer: x.answer, score: x.score, file: x.file, page: x.page ?? null, context: x.context, start: x.start, end: x.end, ...(x.file !== undefined && stale.has(x.file) ? { stale: stale.get(x.file) } : {}) }));
      process.stdout.write(`${JSON.stringify({ question: out.question, dir, model, embedModel: index.data.manifest.model, backend: runner.backend, device: runner.device ?? device, answers, read: out.read, chunks: out.chunks, retrieval: out.retrieval, minScore: out.minScore, rejected: out.rejected ?? null, timings: { totalMs: Math.round(performance.now() - started) } }, null, 2)}\n`);
    } else process.stdout.write(`${formatAnswers(out)}\n`);
    return out.answers.length ? 0 : 3;
  } finally {
    runner.dispose();
  }
}

export const INDEX_COMMANDS: Record<string, (argv: string[]) => Promise<number>> = { index: indexCommand, search: searchCommand };
