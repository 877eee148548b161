import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { resolveModule } from '../esm';
import { MIN_PAGES_PER_PART, type PdfJob, type PdfJobReply } from './pdfWorkerProtocol';

/** The worker script: dist/pdfWorker.js in the bundle, pdfWorkerMain.js beside this file when compiled by tsc. */
function workerScript(): string {
  const candidates = [path.join(__dirname, 'pdfWorker.js'), path.join(__dirname, 'pdfWorkerMain.js')];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`The PDF worker script is missing (looked for ${candidates.join(', ')}); rebuild AI Lab.`);
  return found;
}

function pdfjsDir(): string {
  return path.dirname(resolveModule('pdfjs-dist/package.json'));
}

interface Slot {
  worker: Worker;
  busy: boolean;
  idleTimer?: ReturnType<typeof setTimeout>;
}

const IDLE_MS = 60_000;
let nextId = 1;
const slots: Slot[] = [];

/** Bytes of PDF per worker: text extraction time grows with the size of the content streams. */
const BYTES_PER_PART = 64 * 1024;

/**
 * How many workers to ask for a document: one per core (up to 4) for big files, one for small ones,
 * where a second worker opening the document would cost more than it saves. The workers themselves
 * then leave short documents to fewer of them (sharePages), knowing the page count.
 */
export function partsFor(bytes: number, pages?: number): number {
  const byPages = pages === undefined ? Infinity : Math.ceil(pages / MIN_PAGES_PER_PART);
  return Math.max(1, Math.min(4, availableParallelism(), Math.ceil(bytes / BYTES_PER_PART), byPages));
}

function slot(): Slot {
  const free = slots.find((s) => !s.busy);
  if (free) {
    clearTimeout(free.idleTimer);
    free.busy = true;
    return free;
  }
  const worker = new Worker(workerScript());
  // Idle workers must not keep a CLI process alive.
  worker.unref();
  const s: Slot = { worker, busy: true };
  worker.on('exit', () => {
    const i = slots.indexOf(s);
    if (i >= 0) slots.splice(i, 1);
  });
  slots.push(s);
  return s;
}

/** Stops the idle workers now (they stop by themselves after a minute); busy ones finish their job first. */
export function closePdfWorkers(): Promise<void> {
  const idle = slots.filter((s) => !s.busy);
  for (const s of idle) {
    clearTimeout(s.idleTimer);
    slots.splice(slots.indexOf(s), 1); // not handed out again while it stops
  }
  return Promise.all(idle.map((s) => s.worker.terminate())).then(() => undefined);
}

function release(s: Slot): void {
  s.busy = false;
  s.idleTimer = setTimeout(() => void s.worker.terminate(), IDLE_MS);
  s.idleTimer.unref?.();
}

export class PdfWorkerError extends Error {
  constructor(
    readonly pdfjsName: string,
    readonly code: number | undefined,
    message: string,
    readonly numPages?: number,
    readonly badPage?: number,
  ) {
    super(message);
    this.name = pdfjsName;
  }
}

/**
 * Runs one job on a pool worker. Cancelling terminates the worker (pdf.js cannot be interrupted
 * mid-page otherwise); the pool starts a fresh one next time.
 */
export function runPdfJob(job: Omit<PdfJob, 'id' | 'standardFontDataUrl' | 'cMapUrl'>, signal: AbortSignal | undefined, onProgress?: (done: number, total: number) => void): Promise<Extract<PdfJobReply, { type: 'pages' }>> {
  const s = slot();
  const id = nextId++;
  const dir = pdfjsDir();
  return new Promise((resolve, reject) => {
    const done = () => {
      s.worker.off('message', onMessage);
      s.worker.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const onMessage = (r: PdfJobReply) => {
      if (r.id !== id) return;
      if (r.type === 'progress') return onProgress?.(r.done, r.total);
      done();
      release(s);
      if (r.type === 'error') reject(new PdfWorkerError(r.name, r.code, r.message, r.numPages, r.badPage));
      else resolve(r);
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    const onAbort = () => {
      done();
      void s.worker.terminate();
      reject(Object.assign(new Error('cancelled'), { name: 'AbortException' }));
    };
    s.worker.on('message', onMessage);
    s.worker.on('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
    s.worker.postMessage({ ...job, id, standardFontDataUrl: `${path.join(dir, 'standard_fonts')}${path.sep}`, cMapUrl: `${path.join(dir, 'cmaps')}${path.sep}` } satisfies PdfJob);
  });
}
