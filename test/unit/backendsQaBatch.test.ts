/**
 * Question answering on Hugging Face Inference with several passages per request (the Inference
 * Toolkit takes lists of questions and contexts): the same answers as one passage per request, top_k
 * lists kept, a handler that refuses lists asked one passage per request, requests in flight bounded.
 */
import * as assert from 'node:assert/strict';
import { qaReplyLists } from '../../src/core/backends/hfQuestionAnswering';
import { createRemoteRunner } from '../../src/core/backends/remoteRunner';
import type { RemoteBackendOptions } from '../../src/core/backends/types';
import { joinPages } from '../../src/core/pdf/pageText';
import { askQuestion } from '../../src/core/qa/ask';
import { HfInferenceStandIn, routerFetch } from '../fixtures/backends/hfInference';

// Not the model other files ask about: the client caches each model's provider mapping for the process.
const QA = 'deepset/tinyroberta-squad2';

/** 40 pages; the answer on page 23, after astral characters (code points ≠ UTF-16 offsets). */
function longDoc() {
  const filler = (k: number) => Array.from({ length: k }, (_, i) => `Staff ${i} read the rules about parking and coffee.`).join(' ');
  return joinPages(Array.from({ length: 40 }, (_, i) => ({ page: i + 1, text: i === 22 ? `Leave 🎉𝒜 rules. Each employee gets 12 hours of leave per month. ${filler(6)}` : filler(12) })));
}

describe('backends: hf-inference question answering, several passages per request', () => {
  const hf = new HfInferenceStandIn();
  const endpoint = (o: Partial<RemoteBackendOptions> = {}): RemoteBackendOptions => ({ id: 'hf-inference', url: hf.url, token: 'hf_test_token', ...o });
  before(async () => {
    await hf.start();
    hf.endpointTask = 'question-answering';
    hf.models.set(QA, 'question-answering');
  });
  after(() => hf.stop());
  beforeEach(() => {
    hf.requests.length = 0;
    hf.faults = [];
    hf.onePairOnly = false;
  });

  it('an Endpoint: 8 passages a request, the same answers and places as one passage a request', async () => {
    const doc = longDoc();
    const ask = (o: Partial<RemoteBackendOptions>) => askQuestion({ runner: createRemoteRunner(endpoint(o)), model: '', question: 'How many hours of leave?', doc, paged: true, retrieveTop: 0 });
    const batched = await ask({});
    const sizes = hf.passagesPerRequest();
    hf.requests.length = 0;
    const single = await ask({ batchSize: 1 });
    assert.ok(batched.read > 20, `${batched.read} passages read`);
    assert.equal(sizes.reduce((s, n) => s + n, 0), batched.read);
    assert.equal(sizes.length, Math.ceil(batched.read / 8), `requests of ${sizes.join(', ')}`);
    assert.equal(hf.passagesPerRequest().length, single.read, 'batchSize 1: one passage a request');
    assert.deepEqual(batched.answers, single.answers);
    const best = batched.answers[0]!;
    assert.deepEqual([best.answer, best.page, doc.text.slice(best.start, best.end)], ['12 hours', 23, '12 hours']);
  });

  it('top_k > 1 keeps every answer of each passage (one passage, and several)', async () => {
    const r = createRemoteRunner(endpoint());
    const ctx = ['Staff 😀 get 12 hours of leave.', 'Nothing here but Parking.', 'Coffee 𝒜 lasts 3 hours.'];
    const three = (await r.run('question-answering', '', [ctx.map(() => 'How many hours?'), ctx, { top_k: 3 }])) as Array<Array<{ answer: string; start: number; end: number }>>;
    assert.deepEqual(three.map((l) => l.map((a) => a.answer)), [['12 hours', 'Staff'], ['Nothing'], ['3 hours', 'Coffee']]);
    three.forEach((l, i) => l.forEach((a) => assert.equal(ctx[i]!.slice(a.start, a.end), a.answer)));
    assert.deepEqual(hf.passagesPerRequest(), [3]);
    const one = (await r.run('question-answering', '', ['How many hours?', ctx[0]!, { top_k: 3 }])) as Array<{ answer: string }>;
    assert.deepEqual(one.map((a) => a.answer), ['12 hours', 'Staff']);
  });

  it('a handler that takes one pair: refused once, said once, then one passage per request; nothing lost', async () => {
    hf.onePairOnly = true;
    const warnings: string[] = [];
    const doc = longDoc();
    const ask = await askQuestion({ runner: createRemoteRunner(endpoint({ onWarning: (w) => warnings.push(w) })), model: '', question: 'How many hours of leave?', doc, paged: true, retrieveTop: 0 });
    assert.equal(ask.answers[0]!.answer, '12 hours');
    assert.equal(ask.answers[0]!.page, 23);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /did not take 8 passages in one request \(.*HTTP 400\): context must be a str\); asking one passage per request/);
    const sizes = hf.passagesPerRequest();
    const refused = sizes.filter((n) => n > 1).length;
    assert.ok(refused >= 1 && refused <= 4, `${refused} lists sent (at most one per request in flight)`);
    assert.equal(sizes.filter((n) => n === 1).length, ask.read, 'every passage asked alone');
  });

  it("the hf-inference provider and 'auto' batch through the router too", async () => {
    for (const provider of ['hf-inference', undefined]) {
      hf.requests.length = 0;
      const r = createRemoteRunner({ id: 'hf-inference', token: 'hf_test_token', provider, fetch: routerFetch(hf.url) });
      const out = (await r.run('question-answering', QA, [['How many hours?', 'How many hours?'], ['It takes 12 hours.', 'Or 3 days.'], { top_k: 1 }])) as Array<{ answer: string }>;
      assert.deepEqual(out.map((a) => a.answer), ['12 hours', '3 days']);
      assert.deepEqual(hf.passagesPerRequest(), [2]);
      assert.equal(hf.sent(`/hf-inference/models/${QA}`)[0]!.headers.authorization, 'Bearer hf_test_token');
    }
  });

  it('a 429 on one request of several in flight: that request alone waits its Retry-After and is sent again', async () => {
    const waits: string[] = [];
    hf.faults = [{ match: '/', kind: 'status', status: 429, retryAfter: '0.05', times: 1 }];
    const ctx = Array.from({ length: 32 }, (_, i) => `Item ${i} takes ${i + 1} hours.`);
    const out = (await createRemoteRunner(endpoint({ onWait: (w) => waits.push(w.message) })).run('question-answering', '', [ctx.map(() => 'How many hours?'), ctx, { top_k: 1 }])) as Array<{ answer: string }>;
    assert.deepEqual(out.map((a) => a.answer), ctx.map((_, i) => `${i + 1} hours`));
    assert.deepEqual(hf.passagesPerRequest(), [8, 8, 8, 8, 8]);
    assert.equal(waits.length, 1);
    assert.match(waits[0]!, /rate-limiting requests \(HTTP 429\).*waiting 1 s, then trying again/);
  });
});

describe('backends: reading the Inference Toolkit question-answering reply', () => {
  const span = (answer: string, start: number) => ({ answer, score: 0.5, start, end: start + answer.length });
  it('one pair: a span or a list of spans; several: one result per pair, in order', () => {
    assert.deepEqual(qaReplyLists(span('a', 0), 1), [[span('a', 0)]]);
    assert.deepEqual(qaReplyLists([span('a', 0), span('b', 2)], 1), [[span('a', 0), span('b', 2)]]);
    assert.deepEqual(qaReplyLists([span('a', 0), [span('b', 2), span('c', 4)]], 2), [[span('a', 0)], [span('b', 2), span('c', 4)]]);
  });
  it('anything else is not taken as answers (the caller asks one pair per request)', () => {
    assert.equal(qaReplyLists(span('a', 0), 2), undefined, 'one result for two pairs');
    assert.equal(qaReplyLists([span('a', 0)], 2), undefined);
    assert.equal(qaReplyLists([span('a', 0), { answer: 'b' }], 2), undefined, 'a result without its span');
    assert.equal(qaReplyLists({ error: 'x' }, 1), undefined);
    assert.equal(qaReplyLists([[span('a', 0)], 'b'], 2), undefined);
  });
});
