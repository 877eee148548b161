/**
 * The CLI's shortlist: ai-lab shortlist [list|export|remove|notes] on a workspace's .ai-lab/shortlist.json, and
 * its argument and file errors (exit 2 for usage, 1 for a bad shortlist file, never written over).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { addToShortlist, readShortlist, readShortlistFile, shortlistPath } from '../../src/core/eval/shortlist';
import { shortlistCsv, shortlistMarkdown } from '../../src/core/eval/shortlistExport';
import { cliAsync } from '../fixtures/cli';
import { sampleResults } from '../fixtures/eval/shortlist';

describe('CLI: ai-lab shortlist', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;
  const run = (...args: string[]) => cliAsync(['shortlist', ...args], {});
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-cli-shortlist-'));
    file = shortlistPath(dir);
    for (const r of sampleResults()) addToShortlist(file, r, new Date('2026-11-30T12:00:00.000Z'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('list (the default): a table with each id, model, metrics and notes; an empty or missing shortlist says so', async () => {
    const ids = readShortlist(file).map((e) => e.id);
    const r = await run('--workspace', dir);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], `${file}: 3 entries`);
    assert.match(lines[1]!, /^ID +TASK +MODEL +BACKEND +accuracy +macroF1 +exactMatch +f1 +P50 MS +ROWS +NOTES$/);
    assert.match(lines[2]!, new RegExp(`^${ids[0]} +text-classification +distilbert/distilbert-base-uncased-finetuned-sst-2-english +transformers\\.js cpu +0\\.910 +0\\.910 +- +- +12\\.3 +200 *$`));
    assert.match(lines[3]!, new RegExp(`^${ids[1]} +text-classification +tiny/sentiment \\(partial\\) +onnxruntime +0\\.500 +- +- +- +- +200 +cancelled after 100 rows$`));
    assert.match(lines[4]!, new RegExp(`^${ids[2]} +question-answering +deepset/roberta-base-squad2 +python +- +- +80\\.00 +86\\.50 +- +50 *$`));
    // Columns line up: each header starts where its values start.
    assert.equal(lines[1]!.indexOf('MODEL'), lines[2]!.indexOf('distilbert'));
    const list = await run('list', '--workspace', path.join(dir, '.'));
    assert.equal(list.stdout, r.stdout);
    const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
    const e = await cliAsync(['shortlist'], {}, undefined, empty);
    assert.deepEqual([e.status, e.stdout, e.stderr], [0, `the shortlist is empty (${shortlistPath(fs.realpathSync(empty))})\n`, '']);
    assert.equal(fs.existsSync(path.join(empty, '.ai-lab')), false, 'list creates nothing');
  });

  it('export: Markdown (default), CSV and JSON to stdout, the same as the core gives', async () => {
    const entries = readShortlist(file);
    const md = await run('export', '--workspace', dir);
    assert.deepEqual([md.status, md.stdout], [0, shortlistMarkdown(entries)]);
    const csv = await run('export', '--workspace', dir, '--format', 'csv');
    assert.equal(csv.stdout, shortlistCsv(entries));
    const rows = parse(csv.stdout, { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual(rows.map((r) => [r.model, r.accuracy, r.exactMatch]), [[entries[0]!.model, '0.91', ''], ['tiny/sentiment', '0.5', ''], ['deepset/roberta-base-squad2', '', '80']]);
    const json = await run('export', '--workspace', dir, '--format=json');
    assert.deepEqual(JSON.parse(json.stdout), readShortlistFile(file));
    assert.equal(json.stdout, fs.readFileSync(file, 'utf8'));
  });

  it('export --out: writes the file; an existing one only with --force; a missing folder is named', async () => {
    const out = path.join(dir, 'shortlist.md');
    const r = await run('export', '--workspace', dir, '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual([r.stdout, r.stderr], ['', `wrote 3 entries as md to ${out}\n`]);
    assert.equal(fs.readFileSync(out, 'utf8'), shortlistMarkdown(readShortlist(file)));
    const again = await run('export', '--workspace', dir, '--out', out, '--format', 'csv');
    assert.equal(again.status, 2);
    assert.equal(again.stderr, `ai-lab: --out ${out} already exists; add --force to replace it (ai-lab --help for usage)\n`);
    assert.equal(fs.readFileSync(out, 'utf8'), shortlistMarkdown(readShortlist(file)), 'not overwritten');
    const forced = await run('export', '--workspace', dir, '--out', out, '--format', 'csv', '--force');
    assert.equal(forced.status, 0, forced.stderr);
    assert.equal(fs.readFileSync(out, 'utf8'), shortlistCsv(readShortlist(file)));
    const nowhere = await run('export', '--workspace', dir, '--out', path.join(dir, 'no', 'such', 'x.csv'));
    assert.equal(nowhere.status, 2);
    assert.match(nowhere.stderr, /the folder .*no[/\\]such does not exist/);
  });

  it('notes and remove by --id; an id not there names the ids there (exit 2, nothing written)', async () => {
    const [a, b, c] = readShortlist(file);
    const n = await run('notes', '--workspace', dir, '--id', b!.id, '--notes', 'too slow on CPU | retry with q8');
    assert.equal(n.status, 0, n.stderr);
    assert.equal(n.stdout, `notes of ${b!.id} (tiny/sentiment, text-classification) set in ${file}\n`);
    assert.equal(readShortlist(file)[1]!.notes, 'too slow on CPU | retry with q8');
    const before = fs.readFileSync(file, 'utf8');
    const missing = await run('remove', '--workspace', dir, '--id', 'abc');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, new RegExp(`^ai-lab: no entry with id "abc" in .*; the ids there: ${a!.id} \\(${a!.model}, text-classification\\), ${b!.id} \\(tiny/sentiment, text-classification\\), `));
    assert.equal(fs.readFileSync(file, 'utf8'), before);
    const rm = await run('remove', '--workspace', dir, '--id', a!.id);
    assert.equal(rm.status, 0, rm.stderr);
    assert.equal(rm.stdout, `removed ${a!.id} (${a!.model}, text-classification) from ${file}\n`);
    assert.deepEqual(readShortlist(file).map((e) => e.id), [b!.id, c!.id]);
  });

  it('usage errors exit 2 with the reason: unknown subcommand, missing --id or --notes, a flag of another subcommand, a bad --format, no such workspace', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /^ai-lab: unknown shortlist subcommand: frobnicate \(one of list, export, remove, notes\)\nsee `ai-lab shortlist --help`\n$/],
      [['list', 'export'], /shortlist takes one subcommand \(got list export\)/],
      [['remove'], /shortlist remove needs --id ID \(ai-lab shortlist list shows the ids\)/],
      [['notes', '--notes', 'x'], /shortlist notes needs --id ID/],
      [['notes', '--id', 'x'], /shortlist notes needs --notes TEXT/],
      [['list', '--format', 'csv'], /--format is not an option of shortlist list/],
      [['export', '--format', 'xlsx'], /--format must be one of md, csv, json \(got "xlsx"\)/],
      [['export', '--bogus'], /unknown option for shortlist: --bogus/],
    ];
    for (const [args, re] of cases) {
      const r = await run(...args, '--workspace', dir);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stdout, '');
    }
    const nodir = await run('list', '--workspace', path.join(dir, 'nope'));
    assert.deepEqual([nodir.status, nodir.stderr], [2, `ai-lab: --workspace ${path.join(dir, 'nope')} is not a folder\n`]);
  });

  it('a corrupt shortlist: every subcommand reports the file and the fault (exit 1) and leaves it as it was', async () => {
    const bad = '{"version": 1, "entries": [{"id": "x", "model": 3}]}\n';
    fs.writeFileSync(file, bad);
    for (const args of [['list'], ['export'], ['export', '--format', 'csv'], ['remove', '--id', 'x'], ['notes', '--id', 'x', '--notes', 'y']]) {
      const r = await run(...args, '--workspace', dir);
      assert.equal(r.status, 1, args.join(' '));
      assert.match(r.stderr, new RegExp(`^ai-lab: the shortlist .*shortlist\\.json is not a version-1 shortlist: entries\\[0\\]\\.addedAt must be .*entries\\[0\\]\\.model must be a non-empty string \\(got 3\\).*AI Lab will not write over it\\n$`));
      assert.equal(r.stdout, '');
    }
    fs.writeFileSync(file, '{ not json');
    const r = await run('list', '--workspace', dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /is not valid JSON \(/);
    assert.equal(fs.readFileSync(file, 'utf8'), '{ not json');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['shortlist.json']);
  });

  it('ai-lab --help lists shortlist; ai-lab shortlist --help shows its usage', async () => {
    const all = await cliAsync(['--help'], {});
    assert.match(all.stdout, /\n {2}shortlist \[list\|export\|remove\|notes\]/);
    const one = await run('--help');
    assert.equal(one.status, 0);
    assert.match(one.stdout, /^Usage: ai-lab shortlist \[list\|export\|remove\|notes\] \[--workspace DIR\]/);
  });
});
