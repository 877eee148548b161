/** ai-lab similarity and ai-lab similar on the sentence-embedder fixture, and their bad inputs. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { cosine } from '../../src/core/nlp/pooling';
import { cliAsync } from '../fixtures/cli';
import { dealerPdf } from '../fixtures/pdf/dealer';
import { fixtureModelDirs } from '../fixtures/models';
import { sentenceEmbedderDirs, sentenceReference } from '../fixtures/models/sentenceEmbedder';

const PARAGRAPHS = [
  'The kitchen has a new recipe for soup. We bake and cook all day.',
  'It is raining today. The storm made the weather wet and cold.',
  'You can get your money back: we refund all returned cars.',
];

async function threePagePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const p of PARAGRAPHS) doc.addPage([612, 792]).drawText(p, { x: 72, y: 700, size: 11, font });
  return doc.save();
}

describe('CLI: ai-lab similarity / similar', function () {
  // Each command starts the inference service and loads the model: a few seconds on 2 busy cores.
  this.timeout(120_000);
  let dir: string;
  const env = () => ({ HF_HOME: path.join(dir, 'hf') });
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-sim-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('similarity --json: the cosine of the reference vectors, the pooling named; text output the score first', async () => {
    const m = sentenceEmbedderDirs();
    const r = await cliAsync(['similarity', 'I want to buy a car.', 'It is raining today.', '--model', m.cls, '--json'], env());
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    const ref = cosine(sentenceReference('I want to buy a car.', 'cls'), sentenceReference('It is raining today.', 'cls'));
    assert.ok(Math.abs(j.score - ref) < 1e-5, `${j.score} vs ${ref}`);
    assert.equal(j.task, 'similarity');
    assert.equal(j.backend, 'local');
    assert.equal(j.output.pooling, 'cls');
    assert.equal(j.output.from, '1_Pooling/config.json');
    const t = await cliAsync(['similarity', 'How do I get my money back?', 'I want a refund.', '--model', m.mean], env());
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stdout, /^0\.\d{4}\tcosine similarity · .* · mean pooling \(1_Pooling\/config\.json\), 32 tokens at most\n$/);
  });

  it('--file-a / --file-b read the texts from files; a long one is truncated with a note on stderr', async () => {
    const a = path.join(dir, 'a.txt');
    fs.writeFileSync(a, `I want to buy a car.${' It is raining today.'.repeat(10)}`);
    const r = await cliAsync(['similarity', '--file-a', a, 'I would like to purchase an automobile.', '--model', sentenceEmbedderDirs().mean], env());
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /note: The first text is longer than the 32 tokens the model reads/);
    const b = path.join(dir, 'b.txt');
    fs.writeFileSync(b, 'I would like to purchase an automobile.');
    const both = await cliAsync(['similarity', '--file-a', a, '--file-b', b, '--model', sentenceEmbedderDirs().mean, '--json'], env());
    assert.equal(both.status, 0, both.stderr);
    assert.deepEqual(JSON.parse(both.stdout).output.texts.map((x: { truncated: boolean }) => x.truncated), [true, false]);
  });

  it('similar FILE "query": hits best first with offsets; a PDF gives pages', async () => {
    const file = path.join(dir, 'notes.md');
    const text = PARAGRAPHS.join('\n\n');
    fs.writeFileSync(file, text);
    const r = await cliAsync(['similar', file, 'I want a refund', '--top', '2', '--passage-tokens', '16', '--model', sentenceEmbedderDirs().mean, '--json'], env());
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.hits.length, 2);
    assert.match(j.hits[0].text, /money back/);
    for (const h of j.hits) assert.equal(text.slice(h.start, h.end), h.text);
    const pdf = path.join(dir, 'three.pdf');
    fs.writeFileSync(pdf, await threePagePdf());
    const p = await cliAsync(['similar', pdf, 'rainy weather', '--top', '1', '--passage-tokens', '16', '--model', sentenceEmbedderDirs().mean], env());
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /^1\. 0\.\d{4} · p\. 2 · \[\d+, \d+\)\n {3}“It is raining today\./);
  });

  it('texts the model cannot read (every token unknown) are refused, not scored 1.0; a damaged pooling config is refused, not read as mean', async () => {
    const m = sentenceEmbedderDirs().mean;
    for (const args of [['similarity', 'car', '😀 😀', '--model', m], ['similarity', '你好', 'a', '--model', m]]) {
      const r = await cliAsync(args, env());
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /cannot read the (second|first) text: every token of it is \[UNK\]/);
    }
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, PARAGRAPHS.join('\n\n'));
    const q = await cliAsync(['similar', file, '🙂🙂', '--model', m], env());
    assert.equal(q.status, 2);
    assert.match(q.stderr, /cannot read the query/);
    // A text with one word the vocabulary has is read (the unknown rest does not stop it).
    const ok = await cliAsync(['similarity', 'car 😀', 'automobile', '--model', m, '--json'], env());
    assert.equal(ok.status, 0, ok.stderr);
    const damaged = fs.mkdtempSync(path.join(dir, 'cls-'));
    fs.cpSync(sentenceEmbedderDirs().cls, damaged, { recursive: true });
    const pooling = path.join(damaged, '1_Pooling', 'config.json');
    fs.writeFileSync(pooling, '{"pooling_mode_cls_token": tr');
    const d = await cliAsync(['similarity', 'car', 'automobile', '--model', damaged], env());
    assert.equal(d.status, 2, d.stderr);
    assert.match(d.stderr, /pooling config \(1_Pooling\/config.json\) is not a readable JSON object/);
  });

  it('similar PDF "query": a hit never runs over a page break (a page\'s footer does not pull the next page\'s passage to it)', async () => {
    const pdf = path.join(dir, 'dealer.pdf');
    fs.writeFileSync(pdf, await dealerPdf());
    const r = await cliAsync(['similar', pdf, 'I want a refund', '--model', sentenceEmbedderDirs().mean, '--json'], env());
    assert.equal(r.status, 0, r.stderr);
    const hits = JSON.parse(r.stdout).hits as Array<{ text: string; page: number; pageEnd?: number }>;
    assert.equal(hits[0]!.page, 3);
    assert.match(hits[0]!.text, /reimbursed/);
    for (const h of hits) assert.equal(h.pageEnd, undefined, JSON.stringify(h));
  });

  it('bad inputs: empty text, a binary file, a classifier, missing arguments → the reason and the exit code', async () => {
    const m = sentenceEmbedderDirs().mean;
    const bin = path.join(dir, 'blob.bin');
    fs.writeFileSync(bin, Buffer.from([0, 1, 2, 3, 0, 255, 254, 0, 7, 8, 0, 0, 1, 2, 3, 4]));
    const cases: Array<[string[], number, RegExp]> = [
      [['similarity', ' ', 'car', '--model', m], 2, /the first text/i],
      [['similarity', 'only one'], 2, /similarity needs two texts/],
      [['similarity', 'a', 'b', 'c'], 2, /unexpected argument "c"/],
      [['similarity', '--file-a', bin, 'car', '--model', m], 2, /binary data/],
      [['similar', bin, 'car', '--model', m], 2, /binary data/],
      [['similar', path.join(dir, 'missing.txt'), 'car'], 2, /does not exist/],
      [['similar', bin], 2, /similar needs a file/],
      [['similar', bin, 'car', '--top', '0'], 2, /--top/],
      [['similarity', 'good', 'bad', '--model', fixtureModelDirs().sentiment], 1, /but feature extraction .*needs a bare encoder or a sentence-embedding model/],
    ];
    for (const [args, code, message] of cases) {
      const r = await cliAsync(args, env());
      assert.equal(r.status, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
  });
});
