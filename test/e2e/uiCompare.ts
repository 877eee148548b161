/**
 * UI check of Compare Similarity: the selection and a typed text, the cosine in the results panel equal
 * (to the 3 decimals shown) to what `ai-lab similarity` gives for the same model and texts.
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { cliAsync } from '../fixtures/cli';
import { sentenceEmbedderDirs } from '../fixtures/models/sentenceEmbedder';
import { openWorkspaceFile, resultsFrame, runCommand, type Check } from './uiDriver';

/** The workspace file of this check (written by runInCodeServer.ts, no trailing newline: the selection is exactly `text`). */
export const COMPARE_FILE = {
  name: 'compare.txt',
  text: 'I want to buy a car.',
  /** A paraphrase (the fixture embedder's groups: buy ~ purchase, car ~ automobile) and an unrelated text. */
  paraphrase: 'I would like to purchase an automobile.',
  unrelated: 'It is raining today.',
};

/** The score `ai-lab similarity a b --model <the UI's similarity model> --json` prints. */
async function cliScore(a: string, b: string): Promise<number> {
  const r = await cliAsync(['similarity', a, b, '--model', sentenceEmbedderDirs().mean, '--json', '--offline'], {});
  if (r.status !== 0) throw new Error(`ai-lab similarity failed (${r.status}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as { score: number }).score;
}

/** Compare Similarity from the palette on the editor's selection with `other` typed; the score the panel shows. */
async function compareInUi(page: Page, other: string): Promise<string> {
  await openWorkspaceFile(page, COMPARE_FILE.name, 'buy a car');
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  await runCommand(page, 'AI Lab: Compare Similarity');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(other);
  await page.keyboard.press('Enter');
  const results = await resultsFrame(page);
  const entry = results.locator('.entry.done', { hasText: `Similarity: “${COMPARE_FILE.text}” ~ “${other}”` }).first();
  await entry.waitFor({ timeout: 60_000 });
  const row = entry.locator('.label-row.similarity').first();
  const aria = (await row.getAttribute('aria-label')) ?? '';
  const shown = (await row.locator('.score').innerText()).trim();
  if (aria !== `cosine similarity: cosine ${shown}`) throw new Error(`the score row says "${aria}" but shows ${shown}`);
  return shown;
}

export async function checkCompareUi(page: Page, o: { results: string }, check: Check): Promise<void> {
  await check('Compare Similarity: selection ~ typed text shows the cosine the CLI gives (3 decimals); a paraphrase scores higher than an unrelated text (screenshot)', async () => {
    const para = await compareInUi(page, COMPARE_FILE.paraphrase);
    await page.screenshot({ path: path.join(o.results, 'compare-similarity.png') });
    const unrelated = await compareInUi(page, COMPARE_FILE.unrelated);
    const [cliPara, cliUnrelated] = [await cliScore(COMPARE_FILE.text, COMPARE_FILE.paraphrase), await cliScore(COMPARE_FILE.text, COMPARE_FILE.unrelated)];
    console.log(`    cosine: paraphrase ${para} (CLI ${cliPara.toFixed(5)}), unrelated ${unrelated} (CLI ${cliUnrelated.toFixed(5)})`);
    if (para !== cliPara.toFixed(3)) throw new Error(`the paraphrase scores ${para} in the panel, ${cliPara.toFixed(3)} by the CLI`);
    if (unrelated !== cliUnrelated.toFixed(3)) throw new Error(`the unrelated text scores ${unrelated} in the panel, ${cliUnrelated.toFixed(3)} by the CLI`);
    if (!(Number(para) > Number(unrelated))) throw new Error(`the paraphrase (${para}) does not score higher than the unrelated text (${unrelated})`);
  });
}
