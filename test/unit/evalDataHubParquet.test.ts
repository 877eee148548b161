import * as assert from 'node:assert/strict';
import { DatasetViewer } from '../../src/core/hub/datasetViewer';
import { HubError } from '../../src/core/hub/hubError';
import { fetchSplitSample } from '../../src/core/eval/dataHub';
import { fetchSplitParquet, type HubParquetRequest } from '../../src/core/eval/dataHubParquet';
import { EvalDataError } from '../../src/core/eval/dataTable';
import { chooseSample } from '../../src/core/eval/sample';
import { ForeignOrigin } from '../fixtures/hub/foreignOrigin';
import { splitExport, writeDatasetParquet } from '../fixtures/hub/parquet';
import { FixtureHub } from '../fixtures/hub/server';

const value = (dtype: string) => ({ dtype, _type: 'Value' });
/** SST-2 as the `datasets` library describes it: idx, sentence, label ClassLabel(negative, positive); label = idx % 2. */
const SST2_FEATURES = { idx: value('int32'), sentence: value('string'), label: { names: ['negative', 'positive'], _type: 'ClassLabel' } };
const sst2Rows = (n: number) => Array.from({ length: n }, (_, i) => ({ idx: i, sentence: `review ${i}`, label: i % 2 }));
const VALIDATION = sst2Rows(250);

/** Text that compresses poorly (a fixed pseudo-random walk), so row groups have real weight in bytes. */
function noisy(i: number): string {
  let x = (i + 1) * 2654435761;
  let s = '';
  for (let k = 0; k < 40; k++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += String.fromCharCode(97 + (x % 26));
  }
  return `row ${i} ${s}`;
}
const BIG = Array.from({ length: 20_000 }, (_, i) => ({ idx: i, sentence: noisy(i), label: i % 2 }));

describe('Evaluation data: a Hub split read from its Parquet export (loopback Hub, HTTP ranges)', () => {
  let hub: FixtureHub;
  let foreign: ForeignOrigin;
  const req = (over: Partial<HubParquetRequest>): HubParquetRequest => ({ endpoint: hub.url, dataset: 'glue-like/sst2', config: 'default', split: 'validation', size: 6, seed: 5, ...over });

  before(async () => {
    hub = new FixtureHub();
    // The same split through the viewer and as a Parquet export; row groups of 40 rows.
    hub.addRepo({
      id: 'glue-like/sst2',
      type: 'dataset',
      files: { 'README.md': '# sst2' },
      viewer: { configs: { default: { features: SST2_FEATURES, splits: { validation: VALIDATION, empty: [] } } } },
      parquet: {
        files: {
          ...splitExport('default', 'validation', SST2_FEATURES, VALIDATION, { rowGroupSize: 40 }),
          ...splitExport('default', 'empty', SST2_FEATURES, []),
          ...splitExport('default', 'two', SST2_FEATURES, VALIDATION, { shards: 2, rowGroupSize: 50 }),
        },
      },
    });
    hub.addRepo({ id: 'big/sst2', type: 'dataset', files: { 'README.md': '# big' }, parquet: { files: splitExport('default', 'train', SST2_FEATURES, BIG, { rowGroupSize: 1000 }) } });
    // A mirror without the /parquet API: the branch's tree, in the older file layout.
    hub.addRepo({
      id: 'old/sst2',
      type: 'dataset',
      files: { 'README.md': '# old' },
      parquet: {
        api: false,
        files: {
          'default/sst2-train-00000-of-00002.parquet': writeDatasetParquet(SST2_FEATURES, VALIDATION.slice(0, 125)),
          'default/sst2-train-00001-of-00002.parquet': writeDatasetParquet(SST2_FEATURES, VALIDATION.slice(125)),
          'default/partial-test/0000.parquet': writeDatasetParquet(SST2_FEATURES, VALIDATION.slice(0, 30)),
        },
      },
    });
    hub.addRepo({ id: 'acme/gated', type: 'dataset', gated: 'manual', files: { 'README.md': '# gated' }, parquet: { files: splitExport('default', 'train', SST2_FEATURES, VALIDATION) } });
    hub.addRepo({ id: 'acme/private', type: 'dataset', private: true, files: { 'README.md': '# private' }, parquet: { files: splitExport('default', 'train', SST2_FEATURES, VALIDATION) } });
    hub.addRepo({ id: 'acme/no-export', type: 'dataset', files: { 'README.md': '# none' } });
    hub.addRepo({ id: 'acme/broken', type: 'dataset', files: { 'README.md': '# broken' }, parquet: { files: { 'default/train/0000.parquet': Buffer.from('id,text\n1,"not parquet at all"\n') } } });
    await hub.start();
    foreign = new ForeignOrigin(() => hub.url);
    await foreign.start();
  });
  after(async () => {
    await foreign.stop();
    await hub.stop();
  });
  beforeEach(() => {
    hub.requests.length = 0;
    hub.parquet.served.length = 0;
    foreign.requests.length = 0;
    hub.parquet.redirectFilesTo = undefined;
  });

  it('gives the same sample as the viewer path: same rows, row indices and ClassLabel names', async () => {
    const viewer = new DatasetViewer({ base: `${hub.url}/datasets-server`, hubEndpoint: hub.url });
    for (const [size, seed] of [[6, 5], [40, 123], [1, 0], [1000, 9]] as const) {
      const v = await fetchSplitSample(viewer, { dataset: 'glue-like/sst2', config: 'default', split: 'validation', size, seed });
      const p = await fetchSplitParquet(req({ size, seed }));
      assert.deepEqual(p.rowIndex, v.rowIndex, `rowIndex, size ${size} seed ${seed}`);
      assert.deepEqual(p.rows, v.rows, `rows, size ${size} seed ${seed}`);
      assert.deepEqual(p.columns, v.columns, 'columns and types read the same');
      assert.equal(p.totalRows, 250);
      assert.equal(p.source, v.source);
    }
    const p = await fetchSplitParquet(req({}));
    assert.deepEqual(p.columns.find((c) => c.name === 'label'), { name: 'label', type: 'ClassLabel(negative, positive)', labels: ['negative', 'positive'] });
    assert.deepEqual(p.rowIndex, chooseSample(250, 6, 5).indices);
    assert.deepEqual(p.files, [`${hub.url}/api/datasets/glue-like/sst2/parquet/default/validation/0.parquet`]);
    assert.equal(p.partial, false);
  });

  it('fetches only the footer and the row groups of a small sample, with Range requests', async () => {
    const size = hub.parquet.served.length; // 0
    const t = await fetchSplitParquet(req({ dataset: 'big/sst2', split: 'train', size: 3, seed: 11 }));
    const want = chooseSample(20_000, 3, 11).indices;
    assert.deepEqual(t.rowIndex, want);
    assert.deepEqual(t.rows.map((r) => r.sentence), want.map(noisy));
    assert.equal(t.totalRows, 20_000);
    const fileBytes = splitExport('default', 'train', SST2_FEATURES, BIG, { rowGroupSize: 1000 })['default/train/0000.parquet']!.length;
    const served = hub.parquet.served.slice(size);
    const sent = served.reduce((n, s) => n + s.bytes, 0);
    assert.ok(served.every((s) => s.status === 206 && s.range), 'every file request is a Range request answered 206');
    assert.equal(sent, t.bytesFetched, 'the client counts what the server sent');
    // 20 row groups of ~30 KB; 3 rows touch at most 3, plus 64 KiB of footer.
    assert.ok(fileBytes > 600_000, `the file is big enough to tell (${fileBytes} bytes)`);
    assert.ok(sent < fileBytes / 4, `sent ${sent} of ${fileBytes} bytes`);
    assert.ok(served.length <= 2 + 3 * 3, `${served.length} range requests: magic, footer and the touched row groups' columns`);
  });

  it('continues the row index across the files of a split, and reads the older layout from the tree where the API is missing', async () => {
    const two = await fetchSplitParquet(req({ split: 'two', size: 30, seed: 3 }));
    assert.equal(two.files.length, 2);
    assert.equal(two.totalRows, 250);
    assert.deepEqual(two.rowIndex, chooseSample(250, 30, 3).indices);
    assert.ok(two.rowIndex.some((i) => i < 125) && two.rowIndex.some((i) => i >= 125), 'the sample spans both files');
    assert.deepEqual(two.rows.map((r) => r.idx), two.rowIndex, 'each row is the one at its split index');

    const old = await fetchSplitParquet(req({ dataset: 'old/sst2', split: 'train', size: 20, seed: 4 }));
    assert.deepEqual(old.rows.map((r) => r.idx), chooseSample(250, 20, 4).indices);
    assert.deepEqual(
      old.files.map((f) => decodeURIComponent(f.split('/resolve/')[1]!)),
      ['refs/convert/parquet/default/sst2-train-00000-of-00002.parquet', 'refs/convert/parquet/default/sst2-train-00001-of-00002.parquet'],
    );
    assert.ok(hub.requests.some((r) => r.url.includes('/tree/refs%2Fconvert%2Fparquet')), 'listed from the tree');
    const partial = await fetchSplitParquet(req({ dataset: 'old/sst2', split: 'test', size: 5, seed: 1 }));
    assert.equal(partial.partial, true, 'a partial-{split} folder is marked partial');
    assert.equal(partial.totalRows, 30);
  });

  it('sends the token to the Hub origin and never to a redirect target on another origin', async () => {
    hub.parquet.redirectFilesTo = foreign.url;
    const t = await fetchSplitParquet(req({ token: hub.token, size: 10, seed: 2 }));
    assert.deepEqual(t.rows.map((r) => r.idx), chooseSample(250, 10, 2).indices);
    assert.ok(foreign.requests.length > 0, 'the files came through the other origin');
    assert.deepEqual(foreign.withAuthorization(), [], 'no Authorization header reached the other origin');
    const direct = hub.requests.filter((r) => !r.headers['x-via-foreign-origin']);
    assert.ok(direct.length > 0);
    for (const r of direct) assert.equal(r.headers.authorization, `Bearer ${hub.token}`, r.url);

    // A gated file redirected to another origin: that origin gets no token and refuses; said as such, not as "gated".
    await assert.rejects(
      fetchSplitParquet(req({ dataset: 'acme/gated', split: 'train', token: hub.token, size: 4, seed: 1 })),
      (e: unknown) => e instanceof HubError && e.kind === 'invalid' && e.message.includes(`${new URL(foreign.url).host} refused it with HTTP 401`) && /sent it no token/.test(e.message),
    );
    assert.deepEqual(foreign.withAuthorization(), []);
    hub.parquet.redirectFilesTo = undefined;
    const gated = await fetchSplitParquet(req({ dataset: 'acme/gated', split: 'train', token: hub.token, size: 4, seed: 1 }));
    assert.deepEqual(gated.rows.map((r) => r.idx), chooseSample(250, 4, 1).indices, 'with the token a gated dataset reads from the Hub');
  });

  it('stops at once when cancelled, and goes through the Hub again when a reused redirect target refuses (an expired link)', async () => {
    const ac = new AbortController();
    ac.abort(new Error('cancelled by the user'));
    await assert.rejects(fetchSplitParquet(req({ signal: ac.signal })), /cancelled by the user/);

    // The files come from the other origin; after the first answer from there, it refuses once (403).
    hub.parquet.redirectFilesTo = foreign.url;
    let refused = 0;
    const fetchImpl: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.startsWith(foreign.url) && new Headers(init?.headers).get('range') !== 'bytes=0-3' && refused === 0) {
        refused++;
        return new Response('<Error>Request has expired</Error>', { status: 403 });
      }
      return fetch(input, init);
    };
    const t = await fetchSplitParquet(req({ size: 8, seed: 4, fetchImpl }));
    assert.equal(refused, 1);
    assert.deepEqual(t.rows.map((r) => r.idx), chooseSample(250, 8, 4).indices);
  });

  it('explains a gated or private dataset without a token, a dataset with no export, an empty split and a file that is not Parquet', async () => {
    for (const dataset of ['acme/gated', 'acme/private']) {
      await assert.rejects(fetchSplitParquet(req({ dataset, split: 'train' })), (e: unknown) => e instanceof HubError && e.kind === 'gated' && /gated or private/.test(e.message) && /sign in/i.test(e.message), dataset);
    }
    await assert.rejects(fetchSplitParquet(req({ dataset: 'acme/gated', split: 'train', token: 'hf_wrong' })), (e: unknown) => e instanceof HubError && e.kind === 'gated');
    await assert.rejects(
      fetchSplitParquet(req({ dataset: 'acme/no-export', split: 'train' })),
      (e: unknown) => e instanceof HubError && e.kind === 'not-found' && /no Parquet export/.test(e.message) && /dataset viewer/.test(e.message) && /local/.test(e.message),
    );
    await assert.rejects(
      fetchSplitParquet(req({ split: 'nosuch' })),
      (e: unknown) => e instanceof HubError && e.kind === 'not-found' && /no files for split "nosuch"/.test(e.message) && /validation/.test(e.message),
    );
    await assert.rejects(fetchSplitParquet(req({ split: 'empty' })), (e: unknown) => e instanceof EvalDataError && /glue-like\/sst2 \(default\/empty\) has no rows/.test(e.message));
    await assert.rejects(fetchSplitParquet(req({ dataset: 'acme/broken', split: 'train' })), (e: unknown) => e instanceof EvalDataError && /file 1 of 1 \(0\.parquet\) is not a Parquet file/.test(e.message));
  });
});
