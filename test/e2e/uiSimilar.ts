/** UI check of Find Similar Passages: the ranked hits in the results panel, and a click that selects the passage in the editor. */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkspaceFile, resultsFrame, runCommand, typeInQuickInput, type Check } from './uiDriver';

/** The workspace file of this check (written by runInCodeServer.ts); its passages are the fixture's paraphrase groups. */
export const SIMILAR_FILE = {
  name: 'refunds.txt',
  // Passages are sentence-aligned chunks of at most 30 tokens here (the fixture's max_seq_length, 32, less
  // [CLS] and [SEP]): the refund sentence (23 tokens) cannot share a chunk with its neighbours' sentences.
  text: [
    'The kitchen has a new recipe for soup. We bake and cook all day, and we cook at home.',
    'It is raining today. The storm made the weather wet and cold, and it was raining all day.',
    'You can get your money back: we refund all returned cars, and you get the money back in a day.',
    'Our cars are cheap and affordable, at a low cost. You can get a new car at a low cost today.',
  ].join('\n\n'),
  /** The passage the query's paraphrase is in. */
  best: 'You can get your money back: we refund all returned cars, and you get the money back in a day.',
};

export async function checkSimilarUi(page: Page, o: { results: string }, check: Check): Promise<void> {
  await check('Find Similar Passages: the paraphrase passage ranks first; clicking it selects that passage in the editor (screenshot)', async () => {
    await openWorkspaceFile(page, SIMILAR_FILE.name, 'kitchen');
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home'); // No selection: the query is typed.
    await runCommand(page, 'AI Lab: Find Similar Passages');
    await typeInQuickInput(page, 'I want a refund');
    const results = await resultsFrame(page);
    const entry = results.locator('.entry.done', { hasText: 'Similar to “I want a refund”' }).first();
    await entry.waitFor({ timeout: 90_000 });
    const top = entry.locator('.hit .answer-open').first();
    const shown = (await top.locator('.answer-text').innerText()).trim();
    if (shown !== SIMILAR_FILE.best) throw new Error(`the top hit is "${shown}"`);
    await page.screenshot({ path: path.join(o.results, 'similar-passages.png') });
    await top.click();
    // The editor selects exactly the passage: its length in the status bar, then its text copied.
    await page.locator('.statusbar-item', { hasText: `(${SIMILAR_FILE.best.length} selected)` }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Control+C');
    const clip = await page.evaluate<string>('navigator.clipboard.readText()').catch(() => '');
    if (clip && clip !== SIMILAR_FILE.best) throw new Error(`the click selected "${clip}"`);
    const line = await page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first().innerText();
    if (!/Ln 5,/.test(line)) throw new Error(`the cursor is at "${line}", not on line 5`);
  });
}
