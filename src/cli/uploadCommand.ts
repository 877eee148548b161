/** ai-lab upload DIR REPO_ID: Publish Model to the Hub from a terminal (src/core/hub/publish.ts). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline/promises';
import { formatBytes } from '../core/bytes';
import { PublishError, publishModel, type PublishProgress } from '../core/hub/publish';
import { repoIdProblem } from '../core/hub/repoId';
import type { FolderReport } from '../core/model/findings';
import { writeCardScaffold } from '../core/model/cardScaffold';
import { InputError } from '../core/text/chunks';
import { parseFlags, UsageError } from './args';
import { cliHub } from './context';

export const UPLOAD_USAGE = `  upload DIR REPO_ID [--private] [--message M] [--yes] [--card] [--json] [--endpoint URL]
      Publishes a model folder to the Hub (REPO_ID "namespace/name", or a name under your own).
      Validates it first: errors stop it (exit 1); warnings are asked about on a terminal, and
      otherwise stop it unless --yes. Needs a token with the write role (HF_TOKEN or \`hf auth login\`).
      Creates the repo if needed (--private: a new repo is private), then uploads only the files
      that differ from the repo (large ones through LFS); nothing is deleted on the Hub. A cut or
      failed upload commits nothing: run it again to resume. --card: write a README.md model card
      to fill in (from config.json) when the folder has none, and stop. Progress on stderr;
      --json: {repo, url, commit, uploaded, unchanged, created} on stdout.`;

const err = (s: string) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`);

function progressLine(p: PublishProgress): string | undefined {
  switch (p.phase) {
    case 'validating':
      return 'Validating the folder…';
    case 'checking-token':
      return 'Checking the token…';
    case 'creating-repo':
      return `Repo ${p.repo}…`;
    case 'comparing':
      return `${p.upload} file${p.upload === 1 ? '' : 's'} to upload (${formatBytes(p.bytes)}), ${p.unchanged} unchanged.`;
    case 'uploading':
      return `Uploading ${p.file} (${p.filesDone}/${p.files} files, ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytes)})`;
    case 'committing':
      return `Committing ${p.files} file${p.files === 1 ? '' : 's'}…`;
    default:
      return undefined;
  }
}

/** Asks on a terminal whether to publish despite the warnings; false when stdin is not a terminal. */
async function askWarnings(report: FolderReport): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  for (const f of report.findings.filter((x) => x.severity === 'warning')) err(`! warning ${f.check}${f.file ? ` (${f.file})` : ''}: ${f.message}\n    fix: ${f.fix}`);
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`Publish anyway with ${report.warnings} warning${report.warnings === 1 ? '' : 's'}? [y/N] `);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

export async function uploadCommand(argv: string[]): Promise<number> {
  const a = parseFlags('upload', argv, { values: ['--message', '--endpoint'], switches: ['--private', '--yes', '--card', '--json'] });
  if (a.positional.length !== 2) throw new UsageError(a.positional.length > 2 ? `upload takes DIR and REPO_ID (got ${a.positional.length} arguments)` : 'upload needs the model folder and the repo id: ai-lab upload DIR REPO_ID');
  const [dir, repoId] = a.positional as [string, string];
  const idProblem = repoIdProblem(repoId);
  if (idProblem) throw new UsageError(idProblem, false);
  if (!fs.existsSync(dir)) throw new InputError(`${dir} does not exist.`);
  if (!fs.statSync(dir).isDirectory()) throw new InputError(`${dir} is a file, not a model folder: give the folder that holds config.json.`);
  if (a.switches.has('--card')) {
    if (fs.existsSync(path.join(dir, 'README.md'))) err(`note: ${path.join(dir, 'README.md')} exists; --card writes a card only when there is none.`);
    else {
      const file = writeCardScaffold(dir, repoId.includes('/') ? repoId : undefined);
      err(`Wrote ${file}: fill in the TODO fields (license, language, datasets, what the model is for), then run the upload again without --card. Nothing was uploaded.`);
      return 1;
    }
  }
  const hub = cliHub(a);
  const json = a.switches.has('--json');
  let last = '';
  try {
    const r = await publishModel({
      dir,
      repoId,
      endpoint: hub.endpoint,
      token: hub.token,
      private: a.switches.has('--private'),
      message: a.flags.get('--message'),
      confirmWarnings: async (report) => a.switches.has('--yes') || askWarnings(report),
      onProgress: (p) => {
        const line = progressLine(p);
        // One line per change; upload ticks for the same file are not repeated.
        if (line && line !== last) err(line);
        if (line) last = line;
      },
    });
    for (const n of r.notes) err(`note: ${n}`);
    for (const s of r.skipped) err(`skipped ${s.path}: ${s.why}`);
    if (json) process.stdout.write(JSON.stringify({ repo: r.repo, url: r.url, commit: r.commit, uploaded: r.uploaded, unchanged: r.unchanged, created: r.created, skipped: r.skipped, notes: r.notes }, null, 2) + '\n');
    else process.stdout.write(`${r.uploaded.length ? `Published ${r.uploaded.length} file${r.uploaded.length === 1 ? '' : 's'} to ${r.repo}` : `Nothing changed: ${r.repo} has every file already`} (${r.unchanged.length} unchanged; commit ${r.commit.slice(0, 12)}).\n${r.url}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof PublishError)) throw e;
    if (e.kind === 'folder') throw new InputError(e.message);
    if (e.kind === 'invalid-id') throw new UsageError(e.message, false);
    if (e.kind === 'validation' || e.kind === 'warnings') {
      err(`ai-lab: ${e.message}`);
      if (e.kind === 'warnings') {
        const noCard = e.extra.report?.findings.some((f) => f.check === 'card.present');
        err(`Nothing was uploaded. ${process.stdin.isTTY ? 'Fix them, or' : 'A terminal was not there to ask: fix them, or'} run again with --yes to publish anyway.${noCard ? ' --card writes a model card to fill in.' : ''}`);
      }
      if (json && e.extra.report) process.stdout.write(JSON.stringify({ published: false, reason: e.kind, validation: e.extra.report }, null, 2) + '\n');
      return 1;
    }
    throw e;
  }
}
