/**
 * Sentence similarity (src/core/nlp/pooling.ts, similarity.ts): the pooling read from the model's
 * folder, truncation at max_seq_length, cosine; checked against a reference computed here from the
 * fixture's hand-set weights (test/fixtures/models/sentenceEmbedder.ts), through the real service.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InferenceService } from '../../src/core/inference/inferenceService';
import { runLabTask } from '../../src/core/lab/runLabTask';
import { cosine, poolTokens, readSentenceEmbedder, unitVector } from '../../src/core/nlp/pooling';
import { ServiceTaskRunner } from '../../src/core/nlp/serviceRunner';
import type { TaskRunner } from '../../src/core/nlp/runner';
import { chooseModelFiles } from '../../src/core/inference/modelFiles';
import { compareSimilarity, embedTexts, findSimilarPassages } from '../../src/core/nlp/similarity';
import { cutToTokens } from '../../src/core/nlp/tokenCut';
import { modelInput } from '../../src/core/nlp/modelInput';
import { joinPages } from '../../src/core/pdf/pageText';
import { InputError } from '../../src/core/text/chunks';
import { fixtureModelDirs } from '../fixtures/models';
import { SENTENCE_MAX_SEQ, sentenceEmbedderDirs, sentenceEmbedderFiles, sentenceReference } from '../fixtures/models/sentenceEmbedder';
import { writeModelDir } from '../fixtures/models/write';
import { testRunner, testService } from '../fixtures/serviceRunner';

const BUY_CAR = 'I want to buy a car.';
const PURCHASE_AUTOMOBILE = 'I would like to purchase an automobile.';
const RAINING = 'It is raining today.';

describe('similarity: the pooling read from the model folder', () => {
  it('modules.json + 1_Pooling/config.json: mean, CLS, max; Normalize; max_seq_length', () => {
    const d = sentenceEmbedderDirs();
    assert.deepEqual(readSentenceEmbedder(d.mean), { pooling: 'mean', normalize: true, maxSeqLength: SENTENCE_MAX_SEQ, from: '1_Pooling/config.json', notes: [] });
    assert.equal(readSentenceEmbedder(d.cls).pooling, 'cls');
    assert.equal(readSentenceEmbedder(d.max).pooling, 'max');
    assert.equal(readSentenceEmbedder(writeModelDir(sentenceEmbedderFiles({ normalize: false }))).normalize, false);
  });

  it('no modules.json (a plain encoder): mean pooling, with a note saying so', () => {
    const r = readSentenceEmbedder(sentenceEmbedderDirs().plain, 'plain-bert');
    assert.equal(r.pooling, 'mean');
    assert.equal(r.from, 'default');
    assert.match(r.notes[0]!, /plain-bert has no modules\.json.*mean-pooled/);
  });

  it('what AI Lab cannot reproduce is refused: a Dense module, two pooling modes at once, no mode', () => {
    const files = sentenceEmbedderFiles();
    const dense = writeModelDir({ ...files, 'modules.json': JSON.stringify([...JSON.parse(String(files['modules.json'])), { idx: 3, name: '3', path: '3_Dense', type: 'sentence_transformers.models.Dense' }]) });
    assert.throws(() => readSentenceEmbedder(dense, 'dense-model'), (e: Error) => e instanceof InputError && /dense-model has a Dense module/.test(e.message));
    const pool = JSON.parse(String(files['1_Pooling/config.json']));
    const two = writeModelDir({ ...files, '1_Pooling/config.json': JSON.stringify({ ...pool, pooling_mode_cls_token: true }) });
    assert.throws(() => readSentenceEmbedder(two, 'm'), /pools in 2 ways at once \(cls \+ mean\)/);
    const none = writeModelDir({ ...files, '1_Pooling/config.json': JSON.stringify({ ...pool, pooling_mode_mean_tokens: false }) });
    assert.throws(() => readSentenceEmbedder(none, 'm'), /switches on no pooling mode/);
  });

  it('a Hub model\'s sentence-transformers files are fetched with its weights for feature extraction (only)', () => {
    const repo = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'modules.json', '1_Pooling/config.json', 'sentence_bert_config.json', 'README.md'];
    const fe = chooseModelFiles('r', repo, 'feature-extraction', 'cpu', 'fp32').files;
    for (const f of ['modules.json', '1_Pooling/config.json', 'sentence_bert_config.json']) assert.ok(fe.includes(f), f);
    assert.ok(!fe.includes('README.md'));
    assert.ok(!chooseModelFiles('r', repo, 'text-classification', 'cpu', 'fp32').files.includes('modules.json'));
  });

  it('a remote backend: its pooled vectors are normalised, the result says the server pooled', async () => {
    const sent: unknown[][] = [];
    const remote: TaskRunner = {
      backend: 'tei',
      run: async (_pipeline, _model, inputs) => {
        sent.push(inputs);
        return { data: (inputs[0] as string[]).map((t) => (t.includes('car') ? [3, 4] : [4, 3])) };
      },
    };
    const r = await compareSimilarity({ runner: remote, model: '', a: 'a car', b: 'a boat' });
    assert.ok(Math.abs(r.score - 24 / 25) < 1e-12);
    assert.equal(r.pooling, 'server');
    assert.match(r.notes[0]!, /tei backend returns pooled sentence vectors/);
    assert.deepEqual(sent[0], [['a car', 'a boat'], { pooling: 'mean', normalize: true }]);
    assert.deepEqual(await embedTexts(remote, '', ['car']), [[0.6, 0.8]]);
  });

  it('poolTokens, unitVector and cosine on small numbers worked by hand', () => {
    const t = [
      [1, 0],
      [3, 4],
      [2, -2],
    ];
    assert.deepEqual(poolTokens(t, 'mean'), [2, 2 / 3]);
    assert.deepEqual(poolTokens(t, 'cls'), [1, 0]);
    assert.deepEqual(poolTokens(t, 'lasttoken'), [2, -2]);
    assert.deepEqual(poolTokens(t, 'max'), [3, 4]);
    // Weights 1, 2, 3 over 6.
    assert.deepEqual(poolTokens(t, 'weightedmean').map((x) => +x.toFixed(6)), [+(13 / 6).toFixed(6), +(2 / 6).toFixed(6)]);
    assert.deepEqual(unitVector([3, 4]), [0.6, 0.8]);
    assert.deepEqual(unitVector([0, 0]), [0, 0]);
    assert.equal(cosine([1, 0], [0, 1]), 0);
    assert.equal(cosine([1, 1], [-2, -2]), -1);
    assert.ok(Math.abs(cosine([1, 2], [2, 1]) - 0.8) < 1e-12);
    assert.throws(() => cosine([1], [1, 2]), /different lengths/);
  });
});

describe('similarity on the sentence-embedder fixture (real service)', () => {
  let service: InferenceService;
  let runner: ServiceTaskRunner;
  const d = () => sentenceEmbedderDirs();
  before(() => {
    service = testService();
    runner = testRunner(service);
  });
  after(() => service.dispose());

  it('mean and CLS pooling give the documented scores, equal to the reference from the hand-set weights', async () => {
    const score = async (model: string, a: string, b: string) => (await compareSimilarity({ runner, model, a, b })).score;
    // The documented numbers (sentenceEmbedder.ts): CLS counts the [CLS] axis twice, so unrelated texts score higher.
    const documented = { mean: { para: 0.99662, unrelated: 0.55391 }, cls: { para: 0.99769, unrelated: 0.76393 } };
    for (const pooling of ['mean', 'cls'] as const) {
      const para = await score(d()[pooling], BUY_CAR, PURCHASE_AUTOMOBILE);
      const unrelated = await score(d()[pooling], BUY_CAR, RAINING);
      assert.ok(Math.abs(para - cosine(sentenceReference(BUY_CAR, pooling), sentenceReference(PURCHASE_AUTOMOBILE, pooling))) < 1e-5, `${pooling}: ${para}`);
      assert.ok(Math.abs(unrelated - cosine(sentenceReference(BUY_CAR, pooling), sentenceReference(RAINING, pooling))) < 1e-5, `${pooling}: ${unrelated}`);
      assert.ok(Math.abs(para - documented[pooling].para) < 1e-4, `${pooling} paraphrase ${para}`);
      assert.ok(Math.abs(unrelated - documented[pooling].unrelated) < 1e-4, `${pooling} unrelated ${unrelated}`);
    }
    // Max pooling goes text by text (the pipeline's padding would otherwise count): also the reference.
    const max = await score(d().max, BUY_CAR, RAINING);
    assert.ok(Math.abs(max - cosine(sentenceReference(BUY_CAR, 'max'), sentenceReference(RAINING, 'max'))) < 1e-5);
  });

  it('a paraphrase ranks above an unrelated sentence, and the result names its pooling', async () => {
    const q = 'How do I get my money back?';
    const para = await compareSimilarity({ runner, model: d().mean, a: q, b: 'I want a refund.' });
    const other = await compareSimilarity({ runner, model: d().mean, a: q, b: 'Bake the soup in the kitchen.' });
    assert.ok(para.score > other.score + 0.3, `${para.score} vs ${other.score}`);
    assert.equal(para.pooling, 'mean');
    assert.equal(para.from, '1_Pooling/config.json');
    assert.equal(para.normalize, true);
    assert.equal(para.maxTokens, SENTENCE_MAX_SEQ);
    assert.deepEqual(para.notes, []);
    assert.deepEqual(para.texts.map((t) => t.truncated), [false, false]);
    assert.equal(para.texts[0]!.tokens, 10); // [CLS] how do i get my money back ? [SEP]
  });

  it('embedTexts: unit vectors in the input order, the same batched as one at a time', async () => {
    const texts = [BUY_CAR, RAINING, 'Cheap cars.', PURCHASE_AUTOMOBILE, 'A recipe for soup.'];
    const all = await embedTexts(runner, d().mean, texts, { batchSize: 2 });
    assert.equal(all.length, texts.length);
    for (const [i, v] of all.entries()) {
      assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-6);
      const one = (await embedTexts(runner, d().mean, [texts[i]!]))[0]!;
      assert.ok(v.every((x, k) => Math.abs(x - one[k]!) < 1e-5));
      assert.ok(cosine(v, sentenceReference(texts[i]!, 'mean')) > 1 - 1e-6);
    }
    assert.deepEqual(await embedTexts(runner, d().mean, []), []);
  });

  it('a text longer than max_seq_length is truncated to it, as sentence-transformers does, and the result says so', async () => {
    const long = `${BUY_CAR}${` ${RAINING}`.repeat(10)}`;
    const r = await compareSimilarity({ runner, model: d().mean, a: long, b: PURCHASE_AUTOMOBILE });
    assert.deepEqual(r.texts.map((t) => t.truncated), [true, false]);
    assert.equal(r.texts[0]!.tokens, SENTENCE_MAX_SEQ);
    assert.match(r.notes.join(' '), new RegExp(`The first text is longer than the ${SENTENCE_MAX_SEQ} tokens the model reads: only its first ${SENTENCE_MAX_SEQ} tokens`));
    const ref = cosine(sentenceReference(long, 'mean', SENTENCE_MAX_SEQ), sentenceReference(PURCHASE_AUTOMOBILE, 'mean'));
    assert.ok(Math.abs(r.score - ref) < 1e-5, `${r.score} vs ${ref}`);
    // The tokenizer would read up to 128: without the cut, the score would be another one.
    const uncut = cosine(sentenceReference(long, 'mean', 128), sentenceReference(PURCHASE_AUTOMOBILE, 'mean'));
    assert.ok(Math.abs(r.score - uncut) > 0.01);
  });

  it('cutToTokens keeps exactly the first N tokens, cut at a token end', async () => {
    const { counter } = await modelInput(d().mean, 'feature-extraction');
    const text = 'Bake the soup, then cook the recipe again!';
    const cut = cutToTokens(d().mean, text, 5, counter);
    assert.equal(cut, 'Bake the soup, then');
    assert.equal(counter.count(cut), 5);
    assert.equal(cutToTokens(d().mean, text, 50, counter), text);
    // Without the tokenizer's places: the longest prefix that fits.
    assert.equal(counter.count(cutToTokens(undefined, text, 5, counter)), 5);
  });

  it('Find Similar Passages: the paraphrase passage first, with its offsets; PDF pages; the query\'s own passage left out', async function () {
    this.timeout(60_000);
    const paragraphs = [
      'The kitchen has a new recipe for soup. We bake and cook all day.',
      'It is raining today. The storm made the weather wet and cold.',
      'You can get your money back: we refund all returned cars.',
      'Our cars are cheap and affordable, at a low cost.',
    ];
    const text = paragraphs.join('\n\n');
    const r = await findSimilarPassages({ runner, model: d().mean, query: 'I want a refund', doc: joinPages([{ page: 1, text }]), paged: false, topK: 3, passageTokens: 16 });
    assert.equal(r.hits.length, 3);
    assert.match(r.hits[0]!.text, /money back/);
    for (const h of r.hits) assert.equal(text.slice(h.start, h.end), h.text);
    assert.ok(r.hits[0]!.score > r.hits[1]!.score);
    assert.equal(r.hits[0]!.page, undefined);
    // Ranked with the cosine of the same vectors as Compare Similarity.
    const direct = await compareSimilarity({ runner, model: d().mean, a: 'I want a refund', b: r.hits[0]!.text });
    assert.ok(Math.abs(direct.score - r.hits[0]!.score) < 1e-6);

    const doc = joinPages(paragraphs.map((p, i) => ({ page: i + 1, text: p })));
    const pdf = await findSimilarPassages({ runner, model: d().mean, query: 'rainy weather', doc, paged: true, topK: 1, passageTokens: 16 });
    assert.equal(pdf.hits[0]!.page, 2);
    assert.equal(doc.text.slice(pdf.hits[0]!.start, pdf.hits[0]!.end), pdf.hits[0]!.text);

    // The query selected in the document: its own passage is not a hit.
    const own = text.indexOf('You can get');
    const ex = await findSimilarPassages({ runner, model: d().mean, query: 'You can get your money back', doc: joinPages([{ page: 1, text }]), paged: false, passageTokens: 16, exclude: { start: own, end: own + 27 } });
    assert.ok(ex.hits.every((h) => h.end <= own || h.start >= own + 27));
    assert.equal(ex.ranked, ex.passages - 1);
  });

  it('Find Similar Passages in a PDF: no passage runs over a page break, so each hit has the one page its words are on', async function () {
    this.timeout(60_000);
    // Each page ends with a footer line without a full stop, as most PDFs' text layers read: chunked
    // whole, "Page 2 of 3" and page 3's refund sentence made one passage labelled pp. 2–3 (shown at page 2).
    const pages = [
      'Welcome This guide is for new customers of the dealer. Read it before your first visit. Page 1 of 3',
      'Prices Our cars are affordable. A used automobile is sold at a low cost. Page 2 of 3',
      'Returns Returned vehicles are reimbursed: the money goes back to your card within 14 days. Page 3 of 3',
    ];
    const doc = joinPages(pages.map((text, i) => ({ page: i + 1, text })));
    const r = await findSimilarPassages({ runner, model: d().mean, query: 'I want a refund', doc, paged: true, topK: 10 });
    assert.equal(r.hits[0]!.page, 3);
    assert.match(r.hits[0]!.text, /^Returns Returned vehicles are reimbursed/);
    for (const h of r.hits) {
      assert.equal(h.pageEnd, undefined, `a hit runs over a page break: ${JSON.stringify(h)}`);
      const page = doc.pages.find((pg) => pg.page === h.page)!;
      assert.ok(h.start >= page.start && h.end <= page.end, `hit ${JSON.stringify(h)} is not within page ${h.page}`);
      assert.equal(doc.text.slice(h.start, h.end), h.text);
    }
    // Every page's text is in some passage (nothing lost by chunking page by page).
    assert.deepEqual([...new Set(r.hits.map((h) => h.page))].sort(), [1, 2, 3]);
  });

  it('through runLabTask: kinds similarity and similarPassages, stamped with the model', async () => {
    const s = await runLabTask({ task: 'similarity', model: d().cls, text: BUY_CAR, other: RAINING }, runner);
    assert.equal(s.kind, 'similarity');
    assert.equal(s.producedBy.backend, 'local');
    const f = await runLabTask({ task: 'findSimilar', model: d().mean, text: `${RAINING} ${BUY_CAR}`, query: 'purchase an automobile', options: { topK: 1, passageTokens: 8 } }, runner);
    assert.equal(f.kind, 'similarPassages');
    if (f.kind === 'similarPassages') assert.equal(f.hits[0]!.text, BUY_CAR);
  });

  it('bad input: empty or binary text, an empty query, a classifier as the model', async () => {
    await assert.rejects(compareSimilarity({ runner, model: d().mean, a: '  \u200b ', b: 'x' }), (e: Error) => e instanceof InputError && /the first text/i.test(e.message));
    await assert.rejects(compareSimilarity({ runner, model: d().mean, a: 'car', b: '\u0000\u0001\u0002binary' }), (e: Error) => e instanceof InputError && /binary data/.test(e.message));
    await assert.rejects(findSimilarPassages({ runner, model: d().mean, query: ' ', doc: joinPages([{ page: 1, text: 'car' }]), paged: false }), InputError);
    await assert.rejects(
      compareSimilarity({ runner, model: fixtureModelDirs().sentiment, a: 'good', b: 'bad' }),
      /but feature extraction .*needs a bare encoder or a sentence-embedding model/,
    );
  });

  it('a plain encoder (no sentence-transformers files): mean pooling, and the note says so', async () => {
    const r = await compareSimilarity({ runner, model: d().plain, a: BUY_CAR, b: PURCHASE_AUTOMOBILE });
    assert.equal(r.from, 'default');
    assert.match(r.notes.join(' '), /no modules\.json/);
    // Mean pooling; the tokenizer's 128 tokens are the limit without a sentence_bert_config.json.
    assert.equal(r.maxTokens, 128);
    assert.ok(Math.abs(r.score - cosine(sentenceReference(BUY_CAR, 'mean'), sentenceReference(PURCHASE_AUTOMOBILE, 'mean'))) < 1e-5);
  });

  it('the fixture folders hold the transformers.js layout with the sentence-transformers files', () => {
    for (const f of ['onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json', 'config.json', 'modules.json', '1_Pooling/config.json', 'sentence_bert_config.json']) {
      assert.ok(fs.existsSync(path.join(d().mean, f)), f);
    }
  });
});
