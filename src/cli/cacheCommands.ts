/** ai-lab cache scan | rm, and ai-lab tokenize: the Hugging Face cache and a model's tokenizer. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline/promises';
import { formatBytes } from '../core/bytes';
import { executeDelete, findCachedRepo, planDelete, scanCache } from '../core/hub/cacheScan';
import { executeXetClear, planXetClear, resolveXetCacheDir, scanXetCache, type XetCacheScan } from '../core/hub/xetCache';
import { resolveHubCacheDir } from '../core/hub/hubConfig';
import { fetchTokenizer } from '../core/lab/fetchTokenizer';
import { inspectTokenization } from '../core/tokenize/inspect';
import { oneOf, parseFlags, UsageError } from './args';
import { contentProblem, listWords, ModelFilesError, readModelJson } from '../core/inference/modelFolder';
import { cliHub, readInputText } from './context';

/**
 * A --dir the user named must be a folder: a missing one (a typo, a disk not mounted) is not an empty
 * cache, as the default cache folder's absence is. Exit 2 with what it is.
 */
function checkCacheDir(dir: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    let target: string | undefined;
    try {
      target = fs.readlinkSync(dir);
    } catch {
      // Not a link: nothing there at all.
    }
    throw new UsageError(target === undefined ? `--dir ${dir} does not exist` : `--dir ${dir} is a link to ${target}, which does not exist (a disk that is not mounted?)`, false);
  }
  if (!st.isDirectory()) throw new UsageError(`--dir ${dir} is a file, not a cache folder`, false);
}

export const CACHE_USAGE = `  cache scan [--dir PATH] [--xet-dir PATH] [--json]
      what is in the Hugging Face cache (like hf cache scan), and in hf_xet's Xet cache (HF_XET_CACHE, else $HF_HOME/xet)
  cache rm <ID> [--type model|dataset] [--revision COMMIT]… [--dir PATH] [--dry-run] [--yes] [--json]
      deletes a repo, or only some revisions (blobs other revisions use are kept); asks first
  cache rm --xet [--xet-dir PATH] [--dry-run] [--yes] [--json]
      clears the Xet cache (chunk, shard and upload-staging folders, hf_xet's logs); the hub cache stays; asks first
  tokenize <MODEL ID|FOLDER> [--text TEXT | --file PATH | stdin] [--encoding NAME] [--endpoint URL] [--offline] [--json]
      tokens, ids, offsets, count vs the model's maximum, vocab and cased/uncased checks`;

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
const date = (ms: number) => (ms ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') : '-');

async function cache(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'scan') {
    const a = parseFlags('cache scan', rest, { values: ['--dir', '--xet-dir'], switches: ['--json'] });
    const given = a.flags.get('--dir');
    if (given !== undefined) checkCacheDir(given);
    const scan = scanCache(given ?? resolveHubCacheDir());
    const xet = scanXetCache(a.flags.get('--xet-dir') ?? resolveXetCacheDir());
    if (a.switches.has('--json')) {
      out(JSON.stringify({ ...scan, xet }, null, 2));
      return 0;
    }
    out(`${scan.dir}: ${scan.repos.length} repos, ${formatBytes(scan.size)}`);
    for (const r of scan.repos) {
      out(`${r.type}\t${r.id}\t${formatBytes(r.size)}\t${r.files} files\tlast used ${date(r.lastAccessed)}`);
      for (const rev of r.revisions) out(`    ${rev.commit}\t${formatBytes(rev.size)}\t${rev.refs.join(', ') || '(detached)'}`);
    }
    printXet(xet);
    for (const w of scan.warnings) process.stderr.write(`warning: ${w}\n`);
    for (const w of xet.warnings) process.stderr.write(`warning: xet: ${w}\n`);
    return 0;
  }
  if (sub === 'rm' && rest.includes('--xet')) return clearXet(rest);
  if (sub === 'rm') {
    const a = parseFlags('cache rm', rest, { values: ['--dir', '--type', '--revision'], switches: ['--dry-run', '--yes', '--json'] });
    const id = a.positional[0];
    if (!id || a.positional.length > 1) throw new UsageError('cache rm takes one repo id (see ai-lab cache scan)');
    const type = oneOf('--type', a.flags.get('--type'), ['model', 'dataset', 'space'] as const, 'model');
    const given = a.flags.get('--dir');
    if (given !== undefined) checkCacheDir(given);
    const plan = planDelete(findCachedRepo(scanCache(given ?? resolveHubCacheDir()), id, type), a.all.get('--revision'));
    const what = plan.wholeRepo ? `${type} ${id} (all ${plan.revisions.length} revisions)` : `${plan.revisions.length} revision(s) of ${id}: ${plan.revisions.map((r) => r.commit.slice(0, 12)).join(', ')}`;
    const summary = { id, type, wholeRepo: plan.wholeRepo, revisions: plan.revisions.map((r) => r.commit), freedBytes: plan.freedBytes, deleted: false };
    if (a.switches.has('--dry-run')) {
      out(a.switches.has('--json') ? JSON.stringify(summary, null, 2) : `Would delete ${what}, freeing ${formatBytes(plan.freedBytes)}.`);
      return 0;
    }
    if (!a.switches.has('--yes')) {
      if (!process.stdin.isTTY) throw new UsageError(`cache rm would delete ${what}; add --yes to confirm (or --dry-run to only look)`);
      const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
      const answer = await rl.question(`Delete ${what}, freeing ${formatBytes(plan.freedBytes)}? [y/N] `);
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) {
        process.stderr.write('Nothing deleted.\n');
        return 1;
      }
    }
    executeDelete(plan);
    out(a.switches.has('--json') ? JSON.stringify({ ...summary, deleted: true }, null, 2) : `Deleted ${what}, freed ${formatBytes(plan.freedBytes)}.`);
    return 0;
  }
  throw new UsageError('cache needs scan or rm');
}

const usage = (u: { size: number; files: number }) => `${formatBytes(u.size)} in ${u.files} files`;

function printXet(xet: XetCacheScan): void {
  if (!xet.exists) {
    out(`Xet cache ${xet.dir}: none`);
    return;
  }
  out(`Xet cache ${xet.dir}${xet.linkTarget ? ` -> ${xet.linkTarget}` : ''}: ${usage(xet)}`);
  for (const e of xet.endpoints) {
    out(`xet\t${e.name}\t${formatBytes(e.size)}\tchunk-cache ${usage(e.chunkCache)}, shard-cache ${usage(e.shardCache)}, staging ${usage(e.staging)}${e.other.files ? `, other ${usage(e.other)}` : ''}`);
  }
  if (xet.logs) out(`xet\tlogs\t${formatBytes(xet.logs.size)}\t${xet.logs.files} files`);
  for (const k of xet.kept) out(`xet\t${k.name}\t${formatBytes(k.size)}\tkept (not made by hf_xet)`);
}

/** cache rm --xet: clears the Xet cache's endpoint folders and logs, after asking. */
async function clearXet(argv: string[]): Promise<number> {
  const a = parseFlags('cache rm --xet', argv, { values: ['--xet-dir'], switches: ['--xet', '--dry-run', '--yes', '--json'] });
  if (a.positional.length) throw new UsageError('cache rm --xet takes no repo id (it clears the whole Xet cache; delete repos with cache rm <ID>)');
  const xet = scanXetCache(a.flags.get('--xet-dir') ?? resolveXetCacheDir());
  const plan = planXetClear(xet);
  const json = a.switches.has('--json');
  for (const w of xet.warnings) process.stderr.write(`warning: xet: ${w}\n`);
  const summary = { dir: xet.dir, targets: plan.targets.map((t) => t.path), kept: plan.kept, freedBytes: plan.freedBytes, deleted: false };
  const what = `the Xet cache at ${xet.dir} (${plan.targets.map((t) => path.basename(t.path)).join(', ')})`;
  if (!plan.targets.length) {
    out(json ? JSON.stringify(summary, null, 2) : `The Xet cache at ${xet.dir} ${xet.exists ? 'holds nothing hf_xet made' : 'does not exist'}; nothing to clear.`);
    return 0;
  }
  if (a.switches.has('--dry-run')) {
    out(json ? JSON.stringify(summary, null, 2) : `Would clear ${what}, freeing ${formatBytes(plan.freedBytes)}.`);
    return 0;
  }
  if (!a.switches.has('--yes')) {
    if (!process.stdin.isTTY) throw new UsageError(`cache rm --xet would clear ${what}; add --yes to confirm (or --dry-run to only look)`);
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`Clear ${what}, freeing ${formatBytes(plan.freedBytes)}? Python uploads lose their resume data. [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      process.stderr.write('Nothing deleted.\n');
      return 1;
    }
  }
  const r = executeXetClear(plan, resolveHubCacheDir());
  for (const f of r.failed) process.stderr.write(`error: ${f.path}: ${f.reason}\n`);
  const done = { ...summary, freedBytes: r.freedBytes, deleted: r.failed.length === 0, failed: r.failed };
  out(json ? JSON.stringify(done, null, 2) : `${r.failed.length ? 'Partly cleared' : 'Cleared'} ${what}, freed ${formatBytes(r.freedBytes)}.`);
  return r.failed.length ? 1 : 0;
}

async function tokenize(argv: string[]): Promise<number> {
  const a = parseFlags('tokenize', argv, { values: ['--text', '--file', '--endpoint', '--encoding'], switches: ['--json', '--offline'] });
  const model = a.positional[0];
  if (!model || a.positional.length > 1) throw new UsageError('tokenize takes one model id or folder');
  const text = await readInputText(a);
  const dir = await fetchTokenizer(model, cliHub(a));
  // Named problems (empty, not JSON, with line and column) rather than the tokenizer library's.
  const broken = (['tokenizer.json', 'tokenizer_config.json'] as const)
    .map((file) => {
      const r = readModelJson(dir, file);
      return { file, problem: r.problem ?? contentProblem(file, r) };
    })
    .filter((x) => x.problem && !(x.file === 'tokenizer_config.json' && x.problem === 'is missing'));
  if (broken.length) throw new ModelFilesError(`${model} cannot be tokenized: ${listWords(broken.map((x) => `${x.file} ${x.problem}`))}.`);
  const r = inspectTokenization(text, dir, model);
  if (a.switches.has('--json')) {
    out(JSON.stringify(r, null, 2));
    return 0;
  }
  out(`${r.count} tokens${r.maxLength ? ` (the model takes at most ${r.maxLength})` : ''}, vocabulary ${r.vocabSize}${r.configVocabSize !== undefined ? ` (config.vocab_size ${r.configVocabSize})` : ''}`);
  for (const t of r.tokens) out(`${t.id}\t${t.token}${t.special ? '\tspecial' : ''}${t.start !== undefined ? `\t${t.start}-${t.end}` : ''}`);
  for (const w of r.warnings) out(`warning: ${w}`);
  for (const n of r.notes) out(`note: ${n}`);
  return 0;
}

export const CACHE_COMMANDS: Record<string, (argv: string[]) => Promise<number>> = { cache, tokenize };
