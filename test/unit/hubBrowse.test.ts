import * as assert from 'node:assert/strict';
import { DatasetViewer } from '../../src/core/hub/datasetViewer';
import { compatibilityVerdict } from '../../src/core/hub/compat';
import { HubClient, nextLink } from '../../src/core/hub/hubApi';
import { HubError } from '../../src/core/hub/snapshot';
import { addCatalog, DATASET_ID } from '../fixtures/hub/catalog';
import { FixtureHub } from '../fixtures/hub/server';

describe('Hub browsing: search, info, tasks, whoami, dataset viewer (loopback Hub)', () => {
  let hub: FixtureHub;
  const client = (token?: string) => new HubClient({ endpoint: hub.url, token, retry: { attempts: 2, baseDelayMs: 5, timeoutMs: 2000 } });

  before(async () => {
    hub = new FixtureHub();
    addCatalog(hub);
    await hub.start();
  });
  after(() => hub.stop());

  it('reads the next page from a Link header', () => {
    assert.equal(nextLink('<https://huggingface.co/api/models?cursor=abc>; rel="next"'), 'https://huggingface.co/api/models?cursor=abc');
    assert.equal(nextLink('<https://x/a>; rel="prev", <https://x/b>; rel="next"'), 'https://x/b');
    assert.equal(nextLink(null), undefined);
  });

  it('searches models by task and library, sorted by downloads, and pages through every result', async () => {
    const c = client();
    const seen: string[] = [];
    let page = await c.searchModels({ task: 'summarization', library: 'transformers.js', limit: 5 });
    seen.push(...page.items.map((m) => m.id));
    let pages = 1;
    while (page.next) {
      page = await c.searchModels({}, page.next);
      seen.push(...page.items.map((m) => m.id));
      pages++;
    }
    assert.equal(pages, 3);
    assert.equal(seen.length, 12);
    assert.equal(new Set(seen).size, 12, 'no model twice across pages');
    assert.equal(seen[0], 'fixture-org/summarizer-01', 'most downloaded first');
    const req = hub.requests.find((r) => r.url.startsWith('/api/models?') && r.url.includes('pipeline_tag=summarization'))!;
    const q = new URL(req.url, 'http://x').searchParams;
    assert.deepEqual(q.getAll('filter'), ['transformers.js']);
    assert.equal(q.get('sort'), 'downloads');
    assert.ok(q.getAll('expand[]').includes('library_name'));
  });

  it('sorts by likes and trending, filters by language and license, and flags models that run in AI Lab', async () => {
    const c = client();
    const byLikes = await c.searchModels({ sort: 'likes', limit: 3 });
    assert.equal(byLikes.items[0]!.id, 'Xenova/fixture-sst2');
    const trending = await c.searchModels({ sort: 'trending', limit: 1 });
    assert.equal(trending.items[0]!.id, 'someone/pytorch-only');
    const mit = await c.searchModels({ license: 'mit', language: 'en' });
    assert.deepEqual(mit.items.map((m) => m.id), ['someone/pytorch-only']);
    assert.equal(mit.items[0]!.runsInAiLab, false);
    const sst = await c.searchModels({ search: 'fixture-sst2' });
    assert.deepEqual(sst.items.map((m) => [m.id, m.runsInAiLab, m.downloads, m.likes]), [['Xenova/fixture-sst2', true, 5000, 40]]);
  });

  it('reads model info with card data and files, and gives a compatibility verdict from the files', async () => {
    const info = await client().modelInfo('Xenova/fixture-sst2');
    assert.equal(info.cardData?.license, 'apache-2.0');
    assert.ok(info.files.includes('onnx/model.onnx'));
    const ok = compatibilityVerdict({ id: info.id, files: info.files, pipelineTag: info.pipelineTag });
    assert.equal(ok.runs, true);
    assert.match(ok.reason, /onnx\/model\.onnx/);
    const pt = await client().modelInfo('someone/pytorch-only');
    const no = compatibilityVerdict({ id: pt.id, files: pt.files, pipelineTag: pt.pipelineTag });
    assert.equal(no.runs, false);
    assert.match(no.reason, /no ONNX weights.*model\.safetensors/);
    assert.match(compatibilityVerdict({ id: 'x/y', files: ['onnx/model.onnx'], pipelineTag: 'image-to-3d' }).reason, /not one AI Lab runs/);
  });

  it('says clearly when a model does not exist, is gated, or the Hub is unreachable', async () => {
    await assert.rejects(client().modelInfo('nobody/nothing'), (e: unknown) => e instanceof HubError && e.kind === 'not-found' && /not found/.test(e.message));
    // Gated: info is public, the files are not.
    assert.equal((await client().modelInfo('acme/gated-sst2')).gated, 'manual');
    await assert.rejects(client().readText('acme/gated-sst2', 'README.md'), (e: unknown) => e instanceof HubError && e.kind === 'gated' && /Sign In to Hugging Face/.test(e.message));
    assert.match((await client(hub.token).readText('acme/gated-sst2', 'README.md'))!, /# Gated/);
    const dead = new HubClient({ endpoint: 'http://127.0.0.1:9', retry: { attempts: 1, timeoutMs: 1000 } });
    await assert.rejects(dead.searchModels({}), (e: unknown) => e instanceof HubError && e.kind === 'offline' && /offline/.test(e.message));
  });

  it('never sends the token to another origin, even when a Link header points there', async () => {
    const c = client(hub.token);
    await assert.rejects(c.searchModels({}, 'https://evil.example/api/models?cursor=1'), /Refusing to follow https:\/\/evil\.example/);
  });

  it('searches datasets with task, size and license filters and reads dataset info', async () => {
    const c = client();
    const text = await c.searchDatasets({ taskCategory: 'text-classification', sizeCategory: 'n<1K', license: 'cc-by-4.0' });
    assert.deepEqual(text.items.map((d) => d.id), [DATASET_ID]);
    const byLikes = await c.searchDatasets({ sort: 'likes' });
    assert.equal(byLikes.items[0]!.id, 'fixture-org/images');
    const info = await c.datasetInfo(DATASET_ID);
    assert.deepEqual(info.cardData?.task_categories, ['text-classification']);
    assert.match((await c.readText(DATASET_ID, 'README.md', 'dataset'))!, /# Reviews/);
  });

  it('lists /api/tasks with labels and modalities', async () => {
    const tasks = await client().tasks();
    const tc = tasks.find((t) => t.id === 'text-classification')!;
    assert.equal(tc.label, 'Text Classification');
    assert.equal(tc.modality, 'nlp');
    assert.equal(tasks.find((t) => t.id === 'image-classification')!.modality, 'cv');
    assert.equal(tasks.find((t) => t.id === 'automatic-speech-recognition')!.modality, 'audio');
  });

  it('checks a token with whoami, and refuses a wrong one', async () => {
    const me = await client(hub.token).whoami();
    assert.equal(me.name, 'fixture-user');
    assert.deepEqual(me.orgs, ['fixture-org']);
    assert.equal(me.tokenRole, 'read');
    await assert.rejects(client('hf_wrong').whoami(), (e: unknown) => e instanceof HubError && e.kind === 'gated');
  });

  it('reads configs, splits with row counts, features, paged rows and label counts from the dataset viewer', async () => {
    const v = new DatasetViewer({ base: `${hub.url}/datasets-server`, hubEndpoint: hub.url });
    const [cfg] = await v.configs(DATASET_ID);
    assert.equal(cfg!.config, 'default');
    assert.deepEqual(cfg!.splits.map((s) => [s.split, s.numRows]), [['train', 250], ['test', 50]]);
    assert.deepEqual(cfg!.features.map((f) => f.type), ['string', 'ClassLabel(neg, pos)']);
    const p1 = await v.rows(DATASET_ID, 'default', 'train', 0, 100);
    assert.equal(p1.rows.length, 100);
    assert.equal(p1.total, 250);
    const p3 = await v.rows(DATASET_ID, 'default', 'train', 200, 100);
    assert.equal(p3.rows.length, 50);
    assert.equal(p3.rows[0]!.text, 'Loved item number 201.');
    const counts = await v.labelCounts(DATASET_ID, 'default', 'train', 'label');
    assert.deepEqual(counts, { pos: 150, neg: 100 });
    await assert.rejects(v.configs('nobody/none'), (e: unknown) => e instanceof HubError && e.kind === 'not-found');
    await assert.rejects(v.rows(DATASET_ID, 'default', 'nope', 0, 10), /not found/);
  });
});
