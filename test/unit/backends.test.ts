/**
 * Remote backends against loopback stand-ins: every pipeline each backend offers returns the local
 * pipeline's shape, and the real core tasks (classify, zero-shot, summarize, extractive, Ask) run on
 * them unchanged, with passages per request counted.
 */
import * as assert from 'node:assert/strict';
import { InferenceClient } from '@huggingface/inference';
import { createRemoteRunner } from '../../src/core/backends/remoteRunner';
import { BACKEND_PIPELINES, type RemoteBackendOptions } from '../../src/core/backends/types';
import { classifyText, qnli, zeroShot } from '../../src/core/nlp/classify';
import { continueText } from '../../src/core/nlp/generate';
import { extractiveSummary, summarize } from '../../src/core/nlp/summarize';
import { joinPages } from '../../src/core/pdf/pageText';
import { askQuestion } from '../../src/core/qa/ask';
import { HfInferenceStandIn, routerFetch } from '../fixtures/backends/hfInference';
import { OpenAiStandIn } from '../fixtures/backends/openai';
import { TeiStandIn } from '../fixtures/backends/tei';

const isLabels = (x: unknown) => Array.isArray(x) && x.every((l) => typeof l.label === 'string' && typeof l.score === 'number');

/** A handbook of three pages; emoji and astral letters before the answer on page 2 (code points ≠ UTF-16). */
function handbook() {
  const filler = (n: number) => Array.from({ length: n }, (_, i) => `Staff ${i} read the rules about parking and coffee 😀.`).join(' ');
  const p2 = `Leave rules 🎉𝒜 apply to everyone 😀😀. Each employee gets 12 hours of leave per month. ${filler(3)}`;
  return joinPages([{ page: 1, text: filler(200) }, { page: 2, text: p2 }, { page: 3, text: filler(200) }]);
}

describe('backends: hf-inference through @huggingface/inference against the stand-in', () => {
  const hf = new HfInferenceStandIn();
  const opts = (o: Partial<RemoteBackendOptions> = {}): RemoteBackendOptions => ({ id: 'hf-inference', token: 'hf_test_token', provider: 'hf-inference', fetch: routerFetch(hf.url), ...o });
  before(() => hf.start());
  after(() => hf.stop());
  beforeEach(() => {
    hf.requests.length = 0;
    hf.faults = [];
    hf.utf16Offsets = false;
  });

  it('the official client itself gets the shapes its types promise from the stand-in', async () => {
    const c = new InferenceClient('hf_test_token', { fetch: routerFetch(hf.url) });
    const labels = await c.textClassification({ model: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english', provider: 'hf-inference', inputs: 'a good day' });
    assert.ok(isLabels(labels) && labels[0]!.label === 'POSITIVE');
    const qa = await c.questionAnswering({ model: 'deepset/roberta-base-squad2', provider: 'hf-inference', inputs: { question: 'How many hours?', context: 'It takes 12 hours.' } });
    assert.deepEqual(qa, { answer: '12 hours', score: 0.87, start: 9, end: 17 });
    const zs = await c.zeroShotClassification({ model: 'facebook/bart-large-mnli', provider: 'hf-inference', inputs: 'billing question', parameters: { candidate_labels: ['billing', 'support'] } });
    assert.equal(zs[0]!.label, 'billing');
    const sum = await c.summarization({ model: 'sshleifer/distilbart-cnn-12-6', provider: 'hf-inference', inputs: 'One. Two.' });
    assert.equal(sum.summary_text, 'One.');
    const tr = await c.translation({ model: 'Helsinki-NLP/opus-mt-en-fr', provider: 'hf-inference', inputs: 'hello' });
    assert.equal((tr as { translation_text: string }).translation_text, 'fr: hello');
    const fe = await c.featureExtraction({ model: 'sentence-transformers/all-MiniLM-L6-v2', provider: 'hf-inference', inputs: ['a', 'b'] });
    assert.equal((fe as number[][]).length, 2);
    const gen = await c.textGeneration({ model: 'openai-community/gpt2', provider: 'hf-inference', inputs: 'Once' });
    assert.equal(gen.generated_text, ' and then it rained.');
    // The routes the client took: the Hub's provider mapping, then the router's hf-inference paths.
    assert.equal(hf.sent('/api/models/deepset/roberta-base-squad2').length, 1);
    assert.ok(hf.sent('/hf-inference/models/sentence-transformers/all-MiniLM-L6-v2/pipeline/feature-extraction').length === 1);
    assert.ok(hf.sent('/hf-inference/models/openai-community/gpt2/v1/completions').length === 1);
  });

  it('every pipeline it offers gives the local pipeline shape', async () => {
    const r = createRemoteRunner(opts());
    assert.deepEqual(BACKEND_PIPELINES['hf-inference'].filter((p) => r.supports(p)), BACKEND_PIPELINES['hf-inference']);
    const cls = (await r.run('text-classification', 'distilbert/distilbert-base-uncased-finetuned-sst-2-english', [['good', 'bad'], { top_k: null }])) as unknown[];
    assert.equal(cls.length, 2);
    assert.ok(cls.every(isLabels));
    const zs = (await r.run('zero-shot-classification', 'facebook/bart-large-mnli', [['about billing'], ['billing', 'support'], { multi_label: false }])) as Array<{ sequence: string; labels: string[]; scores: number[] }>;
    assert.deepEqual(zs[0]!.labels, ['billing', 'support']);
    assert.equal(zs[0]!.sequence, 'about billing');
    const qa = (await r.run('question-answering', 'deepset/roberta-base-squad2', [['How many hours?'], ['😀 It takes 12 hours.'], { top_k: 1 }])) as Array<{ answer: string; start: number; end: number }>;
    assert.equal('😀 It takes 12 hours.'.slice(qa[0]!.start, qa[0]!.end), '12 hours');
    assert.deepEqual(await r.run('summarization', 'sshleifer/distilbart-cnn-12-6', ['One. Two.', { max_new_tokens: 10 }]), [{ summary_text: 'One.' }]);
    assert.deepEqual(await r.run('translation', 'Helsinki-NLP/opus-mt-en-fr', ['hello', { tgt_lang: 'fr' }]), [{ translation_text: 'fr: hello' }]);
    const fe = (await r.run('feature-extraction', 'sentence-transformers/all-MiniLM-L6-v2', [['a b', 'c'], { pooling: 'mean', normalize: true }])) as { dims: number[]; data: number[][] };
    assert.deepEqual(fe.dims, [2, 8]);
    assert.ok(Math.abs(Math.hypot(...fe.data[0]!) - 1) < 1e-9);
    assert.deepEqual(await r.run('text-generation', 'openai-community/gpt2', ['Once', { max_new_tokens: 5 }]), [{ generated_text: 'Once and then it rained.' }]);
    // The token went only to the router and the Hub, as Bearer.
    assert.ok(hf.requests.every((q) => q.headers.authorization === 'Bearer hf_test_token'));
  });

  it("provider 'auto' (the default): the Hub's mapping picks the provider, asked without the token, then the router", async () => {
    hf.models.set('auto/classifier', 'text-classification');
    const r = createRemoteRunner(opts({ provider: undefined }));
    const out = (await r.run('text-classification', 'auto/classifier', [['good'], {}])) as unknown[];
    assert.ok(isLabels(out[0]));
    const mapping = hf.sent('/api/models/auto/classifier');
    assert.ok(mapping.length >= 1);
    assert.equal(mapping[0]!.headers.authorization, undefined, 'the auto policy asks the mapping anonymously');
    assert.equal(hf.sent('/hf-inference/models/auto/classifier')[0]!.headers.authorization, 'Bearer hf_test_token');
  });

  it('an Inference Endpoint URL: requests go there (POST /), no provider mapping asked', async () => {
    const r = createRemoteRunner({ id: 'hf-inference', url: hf.url, token: 'hf_test_token' });
    const out = (await r.run('text-classification', '', [['good'], { top_k: null }])) as unknown[];
    assert.ok(isLabels(out[0]));
    assert.deepEqual(hf.requests.map((q) => q.path), ['/']);
    assert.equal(r.identity('').model, hf.url);
  });

  it('classify, zero-shot, summarize, continue text and Ask run unchanged on it', async () => {
    const runner = createRemoteRunner(opts());
    const c = await classifyText({ runner, model: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english', text: 'A good day. '.repeat(300) });
    assert.equal(c.labels[0]!.label, 'POSITIVE');
    assert.ok(c.parts.length > 1);
    const z = await zeroShot({ runner, model: 'facebook/bart-large-mnli', text: 'A billing problem.', labels: ['billing', 'support'] });
    assert.equal(z.labels[0]!.label, 'billing');
    const s = await summarize({ runner, model: 'sshleifer/distilbart-cnn-12-6', text: 'First sentence. Second one.', preset: { minNewTokens: 5, maxNewTokens: 20 } });
    assert.equal(s.text, 'First sentence.');
    const g = await continueText({ runner, model: 'openai-community/gpt2', prompt: 'Once' });
    assert.equal(g.text, ' and then it rained.');
    hf.requests.length = 0;
    const doc = handbook();
    const warnings: string[] = [];
    const ask = await askQuestion({ runner: createRemoteRunner(opts({ onWarning: (w) => warnings.push(w) })), model: 'deepset/roberta-base-squad2', question: 'How many hours of leave?', doc, paged: true, retrieveTop: 0 });
    const best = ask.answers[0]!;
    assert.equal(best.answer, '12 hours');
    assert.equal(best.page, 2);
    assert.equal(doc.text.slice(best.start, best.end), '12 hours');
    assert.deepEqual(warnings, []);
    // Passages go 8 to a request (the Inference Toolkit takes lists): every passage read once.
    const sizes = hf.passagesPerRequest();
    assert.equal(sizes.length, hf.sent('/hf-inference/models/deepset/roberta-base-squad2').length);
    assert.equal(sizes.reduce((s, n) => s + n, 0), ask.read);
    assert.ok(ask.read > 8, 'several requests');
    assert.ok(sizes.every((n) => n <= 8) && sizes.length === Math.ceil(ask.read / 8), `requests of ${sizes.join(', ')}`);
  });

  it('a server that gives UTF-16 offsets where code points are due: the shifted span is dropped and counted', async () => {
    hf.utf16Offsets = true;
    const warnings: string[] = [];
    const doc = handbook();
    const ask = await askQuestion({ runner: createRemoteRunner(opts({ onWarning: (w) => warnings.push(w) })), model: 'deepset/roberta-base-squad2', question: 'How many hours of leave?', doc, paged: true, retrieveTop: 0 });
    // Passages with emoji before the answer got a shifted span (dropped); one that starts after them is right in both units.
    const at = doc.text.indexOf('12 hours');
    for (const a of ask.answers.filter((x) => /hours/.test(x.answer))) assert.deepEqual([a.start, a.end, a.page], [at, at + 8, 2]);
    assert.ok(ask.answers.every((a) => doc.text.slice(a.start, a.end) === a.answer));
    assert.match(warnings.join('\n'), /not shown: the passage's text at the span the server gave is not the answer/);
  });
});

describe('backends: tei against the stand-in', () => {
  const tei = new TeiStandIn();
  before(() => tei.start());
  after(() => tei.stop());
  beforeEach(() => {
    tei.requests.length = 0;
    tei.faults = [];
    tei.modelType = 'classifier';
    tei.maxClientBatchSize = 32;
  });

  it('text-classification and text-pair-classification through /predict, one request per batch; /info gives the limit', async () => {
    const r = createRemoteRunner({ id: 'tei', url: tei.url });
    const limits = await r.inputLimits!('text-classification', '');
    assert.equal(limits.maxTokens, 512);
    assert.equal(limits.counter.source, 'estimate');
    const out = (await r.run('text-classification', '', [['good', 'bad', 'great'], { top_k: null }])) as unknown[];
    assert.equal(out.length, 3);
    assert.ok(out.every(isLabels));
    assert.equal(tei.sent('/predict').length, 1);
    const pairs = (await r.run('text-pair-classification', '', [[['q', 'has 12'], ['q', 'none']]])) as Array<Array<{ label: string; score: number }>>;
    assert.equal(pairs[0]![0]!.label, 'entailment');
    assert.equal(pairs[1]![0]!.label, 'not_entailment');
    assert.deepEqual(r.identity(''), { backend: 'tei', model: tei.modelId });
  });

  it('classify runs unchanged; batches over max_client_batch_size are split', async () => {
    tei.maxClientBatchSize = 4;
    const r = createRemoteRunner({ id: 'tei', url: tei.url });
    const c = await classifyText({ runner: r, model: '', text: 'A good day. '.repeat(400), batchSize: 16 });
    assert.equal(c.labels[0]!.label, 'POSITIVE');
    const predicts = tei.sent('/predict');
    assert.ok(predicts.every((q) => (q.body as { inputs: unknown[] }).inputs.length <= 4));
    assert.equal(predicts.reduce((n, q) => n + (q.body as { inputs: unknown[] }).inputs.length, 0), c.parts.length);
    const q = await qnli({ runner: r, model: '', text: 'The limit is 12 hours.', question: 'How long?' });
    assert.equal(q.labels[0]!.label, 'entailment');
  });

  it('feature-extraction through /embed and the extractive summary; rerank through /rerank', async () => {
    tei.modelType = 'embedding';
    const r = createRemoteRunner({ id: 'tei', url: tei.url });
    const fe = (await r.run('feature-extraction', '', [['a b', 'c'], { pooling: 'mean', normalize: true }])) as { dims: number[]; data: number[][] };
    assert.deepEqual(fe.dims, [2, 8]);
    const ex = await extractiveSummary({ runner: r, model: '', text: 'Cats sleep a lot. Cats eat fish. Dogs bark. Cats purr.', sentences: 2 });
    assert.equal(ex.sentences.length, 2);
    assert.equal(tei.sent('/embed').length, 2);
    tei.modelType = 'reranker';
    const rr = await (r as unknown as { rerank(m: string, q: string, t: string[]): Promise<Array<{ index: number }>> }).rerank('', 'cats purr', ['dogs bark', 'cats purr loudly']);
    assert.equal(rr[0]!.index, 1);
  });

  it('a model named that the server does not serve is an error, not a substitute', async () => {
    const r = createRemoteRunner({ id: 'tei', url: tei.url });
    await assert.rejects(r.run('text-classification', 'someone/else', [['x'], {}]), (e: Error & { kind?: string }) => e.kind === 'not-found' && /serves distilbert\/distilbert-base-uncased-finetuned-sst-2-english, not someone\/else/.test(e.message));
    assert.equal(tei.sent('/predict').length, 0);
  });
});

describe('backends: openai-compatible against the stand-in', () => {
  const oa = new OpenAiStandIn();
  const model = 'Qwen/Qwen2.5-0.5B-Instruct';
  before(() => oa.start());
  after(() => oa.stop());
  beforeEach(() => {
    oa.requests.length = 0;
    oa.faults = [];
    oa.vllmRoutes = true;
  });

  it('embeddings (one request per batch, index order), chat summaries and continuations, /classify, /score', async () => {
    const r = createRemoteRunner({ id: 'openai', url: `${oa.url}/v1`, token: 'sk-local', headers: { 'x-team': 'lab' } });
    const fe = (await r.run('feature-extraction', model, [['cats purr', 'dogs bark', 'fish swim'], { pooling: 'mean', normalize: true }])) as { dims: number[]; data: number[][] };
    assert.deepEqual(fe.dims, [3, 8]);
    assert.ok(Math.abs(Math.hypot(...fe.data[0]!) - 1) < 1e-9);
    assert.equal(oa.sent('/v1/embeddings').length, 1);
    assert.deepEqual(await r.run('summarization', model, ['Some text.', { max_new_tokens: 40 }]), [{ summary_text: oa.reply }]);
    const chat = oa.sent('/v1/chat/completions')[0]!.body as { messages: Array<{ content: string }>; max_tokens: number };
    assert.match(chat.messages[1]!.content, /Summarize the following text in at most 40 tokens\.\n\nSome text\./);
    assert.equal(chat.max_tokens, 40);
    const cls = (await r.run('text-classification', model, [['good', 'bad'], { top_k: null }])) as Array<Array<{ label: string }>>;
    assert.equal(cls[0]![0]!.label, 'POSITIVE');
    assert.equal(cls[1]![0]!.label, 'NEGATIVE');
    const sc = (await r.run('text-pair-classification', model, [[['q', '12'], ['q', 'none']]])) as Array<Array<{ label: string }>>;
    assert.equal(sc[0]![0]!.label, 'entailment');
    assert.ok(oa.requests.every((q) => q.headers.authorization === 'Bearer sk-local' && q.headers['x-team'] === 'lab'));
  });

  it('streams generated text through onPartial (SSE) and continueText returns the same text', async () => {
    const r = createRemoteRunner({ id: 'openai', url: oa.url });
    const parts: string[] = [];
    const g = await continueText({ runner: r, model, prompt: 'Once upon a time', onPartial: (t) => parts.push(t) });
    assert.equal(g.text, oa.reply);
    assert.equal(parts.join(''), oa.reply);
    assert.ok(parts.length >= 2);
    assert.equal((oa.sent('/v1/chat/completions')[0]!.body as { stream: boolean }).stream, true);
  });

  it('summarize (map-reduce) runs unchanged; the model comes from /v1/models when unset; the prompt can be changed', async () => {
    const r = createRemoteRunner({ id: 'openai', url: oa.url, prompts: { summarization: { system: 'Be brief.', user: 'TL;DR ({max_new_tokens}): {text}' } } });
    const s = await summarize({ runner: r, model: '', text: 'A sentence here. '.repeat(50), preset: { minNewTokens: 5, maxNewTokens: 20 } });
    assert.equal(s.text, oa.reply);
    assert.match((oa.sent('/v1/chat/completions')[0]!.body as { messages: Array<{ content: string }> }).messages[1]!.content, /^TL;DR \(20\): A sentence here/);
    assert.deepEqual(r.identity(''), { backend: 'openai', model });
    const limits = await r.inputLimits!('summarization', '');
    assert.equal(limits.maxTokens, 4096);
    assert.ok(limits.prefixTokens > 0);
  });

  it('a server without vLLM routes: /classify refused as not offered, saying so', async () => {
    oa.vllmRoutes = false;
    const r = createRemoteRunner({ id: 'openai', url: oa.url });
    await assert.rejects(r.run('text-classification', model, [['x'], {}]), (e: Error & { kind?: string }) => e.kind === 'unsupported' && /does not offer \/classify/.test(e.message));
  });
});
