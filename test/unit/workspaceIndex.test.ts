/**
 * The workspace index (src/core/search): reciprocal rank fusion's numbers, exact search, files by
 * globs and .gitignore, skipped files with their notes, incremental update, rebuild on another model
 * or format, a crash mid-write, hybrid retrieval (an exact term and a paraphrase both found), Ask on
 * one PDF with hybrid retrieval and Ask the Workspace; on the topic embedder and QA fixture models in
 * the real inference service.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LabRunner } from '../../src/core/lab/makeRunner';
import type { TaskRunner } from '../../src/core/nlp/runner';
import { extractPdf } from '../../src/core/pdf/extract';
import { askQuestion } from '../../src/core/qa/ask';
import { askWorkspace } from '../../src/core/search/askWorkspace';
import { buildIndex } from '../../src/core/search/buildIndex';
import { fuseRankings, reciprocalRankFusion, topKeepingEachBest } from '../../src/core/search/fuse';
import { SearchableIndex, searchIndex } from '../../src/core/search/hybridSearch';
import { deleteIndex, INDEX_FORMAT, indexFolder, loadIndex, writeIndex, type IndexData } from '../../src/core/search/indexStore';
import { normalize, topK } from '../../src/core/search/vectors';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE, listWorkspaceFiles } from '../../src/core/search/workspaceFiles';
import { DEFAULT_MAX_FILE_MB } from '../../src/core/search/documents';
import { LAB_TASKS } from '../../src/core/nlp/tasks';
import { seededRandom } from '../../src/core/random';
import { fixtureModelDirs } from '../fixtures/models';
import { encryptedPdf } from '../fixtures/pdf/encrypted';
import { scannedPdf, shortHandbookPdf } from '../fixtures/pdf/generate';
import { VOLUNTEER } from '../fixtures/pdf/handbook';
import { DEALER_PDF, dealerPdf } from '../fixtures/pdf/dealer';
import { sentenceEmbedderDirs } from '../fixtures/models/sentenceEmbedder';
import { tree, useIndexHarness } from '../fixtures/workspaceTree';
import { REPO_ROOT } from '../fixtures/paths';

/** The topic embedder's words (test/fixtures/models/topics.ts): one file per topic, and one rare term. */
const FILES: Record<string, string> = {
  'notes/tech.md': '# Outage\n\nThe server crash left a bug in the login dashboard.\n',
  'notes/weather.txt': 'Snow and rain are in the forecast, cold weather all week.',
  'billing.txt': 'A refund for the invoice charge goes back to the card.',
  'feedback.md': 'We love the product and have a feature idea.',
  // A rare term in a passage on another topic (billing), dense with topic words.
  'z-rare.txt': 'Zorblax refund invoice charge payment.',
};

/** Counts the texts each feature-extraction call embeds (to see which passages were embedded again). */
function counting(inner: TaskRunner): TaskRunner & { embedded: string[] } {
  const embedded: string[] = [];
  return {
    embedded,
    backend: inner.backend,
    run: (pipeline, model, inputs, o) => {
      if (pipeline === 'feature-extraction') embedded.push(...(inputs[0] as string[]));
      return inner.run(pipeline, model, inputs, o);
    },
    inputLimits: inner.inputLimits?.bind(inner),
    maxInputTokens: inner.maxInputTokens?.bind(inner),
    batchLimits: inner.batchLimits?.bind(inner),
  };
}

describe('workspace index: reciprocal rank fusion and exact search', () => {
  it('RRF(d) = Σ 1/(60 + rank): the numbers, ties to the better single rank, absent ranks add nothing', () => {
    const f = reciprocalRankFusion([
      [1, 2, 3],
      [3, 1],
    ]);
    assert.deepEqual(f.map((x) => x.id), [1, 3, 2]);
    assert.equal(f[0]!.score, 1 / 61 + 1 / 62);
    assert.equal(f[1]!.score, 1 / 63 + 1 / 61);
    assert.equal(f[2]!.score, 1 / 62);
    assert.deepEqual(f.map((x) => x.ranks), [[1, 2], [3, 1], [2, 0]]);
    // Equal sums: the one ranked first somewhere wins.
    assert.deepEqual(reciprocalRankFusion([[5, 6], [6, 5]]).map((x) => x.id), [5, 6]);
    assert.deepEqual(reciprocalRankFusion([[7, 8]], 0).map((x) => x.score), [1, 1 / 2]);
    // BM25 passages scoring 0 are not a ranking.
    assert.deepEqual(fuseRankings([0, 1], [1, 0], [0, 2], 10).map((x) => [x.id, ...x.ranks]), [[1, 2, 1], [0, 1, 0]]);
  });

  it('the top keeps each ranking\'s own best: a paraphrase only the embedder ranks first is not crowded out by passages middling in both', () => {
    // Passages 0…99: dense ranks 100 first (a paraphrase: BM25 does not hold it), then 0…98; BM25 ranks 0…98 in reverse.
    const dense = [100, ...Array.from({ length: 99 }, (_, i) => i)];
    const bm25Order = Array.from({ length: 99 }, (_, i) => 98 - i);
    const scores = Array.from({ length: 101 }, (_, i) => (i < 99 ? 1 + i / 100 : 0));
    const fused = fuseRankings(dense, bm25Order, scores, 101);
    assert.ok(fused.findIndex((f) => f.id === 100) >= 8, 'RRF alone ranks the dense #1 below the first 8 here');
    for (const top of [2, 3, 8, 10]) {
      const kept = topKeepingEachBest(fused, top);
      assert.equal(kept.length, top);
      assert.ok(kept.some((f) => f.id === 100), `top ${top} keeps the dense #1`);
      assert.ok(kept.some((f) => f.id === 98), `top ${top} keeps the BM25 #1`);
      // In fused order, and otherwise RRF's own best.
      assert.deepEqual(kept.map((f) => f.id), fused.filter((f) => kept.includes(f)).map((f) => f.id));
    }
    assert.deepEqual(topKeepingEachBest(fused, 1).map((f) => f.id), [fused[0]!.id]);
    assert.deepEqual(topKeepingEachBest([], 8), []);
  });

  it('topK equals a full sort by dot product on 2,000 random unit vectors', () => {
    const rand = seededRandom(7);
    const dim = 24;
    const m = new Float32Array(2000 * dim);
    for (let r = 0; r < 2000; r++) m.set(normalize(Array.from({ length: dim }, () => rand() - 0.5)), r * dim);
    const q = normalize(Array.from({ length: dim }, () => rand() - 0.5));
    const all = Array.from({ length: 2000 }, (_, r) => ({ index: r, score: m.subarray(r * dim, (r + 1) * dim).reduce((s, x, j) => s + x * q[j]!, 0) })).sort((a, b) => b.score - a.score);
    const got = topK(m, dim, q, 10);
    assert.deepEqual(got.map((h) => h.index), all.slice(0, 10).map((h) => h.index));
    for (const [i, h] of got.entries()) assert.ok(Math.abs(h.score - all[i]!.score) < 1e-5);
    assert.throws(() => topK(m, dim, new Float32Array(3), 1), /the query has 3 dimensions, the index 24/);
  });

  it("package.json's aiLab.index.* defaults are the core's", () => {
    const props = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default: unknown }> } } }).contributes.configuration.properties;
    assert.deepEqual(props['aiLab.index.include']!.default, DEFAULT_INCLUDE);
    assert.deepEqual(props['aiLab.index.exclude']!.default, DEFAULT_EXCLUDE);
    assert.equal(props['aiLab.index.maxFileMB']!.default, DEFAULT_MAX_FILE_MB);
    assert.equal(props['aiLab.index.embeddingModel']!.default, LAB_TASKS.extractive.defaultModel);
  });

  it('files: default include (text, Markdown, PDF), globs, nested .gitignore with negation, no symlinks followed', () => {
    const dir = tree({
      'a.md': 'x', 'b.txt': 'x', 'c.pdf': 'x', 'code.ts': 'x', 'node_modules/p/readme.md': 'x', '.ai-lab/index/manifest.json': '{}',
      '.gitignore': 'build/\n*.log.txt\n', 'build/out.md': 'x', 'run.log.txt': 'x',
      'docs/.gitignore': 'draft*\n!draft-keep.md\n', 'docs/draft-1.md': 'x', 'docs/draft-keep.md': 'x', 'docs/guide.md': 'x',
    });
    fs.symlinkSync(dir, path.join(dir, 'docs', 'loop'));
    assert.deepEqual(listWorkspaceFiles(dir).map((f) => f.path), ['a.md', 'b.txt', 'c.pdf', 'docs/draft-keep.md', 'docs/guide.md']);
    // Exclude globs given replace the defaults (node_modules is then read).
    assert.deepEqual(listWorkspaceFiles(dir, { include: ['**/*.md'], exclude: ['docs/**'] }).map((f) => f.path), ['a.md', 'node_modules/p/readme.md']);
    assert.deepEqual(listWorkspaceFiles(dir, { include: ['**/*.md'], gitignore: false, exclude: [] }).map((f) => f.path), ['.ai-lab/index/manifest.json', 'a.md', 'build/out.md', 'docs/draft-1.md', 'docs/draft-keep.md', 'docs/guide.md', 'node_modules/p/readme.md'].filter((p) => p.endsWith('.md')));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('workspace index: build, update, search, ask (fixture models, real service)', function () {
  this.timeout(120_000);
  const harness = useIndexHarness('ai-lab-wsindex-');
  const made = harness.made;
  let runner: LabRunner;
  before(() => (runner = harness.runner()));
  const m = () => fixtureModelDirs();

  const open = (indexDir: string, model = m().embed) => {
    const l = loadIndex(indexDir, model);
    assert.ok(l.index, l.index ? '' : l.reason);
    return new SearchableIndex(l.index);
  };

  it('a PDF is cut page by page: no passage runs over a page break (a footer does not pull the next page\'s passage to its page)', async () => {
    const root = made({ 'dealer.pdf': await dealerPdf() });
    const indexDir = path.join(root, '.ai-lab');
    await buildIndex({ root, indexDir, runner, model: sentenceEmbedderDirs().mean });
    const index = open(indexDir, sentenceEmbedderDirs().mean);
    assert.ok(index.data.passages.length >= 3);
    for (const ps of index.data.passages) assert.equal(ps.pageEnd, undefined, JSON.stringify(ps));
    // Each passage's text is on the page it names.
    const doc = await extractPdf(await dealerPdf(), 'dealer.pdf');
    for (const ps of index.data.passages) assert.ok(doc.pages.find((pg) => pg.page === ps.page)!.text.includes(ps.text.trim()), `${ps.text} on p. ${ps.page}`);
    const hits = await searchIndex(index, { runner, query: 'I want a refund', top: 3 });
    const refund = hits.find((h) => /reimbursed/.test(index.data.passages[h.passage]!.text))!;
    assert.equal(refund.page, DEALER_PDF.page);
  });

  it('hybrid search finds the exact-term passage (BM25) and the paraphrase (meaning) for one query; each alone misses one', async () => {
    const root = made(FILES);
    const indexDir = path.join(root, '.ai-lab');
    const r = await buildIndex({ root, indexDir, runner, model: m().embed });
    assert.deepEqual([r.files, r.passages, r.updated, r.kept, r.removed, r.skipped], [5, 5, 5, 0, 0, []]);
    assert.equal(r.dim, loadIndex(indexDir, m().embed).index?.manifest.dim);
    const index = open(indexDir);
    // "storm" and "sunny" are weather words the weather file does not contain; "zorblax" is in one file only.
    const hits = await searchIndex(index, { runner, query: 'zorblax storm sunny', top: 2 });
    assert.deepEqual(hits.map((h) => h.file), ['z-rare.txt', 'notes/weather.txt']);
    assert.equal(hits[0]!.bm25?.rank, 1);
    assert.equal(hits[1]!.dense?.rank, 1);
    assert.equal(hits[1]!.bm25, undefined, 'BM25 alone does not find the paraphrase');
    assert.ok(hits[0]!.dense!.rank > 2, 'meaning alone does not find the rare term');
    assert.equal(hits[0]!.score, 1 / 61 + 1 / (60 + hits[0]!.dense!.rank));
    const tech = (await searchIndex(index, { runner, query: 'slow broken server', top: 1 }))[0]!;
    assert.deepEqual([tech.file, tech.line, tech.preview], ['notes/tech.md', 1, '# Outage The server crash left a bug in the login dashboard.']);
    await assert.rejects(searchIndex(index, { runner, query: '  ' }), /Type what to search for/);
  });

  it('incremental update: unchanged files keep their vectors, a changed and a new file are embedded, a removed one dropped', async () => {
    const root = made(FILES);
    const indexDir = path.join(root, '.ai-lab');
    await buildIndex({ root, indexDir, runner, model: m().embed });
    fs.writeFileSync(path.join(root, 'billing.txt'), 'The payment price was charged twice to the card.');
    fs.utimesSync(path.join(root, 'billing.txt'), new Date(), new Date(Date.now() + 5000));
    fs.rmSync(path.join(root, 'feedback.md'));
    fs.writeFileSync(path.join(root, 'holiday.md'), 'Volunteer hours: each employee gets annual time off.');
    const c = counting(runner);
    const r = await buildIndex({ root, indexDir, runner: c, model: m().embed });
    assert.deepEqual([r.files, r.updated, r.kept, r.removed], [5, 2, 3, 1]);
    assert.deepEqual(c.embedded.sort(), ['The payment price was charged twice to the card.', 'Volunteer hours: each employee gets annual time off.']);
    const index = open(indexDir);
    assert.equal((await searchIndex(index, { runner, query: 'volunteer program day', top: 1 }))[0]!.file, 'holiday.md');
    assert.equal((await searchIndex(index, { runner, query: 'price charged twice', top: 1 }))[0]!.file, 'billing.txt');
    assert.ok(!index.data.files.some((f) => f.path === 'feedback.md'));
    const again = counting(runner);
    const r3 = await buildIndex({ root, indexDir, runner: again, model: m().embed });
    assert.deepEqual([r3.updated, r3.kept, again.embedded], [0, 5, []]);
  });

  it('another embedding model, another format or a damaged index is rebuilt, never mixed', async () => {
    const root = made(FILES);
    const indexDir = path.join(root, '.ai-lab');
    await buildIndex({ root, indexDir, runner, model: m().embed });
    const other = path.join(made({}), 'embed-copy');
    fs.cpSync(m().embed, other, { recursive: true });
    assert.match(loadIndex(indexDir, other).reason ?? '', /made with the embedding model \/.+, now .*embed-copy is set/);
    const c = counting(runner);
    const r = await buildIndex({ root, indexDir, runner: c, model: other });
    assert.match(r.rebuilt ?? '', /made with the embedding model/);
    assert.equal(c.embedded.length, 5, 'every passage embedded again by the new model');
    assert.equal(open(indexDir, other).data.manifest.model, other);
    // An older format.
    const manifest = path.join(indexFolder(indexDir), 'manifest.json');
    fs.writeFileSync(manifest, JSON.stringify({ ...JSON.parse(fs.readFileSync(manifest, 'utf8')), format: INDEX_FORMAT - 1 }));
    assert.match(loadIndex(indexDir, other).reason ?? '', new RegExp(`format ${INDEX_FORMAT - 1}; this AI Lab writes format ${INDEX_FORMAT}`));
    assert.match((await buildIndex({ root, indexDir, runner, model: other })).rebuilt ?? '', /format/);
    // A vectors file cut short.
    const vectors = path.join(indexFolder(indexDir), 'vectors.f32');
    fs.truncateSync(vectors, 12);
    assert.match(loadIndex(indexDir, other).reason ?? '', /damaged: its vectors file has the wrong size/);
    const fixed = await buildIndex({ root, indexDir, runner, model: other });
    assert.match(fixed.rebuilt ?? '', /damaged/);
    assert.equal(open(indexDir, other).data.passages.length, 5);
  });

  it('a crash mid-write leaves the old index whole; the next write clears what it left; delete removes all', async () => {
    const root = made(FILES);
    const indexDir = path.join(root, '.ai-lab');
    await buildIndex({ root, indexDir, runner, model: m().embed });
    const before = open(indexDir).data;
    const next: Omit<IndexData, 'manifest'> & { model: string; dim: number } = { model: m().embed, dim: 5, files: [], passages: [], vectors: new Float32Array(0) };
    assert.throws(() => writeIndex(indexDir, next, { beforeRename: () => { throw new Error('power cut'); } }), /power cut/);
    assert.ok(fs.readdirSync(indexDir).some((e) => e.startsWith('index.tmp-')), 'the unfinished write is left behind');
    assert.deepEqual(open(indexDir).data.passages, before.passages);
    // Killed between moving the old index aside and renaming the new one in: no index, so it is rebuilt.
    fs.renameSync(indexFolder(indexDir), path.join(indexDir, 'index.old-x'));
    assert.equal(loadIndex(indexDir, m().embed).reason, 'there is no index yet');
    const r = await buildIndex({ root, indexDir, runner, model: m().embed });
    assert.equal(r.passages, 5);
    assert.deepEqual(fs.readdirSync(indexDir), ['index']);
    assert.equal(deleteIndex(indexDir), true);
    assert.equal(fs.existsSync(indexFolder(indexDir)), false);
    assert.equal(deleteIndex(indexDir), false);
  });

  it('binary, huge, encrypted and scanned files are skipped, each with a note; PDF passages say their page', async () => {
    const root = made({
      'handbook.pdf': await shortHandbookPdf(),
      'scan.pdf': await scannedPdf(),
      'vault.pdf': encryptedPdf('pw', 'The vault holds 3 days of supplies.'),
      'data.txt': Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 1, 2, 3, 0, 0, 0, 9]),
      'big.md': `${'weather '.repeat(20_000)}\n`,
      'fine.md': 'The forecast says rain.',
    });
    const indexDir = path.join(root, '.ai-lab');
    const r = await buildIndex({ root, indexDir, runner, model: m().embed, maxFileBytes: 100_000 });
    const notes = Object.fromEntries(r.skipped.map((s) => [s.path, s.note]));
    assert.deepEqual(Object.keys(notes).sort(), ['big.md', 'data.txt', 'scan.pdf', 'vault.pdf']);
    assert.match(notes['big.md']!, /^larger than 0\.1 MB \(0\.2 MB\); aiLab\.index\.maxFileMB sets the limit$/);
    assert.equal(notes['data.txt'], 'binary data, not text');
    assert.match(notes['vault.pdf']!, /^encrypted/);
    assert.match(notes['scan.pdf']!, /looks scanned.*OCR/);
    assert.equal(r.files, 2);
    const hit = (await searchIndex(open(indexDir), { runner, query: 'volunteer hours employee', top: 1 }))[0]!;
    assert.equal(hit.file, 'handbook.pdf');
    assert.ok(hit.page! <= 7 && (hit.pageEnd ?? hit.page!) >= 7, `pages ${hit.page}–${hit.pageEnd}`);
    // Skipped files keep their note without being read again.
    const again = await buildIndex({ root, indexDir, runner, model: m().embed, maxFileBytes: 100_000 });
    assert.deepEqual([again.updated, again.skipped.length], [0, 4]);
  });

  it('Ask the Workspace: passages from the index across files, then the reader; the answer names file and page', async () => {
    const root = made({ ...FILES, 'handbook.pdf': await shortHandbookPdf() });
    const indexDir = path.join(root, '.ai-lab');
    await buildIndex({ root, indexDir, runner, model: m().embed });
    const out = await askWorkspace({ runner, model: m().qa, question: VOLUNTEER.question, index: open(indexDir) });
    const best = out.answers[0]!;
    assert.deepEqual([best.answer, best.file, best.page, out.retrieval], [VOLUNTEER.answer, 'handbook.pdf', 7, 'hybrid']);
    // The offsets are the PDF text's, as Ask on the file alone gives them.
    const pdf = await extractPdf(await shortHandbookPdf(), 'handbook.pdf');
    assert.equal(pdf.text.slice(best.start, best.end), VOLUNTEER.answer);
    const one = await askQuestion({ runner, model: m().qa, question: VOLUNTEER.question, doc: pdf, paged: true });
    assert.deepEqual([one.answers[0]!.start, one.answers[0]!.end, one.answers[0]!.context], [best.start, best.end, best.context]);
  });

  it('Ask on one PDF with an embedder: hybrid retrieval, the same answer and offsets as BM25 alone', async () => {
    const pdf = await extractPdf(await shortHandbookPdf(), 'handbook.pdf');
    const bm25 = await askQuestion({ runner, model: m().qa, question: VOLUNTEER.question, doc: pdf, paged: true, retrieveTop: 2 });
    const hybrid = await askQuestion({ runner, model: m().qa, question: VOLUNTEER.question, doc: pdf, paged: true, retrieveTop: 2, embedModel: m().embed });
    assert.equal(hybrid.retrieval, 'hybrid');
    assert.equal(bm25.retrieval, 'bm25');
    assert.deepEqual(hybrid.answers[0], bm25.answers[0]);
    assert.equal(hybrid.read, 2);
  });
});
