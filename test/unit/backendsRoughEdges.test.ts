/**
 * Remote backends on bad input and bad networks, as a new user meets them: a proxy that wants
 * credentials or is dead (named as the proxy's fault, not the server's), a server that closes the
 * connection mid-answer (not "could not reach"), a 2xx answer that is not JSON, a blocked port, backend
 * URLs without a scheme or with a query, an Endpoint with --model (the JSON must not name a model the
 * server never saw), a loading estimate past the whole wait budget, unreadable Retry-After values,
 * and an error event in a stream (the server's message, not its JSON).
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { backendUrlProblem } from '../../src/core/backends/http';
import { BackendError, parseRetryAfter } from '../../src/core/backends/remoteError';
import { createRemoteRunner } from '../../src/core/backends/remoteRunner';
import { retryWaits } from '../../src/core/backends/waits';
import { HfInferenceStandIn } from '../fixtures/backends/hfInference';
import { OpenAiStandIn } from '../fixtures/backends/openai';
import { TeiStandIn } from '../fixtures/backends/tei';
import { cliAsync } from '../fixtures/cli';
import { FixtureProxy } from '../fixtures/net/proxyServer';

const kindIs = (kind: string, re: RegExp) => (e: unknown) => e instanceof BackendError && e.kind === kind && re.test(e.message);
const env = { OPENAI_API_KEY: '', HF_TOKEN: '', HF_HOME: '/nonexistent/ai-lab-hf-home', HTTP_PROXY: '', HTTPS_PROXY: '', http_proxy: '', https_proxy: '', NO_PROXY: '', no_proxy: '' };

/** A server that answers every request with `handler` (raw: it may cut the socket). */
async function rawServer(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const s = http.createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, close: () => new Promise((r) => (s.closeAllConnections(), s.close(() => r()))) };
}

describe('backends: rough edges on bad input and bad networks', () => {
  const tei = new TeiStandIn();
  const hf = new HfInferenceStandIn();
  const oa = new OpenAiStandIn();
  before(async () => {
    await Promise.all([tei.start(), hf.start(), oa.start()]);
  });
  after(async () => {
    await Promise.all([tei.stop(), hf.stop(), oa.stop()]);
  });

  it('a proxy that wants credentials, refuses them, or is dead: the proxy is named, not the server', async () => {
    const proxy = new FixtureProxy();
    proxy.credentials = 'user:pw';
    await proxy.start();
    try {
      // The lower-case variable is read first: both are set.
      const via = (p: string) => ({ ...env, HTTP_PROXY: p, http_proxy: p });
      const args = ['classify', '--backend', 'tei', '--backend-url', tei.url, '--text', 'good'];
      const noCreds = await cliAsync(args, via(proxy.url));
      assert.equal(noCreds.status, 1, noCreds.stderr);
      assert.match(noCreds.stderr, /the proxy at 127\.0\.0\.1:\d+ asked for credentials \(HTTP 407\)/);
      const wrong = await cliAsync(args, via(proxy.url.replace('http://', 'http://u:wrong@')));
      assert.match(wrong.stderr, /refused the credentials of http:\/\/u:\*\*\*@/);
      assert.ok(!wrong.stderr.includes('wrong'), 'the password is never shown');
      const ok = await cliAsync(args, via(proxy.url.replace('http://', 'http://user:pw@')));
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /POSITIVE/);
      const dead = await cliAsync(args, via('http://127.0.0.1:9'));
      assert.match(dead.stderr, /the proxy 127\.0\.0\.1:9 could not be reached \(ECONNREFUSED\) on the way to 127\.0\.0\.1:\d+: check HTTP_PROXY/);
      assert.doesNotMatch(dead.stderr, /Is the server running/);
    } finally {
      await proxy.stop();
    }
  });

  it('a server that closes the connection before or during its answer: said so, not "could not reach"', async () => {
    for (const cut of ['before', 'during']) {
      const s = await rawServer((req, res) => {
        if (cut === 'during') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
          res.write('[[{"label":"POS');
        }
        setTimeout(() => req.socket.destroy(), 20);
      });
      try {
        await assert.rejects(createRemoteRunner({ id: 'tei', url: s.url }).run('text-classification', '', [['good'], {}]), kindIs('network', /closed the connection before its answer was complete/), cut);
      } finally {
        await s.close();
      }
    }
  });

  it('a 2xx answer that is not JSON (a bare "OK") is named with its origin, not a bare SyntaxError', async () => {
    const s = await rawServer((_q, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('OK'));
    try {
      for (const o of [{ id: 'tei' as const, url: s.url }, { id: 'openai' as const, url: `${s.url}/v1` }, { id: 'hf-inference' as const, url: s.url }]) {
        await assert.rejects(createRemoteRunner(o).run(o.id === 'openai' ? 'summarization' : 'text-classification', '', [['good'], {}]), kindIs('not-json', new RegExp(`${s.url.replace(/\./g, '\\.')}/\\S* answered text/plain that is not JSON \\(2 bytes, starting "OK"\\)`)), o.id);
      }
    } finally {
      await s.close();
    }
  });

  it('a port fetch refuses to use (1, 6000…) is named as such', async () => {
    await assert.rejects(createRemoteRunner({ id: 'tei', url: 'http://127.0.0.1:6000' }).run('text-classification', '', [['good'], {}]), kindIs('network', /port 6000 is one that fetch refuses to use/));
  });

  it('backend URLs: a missing scheme says which to add; a query or fragment is refused (routes are appended)', () => {
    assert.match(backendUrlProblem('localhost:8080', '--backend-url')!, /needs its scheme: http:\/\/localhost:8080/);
    assert.match(backendUrlProblem('gpu-box', '--backend-url')!, /needs its scheme: http:\/\/gpu-box/);
    assert.match(backendUrlProblem('127.0.0.1:8080/v1')!, /needs its scheme: http:\/\/127\.0\.0\.1:8080\/v1/);
    assert.match(backendUrlProblem('ftp://h')!, /must be an http:\/\/ or https:\/\/ URL/);
    assert.match(backendUrlProblem('http://h:1/?a=1')!, /without a query or fragment/);
    assert.match(backendUrlProblem('http://h:1/v1#x')!, /without a query or fragment/);
    assert.match(backendUrlProblem('http://h:1/?')!, /without a query or fragment/);
    assert.equal(backendUrlProblem('http://h:1/v1/'), undefined);
    assert.equal(backendUrlProblem('https://xyz.endpoints.huggingface.cloud'), undefined);
    assert.throws(() => createRemoteRunner({ id: 'tei', url: 'http://h:1/?a=1' }), kindIs('unsupported', /without a query or fragment/));
  });

  it('the CLI refuses those URLs and --model with an Endpoint (exit 2, nothing sent); an Endpoint is named by its URL', async () => {
    hf.requests.length = 0;
    tei.requests.length = 0;
    const cases: Array<[string[], RegExp]> = [
      [['classify', '--backend', 'tei', '--backend-url', tei.url.replace('http://', ''), '--text', 'x'], /--backend-url needs its scheme: http:\/\/127\.0\.0\.1:\d+/],
      [['classify', '--backend', 'tei', '--backend-url', `${tei.url}/?x=1`, '--text', 'x'], /without a query or fragment/],
      [['classify', '--backend', 'hf-inference', '--backend-url', hf.url, '--model', 'x/y', '--text', 'x'], /--model and --backend-url \(an Inference Endpoint\) do not go together/],
    ];
    for (const [args, re] of cases) {
      const r = await cliAsync(args, env);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
    assert.equal(hf.requests.length + tei.requests.length, 0);
    // In core (VS Code passes a model too), the Endpoint's URL names what ran, never the model id it was not sent.
    assert.equal(createRemoteRunner({ id: 'hf-inference', url: hf.url }).identity('x/y').model, hf.url);
  });

  it('a loading estimate past the whole wait budget is shown at once, with its wait (not waited in 60 s steps)', async () => {
    const loading = new BackendError('loading', 'm is loading (about 100000 s)', 'hf-inference', 'http://x', 503, 100_000_000);
    const waits: number[] = [];
    let attempts = 0;
    const t0 = Date.now();
    await assert.rejects(
      retryWaits(() => (attempts++, Promise.reject(loading)), { maxWaitMs: 300_000, onWait: (w) => waits.push(w.waitMs) }),
      (e) => e === loading,
    );
    assert.deepEqual([attempts, waits], [1, []]);
    assert.ok(Date.now() - t0 < 1000);
    // One within the budget is still waited out.
    let n = 0;
    assert.equal(await retryWaits(() => (n++ ? Promise.resolve('ok') : Promise.reject(new BackendError('loading', 'x', 'hf-inference', 'http://x', 503, 10))), { maxWaitMs: 300_000 }), 'ok');
  });

  it('Retry-After: delta-seconds or an HTTP date; a negative, exponent or junk value is ignored (back-off), never "wait 0 s"', () => {
    assert.equal(parseRetryAfter('7'), 7000);
    assert.equal(parseRetryAfter(' 2 '), 2000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')), 60_000);
    for (const bad of ['-5', '1e9', 'soon', '', '0x10', '12abc']) assert.equal(parseRetryAfter(bad), undefined, bad);
  });

  it('a 429 with a negative Retry-After backs off (1 s, 2 s…) instead of saying it asked for 0 s', async () => {
    hf.endpointTask = 'text-classification';
    hf.faults = [{ match: '', times: 1, kind: 'status', status: 429, retryAfter: '-5' }];
    const waits: string[] = [];
    const r = createRemoteRunner({ id: 'hf-inference', url: hf.url, rateLimitBackoffMs: 10, onWait: (w) => waits.push(w.message) });
    await r.run('text-classification', '', [['good'], {}]);
    assert.equal(waits.length, 1);
    assert.doesNotMatch(waits[0]!, /asks to wait/);
  });

  it('an error event in a stream gives the server\'s message, not its JSON', async () => {
    oa.errorInStream = true;
    try {
      const parts: string[] = [];
      await assert.rejects(createRemoteRunner({ id: 'openai', url: `${oa.url}/v1` }).run('text-generation', '', ['Once', { max_new_tokens: 5 }], { onPartial: (t) => parts.push(t) }), kindIs('server', /stopped the stream: CUDA out of memory$/));
      assert.ok(parts.length >= 1);
    } finally {
      oa.errorInStream = false;
    }
  });
});

describe('backends: a server whose input is smaller than the prompt', () => {
  const oa = new OpenAiStandIn();
  before(() => oa.start());
  after(() => oa.stop());

  it('summarize says the prompt fills the input (not "the question", no empty model name); nothing is generated', async () => {
    oa.maxModelLen = 30;
    const r = await cliAsync(['summarize', '--backend', 'openai', '--backend-url', `${oa.url}/v1`, '--text', 'A sentence here. Another one.'], env);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /The prompt around the text and the special tokens need about \d+ tokens and the model reads 30 at once, which leaves no room for the text/);
    assert.doesNotMatch(r.stderr, /question|  /);
    assert.equal(oa.sent('/v1/chat/completions').length, 0);
  });
});
