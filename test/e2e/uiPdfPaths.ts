/**
 * UI checks of the AI Lab PDF viewer's other paths: Translate Selection on a selection made in the
 * viewer, and Find Similar Passages over a PDF (ranked hits with their pages; a click shows the page).
 */
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { textPdf } from '../fixtures/pdf/generate';
import { DEALER_PDF } from '../fixtures/pdf/dealer';
import { pick, quickOpen, resultsFrame, runCommand, typeInQuickInput, type Check } from './uiDriver';
import { viewerOf } from './uiPdf';
import { GERMAN_FILE } from './uiTranslate';

/** A one-page PDF with the German sentences of the Translate check (the Marian fixture translates them word for word). */
export const GERMAN_PDF = { name: 'german-letter.pdf', heading: 'Notiz', text: GERMAN_FILE.text.trim(), english: GERMAN_FILE.english };

export const germanPdf = (): Promise<Uint8Array> => textPdf('Notiz', [{ heading: GERMAN_PDF.heading, paragraphs: [GERMAN_PDF.text] }]);

/** Opens `name` in the AI Lab PDF viewer from the palette (whatever editor Quick Open gave it); its frame once `n` is drawn. */
async function openInViewer(page: Page, name: string, n = 1): Promise<Frame> {
  // A tab of it already open (an earlier check's viewer) is taken as it is; else Quick Open opens it.
  const tab = page.locator('.tabs-container .tab', { hasText: name }).first();
  if (await tab.isVisible().catch(() => false)) await tab.click();
  else await quickOpen(page, name);
  await page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor();
  await runCommand(page, 'AI Lab: Open in AI Lab PDF Viewer');
  return viewerOf(page, name, n);
}

/** The viewer frame of `name` whose page `n` shows a mark.answer containing `words` (waited for). */
async function markedViewer(page: Page, name: string, n: number, words: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  const script = `document.title === ${JSON.stringify(name)} && [...document.querySelectorAll('#viewer .page[data-page="${n}"] mark.answer')].map((m) => m.textContent).join(' ').replace(/\\s+/g, ' ').includes(${JSON.stringify(words)})`;
  for (;;) {
    for (const f of page.frames()) if (await f.evaluate<boolean>(script).catch(() => false)) return f;
    if (Date.now() > deadline) throw new Error(`no viewer of ${name} marks "${words}" on page ${n}`);
    await page.waitForTimeout(250);
  }
}

export async function checkPdfPathsUi(page: Page, o: { results: string }, check: Check): Promise<void> {
  await check('Translate Selection on a selection in the AI Lab PDF viewer: German → English, the translation of the selected text in the results panel', async () => {
    const viewer = await openInViewer(page, GERMAN_PDF.name);
    const span = viewer.locator('.page[data-page="1"] .textLayer span', { hasText: 'Das Haus' }).first();
    await span.waitFor();
    // The sentence line selected whole, as a drag over it would.
    await viewer.evaluate(`(() => {
      const span = [...document.querySelectorAll('.page[data-page="1"] .textLayer span')].find((s) => s.textContent.includes('Das Haus'));
      const r = document.createRange();
      r.selectNodeContents(span);
      getSelection().removeAllRanges();
      getSelection().addRange(r);
    })()`);
    const selected = (await viewer.evaluate<string>('window.getSelection()?.toString() ?? ""')).trim();
    if (selected !== GERMAN_PDF.text) throw new Error(`the selection is "${selected}"`);
    await page.waitForTimeout(400); // the page reports its selection after 150 ms
    await runCommand(page, 'AI Lab: Translate Selection');
    await pick(page, 'German', 'German');
    await pick(page, 'English', 'English');
    const results = await resultsFrame(page);
    const entry = results.locator('.entry.done', { hasText: 'Translate (de → en)' }).filter({ hasText: GERMAN_PDF.name }).first();
    await entry.waitFor({ timeout: 60_000 });
    const where = (await entry.locator('.excerpt').innerText()).trim();
    if (!where.includes(`${GERMAN_PDF.name}, p. 1 (selection)`) || !where.includes('Das Haus')) throw new Error(`the entry's input is "${where}"`);
    const shown = (await entry.locator('.text').first().innerText()).trim();
    if (shown !== GERMAN_PDF.english) throw new Error(`the panel shows "${shown}"`);
    await page.screenshot({ path: path.join(o.results, 'translate-pdf-selection.png') });
  });

  await check('Find Similar Passages in a PDF: ranked hits, each with its page, the paraphrase on p. 3 first; clicking it shows page 3 with the passage marked', async () => {
    const viewer = await openInViewer(page, DEALER_PDF.name);
    await viewer.evaluate('getSelection()?.removeAllRanges()'); // No selection: the query is typed.
    await page.waitForTimeout(400);
    await runCommand(page, 'AI Lab: Find Similar Passages');
    await typeInQuickInput(page, 'I want a refund');
    const results = await resultsFrame(page);
    const entry = results.locator('.entry.done', { hasText: 'Similar to “I want a refund”' }).filter({ hasText: DEALER_PDF.name }).first();
    await entry.waitFor({ timeout: 90_000 });
    const hits = entry.locator('.hit .answer-open');
    const n = await hits.count();
    if (n < 2) throw new Error(`${n} hits; every page is a passage`);
    const rows: Array<{ text: string; score: number; page: string }> = [];
    for (let i = 0; i < n; i++) {
      const h = hits.nth(i);
      rows.push({ text: (await h.locator('.answer-text').innerText()).trim(), score: Number(await h.locator('.score').innerText()), page: (await h.locator('.page-ref').innerText({ timeout: 2000 }).catch(() => '')).trim() });
    }
    if (rows.some((r) => !/^pp?\. \d/.test(r.page))) throw new Error(`a hit has no page: ${JSON.stringify(rows)}`);
    if (rows.some((r, i) => i > 0 && r.score > rows[i - 1]!.score)) throw new Error(`the hits are not ranked by score: ${JSON.stringify(rows)}`);
    const top = rows[0]!;
    if (top.page !== `p. ${DEALER_PDF.page}` || !top.text.includes('reimbursed')) throw new Error(`the top hit is ${JSON.stringify(top)}`);
    await hits.first().click();
    // The viewer whose page 3 marks the passage (an earlier check may have left another mark there).
    const shown = await markedViewer(page, DEALER_PDF.name, DEALER_PDF.page, 'reimbursed');
    const pageNumber = await shown.locator('#pageNumber').inputValue();
    if (pageNumber !== String(DEALER_PDF.page)) throw new Error(`the viewer shows page ${pageNumber}`);
    await page.screenshot({ path: path.join(o.results, 'similar-pdf.png') });
  });
}
