/**
 * UI check of Ask the Workspace: the workspace indexed with the fixture sentence embedder, a question
 * in other words than the document, the answer naming its file (and page), and a click that shows it
 * there: the text file with the answer selected, or the AI Lab PDF viewer at the page, answer marked.
 */
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { DEALER_PDF } from '../fixtures/pdf/dealer';
import { viewerOf } from './uiPdf';
import { resultsFrame, runCommand, type Check } from './uiDriver';

/**
 * A Markdown file whose only number-and-unit is on line 4; the question names no word of that line
 * but the unit: "cook"/"recipe" are paraphrases of "soup"/"kitchen" for the sentence embedder.
 */
export const KITCHEN_FILE = {
  name: 'kitchen-notes.md',
  text: '# Kitchen notes\n\nOur soup is made the same way every week.\nLet it simmer in the kitchen for 40 minutes before serving.\n',
  question: 'How many minutes do we cook the recipe?',
  answer: '40 minutes',
  line: 4,
};

let indexed = false;

/** Index Workspace from the palette, once in this run (each Ask check may run alone, AI_LAB_E2E_GREP). */
async function indexOnce(page: Page): Promise<void> {
  if (indexed) return;
  // A notification of an earlier Index Workspace would pass for this one: clear them first.
  await runCommand(page, 'Notifications: Clear All Notifications');
  await runCommand(page, 'AI Lab: Index Workspace');
  await page.locator('.notification-toast', { hasText: /AI Lab: indexed \d+ files \(\d+ passages\)/ }).first().waitFor({ timeout: 90_000 });
  indexed = true;
}

/** Asks the Workspace `question` from the palette (indexed first); the done entry of this question in the results panel. */
async function askWorkspace(page: Page, question: string): Promise<{ results: Frame; entry: Locator }> {
  await indexOnce(page);
  await runCommand(page, 'AI Lab: Ask the Workspace');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(question);
  await page.keyboard.press('Enter');
  const results = await resultsFrame(page);
  const entry = results.locator('.entry.done', { hasText: `Ask: “${question}”` }).filter({ hasText: 'workspace index' }).first();
  await entry.waitFor({ timeout: 90_000 });
  return { results, entry };
}

/** The first answer of an entry: its text, file and page labels. */
async function firstAnswer(entry: Locator): Promise<{ open: Locator; text: string; file: string; page: string }> {
  const open = entry.locator('.answer-open').first();
  await open.waitFor();
  const label = async (cls: string) => ((await open.locator(cls).count()) ? (await open.locator(cls).innerText()).trim() : '');
  return { open, text: await label('.answer-text'), file: await label('.file-ref'), page: await label('.page-ref') };
}

export async function checkAskWorkspaceUi(page: Page, o: { results: string }, check: Check): Promise<void> {
  await check('Ask the Workspace: a question in other words finds the Markdown file\'s answer, names its file, and a click selects the answer in the editor', async () => {
    const { entry } = await askWorkspace(page, KITCHEN_FILE.question);
    const a = await firstAnswer(entry);
    if (a.text !== KITCHEN_FILE.answer || a.file !== KITCHEN_FILE.name || a.page !== '') throw new Error(`the first answer is "${a.text}" in "${a.file}" ${a.page}; want "${KITCHEN_FILE.answer}" in ${KITCHEN_FILE.name}, no page`);
    await a.open.click();
    await page.locator('.tabs-container .tab.active', { hasText: KITCHEN_FILE.name }).waitFor({ timeout: 15_000 });
    // The answer itself is selected: its length and line in the status bar, then its text copied.
    const col = KITCHEN_FILE.text.split('\n')[KITCHEN_FILE.line - 1]!.indexOf(KITCHEN_FILE.answer) + KITCHEN_FILE.answer.length + 1;
    await page.locator('.statusbar-item', { hasText: `Ln ${KITCHEN_FILE.line}, Col ${col} (${KITCHEN_FILE.answer.length} selected)` }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Control+C');
    const clip = await page.evaluate<string>('navigator.clipboard.readText()').catch(() => '');
    if (clip && clip !== KITCHEN_FILE.answer) throw new Error(`the click selected "${clip}"`);
  });

  await check('Ask the Workspace: the PDF\'s answer names the file and page 3; a click shows page 3 in the AI Lab PDF viewer with the answer highlighted (screenshot)', async () => {
    const { entry } = await askWorkspace(page, DEALER_PDF.question);
    const a = await firstAnswer(entry);
    if (a.text !== DEALER_PDF.answer || a.file !== DEALER_PDF.name || a.page !== `p. ${DEALER_PDF.page}`) throw new Error(`the first answer is "${a.text}" in "${a.file}" ${a.page}; want "${DEALER_PDF.answer}" in ${DEALER_PDF.name} p. ${DEALER_PDF.page}`);
    await page.screenshot({ path: path.join(o.results, 'ask-workspace.png') });
    await a.open.click();
    const viewer = await viewerOf(page, DEALER_PDF.name, DEALER_PDF.page);
    const mark = viewer.locator(`.page[data-page="${DEALER_PDF.page}"] mark.answer`);
    await mark.first().waitFor({ state: 'visible', timeout: 15_000 });
    const marked = (await mark.allInnerTexts()).join('').replace(/\s+/g, ' ').trim();
    if (marked !== DEALER_PDF.answer) throw new Error(`the highlight covers "${marked}"`);
    const shown = await viewer.locator('#pageNumber').inputValue();
    if (shown !== String(DEALER_PDF.page)) throw new Error(`the viewer shows page ${shown}`);
    // One viewer of the file: the click does not open a second one beside the first.
    const tabs = await page.locator('.tabs-container .tab', { hasText: DEALER_PDF.name }).count();
    if (tabs !== 1) throw new Error(`${tabs} tabs show ${DEALER_PDF.name} after the click`);
    await page.screenshot({ path: path.join(o.results, 'ask-workspace-pdf.png') });
  });
}
