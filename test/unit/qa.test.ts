import * as assert from 'node:assert/strict';
import { InferenceService } from '../../src/core/inference/inferenceService';
import { ServiceTaskRunner } from '../../src/core/nlp/serviceRunner';
import { extractPdf } from '../../src/core/pdf/extract';
import { joinPages, pageAt, pageLabel, pagesOf, parsePageRange } from '../../src/core/pdf/pageText';
import { askQuestion } from '../../src/core/qa/ask';
import { Bm25Index, selectChunks, terms } from '../../src/core/qa/bm25';
import { chunkText } from '../../src/core/text/chunks';
import { locateAnswer } from '../../src/core/text/fold';
import { fixtureModelDirs } from '../fixtures/models';
import { longHandbookPdf, shortHandbookPdf } from '../fixtures/pdf/generate';
import { FACTS, filler } from '../fixtures/pdf/handbook';
import { inputLengths, RecordingRunner } from '../fixtures/text/fits';
import { CHINESE, CHINESE_RUN, JAPANESE, THAI_RUN, VOLUNTEER_QUESTION, VOLUNTEER_SENTENCE } from '../fixtures/text/scripts';
import { testRunner, testService } from '../fixtures/serviceRunner';

describe('page mapping of offsets and chunks', () => {
  const doc = joinPages([
    { page: 1, text: 'First page ends mid' },
    { page: 2, text: 'sentence here. Second page has the 12 hours answer.' },
    { page: 3, text: 'Third page.' },
  ]);

  it('maps every offset to the page its character is on; the break belongs to the next page', () => {
    for (const p of doc.pages) {
      for (let o = p.start; o < p.end; o++) assert.equal(pageAt(doc, o), p.page, `offset ${o}`);
      if (p.page < 3) assert.equal(pageAt(doc, p.end), p.page + 1, 'the page-break character');
    }
    assert.equal(pageAt(doc, doc.text.length), 3);
  });

  it('a chunk spanning a page break covers both pages, and an answer in it has the page its text is on', () => {
    const chunks = chunkText(doc.text, 12, 0);
    const spanning = chunks.find((c) => pagesOf(doc, c.start, c.end).first !== pagesOf(doc, c.start, c.end).last)!;
    assert.ok(spanning, 'some chunk runs over a page break');
    assert.deepEqual(pagesOf(doc, spanning.start, spanning.end), { first: 1, last: 2 });
    const at = locateAnswer(doc.text, '12 hours')!;
    assert.deepEqual(pagesOf(doc, at.start, at.end), { first: 2, last: 2 });
    // Whitespace at the edges (the page break itself) does not pull a range onto the next page.
    const p1 = doc.pages[0]!;
    assert.deepEqual(pagesOf(doc, p1.start, p1.end + 1), { first: 1, last: 1 });
  });

  it('for every chunk of a real PDF, each character maps to the page whose text holds it', async () => {
    const pdf = await extractPdf(await shortHandbookPdf(), 'handbook.pdf');
    for (const c of chunkText(pdf.text, 60, 20)) {
      const { first, last } = pagesOf(pdf, c.start, c.end);
      for (let o = c.start; o < c.end; o++) {
        const page = pdf.pages.find((p) => p.page === pageAt(pdf, o))!;
        assert.ok(page.page >= first && page.page <= last);
        if (o >= page.start) assert.equal(pdf.text[o], page.text[o - page.start]);
        else assert.equal(pdf.text[o], '\n', 'only the page break itself is before its page');
      }
    }
  });

  it('parses page ranges and says what is wrong with a bad one', () => {
    assert.deepEqual(parsePageRange('1-3, 7, 10-', 12), [1, 2, 3, 7, 10, 11, 12]);
    assert.deepEqual(parsePageRange('', 3), [1, 2, 3]);
    assert.deepEqual(parsePageRange('all', 2), [1, 2]);
    assert.throws(() => parsePageRange('5-20', 12), /5-20 runs past the end: the document ends at page 12; use 5-12/);
    assert.throws(() => parsePageRange('three', 12), /"three" is not a page or a range/);
    assert.equal(pageLabel(3), 'p. 3');
    assert.equal(pageLabel(3, 5), 'pp. 3–5');
  });
});

describe('overlapping chunks and BM25 retrieval', () => {
  it('consecutive chunks overlap by whole sentences within the overlap budget, and cover all the text', () => {
    const text = filler(1, 60);
    const chunks = chunkText(text, 80, 30);
    assert.ok(chunks.length > 3);
    for (let i = 1; i < chunks.length; i++) {
      assert.ok(chunks[i]!.start < chunks[i - 1]!.end, 'overlaps the previous chunk');
      assert.ok(chunks[i]!.start > chunks[i - 1]!.start, 'always moves on');
    }
    assert.equal(chunks[0]!.start, 0);
    assert.equal(chunks.at(-1)!.end, text.length);
  });

  it('ranks the chunk that shares rare words with the question first; flat scores fall back to all chunks', () => {
    assert.deepEqual(terms('How many hours of Volunteer time?'), ['hour', 'volunteer', 'time']);
    const texts = [filler(1, 10), filler(2, 10), `${filler(3, 5)} A refund for a billing invoice is paid within 30 days.`, filler(4, 10)];
    const idx = new Bm25Index(texts);
    const r = idx.rank('Within how many days is a refund for an invoice paid?');
    assert.equal(r.order[0], 2);
    assert.deepEqual(selectChunks(r, 2), { chunks: [2], flat: false });
    assert.deepEqual(selectChunks(idx.rank('What about zebras?'), 2), { chunks: [0, 1, 2, 3], flat: true });
    assert.deepEqual(selectChunks(r, 0), { chunks: [0, 1, 2, 3], flat: false });
  });

  it('locates a decoded answer in the text despite case, accents and spacing', () => {
    assert.deepEqual(locateAnswer('Paid within 30 Days, at Café Zoë.', '30 days'), { start: 12, end: 19 });
    assert.deepEqual(locateAnswer('at Café Zoë.', 'cafe zoe'), { start: 3, end: 11 });
    assert.deepEqual(locateAnswer('the full-time rule', 'full - time'), { start: 4, end: 13 });
    assert.equal(locateAnswer('nothing here', 'elsewhere'), undefined);
  });
});

describe('Ask a Question over documents (fixture QA model, real service)', function () {
  this.timeout(120_000);
  let service: InferenceService;
  let runner: ServiceTaskRunner;
  before(() => {
    service = testService();
    runner = testRunner(service);
  });
  after(() => service.dispose());

  it('finds "12 hours" on page 7 of the 12-page handbook, with its sentence and score', async () => {
    const doc = await extractPdf(await shortHandbookPdf(), 'handbook.pdf');
    const r = await askQuestion({ runner, model: fixtureModelDirs().qa, question: FACTS[1]!.question, doc, paged: true, chunkTokens: 120, overlapTokens: 30, retrieveTop: 0 });
    assert.equal(r.retrieval, 'all');
    assert.equal(r.read, r.chunks);
    const best = r.answers[0]!;
    assert.equal(best.answer, '12 hours');
    assert.equal(best.page, 7);
    assert.equal(doc.text.slice(best.start, best.end), '12 hours');
    assert.equal(best.context, 'Each full-time employee is eligible for 12 hours of volunteer time off per calendar year.');
    assert.equal(doc.text.slice(best.contextStart, best.contextEnd).replace(/\s+/g, ' '), best.context);
    assert.ok(best.score > 0.5, `score ${best.score}`);
    assert.equal(r.answers.length, 1, 'pages without the answer give nothing above the minimum score');
  });

  it('says "no answer" (with the best rejected guess) rather than a low-confidence answer', async () => {
    const doc = await extractPdf(await shortHandbookPdf(), 'handbook.pdf');
    const r = await askQuestion({ runner, model: fixtureModelDirs().qa, question: 'How many dollars does the program pay?', doc, paged: true, chunkTokens: 120, retrieveTop: 0 });
    assert.deepEqual(r.answers, []);
    assert.ok(r.rejected && r.rejected.score < 0.1, JSON.stringify(r.rejected));
  });

  it('on a 60-page handbook, retrieval reads a few chunks and gives the same top answers as reading all of them', async () => {
    const doc = await extractPdf(await longHandbookPdf(60), 'long.pdf');
    for (const f of FACTS) {
      const all = await askQuestion({ runner, model: fixtureModelDirs().qa, question: f.question, doc, paged: true, retrieveTop: 0 });
      const some = await askQuestion({ runner, model: fixtureModelDirs().qa, question: f.question, doc, paged: true, retrieveTop: 4 });
      assert.equal(some.retrieval, 'bm25');
      assert.ok(some.read <= 4 && all.read === all.chunks && all.chunks > 40, `${some.read} of ${all.chunks}`);
      assert.equal(all.answers[0]?.answer, f.answer, f.question);
      assert.equal(some.answers[0]?.answer, f.answer, f.question);
      assert.equal(some.answers[0]?.page, f.page(60));
      assert.equal(all.answers[0]?.page, f.page(60));
    }
  });

  it('plain text has no pages; bad questions and empty documents get clear errors', async () => {
    const r = await askQuestion({ runner, model: fixtureModelDirs().qa, question: 'How many minutes before the rain?', doc: joinPages([{ page: 1, text: FACTS[2]!.sentence }]), paged: false });
    assert.equal(r.answers[0]?.answer, '40 minutes');
    assert.equal(r.answers[0]?.page, undefined);
    await assert.rejects(askQuestion({ runner, model: fixtureModelDirs().qa, question: '  ', doc: joinPages([{ page: 1, text: 'x' }]), paged: false }), /Type a question/);
    await assert.rejects(askQuestion({ runner, model: fixtureModelDirs().qa, question: 'What?', doc: joinPages([{ page: 1, text: ' \n ' }]), paged: false }), /the document is empty/);
  });

  it('a 700-character Chinese paragraph, then the English answer: the answer is read (every passage fits the model)', async () => {
    const model = fixtureModelDirs().qa;
    for (const [name, text] of Object.entries({
      punctuated: `${CHINESE}${VOLUNTEER_SENTENCE}`,
      'no punctuation, no space': `${CHINESE_RUN}${VOLUNTEER_SENTENCE}`,
      'Japanese and Thai around it': `${JAPANESE}\n${CHINESE} ${VOLUNTEER_SENTENCE} ${THAI_RUN}`,
    })) {
      const rec = new RecordingRunner(runner);
      const r = await askQuestion({ runner: rec, model, question: VOLUNTEER_QUESTION, doc: joinPages([{ page: 1, text }]), paged: false, retrieveTop: 0 });
      assert.ok(r.chunks > 1, `${name}: ${r.chunks} passage(s)`);
      const best = r.answers[0];
      assert.equal(best?.answer, '12 hours', `${name}: ${JSON.stringify(r.answers)}`);
      assert.equal(best.start, text.indexOf('12 hours'));
      assert.equal(text.slice(best.start, best.end), '12 hours');
      // Without punctuation the Chinese run and the English sentence are one sentence: the context is the part of it read.
      if (name.startsWith('no punctuation')) assert.ok(best.context.includes('eligible for 12 hours'), best.context);
      else assert.equal(best.context, VOLUNTEER_SENTENCE);
      const lengths = inputLengths(rec.calls);
      assert.equal(lengths.length, r.read);
      for (const l of lengths) assert.ok(l.tokens <= 256, `${name}: a passage of ${l.tokens} tokens with its question (256 at most)`);
    }
  });

  it('a question too long for the model leaves no room for a passage: a clear error', async () => {
    const { qaModelFiles } = await import('../fixtures/models/encoders');
    const { bertTokenizerConfig } = await import('../fixtures/models/wordpiece');
    const { writeModelDir } = await import('../fixtures/models/write');
    const tiny = writeModelDir({ ...qaModelFiles(), 'tokenizer_config.json': bertTokenizerConfig(32) });
    const question = `How many hours of ${'volunteer '.repeat(30)}time off?`;
    await assert.rejects(askQuestion({ runner, model: tiny, question, doc: joinPages([{ page: 1, text: VOLUNTEER_SENTENCE }]), paged: false }), /The question takes \d+ of the 32 tokens .* leaving no room for the text; make it shorter/);
  });
});
