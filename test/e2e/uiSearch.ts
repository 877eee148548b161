/** UI check of the workspace index: Index Workspace, then Search Workspace by Meaning opens the hit at its line. */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { runCommand, type Check } from './uiDriver';

/**
 * The workspace file of this check (written by runInCodeServer.ts): its passage starts on line 4 and
 * says "snow", "rain", "forecast", never the words searched for ("storm", "sunny"): only meaning finds it.
 */
export const FORECAST_FILE = { name: 'forecast.md', text: '\n\n\nSnow and rain are in the forecast.\n', line: 4, selected: 34 };

export async function checkSearchUi(page: Page, o: { results: string }, check: Check): Promise<void> {
  await check('Index Workspace, then Search Workspace by Meaning: a paraphrase finds the passage and opens the file at its line (screenshot)', async () => {
    // Run first (AI_LAB_E2E_GREP), the palette may open before the extension's commands are listed: runCommand waits.
    await runCommand(page, 'AI Lab: Index Workspace');
    const done = page.locator('.notification-toast', { hasText: /AI Lab: indexed \d+ files \(\d+ passages\)/ }).first();
    await done.waitFor({ timeout: 90_000 });
    const said = await done.innerText();
    // The encrypted and the scanned PDFs of the workspace are left out, with a note in the log.
    if (!/2 skipped/.test(said)) throw new Error(`the index notification says "${said}"`);
    await runCommand(page, 'AI Lab: Search Workspace by Meaning');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('storm sunny');
    // Hybrid: the paraphrase (forecast.md, without the words) and the exact term ("storm" in the
    // similarity check's refunds.txt) are both among the hits; the paraphrase is opened.
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: `${FORECAST_FILE.name} · line ${FORECAST_FILE.line}` }).first();
    await row.waitFor({ timeout: 30_000 });
    const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    if (!rows.slice(0, 3).some((r) => r.includes(FORECAST_FILE.name))) throw new Error(`the paraphrase is not among the first hits: ${JSON.stringify(rows.slice(0, 3))}`);
    await page.screenshot({ path: path.join(o.results, 'search-by-meaning.png') });
    await row.click();
    await page.locator('.tabs-container .tab.active', { hasText: FORECAST_FILE.name }).waitFor();
    const at = page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${FORECAST_FILE.line}, Col ${FORECAST_FILE.selected + 1} \\(${FORECAST_FILE.selected} selected\\)`) }).first();
    // The passage is selected, the cursor at its end.
    await at.waitFor({ timeout: 10_000 });
  });
}
