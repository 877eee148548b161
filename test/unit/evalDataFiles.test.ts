import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readDataFile } from '../../src/core/eval/dataFiles';
import { parquetColumns, readParquetFile } from '../../src/core/eval/dataParquet';
import { EvalDataError } from '../../src/core/eval/dataTable';
import { readCsvText, readJsonlText } from '../../src/core/eval/dataText';
import { chooseSample } from '../../src/core/eval/sample';
import { SQUAD_ROWS, SST2_ROWS, writeParquetFixtures } from '../fixtures/eval/parquet';
import { FIXTURES } from '../fixtures/paths';

const EVAL = path.join(FIXTURES, 'eval');
const at = (name: string) => path.join(EVAL, name);
const dataError = (re: RegExp, line?: number) => (e: unknown) => {
  assert.ok(e instanceof EvalDataError, `an EvalDataError, got ${String(e)}`);
  assert.match(e.message, re);
  if (line !== undefined) assert.equal(e.line, line);
  return true;
};

describe('Evaluation data: local CSV, JSONL and Parquet files', () => {
  let tmp: string;
  let pq: ReturnType<typeof writeParquetFixtures>;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-evaldata-'));
    pq = writeParquetFixtures(tmp);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('CSV', () => {
    it('reads the header as columns, quoted commas, doubled quotes and newlines as cells, and number columns as numbers', async () => {
      const t = await readDataFile(at('sst2.csv'));
      assert.deepEqual(t.columns, [{ name: 'sentence', type: 'string' }, { name: 'label', type: 'int64' }]);
      assert.deepEqual(t.rows, [
        { sentence: 'a gripping, well-made thriller', label: 1 },
        { sentence: 'the plot goes nowhere', label: 0 },
        { sentence: 'she said "wow" twice', label: 1 },
        { sentence: 'two\nlines', label: 0 },
      ]);
      assert.deepEqual(t.rowIndex, [0, 1, 2, 3]);
      assert.equal(t.totalRows, 4);
    });

    it('types a mixed column as string, a decimal column as float64, and an empty number cell as null', () => {
      const t = readCsvText('a,b,c\nx,1.5,1\n2,2,\n', 'mem.csv');
      assert.deepEqual(t.columns.map((c) => c.type), ['string', 'float64', 'int64']);
      assert.deepEqual(t.rows[1], { a: '2', b: 2, c: null });
    });

    it('names the line of a row with more cells than the header, and of an unclosed quote', async () => {
      await assert.rejects(readDataFile(at('bad-row.csv')), dataError(/bad-row\.csv line 4: malformed CSV/, 4));
      await assert.rejects(readDataFile(at('unclosed-quote.csv')), dataError(/unclosed-quote\.csv line \d+: malformed CSV .*quote/i));
    });

    it('refuses an empty file, a header without rows, and a header with a repeated or empty name', async () => {
      await assert.rejects(readDataFile(at('empty.csv')), dataError(/empty\.csv is empty/));
      await assert.rejects(readDataFile(at('header-only.csv')), dataError(/has a header \(text, label\) but no rows/));
      assert.throws(() => readCsvText('a,a\n1,2\n', 'dup.csv'), dataError(/names column "a" twice/, 1));
      assert.throws(() => readCsvText('a,\n1,2\n', 'blank.csv'), dataError(/column 2 of the header has no name/, 1));
    });
  });

  describe('JSONL', () => {
    it('reads one object per line, skips blank lines, and fills a key a row lacks with null', async () => {
      const t = await readDataFile(at('qnli.jsonl'));
      assert.deepEqual(t.columns, [
        { name: 'question', type: 'string' },
        { name: 'sentence', type: 'string' },
        { name: 'label', type: 'string' },
        { name: 'idx', type: 'int64' },
      ]);
      assert.equal(t.rows.length, 3);
      assert.equal(t.rows[0]!.idx, null);
      assert.equal(t.rows[2]!.question, 'What is 2+2?');
    });

    it('types nested values: a translation dict and SQuAD answers', () => {
      const t = readJsonlText('{"translation":{"en":"Hi","fr":"Salut"},"answers":{"text":["a"],"answer_start":[0]}}\n', 'mem.jsonl');
      assert.deepEqual(t.columns.map((c) => c.type), ['{en: string, fr: string}', '{text: list(string), answer_start: list(int64)}']);
    });

    it('names the line of a line that is not JSON, or not an object (blank lines counted)', async () => {
      await assert.rejects(readDataFile(at('bad-line.jsonl')), dataError(/bad-line\.jsonl line 3: not valid JSON/, 3));
      await assert.rejects(readDataFile(at('array-line.jsonl')), dataError(/line 2: a JSON object was expected, found an array/, 2));
      assert.throws(() => readJsonlText('{"a":1}\n\n"text"\n', 'm.jsonl'), dataError(/line 3: a JSON object was expected, found "text"/, 3));
    });

    it('refuses a file with no rows', () => {
      assert.throws(() => readJsonlText('\n\n', 'blank.jsonl'), dataError(/blank\.jsonl has no rows/));
    });
  });

  describe('Parquet (hyparquet)', () => {
    it('reads a SQuAD-shaped file: strings, and answers as a struct of lists typed from the schema', async () => {
      const t = await readDataFile(pq.squad);
      assert.deepEqual(t.columns, [
        { name: 'id', type: 'string' },
        { name: 'question', type: 'string' },
        { name: 'context', type: 'string' },
        { name: 'answers', type: '{text: list(string), answer_start: list(int32)}' },
      ]);
      assert.deepEqual(t.rows, SQUAD_ROWS.map((r) => ({ id: r.id, question: r.question, context: r.context, answers: r.answers })));
      const r = t.rows[7]!;
      const a = r.answers as { text: string[]; answer_start: number[] };
      assert.equal((r.context as string).slice(a.answer_start[0]!, a.answer_start[0]! + a.text[0]!.length), '7', 'the answer offset points at the answer');
    });

    it('takes ClassLabel names from the datasets "huggingface" metadata, and INT64 labels as numbers', async () => {
      const { columns, totalRows } = await parquetColumns(pq.sst2);
      assert.equal(totalRows, 250);
      assert.deepEqual(columns, [
        { name: 'idx', type: 'int32' },
        { name: 'sentence', type: 'string' },
        { name: 'label', type: 'ClassLabel(negative, positive)', labels: ['negative', 'positive'] },
      ]);
      const t = await readParquetFile(pq.sst2);
      assert.deepEqual(t.rows[3], { idx: 3, sentence: SST2_ROWS[3]!.sentence, label: 1 });
    });

    it('reads only a sample\'s rows, across row groups, in index order', async () => {
      const t = await readDataFile(pq.sst2, { size: 9, seed: 3 });
      const want = chooseSample(250, 9, 3).indices;
      assert.deepEqual(t.rowIndex, want);
      assert.deepEqual(t.rows.map((r) => r.idx), want, 'each row is the one at its index');
      assert.deepEqual(t.rows.map((r) => r.label), want.map((i) => i % 2));
      assert.ok(want.some((i) => i >= 100) && want.some((i) => i < 100), 'the sample spans row groups');
      await assert.rejects(readParquetFile(pq.sst2, { rows: [250] }), dataError(/row 250 does not exist \(the file has 250 rows/));
    });

    it('refuses a file that is not Parquet, an empty file, and a file without rows', async () => {
      await assert.rejects(readDataFile(at('not-parquet.parquet')), dataError(/not-parquet\.parquet is not a readable Parquet file .*PAR1/));
      const empty = path.join(tmp, 'empty.parquet');
      fs.writeFileSync(empty, '');
      await assert.rejects(readDataFile(empty), dataError(/empty\.parquet is empty \(0 bytes\)/));
      await assert.rejects(readDataFile(pq.noRows), dataError(/no-rows\.parquet has no rows \(columns: idx, sentence, label\)/));
      const cut = path.join(tmp, 'cut.parquet');
      fs.writeFileSync(cut, fs.readFileSync(pq.squad).subarray(0, 200));
      await assert.rejects(readDataFile(cut), dataError(/cut\.parquet is not a readable Parquet file/));
    });
  });

  describe('any file', () => {
    it('refuses an unknown extension and a missing file with the path', async () => {
      await assert.rejects(readDataFile(path.join(tmp, 'data.xlsx')), dataError(/unsupported data file type "\.xlsx"; use \.csv, \.jsonl, \.ndjson, \.parquet/));
      await assert.rejects(readDataFile(path.join(tmp, 'gone.csv')), dataError(/gone\.csv does not exist/));
    });

    it('samples a text file by the same seeded choice as any source, and takes every row when the sample is as big as the file', async () => {
      const t = await readDataFile(at('sst2.csv'), { size: 2, seed: 11 });
      assert.deepEqual(t.rowIndex, chooseSample(4, 2, 11).indices);
      assert.equal(t.rows.length, 2);
      assert.equal(t.totalRows, 4);
      const all = await readDataFile(at('sst2.csv'), { size: 50, seed: 11 });
      assert.deepEqual(all.rowIndex, [0, 1, 2, 3]);
    });
  });
});
