/**
 * A worker thread that runs pdf.js. pdf.js's Node ("legacy") build installs core-js polyfills that
 * replace globals such as Array.prototype.push and JSON.parse; in a worker they stay out of the
 * extension host's realm. Each job opens the document and returns the text of its share of the pages.
 */
import { parentPort } from 'node:worker_threads';
import { importEsm } from '../esm';
import { AffineMatrix } from './domMatrix';
import { layoutPage, type TextRun } from './layout';
import { SyncDecompressionStream } from './syncInflate';
import { sharePages, type PdfJob, type PdfJobReply } from './pdfWorkerProtocol';

interface TextItem {
  str?: string;
  transform?: number[];
  width?: number;
  height?: number;
  hasEOL?: boolean;
}
interface Doc {
  numPages: number;
  getPage(n: number): Promise<{ getTextContent(): Promise<{ items: TextItem[] }>; cleanup(): void }>;
  getMetadata(): Promise<{ info?: Record<string, unknown> }>;
  destroy(): Promise<void>;
}
interface PdfJs {
  getDocument(src: Record<string, unknown>): { promise: Promise<Doc>; destroy(): Promise<void> };
}

// The polyfilled push is ~7× slower than V8's and pdf.js pushes a lot: put the native one back once
// both halves of pdf.js are loaded (its worker half, run on this thread, brings its own polyfills).
const nativePush = Array.prototype.push;
const lib = (async () => {
  const g = globalThis as { DOMMatrix?: unknown; pdfjsWorker?: unknown; DecompressionStream?: unknown };
  g.DOMMatrix ??= AffineMatrix;
  // pdf.js inflates every Flate stream through it; Node's costs more than the inflate (syncInflate.ts).
  g.DecompressionStream = SyncDecompressionStream;
  // Loading says it cannot find the optional @napi-rs/canvas (for rendering, which this does not do).
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void (/@napi-rs\/canvas|polyfill/.test(String(args[0])) || warn(...args));
  try {
    const m = await importEsm<PdfJs>('pdfjs-dist/legacy/build/pdf.mjs');
    g.pdfjsWorker = await importEsm('pdfjs-dist/legacy/build/pdf.worker.mjs');
    return m;
  } finally {
    console.warn = warn;
    Array.prototype.push = nativePush;
  }
})();

function runsOf(items: TextItem[]): TextRun[] {
  return items
    .filter((i) => typeof i.str === 'string')
    .map((i) => ({ str: i.str!, x: i.transform?.[4] ?? 0, y: i.transform?.[5] ?? 0, width: i.width ?? 0, height: i.height ?? Math.abs(i.transform?.[3] ?? 0), hasEOL: Boolean(i.hasEOL) }));
}

/** Pages in flight at once: pdf.js parses the next while this thread lays out the last. */
const WINDOW = 8;

async function run(job: PdfJob, reply: (r: PdfJobReply) => void): Promise<void> {
  const pdfjs = await lib;
  const task = pdfjs.getDocument({ data: new Uint8Array(job.data), password: job.password, isEvalSupported: false, disableFontFace: true, useSystemFonts: false, stopAtErrors: false, verbosity: 0, standardFontDataUrl: job.standardFontDataUrl, cMapUrl: job.cMapUrl, cMapPacked: true });
  let doc: Doc;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    throw err;
  }
  try {
    const wanted = job.pages ?? Array.from({ length: doc.numPages }, (_, i) => i + 1);
    const badPage = wanted.find((p) => p < 1 || p > doc.numPages || !Number.isInteger(p));
    if (badPage !== undefined) {
      reply({ id: job.id, type: 'error', name: 'PageRangeError', message: `no page ${badPage}`, numPages: doc.numPages, badPage });
      return;
    }
    const mine = sharePages(wanted, job.part, job.parts);
    const texts: Array<{ page: number; text: string }> = [];
    for (let i = 0; i < mine.length; i += WINDOW) {
      const batch = mine.slice(i, i + WINDOW);
      const done = await Promise.all(
        batch.map(async (n) => {
          const page = await doc.getPage(n);
          const text = layoutPage(runsOf((await page.getTextContent()).items));
          page.cleanup();
          return { page: n, text };
        }),
      );
      texts.push(...done);
      reply({ id: job.id, type: 'progress', done: texts.length, total: wanted.length });
    }
    const info = job.part === 0 ? (await doc.getMetadata().catch(() => ({ info: undefined }))).info : undefined;
    reply({ id: job.id, type: 'pages', numPages: doc.numPages, title: typeof info?.Title === 'string' ? info.Title : undefined, texts });
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}

parentPort?.on('message', (job: PdfJob) => {
  const reply = (r: PdfJobReply) => parentPort!.postMessage(r);
  run(job, reply).catch((err: unknown) => {
    const e = err as { name?: string; code?: number; message?: string };
    reply({ id: job.id, type: 'error', name: e?.name ?? 'Error', code: e?.code, message: e?.message ?? String(err) });
  });
});
