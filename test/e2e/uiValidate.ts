/** UI check of Validate Model Folder: the Explorer's folder menu, the report panel, a finding's file opened from it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { sentimentModelFiles } from '../fixtures/models/sentiment';
import { explorerFolderCommand, frameWith, type Check } from './uiDriver';

/** The folder this check validates, written into the workspace by runInCodeServer.ts: a mask token the vocabulary lacks, no card. */
export const MODEL_FOLDER = 'my-model';

export function writeModelFolder(workspace: string): void {
  const files = sentimentModelFiles();
  files['tokenizer_config.json'] = JSON.stringify({ ...JSON.parse(String(files['tokenizer_config.json'])), mask_token: '<mask>' });
  delete files['README.md'];
  for (const [name, data] of Object.entries(files)) {
    const file = path.join(workspace, MODEL_FOLDER, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
  }
}

export async function checkValidateUi(page: Page, o: { results: string }, check: Check): Promise<void> {
  await check('Validate Model Folder from the Explorer\'s folder menu: the report lists the error with its file, why and fix; clicking the file opens it (screenshot)', async () => {
    await explorerFolderCommand(page, MODEL_FOLDER, 'Validate Model Folder');
    const frame = await frameWith(page, '#findings', 'the Validate Model Folder panel');
    const summary = (await frame.locator('#summary').innerText()).trim();
    if (!/^1 error, 1 warning, \d+ checks passed$/.test(summary)) throw new Error(`the summary reads "${summary}"`);
    const error = frame.locator('.finding.error[data-check="tokenizer.special_tokens"]');
    const text = await error.innerText();
    if (!/mask_token "<mask>" is not in the vocabulary/.test(text) || !/Why: /.test(text) || !/Fix: /.test(text)) throw new Error(`the error reads "${text}"`);
    await page.screenshot({ path: path.join(o.results, 'validate-model-folder.png') });
    await error.locator('button.file', { hasText: 'tokenizer_config.json' }).click();
    await page.locator('.tabs-container .tab', { hasText: 'tokenizer_config.json' }).first().waitFor({ timeout: 10_000 });
    await page.locator('.monaco-editor .view-lines', { hasText: '<mask>' }).first().waitFor({ timeout: 10_000 });
  });
}
