/**
 * UI check of Publish Model to the Hub, its prompts answered as a user would: a read token refused with
 * its actions, then with a write token the repo id box, Public/Private, the no-card dialog (Create Model
 * Card writes README.md and stops), the warnings dialog (Publish Anyway), and the loopback Hub's repo
 * read back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { sentimentModelFiles } from '../fixtures/models/sentiment';
import { explorerFolderCommand, runCommand, typeInQuickInput, type Check } from './uiDriver';

export const PUBLISH_FOLDER = 'publish-model';

/** The sentiment fixture without a card: validates with no errors, one warning (no card). */
export function writePublishFolder(workspace: string): void {
  for (const [name, data] of Object.entries(sentimentModelFiles())) {
    if (name === 'README.md') continue;
    const file = path.join(workspace, PUBLISH_FOLDER, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
  }
}

export interface PublishUiOptions {
  results: string;
  workspace: string;
  token: string;
  /** The loopback Hub's answer to whoami for the token. */
  setTokenRole(role: 'read' | 'write'): void;
  /** A repo's files on the loopback Hub (its siblings), or undefined when it does not exist. */
  repoFiles(id: string): Promise<string[] | undefined>;
}

async function publishFromExplorer(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await explorerFolderCommand(page, PUBLISH_FOLDER, 'Publish Model to the Hub');
}

async function dialogButton(page: Page, text: string, button: string): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box', { hasText: text }).first();
  await dialog.waitFor({ timeout: 30_000 });
  await dialog.locator('.monaco-button', { hasText: button }).first().click();
}

export async function checkPublishUi(page: Page, o: PublishUiOptions, check: Check): Promise<void> {
  await check('Publish Model to the Hub: a read token is refused with Open Token Settings; with a write token the id box, Private, Create Model Card, Publish Anyway, the repo on the Hub (screenshot)', async () => {
    const repo = `fixture-user/${PUBLISH_FOLDER}`;
    await runCommand(page, 'AI Lab: Sign In to Hugging Face');
    await typeInQuickInput(page, o.token);
    await page.locator('.notification-toast', { hasText: 'signed in to Hugging Face as fixture-user' }).first().waitFor({ timeout: 30_000 });

    o.setTokenRole('read');
    await publishFromExplorer(page);
    const refused = page.locator('.notification-toast', { hasText: /read/i }).filter({ hasText: 'Open Token Settings' }).first();
    await refused.waitFor({ timeout: 30_000 });
    if (await o.repoFiles(repo)) throw new Error('a read token created the repo');

    o.setTokenRole('write');
    try {
      await publishFromExplorer(page);
      const box = page.locator('.quick-input-widget input.input');
      await box.waitFor({ state: 'visible', timeout: 30_000 });
      const prefilled = await box.inputValue();
      if (prefilled !== repo) throw new Error(`the repo id box is prefilled "${prefilled}"`);
      await typeInQuickInput(page, 'fixture-user/bad..name', false);
      await page.locator('.quick-input-message', { hasText: /\S/ }).first().waitFor({ timeout: 10_000 });
      await typeInQuickInput(page, repo);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Private' }).first().waitFor();
      await typeInQuickInput(page, 'Private');
      await dialogButton(page, 'has no model card', 'Create Model Card');
      await page.locator('.tabs-container .tab', { hasText: 'README.md' }).first().waitFor({ timeout: 15_000 });
      const card = fs.readFileSync(path.join(o.workspace, PUBLISH_FOLDER, 'README.md'), 'utf8');
      if (!/^---\n/.test(card) || !/pipeline_tag: text-classification/.test(card)) throw new Error(`the card begins "${card.slice(0, 200)}"`);
      if (await o.repoFiles(repo)) throw new Error('Create Model Card published too');

      // Again, with the card: its empty license is a warning, asked about.
      await publishFromExplorer(page);
      await box.waitFor({ state: 'visible', timeout: 30_000 });
      await page.keyboard.press('Enter');
      await typeInQuickInput(page, 'Private');
      await dialogButton(page, 'validation warning', 'Publish Anyway');
      const done = page.locator('.notification-toast', { hasText: `to ${repo}` }).filter({ hasText: 'Open on the Hub' }).first();
      await done.waitFor({ timeout: 60_000 });
      await page.screenshot({ path: path.join(o.results, 'publish-model.png') });
      const files = await o.repoFiles(repo);
      for (const f of ['config.json', 'tokenizer.json', 'onnx/model.onnx', 'README.md']) if (!files?.includes(f)) throw new Error(`the Hub repo lacks ${f}: ${files?.join(', ')}`);
    } finally {
      o.setTokenRole('read');
    }
  });
}
