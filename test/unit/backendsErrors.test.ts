/**
 * Remote backends' errors as the servers give them (401/403 naming the origin and the credential,
 * 404, 429 with Retry-After, 503 loading with a wait that retries and can be cancelled, timeouts, a
 * web page), credentials never sent to another origin, and tasks refused before anything is sent.
 */
import * as assert from 'node:assert/strict';
import { backendFetch } from '../../src/core/backends/http';
import { BackendError } from '../../src/core/backends/remoteError';
import { createRemoteRunner } from '../../src/core/backends/remoteRunner';
import type { BackendWait } from '../../src/core/backends/types';
import { codePointToUtf16, checkedSpan } from '../../src/core/backends/qaSpans';
import { mapLimit } from '../../src/core/backends/waits';
import { HfInferenceStandIn, routerFetch } from '../fixtures/backends/hfInference';
import { OpenAiStandIn } from '../fixtures/backends/openai';
import { TeiStandIn } from '../fixtures/backends/tei';

const kindIs = (kind: string, re?: RegExp) => (e: unknown) => e instanceof BackendError && e.kind === kind && (!re || re.test(e.message));
const SST = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';

describe('backends: errors as the servers give them', () => {
  const hf = new HfInferenceStandIn();
  const tei = new TeiStandIn();
  const oa = new OpenAiStandIn();
  const other = new TeiStandIn(); // a second origin
  before(async () => {
    await Promise.all([hf.start(), tei.start(), oa.start(), other.start()]);
  });
  after(async () => {
    await Promise.all([hf.stop(), tei.stop(), oa.stop(), other.stop()]);
  });
  beforeEach(() => {
    for (const s of [hf, tei, oa, other]) {
      s.requests.length = 0;
      s.faults = [];
    }
  });
  const hfRunner = (o: Record<string, unknown> = {}) => createRemoteRunner({ id: 'hf-inference', token: 'hf_secret_value', tokenSource: 'HF_TOKEN', provider: 'hf-inference', fetch: routerFetch(hf.url), ...o });

  it('401 and 403 name the origin and which credential, never its value', async () => {
    hf.faults = [{ match: '/hf-inference/', kind: 'status', status: 401, times: 1 }];
    await assert.rejects(hfRunner().run('text-classification', SST, [['x'], {}]), (e: unknown) => {
      assert.ok(kindIs('auth')(e));
      const m = (e as Error).message;
      assert.match(m, /https:\/\/router\.huggingface\.co refused the HF token from HF_TOKEN \(HTTP 401\): Invalid credentials/);
      assert.doesNotMatch(m, /hf_secret_value/);
      return true;
    });
    oa.faults = [{ match: '/v1/embeddings', kind: 'status', status: 403, times: 1 }];
    await assert.rejects(createRemoteRunner({ id: 'openai', url: oa.url, token: 'sk-x', tokenSource: 'OPENAI_API_KEY' }).run('feature-extraction', 'Qwen/Qwen2.5-0.5B-Instruct', [['a'], {}]), kindIs('auth', new RegExp(`${oa.url} refused the API key from OPENAI_API_KEY \\(HTTP 403\\)`)));
    tei.faults = [{ match: '/info', kind: 'status', status: 401, times: 1 }];
    await assert.rejects(createRemoteRunner({ id: 'tei', url: tei.url }).run('text-classification', '', [['a'], {}]), kindIs('auth', /without an API key \(none was set\)/));
  });

  it('404 names the model; 429 carries Retry-After; 500 says the server failed', async () => {
    await assert.rejects(createRemoteRunner({ id: 'openai', url: oa.url }).run('feature-extraction', 'no/such', [['a'], {}]), kindIs('not-found', /has no model "no\/such".*does not exist/));
    await assert.rejects(hfRunner().run('text-classification', 'no/such-model', [['a'], {}]), kindIs('not-found', /no\/such-model/));
    // Retry-After longer than the wait allowed: the 429 is shown at once, with what the server asked.
    tei.faults = [{ match: '/predict', kind: 'status', status: 429, retryAfter: '7', times: 1 }];
    await assert.rejects(createRemoteRunner({ id: 'tei', url: tei.url, maxLoadingWaitMs: 5000 }).run('text-classification', '', [['a'], {}]), (e: unknown) => kindIs('rate-limit', /wait 7 s \(Retry-After\)/)(e) && (e as BackendError).retryAfterMs === 7000);
    assert.equal(tei.sent('/predict').length, 1);
    tei.faults = [{ match: '/predict', kind: 'status', status: 500, times: 1 }];
    await assert.rejects(createRemoteRunner({ id: 'tei', url: tei.url }).run('text-classification', '', [['a'], {}]), kindIs('server', /HTTP 500/));
  });

  it('503 "model is loading": waits its estimated_time with progress, then retries and succeeds', async () => {
    hf.faults = [{ match: '/hf-inference/', kind: 'loading', estimatedTime: 0.05, times: 2 }];
    const waits: BackendWait[] = [];
    const out = (await hfRunner({ onWait: (w: BackendWait) => waits.push(w) }).run('text-classification', SST, [['good'], {}])) as unknown[];
    assert.equal(out.length, 1);
    assert.equal(waits.length, 2);
    assert.equal(waits[0]!.waitMs, 50);
    assert.match(waits[0]!.message, /is loading on https:\/\/router\.huggingface\.co \(about 1 s\).*waiting/);
    assert.equal(hf.sent('/hf-inference/').length, 3);
  });

  it('429: waits Retry-After (else 1×, 2×, 4×… the back-off) and sends that request again; after 5 retries the error stands', async () => {
    const waits: BackendWait[] = [];
    tei.faults = [{ match: '/predict', kind: 'status', status: 429, retryAfter: '0.05', times: 2 }];
    const out = (await createRemoteRunner({ id: 'tei', url: tei.url, onWait: (w) => waits.push(w) }).run('text-classification', '', [['a'], {}])) as unknown[];
    assert.equal(out.length, 1);
    assert.deepEqual(waits.map((w) => [w.backend, w.waitMs, w.waitedMs]), [['tei', 50, 0], ['tei', 50, 50]]);
    assert.equal(tei.sent('/predict').length, 3);
    waits.length = 0;
    tei.requests.length = 0;
    tei.faults = [{ match: '/predict', kind: 'status', status: 429, times: 9 }];
    await assert.rejects(createRemoteRunner({ id: 'tei', url: tei.url, rateLimitBackoffMs: 5, onWait: (w) => waits.push(w) }).run('text-classification', '', [['a'], {}]), kindIs('rate-limit', /HTTP 429/));
    assert.deepEqual(waits.map((w) => w.waitMs), [5, 10, 20, 40, 80]);
    assert.equal(tei.sent('/predict').length, 6);
  });

  it('a loading wait longer than allowed ends with the loading error', async () => {
    hf.faults = [{ match: '/hf-inference/', kind: 'loading', estimatedTime: 30, times: 5 }];
    await assert.rejects(hfRunner({ maxLoadingWaitMs: 1000 }).run('text-classification', SST, [['good'], {}]), kindIs('loading', /about 30 s/));
  });

  it('cancel during a loading wait and mid-request: an AbortError at once, no further request', async () => {
    hf.faults = [{ match: '/hf-inference/', kind: 'loading', estimatedTime: 20, times: 5 }];
    const ac = new AbortController();
    const started = Date.now();
    const p = hfRunner({ onWait: () => setTimeout(() => ac.abort(), 30) }).run('text-classification', SST, [['good'], {}], { signal: ac.signal });
    await assert.rejects(p, (e: Error) => e.name === 'AbortError');
    assert.ok(Date.now() - started < 2000);
    assert.equal(hf.sent('/hf-inference/').length, 1);
    tei.faults = [{ match: '/predict', kind: 'hang', times: 1 }];
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 100);
    await assert.rejects(createRemoteRunner({ id: 'tei', url: tei.url }).run('text-classification', '', [['a'], {}], { signal: ac2.signal }), (e: Error) => e.name === 'AbortError');
  });

  it('a stream: cancel after the first piece ends it at once; a stalled stream times out; an error event is the server\'s', async () => {
    const model = 'Qwen/Qwen2.5-0.5B-Instruct';
    oa.stallStream = true;
    try {
      const ac = new AbortController();
      const parts: string[] = [];
      await assert.rejects(createRemoteRunner({ id: 'openai', url: oa.url }).run('text-generation', model, ['Once', {}], { signal: ac.signal, onPartial: (t) => (parts.push(t), ac.abort()) }), (e: Error) => e.name === 'AbortError');
      assert.equal(parts.length, 1);
      await assert.rejects(createRemoteRunner({ id: 'openai', url: oa.url, timeoutMs: 200 }).run('text-generation', model, ['Once', {}], { onPartial: () => undefined }), kindIs('timeout', /stopped sending the stream/));
    } finally {
      oa.stallStream = false;
    }
    oa.errorInStream = true;
    try {
      await assert.rejects(createRemoteRunner({ id: 'openai', url: oa.url }).run('text-generation', model, ['Once', {}], { onPartial: () => undefined }), kindIs('server', /stopped the stream: .*CUDA out of memory/));
    } finally {
      oa.errorInStream = false;
    }
  });

  it('a server that does not answer in timeoutMs: a timeout error', async () => {
    oa.faults = [{ match: '/v1/models', kind: 'hang', times: 1 }];
    await assert.rejects(createRemoteRunner({ id: 'openai', url: oa.url, timeoutMs: 150 }).run('feature-extraction', '', [['a'], {}]), kindIs('timeout', /\/v1\/models gave no answer within 0\.15 s/));
  });

  it('a web page where JSON was due (captive portal) is named as such', async () => {
    tei.faults = [{ match: '/info', kind: 'html', times: 1 }];
    await assert.rejects(createRemoteRunner({ id: 'tei', url: tei.url }).run('text-classification', '', [['a'], {}]), kindIs('not-json', /web page \("Hotel Wi-Fi login"\).*captive portal/));
    hf.faults = [{ match: '/hf-inference/', kind: 'html', times: 1 }];
    await assert.rejects(hfRunner().run('text-classification', SST, [['a'], {}]), kindIs('not-json', /Hotel Wi-Fi login/));
  });

  it('a redirect to another origin is not followed with the credential; nothing reaches that origin', async () => {
    oa.faults = [{ match: '/v1/embeddings', kind: 'redirect', to: `${other.url}/v1/embeddings`, status: 307, times: 1 }];
    await assert.rejects(createRemoteRunner({ id: 'openai', url: oa.url, token: 'sk-secret', headers: { 'x-api-key': 'k2' } }).run('feature-extraction', 'Qwen/Qwen2.5-0.5B-Instruct', [['a'], {}]), kindIs('auth', /redirected to http:\/\/127\.0\.0\.1:\d+; AI Lab does not send the API key/));
    hf.faults = [{ match: '/hf-inference/', kind: 'redirect', to: `${other.url}/steal`, times: 1 }];
    await assert.rejects(hfRunner().run('text-classification', SST, [['a'], {}]), kindIs('auth', /does not send the HF token/));
    assert.equal(other.requests.length, 0);
    // A same-origin redirect is followed (credential kept: same server).
    tei.faults = [{ match: '/predict', kind: 'redirect', to: '/predict?x=1', status: 307, times: 1 }];
    const out = (await createRemoteRunner({ id: 'tei', url: tei.url, token: 't' }).run('text-classification', '', [['good'], {}])) as unknown[];
    assert.equal(out.length, 1);
    // A request that carries the credential to an origin not the backend's is refused before it is sent
    // (the HF client would send a provider key straight to a third-party provider).
    const guarded = backendFetch({ backend: 'hf-inference', origins: new Set(['https://router.huggingface.co']), headers: {}, timeoutMs: 1000, fetch });
    await assert.rejects(guarded(`${other.url}/v1/chat/completions`, { method: 'POST', headers: { Authorization: 'Bearer hf_x' } }), kindIs('auth', /did not send the HF token to http:\/\/127\.0\.0\.1:\d+: it goes only to https:\/\/router\.huggingface\.co/));
    // Extra headers are added only for the backend's origins.
    const extra = backendFetch({ backend: 'openai', origins: new Set([oa.url]), headers: { 'x-team': 'secret' }, timeoutMs: 1000, fetch });
    await extra(`${other.url}/info`);
    assert.equal(other.requests.at(-1)!.headers['x-team'], undefined);
    other.requests.length = 0;
  });

  it('a task the backend cannot do is refused before anything is sent', async () => {
    for (const [id, pipeline] of [['tei', 'summarization'], ['tei', 'question-answering'], ['openai', 'question-answering'], ['hf-inference', 'text-pair-classification']] as const) {
      const r = createRemoteRunner({ id, url: id === 'hf-inference' ? undefined : id === 'tei' ? tei.url : oa.url, fetch: routerFetch(hf.url) });
      assert.equal(r.supports(pipeline), false);
      await assert.rejects(r.run(pipeline, 'm', [['a'], {}]), kindIs('unsupported', new RegExp(`cannot run ${pipeline}`)));
      await assert.rejects(r.inputLimits!(pipeline, 'm'), kindIs('unsupported'));
    }
    assert.equal(hf.requests.length + tei.requests.length + oa.requests.length, 0);
    assert.throws(() => createRemoteRunner({ id: 'tei' }), kindIs('unsupported', /needs the server's URL/));
    assert.throws(() => createRemoteRunner({ id: 'openai', url: 'ftp://x' }), kindIs('unsupported', /http:\/\/ or https:\/\//));
  });

  it('a refused connection says which server could not be reached', async () => {
    const gone = new TeiStandIn();
    const url = await gone.start();
    await gone.stop();
    await assert.rejects(createRemoteRunner({ id: 'tei', url }).run('text-classification', '', [['a'], {}]), kindIs('network', /Could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/));
  });
});

describe('backends: answer spans from code points to UTF-16', () => {
  it('converts past astral characters and checks the text there', () => {
    const ctx = '😀𝒜 e\u0301 12 hours';
    assert.equal(codePointToUtf16(ctx, 2), 4);
    const cpStart = [...ctx.slice(0, ctx.indexOf('12'))].length;
    assert.deepEqual(checkedSpan(ctx, { answer: '12 hours', score: 0.5, start: cpStart, end: cpStart + 8 }), { answer: '12 hours', score: 0.5, start: ctx.indexOf('12'), end: ctx.length });
    // The same span in UTF-16 units, read as code points, lands elsewhere: dropped.
    assert.equal(checkedSpan(ctx, { answer: '12 hours', score: 0.5, start: ctx.indexOf('12'), end: ctx.length }), undefined);
    assert.equal(checkedSpan(ctx, { answer: 'x', score: 0.5, start: 99, end: 100 }), undefined);
  });
});

describe('backends: requests in flight', () => {
  it('at most `limit` at once, results in order; after a failure no new request starts', async () => {
    let now = 0;
    let peak = 0;
    const out = await mapLimit([1, 2, 3, 4, 5, 6, 7, 8, 9], 4, async (x) => {
      peak = Math.max(peak, ++now);
      await new Promise((r) => setTimeout(r, 5));
      now--;
      return x * 2;
    });
    assert.deepEqual(out, [2, 4, 6, 8, 10, 12, 14, 16, 18]);
    assert.equal(peak, 4);
    const started: number[] = [];
    await assert.rejects(mapLimit([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 2, async (x) => {
      started.push(x);
      await new Promise((r) => setTimeout(r, 2));
      if (x === 1) throw new Error('401');
      return x;
    }), /401/);
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(started.length <= 3, `started ${started.length}`);
  });
});
