/** The PDF viewer page: pdf.js renders pages lazily into canvases with a text layer for selection. */
import * as pdfjs from 'pdfjs-dist';
import * as pdfWorker from 'pdfjs-dist/build/pdf.worker.mjs';
import type { Highlight, OpenParams, PdfProtocol, SelectionPart, Shown } from '../../src/shared/pdfProtocol';
import { pageInView } from '../../src/shared/pageInView';
import { connect } from '../channel';
import { clearMarks, findAll, markAnswer, markRange } from './marks';

// pdf.js runs its "worker" on this thread: webviews cannot start workers from extension resources.
(globalThis as unknown as { pdfjsWorker: unknown }).pdfjsWorker = pdfWorker;

const channel = connect<PdfProtocol>('PDF viewer page');
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const viewer = $<HTMLDivElement>('viewer');
const status = $<HTMLDivElement>('status');
const pageInput = $<HTMLInputElement>('pageNumber');
const zoomSelect = $<HTMLSelectElement>('zoom');
const findInput = $<HTMLInputElement>('find');

interface PageView {
  n: number;
  div: HTMLDivElement;
  rendered: boolean;
  rendering?: Promise<void>;
  textLayer?: HTMLDivElement;
}

let doc: pdfjs.PDFDocumentProxy | undefined;
let pages: PageView[] = [];
let baseSize = { width: 612, height: 792 };
let zoom: number | 'fit' = 'fit';
let scale = 1;

/** The document now shown: settles when it is loaded, or with why it could not be (a goto waits on it). */
let loaded = settledLater();
function settledLater(): { promise: Promise<void>; settled: boolean; resolve(): void; reject(e: Error): void } {
  const d = { settled: false } as { promise: Promise<void>; settled: boolean; resolve(): void; reject(e: Error): void };
  d.promise = new Promise<void>((resolve, reject) => {
    d.resolve = () => ((d.settled = true), resolve());
    d.reject = (e) => ((d.settled = true), reject(e));
  });
  d.promise.catch(() => undefined); // Told through the goto that waits on it, if any.
  return d;
}
/** A new load: the next goto waits on it (one still pending is settled by this load instead). */
function loading(): typeof loaded {
  if (loaded.settled) loaded = settledLater();
  return loaded;
}
const renderedOrder: PageView[] = [];
const MAX_RENDERED = 16;

function say(text: string, error = false): void {
  status.textContent = text;
  status.className = error ? 'error' : 'muted';
  status.hidden = !text;
}

function currentScale(): number {
  if (zoom !== 'fit') return zoom;
  return Math.max(0.25, (viewer.clientWidth - 32) / baseSize.width);
}

function layout(): void {
  scale = currentScale();
  for (const p of pages) {
    p.div.style.width = `${Math.floor(baseSize.width * scale)}px`;
    p.div.style.height = `${Math.floor(baseSize.height * scale)}px`;
    if (p.rendered) unrender(p);
  }
  observeAll();
}

function unrender(p: PageView): void {
  p.div.replaceChildren();
  p.div.classList.remove('drawn');
  p.rendered = false;
  p.textLayer = undefined;
  const i = renderedOrder.indexOf(p);
  if (i >= 0) renderedOrder.splice(i, 1);
}

async function render(p: PageView): Promise<void> {
  if (p.rendered || !doc) return p.rendering;
  p.rendered = true;
  renderedOrder.push(p);
  // Keep memory bounded on long documents: drop the pages rendered longest ago.
  while (renderedOrder.length > MAX_RENDERED) unrender(renderedOrder[0]!);
  p.rendering = (async () => {
    const page = await doc!.getPage(p.n);
    const viewport = page.getViewport({ scale });
    p.div.style.width = `${Math.floor(viewport.width)}px`;
    p.div.style.height = `${Math.floor(viewport.height)}px`;
    p.div.style.setProperty('--scale-factor', String(scale));
    p.div.style.setProperty('--total-scale-factor', String(scale));
    const ratio = window.devicePixelRatio || 1;
    const canvas = document.createElement('canvas');
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = `${Math.floor(viewport.width)}px`;
    canvas.style.height = `${Math.floor(viewport.height)}px`;
    const layer = document.createElement('div');
    layer.className = 'textLayer';
    p.div.replaceChildren(canvas, layer);
    await page.render({ canvas, canvasContext: canvas.getContext('2d')!, viewport, transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined }).promise;
    await new pdfjs.TextLayer({ textContentSource: await page.getTextContent(), container: layer, viewport }).render();
    if (!p.rendered) return;
    p.textLayer = layer;
    p.div.classList.add('drawn');
    // For the e2e harness: how long after the page started loading its first page was drawn.
    if (!performance.getEntriesByName('aiLab.firstPageDrawn').length) performance.mark('aiLab.firstPageDrawn');
    reapplyFind(p);
  })().catch((err: unknown) => {
    p.rendered = false;
    if ((err as Error)?.name !== 'RenderingCancelledException') say(`Page ${p.n} could not be drawn: ${(err as Error).message}`, true);
  });
  return p.rendering;
}

let observer: IntersectionObserver | undefined;
function observeAll(): void {
  observer?.disconnect();
  observer = new IntersectionObserver((entries) => entries.forEach((e) => e.isIntersecting && void render(pages[Number((e.target as HTMLElement).dataset.page) - 1]!)), { root: viewer, rootMargin: '600px 0px' });
  for (const p of pages) observer.observe(p.div);
}

/** The page last scrolled to on request and where that left the view (see pageInView). */
let asked: { page: number; scrollTop: number } | undefined;

function currentPage(): number {
  return pageInView({ tops: pages.map((p) => p.div.offsetTop), heights: pages.map((p) => p.div.offsetHeight), scrollTop: viewer.scrollTop, clientHeight: viewer.clientHeight, asked });
}

let lastReported = 0;
function reportPage(): void {
  const n = currentPage();
  pageInput.value = String(n);
  if (n !== lastReported) {
    lastReported = n;
    void channel.notify('page', { page: n, zoom: scale });
    channel.setState({ page: n, zoom });
  }
}

function scrollToPage(n: number, mark?: HTMLElement): void {
  const p = pages[Math.max(1, Math.min(pages.length, n)) - 1];
  if (!p) return;
  if (mark) mark.scrollIntoView({ block: 'center' });
  else viewer.scrollTop = p.div.offsetTop - 8;
  asked = { page: p.n, scrollTop: viewer.scrollTop };
  reportPage();
}

/** Shows page `n` (its answer marked), once drawn: what the host's goto request is answered with. */
async function goto(n: number, highlight?: Highlight): Promise<Shown> {
  await loaded.promise;
  const p = pages[n - 1];
  if (!p) throw new Error(`There is no page ${n}: the document has ${pages.length}.`);
  scrollToPage(n);
  await render(p);
  await p.rendering;
  for (const other of pages) if (other.textLayer) clearMarks(other.textLayer, 'answer');
  const hit = highlight && p.textLayer ? markAnswer(p.textLayer, highlight.text, highlight.context, 'answer', highlight.at) : undefined;
  scrollToPage(n, hit?.mark);
  const marked = hit && p.textLayer ? [...p.textLayer.querySelectorAll('mark.answer')].map((m) => m.textContent ?? '').join('') : undefined;
  return { page: n, highlighted: Boolean(hit), ...(hit ? { marked, before: hit.before } : {}) };
}

// Find: matches per page from pdf.js's text (all pages, lazily), marked in rendered text layers.
let findQuery = '';
let findHits: Array<{ page: number; index: number }> = [];
let findAt = -1;
const pageTexts = new Map<number, string>();

async function pageText(n: number): Promise<string> {
  let t = pageTexts.get(n);
  if (t === undefined) {
    const c = await (await doc!.getPage(n)).getTextContent();
    t = c.items.map((i) => ('str' in i ? i.str + (i.hasEOL ? ' ' : '') : '')).join(' ').toLowerCase().replace(/\s+/g, ' ');
    pageTexts.set(n, t);
  }
  return t;
}

async function runFind(backwards: boolean): Promise<void> {
  const q = findInput.value.trim().toLowerCase().replace(/\s+/g, ' ');
  if (!doc || !q) return;
  if (q !== findQuery) {
    findQuery = q;
    findHits = [];
    findAt = -1;
    $('findStatus').textContent = 'Searching…';
    for (let n = 1; n <= doc.numPages; n++) {
      const t = await pageText(n);
      // Spaces between runs are optional in the query's eyes.
      const hay = t.replace(/ /g, '');
      let k = hay.indexOf(q.replace(/ /g, ''));
      let index = 0;
      while (k >= 0) {
        findHits.push({ page: n, index: index++ });
        k = hay.indexOf(q.replace(/ /g, ''), k + 1);
      }
      if (findQuery !== q) return;
    }
    for (const p of pages) reapplyFind(p);
  }
  if (!findHits.length) {
    $('findStatus').textContent = 'No matches';
    return;
  }
  findAt = (findAt + (backwards ? -1 : 1) + findHits.length) % findHits.length;
  const hit = findHits[findAt]!;
  $('findStatus').textContent = `${findAt + 1} of ${findHits.length}`;
  const p = pages[hit.page - 1]!;
  scrollToPage(hit.page);
  await render(p);
  await p.rendering;
  reapplyFind(p);
  const current = p.textLayer?.querySelectorAll('mark.find')[hit.index] as HTMLElement | undefined;
  p.textLayer?.querySelectorAll('mark.selected').forEach((m) => m.classList.remove('selected'));
  current?.classList.add('selected');
  current?.scrollIntoView({ block: 'center' });
}

function reapplyFind(p: PageView): void {
  if (!p.textLayer) return;
  clearMarks(p.textLayer, 'find');
  if (!findQuery) return;
  for (const m of findAll(p.textLayer, findQuery).reverse()) markRange(p.textLayer, m.start, m.end, 'find');
}

async function open(m: OpenParams): Promise<void> {
  const load = loading();
  say(`Opening ${m.name}…`);
  await doc?.destroy();
  doc = undefined;
  pageTexts.clear();
  findQuery = '';
  const source = m.url ? { url: m.url, disableRange: true, disableStream: true } : { data: Uint8Array.from(atob(m.base64 ?? ''), (c) => c.charCodeAt(0)) };
  const task = pdfjs.getDocument({ ...source, isEvalSupported: false, cMapUrl: m.cMapUrl, cMapPacked: true, standardFontDataUrl: m.standardFontDataUrl, wasmUrl: m.wasmUrl });
  task.onPassword = (update: (pw: string) => void, reason: number) => {
    say(`${m.name} is encrypted: enter its password in the box at the top of the window.`);
    // No time limit: the host waits for the user to type it.
    channel.request('password', { wrong: reason === pdfjs.PasswordResponses.INCORRECT_PASSWORD }, { timeoutMs: Infinity }).then(
      (r) => {
        if (r.password !== undefined) return update(r.password);
        say('This PDF is encrypted. Reopen it and enter its password to see it.', true);
        load.reject(new Error(`${m.name} is encrypted and no password was given.`));
        void channel.notify('failed', { message: 'no password given' });
      },
      (err: Error) => {
        say(err.message, true);
        load.reject(err);
      },
    );
  };
  try {
    doc = await task.promise;
  } catch (err) {
    const message = `${m.name} could not be opened: ${(err as Error).message}`;
    say(message, true);
    load.reject(new Error(message));
    void channel.notify('failed', { message });
    return;
  }
  const first = (await doc.getPage(1)).getViewport({ scale: 1 });
  baseSize = { width: first.width, height: first.height };
  viewer.replaceChildren();
  renderedOrder.length = 0;
  pages = Array.from({ length: doc.numPages }, (_, i) => {
    const div = document.createElement('div');
    div.className = 'page';
    div.dataset.page = String(i + 1);
    div.setAttribute('aria-label', `Page ${i + 1}`);
    viewer.append(div);
    return { n: i + 1, div, rendered: false };
  });
  $('pageCount').textContent = `/ ${doc.numPages}`;
  pageInput.max = String(doc.numPages);
  say('');
  layout();
  void channel.notify('loaded', { pages: doc.numPages });
  scrollToPage(m.page ?? 1);
  load.resolve();
}

channel.onNotification('open', (m) => void open(m));
channel.onNotification('error', (m) => {
  say(m.message, true);
  loading().reject(new Error(m.message));
});
channel.onRequest('goto', (m) => goto(m.page, m.highlight));

viewer.addEventListener('scroll', () => reportPage(), { passive: true });
pageInput.addEventListener('change', () => void goto(Number(pageInput.value)).catch(() => undefined));
$('prev').addEventListener('click', () => scrollToPage(currentPage() - 1));
$('next').addEventListener('click', () => scrollToPage(currentPage() + 1));
function setZoom(z: number | 'fit'): void {
  const keep = currentPage();
  zoom = z;
  zoomSelect.value = String(z);
  if (zoomSelect.value !== String(z)) {
    const o = document.createElement('option');
    o.value = String(z);
    o.textContent = `${Math.round((z as number) * 100)} %`;
    zoomSelect.append(o);
    zoomSelect.value = String(z);
  }
  layout();
  scrollToPage(keep);
  lastReported = 0;
  reportPage();
}
const step = (dir: 1 | -1) => setZoom(Math.round(Math.max(0.25, Math.min(5, scale * (dir > 0 ? 1.25 : 0.8))) * 100) / 100);
zoomSelect.addEventListener('change', () => setZoom(zoomSelect.value === 'fit' ? 'fit' : Number(zoomSelect.value)));
$('zoomIn').addEventListener('click', () => step(1));
$('zoomOut').addEventListener('click', () => step(-1));
findInput.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') void runFind(e.shiftKey);
  if (e.key === 'Escape') {
    findInput.value = '';
    findQuery = '';
    $('findStatus').textContent = '';
    pages.forEach(reapplyFind);
  }
});
$('findNext').addEventListener('click', () => void runFind(false));
$('findPrev').addEventListener('click', () => void runFind(true));
window.addEventListener('keydown', (e) => {
  const mod = e.ctrlKey || e.metaKey;
  if (mod && e.key === 'f') {
    e.preventDefault();
    findInput.focus();
    findInput.select();
  } else if (mod && (e.key === '=' || e.key === '+')) {
    e.preventDefault();
    step(1);
  } else if (mod && e.key === '-') {
    e.preventDefault();
    step(-1);
  } else if (e.target === viewer && e.key === 'PageDown') scrollToPage(currentPage() + 1);
  else if (e.target === viewer && e.key === 'PageUp') scrollToPage(currentPage() - 1);
});
window.addEventListener('resize', () => zoom === 'fit' && setZoom('fit'));

/** The selected text page by page, so an answer in a selection across pages keeps its own page. */
function selectionParts(range: Range): SelectionPart[] {
  const parts: SelectionPart[] = [];
  for (const div of viewer.querySelectorAll<HTMLElement>('.page')) {
    if (!range.intersectsNode(div)) continue;
    const onPage = document.createRange();
    onPage.selectNodeContents(div);
    if (range.compareBoundaryPoints(Range.START_TO_START, onPage) > 0) onPage.setStart(range.startContainer, range.startOffset);
    if (range.compareBoundaryPoints(Range.END_TO_END, onPage) < 0) onPage.setEnd(range.endContainer, range.endOffset);
    const text = onPage.toString();
    if (text.trim()) parts.push({ page: Number(div.dataset.page), text });
  }
  return parts;
}

// The selection goes to the host, so AI Lab's commands can work on it.
let selectionTimer: ReturnType<typeof setTimeout> | undefined;
document.addEventListener('selectionchange', () => {
  clearTimeout(selectionTimer);
  selectionTimer = setTimeout(() => {
    const sel = window.getSelection();
    const text = sel && !sel.isCollapsed && viewer.contains(sel.anchorNode) ? sel.toString() : '';
    const pageDiv = sel?.anchorNode ? (sel.anchorNode instanceof Element ? sel.anchorNode : sel.anchorNode.parentElement)?.closest<HTMLElement>('.page') : null;
    const parts = text && sel ? selectionParts(sel.getRangeAt(0)) : [];
    void channel.notify('selection', { text, ...(text && pageDiv ? { page: Number(pageDiv.dataset.page) } : {}), ...(parts.length > 1 ? { parts } : {}) });
  }, 150);
});

const saved = channel.getState() as { zoom?: number | 'fit' } | undefined;
if (saved?.zoom) {
  zoom = saved.zoom;
  zoomSelect.value = String(saved.zoom);
}
