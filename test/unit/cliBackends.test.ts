/** The CLI's --backend flags against the loopback stand-ins: results, JSON keys, and bad input refused before any request. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RemoteBackendOptions } from '../../src/core/backends/types';
import { parseFlags } from '../../src/cli/args';
import { BACKEND_FLAGS, backendFlags, remoteDefaultModel } from '../../src/cli/backendFlags';
import { cliAsync } from '../fixtures/cli';
import { HfInferenceStandIn } from '../fixtures/backends/hfInference';
import { OpenAiStandIn } from '../fixtures/backends/openai';
import { TeiStandIn } from '../fixtures/backends/tei';

describe('CLI --backend', () => {
  const tei = new TeiStandIn();
  const oa = new OpenAiStandIn();
  const env = { OPENAI_API_KEY: '', HF_TOKEN: '', HF_HOME: path.join(os.tmpdir(), 'ai-lab-no-hf-home') };
  before(async () => {
    await Promise.all([tei.start(), oa.start()]);
  });
  after(async () => {
    await Promise.all([tei.stop(), oa.stop()]);
  });
  beforeEach(() => {
    for (const s of [tei, oa]) {
      s.requests.length = 0;
      s.faults = [];
    }
  });

  it('classify --backend tei: labels from the server, JSON names the backend and the server\'s model, no device', async () => {
    const r = await cliAsync(['classify', '--backend', 'tei', '--backend-url', tei.url, '--text', 'A good day.', '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.backend, 'tei');
    assert.equal(j.model, tei.modelId);
    assert.equal('device' in j, false);
    assert.equal(j.output.labels[0].label, 'POSITIVE');
    assert.equal(tei.sent('/predict').length, 1);
  });

  it('summarize --backend openai with the key from --api-key-env (sent as Bearer, never a flag value)', async () => {
    const r = await cliAsync(['summarize', '--backend', 'openai', '--backend-url', `${oa.url}/v1`, '--api-key-env', 'MY_KEY', '--text', 'Some long text. Another sentence.', '--json'], { ...env, MY_KEY: 'sk-from-env' });
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual([j.backend, j.model, j.output.text], ['openai', 'Qwen/Qwen2.5-0.5B-Instruct', oa.reply]);
    assert.ok(oa.requests.every((q) => q.headers.authorization === 'Bearer sk-from-env'));
  });

  it('ask --backend on a task the backend cannot run, an unknown backend, a missing URL, an unset key: exit 2 before any request', async () => {
    const file = path.join(os.tmpdir(), `ai-lab-ask-${process.pid}.txt`);
    fs.writeFileSync(file, 'The rule is 12 hours.');
    const cases: Array<[string[], RegExp]> = [
      [['ask', file, 'How many hours?', '--backend', 'tei', '--backend-url', tei.url], /the tei backend cannot run question-answering/],
      [['summarize', '--backend', 'tei', '--backend-url', tei.url, '--text', 'x'], /the tei backend cannot run summarization/],
      [['classify', '--backend', 'vllm', '--text', 'x'], /--backend must be one of local, hf-inference, tei, openai \(got "vllm"\)/],
      [['classify', '--backend', 'openai', '--text', 'x'], /--backend openai needs --backend-url/],
      [['classify', '--backend', 'tei', '--backend-url', 'ftp://x', '--text', 'x'], /--backend-url must be an http/],
      [['classify', '--backend', 'openai', '--backend-url', oa.url, '--api-key-env', 'NOT_SET_ANYWHERE', '--text', 'x'], /NOT_SET_ANYWHERE is not set/],
      [['classify', '--backend', 'openai', '--backend-url', oa.url, '--api-key-env', 'sk-123=abc', '--text', 'x'], /takes the NAME of an environment variable/],
      [['classify', '--backend-url', oa.url, '--text', 'x'], /--backend-url is for a remote --backend/],
    ];
    for (const [args, re] of cases) {
      const r = await cliAsync(args, env);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
    assert.equal(tei.requests.length + oa.requests.length, 0);
    fs.rmSync(file);
  });

  it('ask --backend hf-inference on an Inference Endpoint: the answer and its offsets past emoji, 8 passages per request', async () => {
    const hf = new HfInferenceStandIn();
    hf.endpointTask = 'question-answering';
    await hf.start();
    const file = path.join(os.tmpdir(), `ai-lab-ask-hf-${process.pid}.txt`);
    const text = `Rules 😀🎉 for all. Each employee gets 12 hours of leave per month. ${'Parking is free. '.repeat(300)}`;
    fs.writeFileSync(file, text);
    try {
      const r = await cliAsync(['ask', file, 'How many hours of leave?', '--backend', 'hf-inference', '--backend-url', hf.url, '--retrieve-top', '0', '--json'], { ...env, HF_TOKEN: 'hf_cli' });
      assert.equal(r.status, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.equal(j.backend, 'hf-inference');
      assert.equal(j.answers[0].answer, '12 hours');
      assert.equal(text.slice(j.answers[0].start, j.answers[0].end), '12 hours');
      const sizes = hf.passagesPerRequest();
      assert.equal(sizes.reduce((a, n) => a + n, 0), j.read);
      assert.equal(sizes.length, Math.ceil(j.read / 8), `requests of ${sizes.join(', ')}`);
      assert.ok(hf.requests.every((q) => q.headers.authorization === 'Bearer hf_cli'));
    } finally {
      fs.rmSync(file);
      await hf.stop();
    }
  });

  it('a 429 is waited out as the server asks, said on stderr; one asking longer than 5 minutes is shown at once (exit 1)', async () => {
    tei.faults = [{ match: '/predict', kind: 'status', status: 429, retryAfter: '1', times: 1 }];
    const ok = await cliAsync(['classify', '--backend', 'tei', '--backend-url', tei.url, '--text', 'good'], env);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stderr, /rate-limiting requests \(HTTP 429\).*waiting 1 s, then trying again \(Ctrl-C cancels\)/);
    tei.faults = [{ match: '/predict', kind: 'status', status: 429, retryAfter: '600', times: 1 }];
    const r = await cliAsync(['classify', '--backend', 'tei', '--backend-url', tei.url, '--text', 'good'], env);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /rate-limiting requests \(HTTP 429\).*wait 600 s \(Retry-After\)/);
  });
});

describe('backendFlags (parsing only)', () => {
  const parse = (argv: string[]) => parseFlags('classify', argv, { values: BACKEND_FLAGS, switches: [] });

  it('reads the key from the named variable, else HF_TOKEN / OPENAI_API_KEY; never from a flag value', () => {
    const env = { HF_TOKEN: 'hf_env', OPENAI_API_KEY: 'sk-env', MINE: 'k-mine', HF_HOME: path.join(os.tmpdir(), 'ai-lab-no-hf-home') };
    assert.deepEqual(pick(backendFlags(parse(['--backend', 'hf-inference']), 'text-classification', env)), { id: 'hf-inference', token: 'hf_env', tokenSource: 'HF_TOKEN' });
    assert.deepEqual(pick(backendFlags(parse(['--backend', 'openai', '--backend-url', 'http://h:1/v1']), 'summarization', env)), { id: 'openai', url: 'http://h:1/v1', token: 'sk-env', tokenSource: 'OPENAI_API_KEY' });
    assert.deepEqual(pick(backendFlags(parse(['--backend', 'tei', '--backend-url', 'http://h:2']), 'text-classification', env)), { id: 'tei', url: 'http://h:2' });
    assert.deepEqual(pick(backendFlags(parse(['--backend', 'tei', '--backend-url', 'http://h:2', '--api-key-env', 'MINE']), 'text-classification', env)), { id: 'tei', url: 'http://h:2', token: 'k-mine', tokenSource: 'MINE' });
    assert.equal(backendFlags(parse([]), 'summarization', env), undefined);
    assert.throws(() => backendFlags(parse(['--backend', 'tei', '--provider', 'together', '--backend-url', 'http://h']), 'text-classification', env), /--provider is for --backend hf-inference/);
    assert.throws(() => backendFlags(parse(['--backend', 'hf-inference', '--provider', 'together', '--backend-url', 'http://h']), 'text-classification', env), /do not go together/);
    assert.throws(() => backendFlags(parse(['--backend', 'openai', '--backend-url', 'http://u:p@h']), 'summarization', env), /must not hold a user name or password/);
  });

  it('the default model: the server\'s for tei/openai and an Endpoint, the Hub original of the local default for hf-inference', () => {
    assert.equal(remoteDefaultModel({ id: 'hf-inference' }, 'Xenova/bart-large-mnli'), 'facebook/bart-large-mnli');
    assert.equal(remoteDefaultModel({ id: 'hf-inference' }, 'bdx33/distilbert-base-cased-CoLA'), 'bdx33/distilbert-base-cased-CoLA');
    assert.equal(remoteDefaultModel({ id: 'hf-inference', url: 'https://e.endpoints.huggingface.cloud' }, 'Xenova/bart-large-mnli'), '');
    assert.equal(remoteDefaultModel({ id: 'tei', url: 'http://h' }, 'Xenova/bart-large-mnli'), '');
  });
});

function pick(o: RemoteBackendOptions | undefined): Partial<RemoteBackendOptions> {
  const { id, url, token, tokenSource } = o ?? ({} as RemoteBackendOptions);
  return Object.fromEntries(Object.entries({ id, url, token, tokenSource }).filter(([, v]) => v !== undefined));
}
