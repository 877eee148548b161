/**
 * Remote backends' client overhead: a task request through each runner against its loopback stand-in,
 * against the floor of a bare fetch of the same route and body (the stand-in's own time is in both).
 * Also Ask over a long text on the hf-inference runner: passages per request and requests in all.
 * Run: npx tsc -p tsconfig.test.json && node out/bench/backends.js (BENCH_N, default 300).
 */
import { classifyText } from '../src/core/nlp/classify';
import { createRemoteRunner } from '../src/core/backends/remoteRunner';
import { joinPages } from '../src/core/pdf/pageText';
import { askQuestion } from '../src/core/qa/ask';
import { HfInferenceStandIn, routerFetch } from '../test/fixtures/backends/hfInference';
import { OpenAiStandIn } from '../test/fixtures/backends/openai';
import { TeiStandIn } from '../test/fixtures/backends/tei';

async function perOp(n: number, op: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await op();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await op();
  return (performance.now() - t0) / n;
}

async function main(): Promise<void> {
  const N = Number(process.env.BENCH_N ?? 300);
  const hf = new HfInferenceStandIn();
  const tei = new TeiStandIn();
  const oa = new OpenAiStandIn();
  await Promise.all([hf.start(), tei.start(), oa.start()]);
  const rows: Array<{ backend: string; route: string; runnerMs: number; fetchMs: number; overheadMs: number }> = [];
  const post = (url: string, body: unknown) => () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k' }, body: JSON.stringify(body) }).then((r) => r.json());
  const sst = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';
  const cases = [
    { backend: 'hf-inference', route: 'text-classification', runner: createRemoteRunner({ id: 'hf-inference', token: 'hf_k', provider: 'hf-inference', fetch: routerFetch(hf.url) }), pipeline: 'text-classification', model: sst, inputs: [['a good day'], {}], floor: post(`${hf.url}/hf-inference/models/${sst}`, { inputs: 'a good day' }) },
    { backend: 'tei', route: '/predict', runner: createRemoteRunner({ id: 'tei', url: tei.url, token: 'k' }), pipeline: 'text-classification', model: '', inputs: [['a good day'], {}], floor: post(`${tei.url}/predict`, { inputs: ['a good day'], raw_scores: false, truncate: false }) },
    { backend: 'openai', route: '/v1/embeddings', runner: createRemoteRunner({ id: 'openai', url: oa.url, token: 'k' }), pipeline: 'feature-extraction', model: oa.modelIds[0]!, inputs: [['a good day'], { normalize: true }], floor: post(`${oa.url}/v1/embeddings`, { model: oa.modelIds[0], input: ['a good day'] }) },
  ];
  for (const c of cases) {
    const fetchMs = await perOp(N, c.floor);
    const runnerMs = await perOp(N, () => c.runner.run(c.pipeline, c.model, c.inputs));
    rows.push({ backend: c.backend, route: c.route, runnerMs: +runnerMs.toFixed(3), fetchMs: +fetchMs.toFixed(3), overheadMs: +(runnerMs - fetchMs).toFixed(3) });
  }
  console.table(rows);
  // Ask over a long text: passages per request and requests in all (the Inference Toolkit takes 8 passages a request).
  const filler = (k: number) => Array.from({ length: k }, (_, i) => `Staff ${i} read the rules about parking and coffee.`).join(' ');
  const pages = Array.from({ length: 300 }, (_, i) => ({ page: i + 1, text: i === 150 ? `Each employee gets 12 hours of leave per month. ${filler(10)}` : filler(12) }));
  for (const batchSize of [8, 1]) {
    hf.requests.length = 0;
    const t0 = performance.now();
    const out = await askQuestion({ retrieveTop: 0, runner: createRemoteRunner({ id: 'hf-inference', token: 'hf_k', provider: 'hf-inference', fetch: routerFetch(hf.url), batchSize }), model: 'deepset/roberta-base-squad2', question: 'How many hours of leave?', doc: joinPages(pages), paged: true });
    const requests = hf.sent('/hf-inference/models/deepset/roberta-base-squad2').length;
    console.log(JSON.stringify({ ask: { batchSize, pages: 300, chunks: out.chunks, read: out.read, requests, passagesPerRequest: +(out.read / requests).toFixed(2), best: out.answers[0] && { answer: out.answers[0].answer, page: out.answers[0].page }, ms: Math.round(performance.now() - t0) } }));
  }
  // Classify the same 300 pages on TEI: parts per /predict request (one request per batch).
  tei.requests.length = 0;
  const t1 = performance.now();
  const c = await classifyText({ runner: createRemoteRunner({ id: 'tei', url: tei.url }), model: '', text: joinPages(pages).text });
  const predicts = tei.sent('/predict').length;
  console.log(JSON.stringify({ classifyTei: { parts: c.parts.length, requests: predicts, partsPerRequest: +(c.parts.length / predicts).toFixed(1), ms: Math.round(performance.now() - t1) } }));
  await Promise.all([hf.stop(), tei.stop(), oa.stop()]);
}

void main();
