import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliAsync } from '../fixtures/cli';
import { addCatalog } from '../fixtures/hub/catalog';
import { ForeignOrigin } from '../fixtures/hub/foreignOrigin';
import { FixtureHub } from '../fixtures/hub/server';

describe('CLI: the token stays on the endpoint, and Hub faults are said plainly (loopback Hub + a second origin)', () => {
  let hub: FixtureHub;
  let foreign: ForeignOrigin;
  let home: string;
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => cliAsync(args, { HF_HOME: home, HF_ENDPOINT: hub.url, HF_TOKEN: hub.token, ...env });

  beforeEach(async () => {
    hub = new FixtureHub();
    addCatalog(hub);
    await hub.start();
    foreign = new ForeignOrigin(() => hub.url);
    await foreign.start();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-cli-guard-'));
  });
  afterEach(async () => {
    await foreign.stop();
    await hub.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('tokenize (tokenizer files only) and download: Link pages and a CDN redirect on another origin never get HF_TOKEN', async () => {
    hub.linkBase = foreign.url;
    hub.treePageSize = 2;
    const t = await run(['tokenize', 'Xenova/fixture-sst2', '--text', 'I love it', '--json']);
    assert.equal(t.status, 0, t.stderr);
    assert.ok(foreign.requests.some((r) => r.url.includes('/tree/')), 'Link pages went to the second origin');
    const commit = hub.commitOf('Xenova/fixture-sst2');
    hub.faults.push({ match: 'fixture-sst2/resolve/', kind: 'redirect', to: `${foreign.url}/Xenova/fixture-sst2/resolve/${commit}/config.json`, times: 1 });
    fs.rmSync(path.join(home, 'hub'), { recursive: true, force: true });
    const d = await run(['download', 'Xenova/fixture-sst2', '--include', 'config.json', '--json']);
    assert.equal(d.status, 0, d.stderr);
    assert.ok(foreign.requests.some((r) => r.url.endsWith('/config.json')), 'the file came through the second origin');
    assert.deepEqual(foreign.withAuthorization(), []);
    const direct = hub.requests.filter((r) => !r.headers['x-via-foreign-origin']);
    assert.ok(direct.length > 0 && direct.every((r) => r.headers.authorization === `Bearer ${hub.token}`));
  });

  it('download: a captive portal page, a busy Hub and a malformed listing each get a plain message and exit 1', async () => {
    hub.faults.push({ match: '/api/models/', kind: 'html', times: 1 });
    const html = await run(['download', 'Xenova/fixture-sst2', '--include', 'config.json']);
    assert.equal(html.status, 1);
    assert.match(html.stderr, /127\.0\.0\.1:\d+ answered \/api\/models\/Xenova\/fixture-sst2\/revision\/main with a web page \(content type text\/html; charset=utf-8\) instead of JSON: a proxy login or captive portal page\?/);
    assert.doesNotMatch(html.stderr, /SyntaxError|Unexpected token|offline/);
    hub.faults.push({ match: '/api/models/', kind: 'status', status: 503, times: 1, retryAfter: '3600' });
    const started = Date.now();
    const busy = await run(['download', 'Xenova/fixture-sst2', '--include', 'config.json']);
    assert.equal(busy.status, 1);
    assert.match(busy.stderr, /is busy \(HTTP 503\) and asked to retry after 3600 s; try again later/);
    assert.ok(Date.now() - started < 10_000);
    hub.faults.push({ match: '/tree/', kind: 'malformed', times: 1 });
    const bad = await run(['download', 'Xenova/fixture-sst2', '--include', 'config.json']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /with malformed JSON \(content type application\/json: /);
  });

  it('download: a name that would escape the cache is skipped with a warning when --include leaves it out, refused when it names it', async () => {
    hub.addRepo({ id: 'evil/mixed', files: { '../../escape.json': '{}', 'config.json': '{}' } });
    const ok = await run(['download', 'evil/mixed', '--include', '*.json', '--json']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stderr, /warning: evil\/mixed: skipped \.\.\/\.\.\/escape\.json: Refusing repo file name "\.\.\/\.\.\/escape\.json": "\.\." segment; it would escape the cache/);
    const j = JSON.parse(ok.stdout);
    assert.deepEqual(j.files, ['config.json']);
    assert.deepEqual(j.skipped.map((s: { path: string }) => s.path), ['../../escape.json']);
    const named = await run(['download', 'evil/mixed', '--include', '../../escape.json']);
    assert.equal(named.status, 1);
    assert.match(named.stderr, /Refusing repo file name "\.\.\/\.\.\/escape\.json".*The selection needs it/);
  });
});
