/**
 * The workspace shortlist (.ai-lab/shortlist.json): read/add/replace/remove/notes, round-trip of keys a user
 * added, a bad file never written over, atomic writes, and the Markdown and CSV exports (CSV read back with csv-parse).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import MarkdownIt from 'markdown-it';
import {
  addToShortlist,
  readShortlist,
  readShortlistFile,
  removeFromShortlist,
  setNotes,
  shortlistEntryId,
  shortlistPath,
  ShortlistError,
  ShortlistIdError,
} from '../../src/core/eval/shortlist';
import { sampleResults } from '../fixtures/eval/shortlist';
import { markdownCell, shortlistCsv, shortlistMarkdown, shortlistMetricKeys } from '../../src/core/eval/shortlistExport';

describe('Shortlist: .ai-lab/shortlist.json', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-shortlist-'));
    file = shortlistPath(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const shortlistError = (re: RegExp) => (e: unknown) => {
    assert.ok(e instanceof ShortlistError, `a ShortlistError, got ${String(e)}`);
    assert.match(e.message, re);
    assert.equal(e.file, file);
    return true;
  };

  it('a missing file is an empty list; the path is <folder>/.ai-lab/shortlist.json', () => {
    assert.equal(file, path.join(dir, '.ai-lab', 'shortlist.json'));
    assert.deepEqual(readShortlist(file), []);
    assert.equal(fs.existsSync(path.join(dir, '.ai-lab')), false, 'reading creates nothing');
  });

  it('add: creates .ai-lab/, writes version 1 as 2-space JSON with a trailing newline, and reads back the same entries', () => {
    const [a, b, c] = sampleResults();
    const now = new Date('2026-11-30T12:00:00.000Z');
    addToShortlist(file, a!, now);
    addToShortlist(file, b!, now);
    const list = addToShortlist(file, c!, now);
    assert.equal(list.length, 3);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.endsWith('}\n'));
    assert.match(text, /^\{\n {2}"version": 1,\n {2}"entries": \[\n {4}\{\n {6}"id": "[0-9a-f]{12}",\n {6}"addedAt": "2026-11-30T12:00:00.000Z",\n {6}"task": "text-classification",/);
    assert.deepEqual(readShortlist(file), list);
    assert.deepEqual(list[0], { id: shortlistEntryId(a!), addedAt: now.toISOString(), ...a!, notes: '' });
    assert.equal(list[1]!.notes, 'cancelled after 100 rows');
    assert.equal(list[1]!.partial, true);
    assert.equal(new Set(list.map((e) => e.id)).size, 3, 'ids differ');
  });

  it('the same model+task+dataset+backend replaces its row in place, keeping id and notes unless new notes are given', () => {
    const [a, b] = sampleResults();
    addToShortlist(file, a!);
    addToShortlist(file, b!);
    const id = readShortlist(file)[0]!.id;
    setNotes(file, id, 'fast, but misses sarcasm');
    let list = addToShortlist(file, { ...a!, metrics: { accuracy: 0.92 } }, new Date('2027-01-01T00:00:00Z'));
    assert.equal(list.length, 2);
    assert.deepEqual([list[0]!.id, list[0]!.notes, list[0]!.metrics, list[0]!.addedAt], [id, 'fast, but misses sarcasm', { accuracy: 0.92 }, '2027-01-01T00:00:00.000Z']);
    list = addToShortlist(file, { ...a!, notes: 'rerun on GPU' });
    assert.equal(list[0]!.notes, 'rerun on GPU');
    // Another seed, split, sample or backend is another run: a new row.
    for (const change of [{ dataset: { ...a!.dataset, seed: 7 } }, { dataset: { ...a!.dataset, split: 'train' } }, { dataset: { ...a!.dataset, sample: 100 } }, { backend: 'python' }]) addToShortlist(file, { ...a!, ...change });
    assert.equal(readShortlist(file).length, 6);
  });

  it('keys a user added (to entries and to the file) round-trip through add, replace, notes and remove', () => {
    const [a, b] = sampleResults();
    addToShortlist(file, a!);
    addToShortlist(file, b!);
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    data.owner = 'team-nlp';
    data.entries[0].reviewer = 'ana';
    data.entries[0].tags = ['fast', { gpu: false }];
    data.entries[1].ticket = 42;
    fs.writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
    addToShortlist(file, { ...a!, metrics: { accuracy: 0.5 } });
    setNotes(file, data.entries[1].id, 'ok');
    const after = readShortlistFile(file);
    assert.equal(after.owner, 'team-nlp');
    assert.deepEqual([after.entries[0]!.reviewer, after.entries[0]!.tags, after.entries[1]!.ticket], ['ana', ['fast', { gpu: false }], 42]);
    removeFromShortlist(file, data.entries[1].id);
    assert.equal(readShortlistFile(file).owner, 'team-nlp');
  });

  it('remove and setNotes: by id; an unknown id is a ShortlistIdError that names the ids there; nothing written', () => {
    const [a, b] = sampleResults();
    addToShortlist(file, a!);
    const [, e2] = addToShortlist(file, b!);
    const before = fs.readFileSync(file, 'utf8');
    assert.throws(() => removeFromShortlist(file, 'nope'), (e: unknown) => e instanceof ShortlistIdError && e.id === 'nope' && e.message.includes(`${e2!.id} (tiny/sentiment, text-classification)`));
    assert.throws(() => setNotes(file, 'nope', 'x'), ShortlistIdError);
    assert.equal(fs.readFileSync(file, 'utf8'), before);
    assert.equal(setNotes(file, e2!.id, 'line 1\nline 2').notes, 'line 1\nline 2');
    assert.equal(removeFromShortlist(file, e2!.id).model, 'tiny/sentiment');
    assert.deepEqual(readShortlist(file).map((e) => e.model), [a!.model]);
    assert.throws(() => removeFromShortlist(shortlistPath(path.join(dir, 'empty')), 'x'), /the shortlist is empty/);
  });

  it('a file that is not JSON or not the shape: a clear error naming the file and the fault, and no write ever replaces it', () => {
    fs.mkdirSync(path.dirname(file));
    const [a] = sampleResults();
    const bad: Array<[string, RegExp]> = [
      ['{ "version": 1, "entries": [', /is not valid JSON/],
      ['', /is not valid JSON/],
      ['[]', /must hold an object \{"version": 1, "entries": \[\.\.\.\]\} \(got a list\)/],
      ['{"entries": []}', /"version" must be 1 \(got nothing\)/],
      ['{"version": 2, "entries": []}', /version 2 was written by a newer AI Lab; this one reads version 1/],
      ['{"version": 1, "entries": {}}', /"entries" must be a list \(got an object\)/],
      ['{"version": 1, "entries": [{"id": "x"}]}', /entries\[0\]\.addedAt must be a non-empty string \(got nothing\); entries\[0\]\.task must be/],
      [JSON.stringify({ version: 1, entries: [{ id: 'x', addedAt: '2026-01-01T00:00:00Z', task: 't', model: 'm', backend: 'b', dataset: { source: 's', sample: 0, seed: 1.5 }, metrics: { accuracy: '0.9' }, notes: '' }] }), /entries\[0\]\.dataset\.sample must be a whole number of rows ≥ 1 \(got 0\); entries\[0\]\.dataset\.seed must be a whole number \(got 1\.5\); entries\[0\]\.metrics\.accuracy must be a number \(got "0\.9"\)/],
      [JSON.stringify({ version: 1, entries: [{ id: 'x', addedAt: 'yesterday', task: 't', model: 'm', backend: 'b', dataset: { source: 's', sample: 1, seed: 1 }, metrics: { accuracy: 87 }, notes: '' }] }), /entries\[0\]\.addedAt must be an ISO 8601 time \(got "yesterday"\); entries\[0\]\.metrics\.accuracy is 87, but accuracy is kept on a 0–1 scale/],
    ];
    const row = { addedAt: '2026-01-01T00:00:00Z', task: 't', model: 'm', backend: 'b', dataset: { source: 's', sample: 1, seed: 1 }, metrics: {}, notes: '' };
    bad.push([JSON.stringify({ version: 1, entries: [{ id: 'x', ...row }, { id: 'x', ...row }] }), /entries\[1\]\.id "x" is also the id of entries\[0\]; ids must be unique/]);
    for (const [text, re] of bad) {
      fs.writeFileSync(file, text);
      assert.throws(() => readShortlist(file), shortlistError(re), text);
      assert.throws(() => readShortlist(file), shortlistError(new RegExp(`^the shortlist ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `)));
      assert.throws(() => addToShortlist(file, a!), shortlistError(re));
      assert.throws(() => removeFromShortlist(file, 'x'), shortlistError(re));
      assert.throws(() => setNotes(file, 'x', 'y'), shortlistError(re));
      assert.equal(fs.readFileSync(file, 'utf8'), text, 'the file is as it was');
      assert.deepEqual(fs.readdirSync(path.dirname(file)), ['shortlist.json']);
    }
  });

  it('a shortlist path that is a folder: an error naming it, not an empty list', () => {
    fs.mkdirSync(file, { recursive: true });
    assert.throws(() => readShortlist(file), shortlistError(/cannot read the shortlist .* it is a folder/));
  });

  it('a result that is not valid is refused before anything is written (accuracy kept 0–1, EM 0–100)', () => {
    const [a, , c] = sampleResults();
    assert.throws(() => addToShortlist(file, { ...a!, metrics: { accuracy: 91 } }), shortlistError(/not added .*the new entry\.metrics\.accuracy is 91, but accuracy is kept on a 0–1 scale/));
    assert.throws(() => addToShortlist(file, { ...c!, metrics: { exactMatch: 101 } }), shortlistError(/exactMatch is 101, but exactMatch is kept on a 0–100 scale/));
    assert.throws(() => addToShortlist(file, { ...a!, model: ' ' }), shortlistError(/the new entry\.model must be a non-empty string/));
    assert.throws(() => addToShortlist(file, { ...a!, latency: { p50Ms: NaN, p95Ms: 1, throughput: 1 } }), shortlistError(/latency\.p50Ms must be a number ≥ 0 \(got NaN\)/));
    assert.equal(fs.existsSync(path.dirname(file)), false);
    // Metrics of other names are free (the runner may add more).
    assert.equal(addToShortlist(file, { ...a!, metrics: { perplexity: 12.5 } })[0]!.metrics.perplexity, 12.5);
  });

  it('writes are atomic: a temp file in the same folder renamed over the old one, none left behind, even when the rename fails', () => {
    const [a, b] = sampleResults();
    addToShortlist(file, a!);
    const before = fs.statSync(file).ino;
    addToShortlist(file, b!);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['shortlist.json']);
    // A new inode: the file was replaced by rename, not rewritten in place (a reader never sees half of it).
    assert.notEqual(fs.statSync(file).ino, before);
    // The rename fails (EXDEV, say): the error names the file, the old file is as it was, no temp file is left.
    const text = fs.readFileSync(file, 'utf8');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeFs = require('node:fs') as typeof fs;
    const rename = nodeFs.renameSync;
    nodeFs.renameSync = () => {
      throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
    };
    try {
      assert.throws(() => addToShortlist(file, { ...a!, model: 'other/model' }), shortlistError(/^cannot write the shortlist .*: EXDEV/));
    } finally {
      nodeFs.renameSync = rename;
    }
    assert.equal(fs.readFileSync(file, 'utf8'), text);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['shortlist.json']);
  });
});

describe('Shortlist exports: Markdown and CSV', () => {
  const now = new Date('2026-11-30T12:00:00.000Z');
  const entries = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-shortlist-x-'));
    try {
      const file = shortlistPath(dir);
      for (const r of sampleResults()) addToShortlist(file, r, now);
      setNotes(file, readShortlist(file)[0]!.id, 'good | cheap\nsecond line, "quoted" <b>x</b> a\\b');
      return readShortlist(file);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it('metric columns: the union of keys, known ones in a fixed order, others after alphabetically', () => {
    const e = entries();
    assert.deepEqual(shortlistMetricKeys(e), ['accuracy', 'macroF1', 'exactMatch', 'f1']);
    e[2]!.metrics.zeta = 1;
    e[2]!.metrics.alpha = 2;
    e[0]!.metrics.bleu = 30;
    assert.deepEqual(shortlistMetricKeys(e), ['accuracy', 'macroF1', 'exactMatch', 'f1', 'bleu', 'alpha', 'zeta']);
  });

  it('markdownCell: | and \\ escaped, line breaks as <br>, < as &lt;', () => {
    assert.equal(markdownCell('a | b\\c\r\nd\ne <x>'), 'a \\| b\\\\c<br>d<br>e &lt;x>');
  });

  it('Markdown: a GFM table with a header naming each scale, a row per entry, blanks where a value is absent', () => {
    const md = shortlistMarkdown(entries());
    const lines = md.split('\n');
    assert.equal(lines.at(-1), '', 'ends with a newline');
    assert.equal(lines.length, 6);
    assert.equal(lines[0], '| Task | Model | Backend | Device | Accuracy (0–1) | Macro-F1 (0–1) | EM (0–100) | F1 (0–100) | p50 (ms) | p95 (ms) | Throughput (ex/s) | Parameters | Size | Licence | Dataset | Notes |');
    assert.equal(lines[1], '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    assert.equal(lines[2], '| text-classification | distilbert/distilbert-base-uncased-finetuned-sst-2-english | transformers.js | cpu fp32 | 0.910 | 0.910 |  |  | 12.3 | 20.5 | 75.2 | 67.0M | 268.0 MB | apache-2.0 | glue/sst2 · validation · 200 rows, seed 42 | good \\| cheap<br>second line, "quoted" &lt;b>x&lt;/b> a\\\\b |');
    assert.equal(lines[3], '| text-classification | tiny/sentiment (partial run) | onnxruntime |  | 0.500 |  |  |  |  |  |  |  |  |  | glue/sst2 · validation · 200 rows, seed 42 | cancelled after 100 rows |');
    assert.equal(lines[4], '| question-answering | deepset/roberta-base-squad2 | python |  |  |  | 80.00 | 86.50 |  |  |  |  |  |  | rajpurkar/squad · 50 rows, seed 1 |  |');
    // Every row has as many cells as the header once escaped pipes are discounted.
    const cells = (l: string) => l.replace(/\\\\/g, '').split(/(?<!\\)\|/).length;
    for (const l of lines.slice(1, 5)) assert.equal(cells(l), cells(lines[0]!), l);
  });

  it('Markdown read by a GFM table parser (markdown-it, HTML on as on GitHub): the same cells, the notes shown as written', () => {
    const html = new MarkdownIt({ html: true }).render(shortlistMarkdown(entries()));
    const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<t[hd]>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1]!));
    assert.equal(rows.length, 4);
    for (const r of rows) assert.equal(r.length, 16);
    assert.equal(rows[1]![15], 'good | cheap<br>second line, &quot;quoted&quot; &lt;b&gt;x&lt;/b&gt; a\\b');
    assert.equal(rows[2]![1], 'tiny/sentiment (partial run)');
  });

  it('Markdown of an empty list: the header alone (a valid table)', () => {
    assert.equal(shortlistMarkdown([]), '| Task | Model | Backend | Device | p50 (ms) | p95 (ms) | Throughput (ex/s) | Parameters | Size | Licence | Dataset | Notes |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n');
  });

  it('CSV: read back by csv-parse, every value as stored (metrics unrounded), notes with commas, quotes and newlines intact', () => {
    const e = entries();
    const csv = shortlistCsv(e);
    assert.ok(csv.endsWith('\r\n'));
    const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
    assert.equal(rows.length, 3);
    assert.deepEqual(Object.keys(rows[0]!), ['id', 'addedAt', 'task', 'model', 'backend', 'device', 'dtype', 'parameters', 'sizeBytes', 'license', 'dataset_source', 'dataset_config', 'dataset_split', 'dataset_sample', 'dataset_seed', 'accuracy', 'macroF1', 'exactMatch', 'f1', 'latency_p50_ms', 'latency_p95_ms', 'throughput_per_s', 'partial', 'notes']);
    assert.deepEqual(rows[0], {
      id: e[0]!.id, addedAt: '2026-11-30T12:00:00.000Z', task: 'text-classification', model: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english', backend: 'transformers.js',
      device: 'cpu', dtype: 'fp32', parameters: '66955010', sizeBytes: '268000000', license: 'apache-2.0', dataset_source: 'glue', dataset_config: 'sst2', dataset_split: 'validation',
      dataset_sample: '200', dataset_seed: '42', accuracy: '0.91', macroF1: '0.9104', exactMatch: '', f1: '', latency_p50_ms: '12.34', latency_p95_ms: '20.5', throughput_per_s: '75.2',
      partial: 'false', notes: 'good | cheap\nsecond line, "quoted" <b>x</b> a\\b',
    });
    assert.deepEqual([rows[1]!.partial, rows[1]!.accuracy, rows[1]!.device, rows[2]!.exactMatch, rows[2]!.f1, rows[2]!.dataset_config], ['true', '0.5', '', '80', '86.5', '']);
    // An odd metric name and edge spaces survive too.
    e[2]!.metrics['a,"b"'] = 1;
    e[2]!.notes = '  padded  ';
    const again = parse(shortlistCsv(e), { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual([again[2]!['a,"b"'], again[2]!.notes, again[0]!['a,"b"']], ['1', '  padded  ', '']);
    // A text cell a spreadsheet would run as a formula is shown as text; numbers are left alone.
    e[2]!.notes = '=HYPERLINK("http://x","y")';
    e[1]!.model = '@org/model';
    const safe = parse(shortlistCsv(e), { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual([safe[2]!.notes, safe[1]!.model, safe[0]!.accuracy], ['\'=HYPERLINK("http://x","y")', "'@org/model", '0.91']);
  });
});
