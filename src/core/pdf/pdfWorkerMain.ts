/**
 * A worker thread that runs pdf.js. pdf.js's Node ("legacy") build installs core-js polyfills that
 * replace globals such as Array.prototype.push and JSON.parse; in a worker they stay out of the
 * extension host's realm. Each job opens the document and returns the text of its share of the pages.
 */
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { importEsm, importUrl, resolveModule } from '../esm';
import { DecodeBudget, decodeBudget, DecodeLimitError, documentLimit, installDecodeHook, STREAM_LIMIT, useDecodeBudget } from './decodeBudget';
import { AffineMatrix } from './domMatrix';
import { fieldItems, type WidgetData } from './formFields';
import { layoutPageText, type TextRun } from './layout';
import { InThreadPort } from './inThreadPort';
import { applyPatches, PDFJS_WORKER_PATCHES } from './pdfjsPatches';
import { SyncDecompressionStream } from './syncInflate';
import { sharePages, type PageReply, type PdfJob, type PdfJobReply } from './pdfWorkerProtocol';

interface TextItem {
  str?: string;
  transform?: number[];
  width?: number;
  height?: number;
  hasEOL?: boolean;
  dir?: string;
}
interface Viewport {
  width: number;
  height: number;
  /** User space to the viewport's (y down, the page's rotation applied). */
  transform: number[];
}
interface Page {
  getTextContent(): Promise<{ items: TextItem[] }>;
  getAnnotations(o: { intent: string }): Promise<WidgetData[]>;
  getViewport(o: { scale: number }): Viewport;
  getOperatorList(): Promise<{ fnArray: number[]; argsArray: unknown[][] }>;
  cleanup(): void;
}
interface Doc {
  numPages: number;
  getPage(n: number): Promise<Page>;
  getMetadata(): Promise<{ info?: Record<string, unknown> }>;
  destroy(): Promise<void>;
}
interface PdfJs {
  getDocument(src: Record<string, unknown>): { promise: Promise<Doc>; destroy(): Promise<void> };
  PDFWorker: new (o: { port: InThreadPort; verbosity?: number }) => { destroy(): void };
  OPS: Record<string, number>;
}
interface PdfJsWorkerHalf {
  module: { WorkerMessageHandler: { initializeFromPort(port: InThreadPort): void } };
  /** The patches applied to it. */
  applied: string[];
}

// The polyfilled push is ~7× slower than V8's and pdf.js pushes a lot: put the native one back once
// both halves of pdf.js are loaded (its worker half, run on this thread, brings its own polyfills).
const nativePush = Array.prototype.push;
const lib = (async (): Promise<{ pdfjs: PdfJs; workerHalf: PdfJsWorkerHalf }> => {
  const g = globalThis as { DOMMatrix?: unknown; pdfjsWorker?: unknown; DecompressionStream?: unknown };
  g.DOMMatrix ??= AffineMatrix;
  // pdf.js inflates every Flate stream through it; Node's costs more than the inflate (syncInflate.ts).
  g.DecompressionStream = SyncDecompressionStream;
  // pdf.js's own decoders charge their output to the job's decode budget (decodeBudget.ts).
  installDecodeHook();
  // Loading says it cannot find the optional @napi-rs/canvas (for rendering, which this does not do).
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void (/@napi-rs\/canvas|polyfill/.test(String(args[0])) || warn(...args));
  try {
    const pdfjs = await importEsm<PdfJs>('pdfjs-dist/legacy/build/pdf.mjs');
    const workerHalf = await loadWorkerHalf();
    g.pdfjsWorker = workerHalf.module;
    return { pdfjs, workerHalf };
  } finally {
    console.warn = warn;
    Array.prototype.push = nativePush;
  }
})();

/**
 * AI_LAB_PDFJS_AS_SHIPPED=1 runs pdf.js without AI Lab's fixes (pdfjsPatches.ts) and its port
 * (inThreadPort.ts): to rule them out when text comes out wrong, and for the test that they change nothing.
 */
const AS_SHIPPED = process.env.AI_LAB_PDFJS_AS_SHIPPED === '1';

/** pdf.js's worker half, imported from its source with AI Lab's fixes applied. */
async function loadWorkerHalf(): Promise<PdfJsWorkerHalf> {
  const file = resolveModule('pdfjs-dist/legacy/build/pdf.worker.mjs');
  if (AS_SHIPPED) return { module: await importUrl(pathToFileURL(file).href), applied: [] };
  const { source, applied, skipped } = applyPatches(fs.readFileSync(file, 'utf8'), PDFJS_WORKER_PATCHES);
  if (skipped.length) console.error(`AI Lab: pdf.js fixes left out, their code changed in this pdfjs-dist: ${skipped.join('; ')}`);
  // A data: URL needs no file written anywhere; the module uses import.meta.url only for wasm it never loads here.
  return { module: await importUrl(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`), applied };
}

/**
 * pdf.js's items as runs in the page's upright frame: the viewport's transform applies the page's
 * /Rotate and crop box, so a landscape page stored rotated still reads left to right, top down.
 */
function runsOf(items: TextItem[], vp: Viewport): TextRun[] {
  const [va, vb, vc, vd, ve, vf] = vp.transform as [number, number, number, number, number, number];
  const runs: TextRun[] = [];
  for (const i of items) {
    if (typeof i.str !== 'string') continue;
    const [a, b, c, d, e, f] = (i.transform ?? [1, 0, 0, 1, 0, 0]) as [number, number, number, number, number, number];
    // The item's matrix in the viewport (y down): upright text has no rotation and d < 0 there.
    const ma = va * a + vc * b;
    const mb = vb * a + vd * b;
    const md = vb * c + vd * d;
    const x = va * e + vc * f + ve;
    const y = vb * e + vd * f + vf;
    const upright = ma > 0 && md < 0 && Math.abs(mb) <= 0.05 * ma;
    runs.push({ str: i.str, x, y: vp.height - y, width: i.width ?? 0, height: i.height ?? Math.abs(d), hasEOL: Boolean(i.hasEOL), dir: i.dir, upright });
  }
  return runs;
}

/**
 * The text the page's form fields show (formFields.ts). A page whose annotations pdf.js cannot read
 * still gives its own text.
 */
async function formFieldItems(page: Page, items: TextItem[]): Promise<TextItem[]> {
  const widgets = await page.getAnnotations({ intent: 'display' }).catch(() => []);
  return widgets.length ? fieldItems(widgets, items) : [];
}

/** Pages in flight at once: pdf.js parses the next while this thread lays out the last. */
const WINDOW = 8;

async function run(job: PdfJob, reply: (r: PdfJobReply) => void): Promise<void> {
  const { pdfjs, workerHalf } = await lib;
  // This job's share of what the document may inflate to; one job runs on this thread at a time.
  useDecodeBudget(new DecodeBudget(Math.max(STREAM_LIMIT, documentLimit(job.data.byteLength) / job.parts)));
  // pdf.js's two halves on this thread, joined by a port that copies messages cheaply (inThreadPort.ts);
  // as shipped, pdf.js joins them itself.
  const port = AS_SHIPPED ? undefined : new InThreadPort();
  if (port) workerHalf.module.WorkerMessageHandler.initializeFromPort(port);
  // Its verbosity is fixed when it is made (pdf.js takes the default, warnings, before getDocument sets
  // its own): errors only, or pdf.js's warnings reach stderr.
  const worker = port && new pdfjs.PDFWorker({ port, verbosity: 0 });
  try {
    const pages = await extract(pdfjs, worker, job, (done, total) => reply({ id: job.id, type: 'progress', done, total }));
    reply({ id: job.id, type: 'pages', ...pages, fixes: port ? [...workerHalf.applied, 'in-thread port'] : [] });
  } finally {
    useDecodeBudget(undefined);
    worker?.destroy();
    port?.terminate();
  }
}

/** Fails the job once decoding has gone over its budget (pdf.js itself only drops the stream). */
function checkBudget(): void {
  const over = decodeBudget()?.exceeded;
  if (over) throw new DecodeLimitError(over);
}

/** Pages with no text checked for pictures and lines; past this many pictures, the rest are taken as scans too. */
const MAX_PICTURE_PAGES = 3;

/** Whether anything is drawn on the page: text (even without Unicode), a picture, a filled or stroked path. */
async function hasMarks(pdfjs: PdfJs, page: Page): Promise<boolean> {
  const { OPS } = pdfjs;
  const marks = new Set(
    ['showText', 'showSpacedText', 'nextLineShowText', 'nextLineSetSpacingShowText', 'shadingFill', 'paintImageMaskXObject', 'paintImageMaskXObjectGroup', 'paintImageXObject', 'paintInlineImageXObject', 'paintInlineImageXObjectGroup', 'paintImageXObjectRepeat', 'paintImageMaskXObjectRepeat', 'paintSolidColorImageMask', 'rawFillPath', 'stroke', 'fill', 'eoFill', 'fillStroke', 'eoFillStroke'].map((n) => OPS[n]),
  );
  const { fnArray, argsArray } = await page.getOperatorList();
  // A path is painted unless it only clips (its op ends with endPath).
  return fnArray.some((fn, i) => marks.has(fn) || (fn === OPS.constructPath && argsArray[i]?.[0] !== OPS.endPath));
}

/** A page outside the document; its fields go back to the pool with the error. */
class PageRangeError extends Error {
  override name = 'PageRangeError';
  constructor(
    readonly numPages: number,
    readonly badPage: number,
  ) {
    super(`no page ${badPage}`);
  }
}

type PagesReply = Omit<Extract<PdfJobReply, { type: 'pages' }>, 'id' | 'type' | 'fixes'>;

/** The job's pages; when decoding went over its budget, that is the error, whatever pdf.js made of it. */
async function extract(pdfjs: PdfJs, worker: unknown, job: PdfJob, progress: (done: number, total: number) => void): Promise<PagesReply> {
  try {
    return await extractPages(pdfjs, worker, job, progress);
  } catch (err) {
    checkBudget();
    throw err;
  }
}

async function extractPages(pdfjs: PdfJs, worker: unknown, job: PdfJob, progress: (done: number, total: number) => void): Promise<PagesReply> {
  const task = pdfjs.getDocument({ worker, data: new Uint8Array(job.data), password: job.password, isEvalSupported: false, disableFontFace: true, useSystemFonts: false, stopAtErrors: false, verbosity: 0, standardFontDataUrl: job.standardFontDataUrl, cMapUrl: job.cMapUrl, cMapPacked: true });
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
    if (badPage !== undefined) throw new PageRangeError(doc.numPages, badPage);
    const mine = sharePages(wanted, job.part, job.parts);
    // Short documents leave some workers idle: the document's decode limit is shared by those that work.
    const active = Array.from({ length: job.parts }, (_, p) => sharePages(wanted, p, job.parts).length > 0).filter(Boolean).length;
    const budget = decodeBudget();
    if (budget) budget.total = Math.max(STREAM_LIMIT, documentLimit(job.data.byteLength) / Math.max(1, active));
    const texts: PageReply[] = [];
    let pictures = 0;
    for (let i = 0; i < mine.length; i += WINDOW) {
      checkBudget();
      const batch = mine.slice(i, i + WINDOW);
      const done = await Promise.all(
        batch.map(async (n): Promise<PageReply> => {
          const page = await doc.getPage(n);
          const vp = page.getViewport({ scale: 1 });
          const items = (await page.getTextContent()).items;
          const { text, unreadable } = layoutPageText([...runsOf(items, vp), ...runsOf(await formFieldItems(page, items), vp)], { width: vp.width, height: vp.height });
          // A page without text is blank or a picture: its drawing operators tell (scans are not decoded past a few).
          let blank: boolean | undefined;
          if (!text.trim() && pictures < MAX_PICTURE_PAGES) {
            blank = !(await hasMarks(pdfjs, page).catch(() => true));
            if (!blank) pictures++;
          }
          page.cleanup();
          return { page: n, text, ...(blank ? { blank } : {}), ...(unreadable ? { unreadable } : {}) };
        }),
      );
      checkBudget();
      texts.push(...done);
      progress(texts.length, wanted.length);
    }
    const info = job.part === 0 ? (await doc.getMetadata().catch(() => ({ info: undefined }))).info : undefined;
    return { numPages: doc.numPages, title: typeof info?.Title === 'string' ? info.Title : undefined, texts };
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}

parentPort?.on('message', (job: PdfJob) => {
  const reply = (r: PdfJobReply) => parentPort!.postMessage(r);
  run(job, reply).catch((err: unknown) => {
    const e = err as { name?: string; code?: number; message?: string; numPages?: number; badPage?: number };
    reply({ id: job.id, type: 'error', name: e?.name ?? 'Error', code: e?.code, message: e?.message ?? String(err), numPages: e?.numPages, badPage: e?.badPage });
  });
});
