/** ai-lab shortlist: the workspace's model shortlist (src/core/eval/shortlist.ts) from a terminal. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readShortlistFile, removeFromShortlist, setNotes, shortlistPath, ShortlistEntry, ShortlistIdError } from '../core/eval/shortlist';
import { formatMetric, shortlistCsv, shortlistMarkdown, shortlistMetricKeys } from '../core/eval/shortlistExport';
import { InputError } from '../core/text/chunks';
import { oneOf, parseFlags, UsageError } from './args';

export const SHORTLIST_USAGE = `  shortlist [list|export|remove|notes] [--workspace DIR] [--format md|csv|json] [--out FILE [--force]]
            [--id ID] [--notes TEXT]
      The workspace's model shortlist, DIR/.ai-lab/shortlist.json (DIR: --workspace, else the current
      folder): task, model, backend, metrics, latency, size, licence, dataset and notes per row.
      list (the default) prints it as a table with each row's id; export writes it as Markdown (md,
      the default), CSV or JSON to stdout or --out FILE (an existing FILE only with --force); remove
      --id ID drops a row; notes --id ID --notes TEXT sets a row's notes. A shortlist file that is not
      valid is reported (exit 1) and never written over.`;

const SUBCOMMANDS = ['list', 'export', 'remove', 'notes'] as const;

export async function shortlistCommand(argv: string[]): Promise<number> {
  const a = parseFlags('shortlist', argv, { values: ['--workspace', '--format', '--out', '--id', '--notes'], switches: ['--force'] });
  if (a.positional.length > 1) throw new UsageError(`shortlist takes one subcommand (got ${a.positional.join(' ')})`);
  const sub = a.positional[0] ?? 'list';
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`unknown shortlist subcommand: ${sub} (one of ${SUBCOMMANDS.join(', ')})`);
  const allowed: Record<string, string[]> = { list: [], export: ['--format', '--out', '--force'], remove: ['--id'], notes: ['--id', '--notes'] };
  for (const f of [...a.flags.keys(), ...a.switches]) if (f !== '--workspace' && !allowed[sub]!.includes(f)) throw new UsageError(`${f} is not an option of shortlist ${sub}`);
  const dir = path.resolve(a.flags.get('--workspace') ?? '.');
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new InputError(`--workspace ${dir} is not a folder`);
  const file = shortlistPath(dir);
  try {
    switch (sub) {
      case 'list':
        return list(file);
      case 'export':
        return exportShortlist(file, oneOf('--format', a.flags.get('--format'), ['md', 'csv', 'json'] as const, 'md'), a.flags.get('--out'), a.switches.has('--force'));
      case 'remove': {
        const e = removeFromShortlist(file, needId(a.flags.get('--id'), 'remove'));
        process.stdout.write(`removed ${e.id} (${e.model}, ${e.task}) from ${file}\n`);
        return 0;
      }
      default: {
        const notes = a.flags.get('--notes');
        if (notes === undefined) throw new UsageError('shortlist notes needs --notes TEXT');
        const e = setNotes(file, needId(a.flags.get('--id'), 'notes'), notes);
        process.stdout.write(`notes of ${e.id} (${e.model}, ${e.task}) set in ${file}\n`);
        return 0;
      }
    }
  } catch (err) {
    // An id that is not there is a wrong argument (exit 2); a bad or unwritable file is an error (exit 1).
    if (err instanceof ShortlistIdError) throw new UsageError(err.message, false);
    throw err;
  }
}

function needId(id: string | undefined, sub: string): string {
  if (id === undefined) throw new UsageError(`shortlist ${sub} needs --id ID (ai-lab shortlist list shows the ids)`);
  return id;
}

function list(file: string): number {
  const { entries } = readShortlistFile(file);
  if (!entries.length) {
    process.stdout.write(`the shortlist is empty (${file})\n`);
    return 0;
  }
  const keys = shortlistMetricKeys(entries);
  const header = ['ID', 'TASK', 'MODEL', 'BACKEND', ...keys, 'P50 MS', 'ROWS', 'NOTES'];
  const rows = entries.map((e: ShortlistEntry) => [
    e.id,
    e.task,
    e.partial ? `${e.model} (partial)` : e.model,
    [e.backend, e.device].filter(Boolean).join(' '),
    ...keys.map((k) => (e.metrics[k] === undefined ? '-' : formatMetric(k, e.metrics[k]!))),
    e.latency ? e.latency.p50Ms.toFixed(1) : '-',
    String(e.dataset.sample),
    oneLine(e.notes, 48),
  ]);
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]!].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(width[i]! - [...c].length))).join('  ').trimEnd();
  process.stdout.write([`${file}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`, line(header), ...rows.map(line)].join('\n') + '\n');
  return 0;
}

/** Notes on one line, cut to `max` characters with "…" (the export has them whole). */
function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : flat;
}

function exportShortlist(file: string, format: 'md' | 'csv' | 'json', out: string | undefined, force: boolean): number {
  const data = readShortlistFile(file);
  const text = format === 'json' ? JSON.stringify(data, null, 2) + '\n' : format === 'csv' ? shortlistCsv(data.entries) : shortlistMarkdown(data.entries);
  if (out === undefined) {
    process.stdout.write(text);
    return 0;
  }
  const dest = path.resolve(out);
  if (path.resolve(dest) === path.resolve(file)) throw new UsageError(`--out ${dest} is the shortlist itself`, false);
  try {
    // 'wx' creates the file only when it is not there: no window between a check and the write.
    fs.writeFileSync(dest, text, { flag: force ? 'w' : 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`--out ${dest} already exists; add --force to replace it`, false);
    if (code === 'ENOENT') throw new InputError(`--out ${dest}: the folder ${path.dirname(dest)} does not exist`);
    if (code === 'EISDIR') throw new InputError(`--out ${dest} is a folder; give a file name`);
    throw err;
  }
  process.stderr.write(`wrote ${data.entries.length} entr${data.entries.length === 1 ? 'y' : 'ies'} as ${format} to ${dest}\n`);
  return 0;
}
