/** Driving VS Code's web UI with Playwright: the command palette, the editor context menu, the results panel. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';

function findFiles(dir: string, name: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? findFiles(p, name) : e.name === name ? [p] : [];
  });
}

export function aiLabLog(logsDir: string): string {
  return findFiles(logsDir, 'AI Lab.log').map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

export type Check = (name: string, fn: () => Promise<void>) => Promise<void>;

/**
 * The UI checks' runner: prints ✔/✘ lines (counted by scripts/test.sh), and on failure keeps a
 * screenshot and the AI Lab log. AI_LAB_E2E_GREP runs only the checks whose names match.
 */
export function createChecker(page: Page, o: { results: string; logsDir: string }): { check: Check; failures: () => number; only: RegExp | undefined } {
  let failures = 0;
  const only = process.env.AI_LAB_E2E_GREP ? new RegExp(process.env.AI_LAB_E2E_GREP) : undefined;
  const check: Check = async (name, fn) => {
    if (only && !only.test(name)) return;
    const started = Date.now();
    try {
      await fn();
      console.log(`  ✔ ${name} (${Date.now() - started} ms)`);
    } catch (err) {
      failures++;
      console.error(`  ✘ ${name}: ${err instanceof Error ? err.message : String(err)}`);
      const file = path.join(o.results, `failed-${name.replace(/\W+/g, '-').slice(0, 60)}`);
      await page.screenshot({ path: `${file}.png` }).catch(() => undefined);
      fs.writeFileSync(`${file}.log`, aiLabLog(o.logsDir));
    }
  };
  return { check, failures: () => failures, only };
}

/**
 * Runs `title` from the command palette (F1). Run alone (AI_LAB_E2E_GREP), a check's first command may
 * be typed while the palette is still loading its command list or before the extension has registered
 * its commands: the palette then lists nothing for it. So the row is waited for briefly, and the
 * palette closed and opened again until it lists the command (up to `timeoutMs`, 60 s by default);
 * the row that shows `title` is the one run, even when another row has the focus.
 */
export async function runCommand(page: Page, title: string, o: { timeoutMs?: number } = {}): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const opened = await input.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
    const typed = opened && (await input.fill(`>${title}`, { timeout: 5000 }).then(() => true, () => false));
    if (typed && (await row.waitFor({ timeout: 8000 }).then(() => true, () => false))) break;
    if (Date.now() > deadline) throw new Error(`the command palette did not ${typed ? 'list' : 'take'} "${title}" in ${attempt} tries`);
    await page.keyboard.press('Escape');
    // After a reload the keyboard focus may be nowhere: give it to the editor and try again.
    if (!typed) await page.locator('.monaco-editor .view-lines, .monaco-workbench .part.editor').first().click().catch(() => undefined);
    await page.waitForTimeout(1000);
  }
  const focused = page.locator('.quick-input-list .monaco-list-row.focused').first();
  const focusedText = await focused.innerText({ timeout: 1000 }).catch(() => '');
  if (focusedText.includes(title)) await page.keyboard.press('Enter');
  else await row.click();
}

/** The first webview frame that holds `selector` (webview pages are iframes inside the workbench). */
export async function frameWith(page: Page, selector: string, what: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of page.frames()) if (await f.$(selector).catch(() => null)) return f;
    if (Date.now() > deadline) throw new Error(`${what} did not appear`);
    await page.waitForTimeout(250);
  }
}

/** The results panel's page: the webview iframe that holds #entries. */
export function resultsFrame(page: Page): Promise<Frame> {
  return frameWith(page, '#entries', 'the AI Lab Results panel');
}

/** Moves the keyboard focus in the open menu to `label` (menus ignore synthetic jumps of the pointer). */
export async function focusMenuItem(page: Page, label: string): Promise<void> {
  const focused = async () => (await page.locator('.monaco-menu .action-item.focused').last().innerText({ timeout: 300 }).catch(() => '')).split('\n')[0]!.trim();
  for (let i = 0; i < 30 && (await focused()) !== label; i++) await page.keyboard.press('ArrowDown');
  if ((await focused()) !== label) throw new Error(`menu item "${label}" never got the focus`);
}

/**
 * The Explorer's right-click menu on the workspace folder `folder`, then `item`, chosen with the
 * keyboard. Right after a window loads the menu can come up before the extensions' items are in it:
 * then it is opened again (3 tries).
 */
export async function explorerFolderCommand(page: Page, folder: string, item: string): Promise<void> {
  await runCommand(page, 'View: Show Explorer');
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: folder }).first();
  await row.waitFor({ timeout: 15_000 });
  for (let attempt = 1; ; attempt++) {
    await row.click({ button: 'right' });
    const shown = await page.locator('.monaco-menu .action-item', { hasText: item }).first().waitFor({ timeout: 10_000 }).then(() => true, () => false);
    if (shown) break;
    if (attempt === 3) throw new Error(`the Explorer's menu on ${folder} has no "${item}"`);
    await page.keyboard.press('Escape');
    await page.waitForTimeout(3000);
  }
  await focusMenuItem(page, item);
  await page.keyboard.press('Enter');
}

/** Right-click in the editor, then AI Lab ▸ item, chosen with the keyboard as a keyboard user would. */
export async function contextMenuCommand(page: Page, item: string): Promise<void> {
  await page.locator('.monaco-editor .view-lines').first().click({ button: 'right' });
  await chooseAiLabItem(page, item);
}

/** In an open context menu: AI Lab ▸ item, chosen with the keyboard. */
export async function chooseAiLabItem(page: Page, item: string): Promise<void> {
  await page.locator('.monaco-menu .action-item', { hasText: /^AI Lab$/ }).first().waitFor();
  await focusMenuItem(page, 'AI Lab');
  await page.keyboard.press('ArrowRight');
  await page.locator('.monaco-menu .action-item', { hasText: item }).first().waitFor();
  await focusMenuItem(page, item);
  await page.keyboard.press('Enter');
}

/** Opens a workspace file, selects all of it, and runs AI Lab ▸ item from the editor's context menu. */
export async function runOnFile(page: Page, name: string, mustShow: string, item: string): Promise<void> {
  await openWorkspaceFile(page, name, mustShow);
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  await contextMenuCommand(page, item);
}

export async function openWorkspaceFile(page: Page, name: string, mustShow: string): Promise<void> {
  const shown = page.locator('.monaco-editor .view-lines', { hasText: mustShow }).first();
  // Focus races after a reload or a webview: the Enter of Quick Open, or the tab click, can land elsewhere.
  // Try the tab or Quick Open twice, then the Explorer (where a row click cannot be taken by a webview).
  for (let attempt = 1; ; attempt++) {
    const tab = page.locator('.tabs-container .tab', { hasText: name }).first();
    if (attempt < 3) {
      if (await tab.isVisible().catch(() => false)) await tab.click();
      else {
        // After a reload the keyboard focus may be nowhere: give it to the editor text first.
        const text = page.locator('.monaco-editor .view-lines').first();
        if (await text.isVisible().catch(() => false)) await text.click();
        await quickOpen(page, name);
      }
    } else {
      await page.keyboard.press('Escape');
      await runCommand(page, 'View: Show Explorer');
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().click();
    }
    if (await shown.waitFor({ timeout: attempt < 3 ? 10_000 : 30_000 }).then(() => true, () => false)) return;
    if (attempt === 3) throw new Error(`"${name}" did not open showing "${mustShow}" in three tries (tab or Quick Open twice, then the Explorer)`);
    console.log(`  ("${name}" not shown after try ${attempt}; trying again)`);
  }
}

/** Opens a workspace file by name through Quick Open (Ctrl+P), with whatever editor VS Code picks. */
export async function quickOpen(page: Page, name: string): Promise<void> {
  // Right after a window reload code-server's file search now and then answers nothing for a file
  // not opened before: close the box and search again.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    // After a reload the keyboard focus may be nowhere and Ctrl+P opens nothing: give the workbench the focus and try again.
    if (!(await input.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false))) {
      if (attempt === 3) throw new Error(`Quick Open did not open in three tries (looking for "${name}")`);
      await page.keyboard.press('Escape');
      await page.locator('.monaco-editor .view-lines, .monaco-workbench .part.editor').first().click();
      continue;
    }
    // The box can close again as the focus settles after a reload: then it is opened again.
    if (!(await input.fill(name, { timeout: 5000 }).then(() => true, () => false))) {
      if (attempt === 3) throw new Error(`Quick Open closed before "${name}" could be typed, three times`);
      await page.keyboard.press('Escape');
      await page.locator('.monaco-editor .view-lines, .monaco-workbench .part.editor').first().click();
      continue;
    }
    const found = await page
      .locator('.quick-input-list .monaco-list-row', { hasText: name })
      .first()
      .waitFor({ timeout: 10_000 })
      .then(() => true, () => false);
    if (found) break;
    if (attempt === 3) throw new Error(`Quick Open found no "${name}" in three tries`);
    await page.keyboard.press('Escape');
    await page.waitForTimeout(1000);
  }
  await page.keyboard.press('Enter');
}


/**
 * Rewrites settings.json and reloads until `read` finds what shows they were read: code-server's watcher now
 * and then misses a rewrite and the window comes up with no user settings at all.
 */
export async function reloadWith(page: Page, write: () => void, read: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    write();
    await page.waitForTimeout(1000);
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    if (await read().then(() => true, () => false)) return;
    if (attempt === 3) throw new Error('the window did not pick up the rewritten settings after 3 reloads');
    console.log(`  (settings not picked up after reload ${attempt}; writing them again)`);
  }
}

/** Types `text` into the open quick pick and takes the row that shows `row`. */
export async function pick(page: Page, text: string, row: string): Promise<void> {
  await typeInQuickInput(page, text, false);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: row }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Types `text` into the open input box or quick pick (waited for) and, unless told otherwise, presses Enter. */
export async function typeInQuickInput(page: Page, text: string, enter = true): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(text);
  if (enter) await page.keyboard.press('Enter');
}
