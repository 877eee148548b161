import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { extractPdf, type PdfText } from '../../src/core/pdf/extract';
import { InThreadPort, copyMessage } from '../../src/core/pdf/inThreadPort';
import { applyPatches, PDFJS_WORKER_PATCHES } from '../../src/core/pdf/pdfjsPatches';
import { closePdfWorkers, runPdfJob } from '../../src/core/pdf/pdfWorkerPool';
import { resolveModule } from '../../src/core/esm';
import { encryptedPdf } from '../fixtures/pdf/encrypted';
import { DIST } from '../fixtures/paths';
import { longHandbookPdf, scannedPdf, shortHandbookPdf, twoColumnPdf, unicodePdf } from '../fixtures/pdf/generate';

describe('pdf.js fixes: the TextState patch and the in-thread port change speed, not text', function () {
  this.timeout(120_000);

  it('every patch still matches the installed pdfjs-dist exactly once', () => {
    const source = fs.readFileSync(resolveModule('pdfjs-dist/legacy/build/pdf.worker.mjs'), 'utf8');
    const r = applyPatches(source, PDFJS_WORKER_PATCHES);
    assert.deepEqual(r.skipped, [], 'pdfjs-dist changed: update src/core/pdf/pdfjsPatches.ts (or drop fixes pdf.js now has)');
    assert.equal(r.applied.length, PDFJS_WORKER_PATCHES.length);
    for (const p of PDFJS_WORKER_PATCHES) assert.ok(r.source.includes(p.replace) && !r.source.includes(p.find), p.name);
  });

  it('the viewer\'s bundle (pdf.js\'s browser build) has the same fix, applied by esbuild', () => {
    const bundle = fs.readFileSync(`${DIST}/webview/pdf.js`, 'utf8');
    assert.doesNotMatch(bundle, /Object\.assign\(Object\.create\(this\),\s*this\)/, 'TextState.clone unpatched: rebuild (npm run build)');
    assert.match(bundle, /Object\.assign\(new [\w$]+(\(\))?,\s*this\)/);
  });

  it('a patch whose text is missing or found twice is left out and reported, the rest applied', () => {
    const patches = [
      { name: 'once', find: 'b', replace: 'B' },
      { name: 'twice', find: 'a', replace: 'A' },
      { name: 'missing', find: 'z', replace: 'Z' },
    ];
    assert.deepEqual(applyPatches('abca', patches), { source: 'aBca', applied: ['once'], skipped: ['twice', 'missing'] });
  });

  it('copies messages as structuredClone does, sharing nothing with the sender', () => {
    const styles = Object.assign(Object.create(null) as object, { g_d0_f1: { fontFamily: 'sans-serif', ascent: 0.9, vertical: false } });
    const chunk = { items: [{ str: 'Grüße', dir: 'ltr', width: 30.5, height: 11, transform: [11, 0, 0, 11, 72, 692], fontName: 'g_d0_f1', hasEOL: false }], styles, lang: null };
    const message = { sourceName: 'worker', targetName: 'main', stream: 4, streamId: 3, chunk, n: -0, big: 12n, u: undefined };
    const copy = copyMessage(message) as typeof message;
    assert.deepEqual(copy, structuredClone(message));
    assert.ok(Object.is(copy.n, -0));
    assert.notEqual(copy.chunk, chunk);
    assert.notEqual(copy.chunk.items[0]!.transform, chunk.items[0]!.transform);
    assert.equal(Object.getPrototypeOf(copy.chunk.styles), Object.prototype, 'like structuredClone, a null-prototype object comes back plain');
    chunk.items[0]!.transform[4] = 0;
    chunk.items = [];
    assert.equal(copy.chunk.items[0]!.transform[4], 72, 'the sender reusing its objects does not reach the receiver');
  });

  it('hands what is not plain data to structuredClone: typed arrays, maps, dates, cycles, holes; functions fail as they do there', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    // eslint-disable-next-line no-sparse-arrays
    const cases: unknown[] = [{ bytes: new Uint8Array([1, 2, 3]) }, { m: new Map([[1, 'x']]) }, [new Date(0)], cyclic, [1, , 3], { e: new Error('x') }];
    for (const c of cases) {
      const copy = copyMessage(c);
      assert.deepEqual(copy, structuredClone(c));
      assert.notEqual(copy, c);
    }
    assert.throws(() => copyMessage({ f: () => 1 }), (e: Error) => e.name === 'DataCloneError');
  });

  it('the port delivers later, to both ends, and stops delivering to a listener whose signal aborted', async () => {
    const port = new InThreadPort();
    const got: unknown[] = [];
    const stop = new AbortController();
    port.addEventListener('message', (e) => got.push(['a', e.data]));
    port.addEventListener('message', (e) => got.push(['b', e.data]), { signal: stop.signal });
    const sent = { x: [1] };
    port.postMessage(sent);
    assert.deepEqual(got, [], 'not delivered synchronously');
    sent.x.push(2);
    await Promise.resolve();
    assert.deepEqual(got, [['a', { x: [1] }], ['b', { x: [1] }]]);
    stop.abort();
    const buffer = new Uint8Array([7, 8]).buffer;
    port.postMessage({ data: buffer }, [buffer]);
    assert.equal(buffer.byteLength, 0, 'a transferred buffer moves, as with a real port');
    await Promise.resolve();
    assert.equal(got.length, 3);
    assert.deepEqual(new Uint8Array((got[2] as unknown as [string, { data: ArrayBuffer }])[1].data), new Uint8Array([7, 8]));
    port.terminate();
    port.postMessage('late');
    await Promise.resolve();
    assert.equal(got.length, 3);
  });

  it('extraction gives the same text, pages and title with pdf.js as shipped (AI_LAB_PDFJS_AS_SHIPPED=1)', async () => {
    const inputs: Array<[string, Uint8Array, string?]> = [
      ['handbook', await shortHandbookPdf()],
      ['long (split between workers)', await longHandbookPdf(80)],
      ['unicode', await unicodePdf()],
      ['two columns', await twoColumnPdf()],
      ['scanned', await scannedPdf()],
      ['encrypted', encryptedPdf('pw', 'The vault holds 3 days of supplies.'), 'pw'],
    ];
    const extractAll = async () => {
      const out: PdfText[] = [];
      for (const [name, bytes, password] of inputs) out.push(await extractPdf(bytes, `${name}.pdf`, { password }));
      return out;
    };
    const fixesInEffect = async () => (await runPdfJob({ data: inputs[0]![1].slice().buffer as ArrayBuffer, pages: [1], part: 0, parts: 1 }, undefined)).fixes;
    assert.deepEqual(await fixesInEffect(), [...PDFJS_WORKER_PATCHES.map((p) => p.name), 'in-thread port']);
    const fixed = await extractAll();
    await closePdfWorkers();
    process.env.AI_LAB_PDFJS_AS_SHIPPED = '1'; // new workers take the environment they start with
    try {
      assert.deepEqual(await fixesInEffect(), []);
      const shipped = await extractAll();
      inputs.forEach(([name], i) => assert.deepEqual(fixed[i], shipped[i], name));
    } finally {
      delete process.env.AI_LAB_PDFJS_AS_SHIPPED;
      await closePdfWorkers();
    }
    assert.match(fixed[2]!.text, /Grüße aus Köln/);
    assert.ok(fixed[1]!.pages.length === 80 && fixed[4]!.scanned);
  });
});
