/** UI checks of the Hub sidebar, as a person uses it: search, filter, card, download, cache, dataset preview, sign-in. */
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import * as fs from 'node:fs';
import { writeXetCache } from '../fixtures/xetCache';
import { aiLabLog, focusMenuItem, frameWith, openWorkspaceFile, reloadWith, runCommand, type Check } from './uiDriver';

export interface HubUiOptions {
  results: string;
  logsDir: string;
  /** settings.json as written to disk. */
  readSettings(): string;
  /** Makes the next downloads of files matching `match` slow, so progress can be seen. */
  throttle(match: string): void;
  token: string;
  /** Takes the per-blob locks of a repo's LFS files as another process would (Python, the CLI); resolves to their release. */
  holdBlobLocks(repoId: string): Promise<() => Promise<void>>;
  /** Adds settings to settings.json (read when the window loads). */
  writeSettings(patch: Record<string, unknown>): void;
  /** HF_HOME of the code-server under test (its Xet cache is `<hfHome>/xet`). */
  hfHome: string;
}

const row = (page: Page, text: string | RegExp) => page.locator('.monaco-list-row', { hasText: text }).first();

async function quickInput(page: Page, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(text);
  await page.keyboard.press('Enter');
}

/** Expands a view of the AI Lab container (they start collapsed, except Environment). */
async function expandPane(page: Page, title: string): Promise<void> {
  const header = page.locator('.pane-header', { hasText: new RegExp(`^${title}`, 'i') }).first();
  await header.waitFor();
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
}

async function collapsePane(page: Page, title: string): Promise<void> {
  const header = page.locator('.pane-header', { hasText: new RegExp(`^${title}`, 'i') }).first();
  if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
}

/** Opens a tree row's context menu, then picks an item with the keyboard. */
async function rowMenu(page: Page, target: string | Locator, item: string): Promise<void> {
  await (typeof target === 'string' ? row(page, target) : target).click({ button: 'right' });
  await page.locator('.monaco-menu .action-item', { hasText: item }).first().waitFor();
  await focusMenuItem(page, item);
  await page.keyboard.press('Enter');
}

export async function checkHubUi(page: Page, o: HubUiOptions, check: Check): Promise<void> {
  // With a grep the status bar check that waits for activation is skipped: wait as long as it does.
  const gpu = page.locator('.statusbar-item', { hasText: 'RTX 5080' }).first();
  await gpu.waitFor({ timeout: 90_000 });
  await gpu.click();
  await page.locator('.pane-header', { hasText: /^Environment/i }).first().waitFor();
  await openWorkspaceFile(page, 'review.txt', 'terrible');

  await check('Models view: search, filter by task, runnable badge, expand into files with sizes', async () => {
    await runCommand(page, 'AI Lab: Filter Models by Task');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Summarization' }).first().waitFor();
    await quickInput(page, 'Summarization');
    // The view's description names the filter once the filtered page is in.
    await page.locator('.pane-header', { hasText: /Summarization/ }).first().waitFor();
    await row(page, 'fixture-org/summarizer-01').waitFor();
    // The unfiltered list goes once the filtered page is shown.
    await row(page, 'Xenova/fixture-sst2').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {
      throw new Error('a text-classification model is still listed under Summarization');
    });
    await runCommand(page, 'AI Lab: Clear Model Filters');
    await runCommand(page, 'AI Lab: Search Models');
    await quickInput(page, 'sentiment-small');
    const model = row(page, 'fixture-org/sentiment-small');
    await model.waitFor();
    if (!/runs in AI Lab/.test(await model.innerText())) throw new Error(`row says "${await model.innerText()}"`);
    await model.locator('.monaco-tl-twistie').click();
    const file = row(page, 'tokenizer.json');
    await file.waitFor();
    if (!/LFS/.test(await file.innerText())) throw new Error(`file row says "${await file.innerText()}"`);
    await page.screenshot({ path: path.join(o.results, 'models-view.png') });
  });

  await check('the model card renders the README inert, with the front matter table, files and verdict', async () => {
    await rowMenu(page, 'fixture-org/sentiment-small', 'Open Model Card');
    const f = await frameWith(page, '.card', 'the model card');
    await f.locator('h1', { hasText: 'fixture-org/sentiment-small' }).waitFor();
    const verdict = await f.locator('.verdict').innerText();
    if (!/^Runs in AI Lab\. .*onnx\/model\.onnx/.test(verdict)) throw new Error(`verdict "${verdict}"`);
    // A string, evaluated in the page: the test's tsconfig has no DOM types.
    const bad = await f.evaluate<{ scripts: number; handlers: number; jsLinks: number; title: string }>(`({
      scripts: document.querySelectorAll('.card script, .card iframe').length,
      handlers: [...document.querySelectorAll('.card *')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name) || a.name === 'style')).length,
      jsLinks: document.querySelectorAll('.card a[href^="javascript" i]').length,
      title: document.title,
    })`);
    if (bad.scripts || bad.handlers || bad.jsLinks || /pwned/.test(bad.title)) throw new Error(`card not inert: ${JSON.stringify(bad)}`);
    const table = await f.locator('table.meta').innerText();
    if (!/license\s+apache-2\.0/.test(table)) throw new Error(`front matter table "${table}"`);
    await page.screenshot({ path: path.join(o.results, 'model-card.png') });
  });

  await check('Download from the card waits for another process holding the lock, shows progress, then the model is in the Cache view; Delete removes it', async () => {
    o.throttle('fixture-org/sentiment-small/resolve/');
    const release = await o.holdBlobLocks('fixture-org/sentiment-small');
    const f = await frameWith(page, '.card', 'the model card');
    await f.locator('button[data-action="download"]').click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Files AI Lab needs' }).first().click();
    const progress = page.locator('.notification-toast', { hasText: /downloading fixture-org\/sentiment-small/i });
    await progress.waitFor();
    try {
      await progress.locator('text=/waiting for another download of \\S+ \\(lock \\S+\\.locks\\/models--fixture-org--sentiment-small\\/[0-9a-f]{64}\\.lock\\)/').first().waitFor({ timeout: 30_000 });
      await page.screenshot({ path: path.join(o.results, 'model-download-waiting-for-lock.png') });
    } finally {
      await release();
    }
    await progress.locator('text=/of [\\d.]+ (KB|MB)/').first().waitFor();
    await page.screenshot({ path: path.join(o.results, 'model-download-progress.png') });
    await page.locator('.notification-toast', { hasText: 'is in the Hugging Face cache' }).waitFor({ timeout: 60_000 });
    await expandPane(page, 'Cache');
    const cached = page.locator('.pane-body .monaco-list-row', { hasText: 'fixture-org/sentiment-small' }).filter({ hasText: /used/ }).first();
    await cached.waitFor();
    await page.screenshot({ path: path.join(o.results, 'cache-view.png') });
    await rowMenu(page, cached, 'Delete from Cache…');
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'Delete' });
    await dialog.waitFor();
    await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
    await page.waitForFunction(`![...document.querySelectorAll('.monaco-list-row')].some((r) => /sentiment-small/.test(r.textContent) && /used/.test(r.textContent))`, undefined, { timeout: 15_000 });
  });

  await check('Hub sidebar, Cache view: the Xet cache row shows its size; Clear Xet Cache asks with what it frees, then empties it', async () => {
    const xetDir = path.join(o.hfHome, 'xet');
    writeXetCache(xetDir);
    try {
      await expandPane(page, 'Cache');
      await runCommand(page, 'AI Lab: Refresh Cache');
      const xetRow = page.locator('.pane-body .monaco-list-row', { hasText: 'Xet cache (hf_xet)' }).first();
      await xetRow.filter({ hasText: '150.9 KB · 8 files · 1 endpoint' }).waitFor();
      await page.locator('.pane-header', { hasText: /Xet 150\.9 KB/ }).first().waitFor();
      await page.screenshot({ path: path.join(o.results, 'cache-view-xet.png') });
      await rowMenu(page, xetRow, 'Clear Xet Cache…');
      const dialog = page.locator('.monaco-dialog-box', { hasText: 'Clear the Xet cache?' });
      await dialog.waitFor();
      const text = await dialog.innerText();
      if (!text.includes(`This frees 150.9 KB in ${xetDir}`)) throw new Error(`the confirmation says "${text}"`);
      await page.screenshot({ path: path.join(o.results, 'cache-xet-confirm.png') });
      await dialog.locator('.monaco-button', { hasText: /^Clear$/ }).click();
      await xetRow.filter({ hasText: '0 B · 0 files · 0 endpoints' }).waitFor({ timeout: 15_000 });
      if (fs.readdirSync(xetDir).length) throw new Error(`left in the Xet cache: ${fs.readdirSync(xetDir).join(', ')}`);
    } finally {
      fs.rmSync(xetDir, { recursive: true, force: true });
    }
  });

  await check('Datasets: expand a dataset, preview a split (paged rows with column types), plan a stratified split', async () => {
    await runCommand(page, 'AI Lab: Search Datasets');
    await quickInput(page, 'reviews');
    const ds = row(page, 'fixture-org/reviews');
    await ds.waitFor();
    await ds.locator('.monaco-tl-twistie').click();
    const train = row(page, /^train\s*250 rows/);
    await train.waitFor();
    // A click that lands while the tree is still laying out its rows only selects: click again.
    let f: Frame | undefined;
    for (let attempt = 1; !f; attempt++) {
      await train.click();
      f = await frameWith(page, '#rows', 'the dataset panel', 8000).catch((err: unknown) => {
        if (attempt === 3) throw err;
        return undefined;
      });
    }
    await f.locator('#rows tbody tr').nth(24).waitFor();
    const head = await f.locator('#rows thead').innerText();
    if (!/ClassLabel\(neg, pos\)/.test(head)) throw new Error(`column header "${head}"`);
    await f.locator('button', { hasText: 'Next' }).click();
    await f.locator('text=rows 26–50 of 250').waitFor();
    await f.locator('#stratify').selectOption('label');
    await f.locator('#plan').click();
    const plan = f.locator('.plan .result');
    await plan.waitFor();
    const text = await plan.innerText();
    if (!/train 180 rows · test 45 rows, stratified on label/.test(text)) throw new Error(`plan says "${text}"`);
    await f.locator('pre.code', { hasText: 'stratify_by_column="label"' }).waitFor();
    await page.screenshot({ path: path.join(o.results, 'dataset-preview.png') });
  });

  await check('Sign In with a token: whoami in the Models view; the token is in no setting and no log, and survives a reload', async () => {
    await runCommand(page, 'AI Lab: Sign In to Hugging Face');
    await quickInput(page, o.token);
    await page.locator('.notification-toast', { hasText: 'signed in to Hugging Face as fixture-user' }).waitFor();
    await page.locator('.pane-body', { hasText: 'Signed in as fixture-user' }).first().waitFor();
    if (o.readSettings().includes(o.token)) throw new Error('the token is in settings.json');
    if (aiLabLog(o.logsDir).includes(o.token)) throw new Error('the token is in the AI Lab log');
    // A reload must come up with the user settings (the fake GPU shows they were read): code-server
    // now and then starts a window without them, which would say "offline" rather than "signed in".
    const gpu = page.locator('.statusbar-item', { hasText: 'RTX 5080' }).first();
    await reloadWith(page, () => o.writeSettings({}), () => gpu.waitFor({ timeout: 15_000 }));
    // The status bar item reveals the container (a click on the activity bar could toggle it shut).
    await gpu.click();
    await expandPane(page, 'Models');
    await page.locator('.pane-body', { hasText: 'Signed in as fixture-user' }).first().waitFor();
    await page.screenshot({ path: path.join(o.results, 'signed-in.png') });
  });
  // Leave the Environment view the room the checks after these expect.
  for (const pane of ['Models', 'Datasets', 'Cache']) await collapsePane(page, pane);
}
