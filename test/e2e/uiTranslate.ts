/** UI check of Translate Selection: languages picked, the translation in the results panel, Replace Selection edits the document. */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { pick, resultsFrame, runOnFile, type Check } from './uiDriver';

/** The workspace file of this check (written by runInCodeServer.ts); the Marian fixture translates it word for word. */
export const GERMAN_FILE = { name: 'german.txt', text: 'Das Haus ist klein. Der Hund schläft.\n', english: 'The house is small. The dog sleeps.' };

export async function checkTranslateUi(page: Page, o: { results: string }, check: Check): Promise<void> {
  await check('Translate Selection from the context menu: German → English picked, the translation in the results panel, Replace Selection puts it in the document', async () => {
    await runOnFile(page, GERMAN_FILE.name, 'Haus', 'Translate Selection');
    await pick(page, 'German', 'German');
    await pick(page, 'English', 'English');
    const frame = await resultsFrame(page);
    const entry = frame.locator('.entry.done', { hasText: 'Translate (de → en)' }).first();
    await entry.waitFor({ timeout: 60_000 });
    const shown = (await entry.locator('.text').first().innerText()).trim();
    if (shown !== GERMAN_FILE.english) throw new Error(`the panel shows "${shown}"`);
    await page.screenshot({ path: path.join(o.results, 'translate-selection.png') });
    await entry.locator('button.replace').click();
    const deadline = Date.now() + 10_000;
    let lines: string[] = [];
    while (Date.now() < deadline) {
      lines = (await page.locator('.monaco-editor .view-line').allInnerTexts()).map((l) => l.replace(/\u00a0/g, ' ').trim());
      if (lines.includes(GERMAN_FILE.english)) break;
      await page.waitForTimeout(200);
    }
    if (!lines.includes(GERMAN_FILE.english) || lines.some((l) => l.includes('Haus'))) throw new Error(`Replace Selection did not replace the German; editor lines: ${JSON.stringify(lines)}`);
  });
}
