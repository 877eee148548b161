/** UI check of token offsets as a person sees them: the tokenizer panel after emoji, and a click that selects a token's characters. */
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { frameWith, openWorkspaceFile, runCommand, type Check } from './uiDriver';

/** The workspace file of this check (written by runInCodeServer.ts). */
export const EMOJI_FILE = { name: 'emoji.txt', text: 'great 👍🏽 product 😀 hours\n' };

/** Inspect Tokenization on the current line with the task model whose quick-pick row says `task`. */
async function inspectWith(page: Page, task: string): Promise<Frame> {
  await runCommand(page, 'AI Lab: Inspect Tokenization');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: task }).first();
  await row.waitFor();
  await row.click();
  const frame = await frameWith(page, '#chips .chip', 'the tokenizer panel');
  await frame.locator('#chips .chip').first().waitFor();
  return frame;
}

/** The characters the panel shows for each token (by chip order), and the chips' tokens. */
async function panelTokens(frame: Frame): Promise<Array<[string, string | null]>> {
  return frame.evaluate(`(() => {
    const chips = [...document.querySelectorAll('#chips .chip')];
    return chips.map((c, i) => {
      const token = c.firstChild ? c.firstChild.textContent : '';
      const span = [...document.querySelectorAll('#source span.tok')].find((s) => s.dataset.tokens.split(' ').includes(String(i)));
      return [token, span ? span.textContent : null];
    });
  })()`);
}

export async function checkOffsetsUi(page: Page, o: { results: string }, check: Check): Promise<void> {
  await check('Inspect Tokenization after emoji: each token shows its own characters; clicking one selects exactly them; byte pieces share their emoji (screenshot)', async () => {
    await openWorkspaceFile(page, EMOJI_FILE.name, 'product');
    const frame = await inspectWith(page, 'Ask a Question');
    const tokens = (await panelTokens(frame)).filter(([, s]) => s !== null);
    const want = [['great', 'great'], ['[UNK]', '👍🏽'], ['product', 'product'], ['[UNK]', '😀'], ['hours', 'hours']];
    if (JSON.stringify(tokens) !== JSON.stringify(want)) throw new Error(`the panel maps ${JSON.stringify(tokens)}`);
    await page.screenshot({ path: path.join(o.results, 'tokenizer-emoji.png') });
    // A click on "hours" (after two emoji) selects its 5 characters in the editor.
    await frame.locator('#chips .chip', { hasText: /^hours/ }).first().click();
    await page.locator('.statusbar-item', { hasText: /\(5 selected\)/ }).first().waitFor({ timeout: 10_000 });
    // Which 5 characters: copy them (the focus is in the editor after the click).
    await page.keyboard.press('Control+C');
    const clip = await page.evaluate<string>('navigator.clipboard.readText()').catch(() => '');
    if (clip && clip !== 'hours') throw new Error(`the click selected "${clip}"`);
    // Byte-level BPE: the four pieces of 😀 all show the emoji; hovering one highlights it.
    await openWorkspaceFile(page, EMOJI_FILE.name, 'product');
    await page.keyboard.press('End'); // No selection: the command takes the whole line again.
    const bpe = await inspectWith(page, 'Continue Text');
    await bpe.locator('#chips .chip', { hasText: /^Ł/ }).first().waitFor(); // The panel is reused: wait for the new report.
    const shown = await panelTokens(bpe);
    const pieces = shown.filter(([, s]) => s === '😀');
    if (pieces.length !== 4 || shown.some(([, s]) => s === null)) throw new Error(`${pieces.length} pieces show the emoji: ${JSON.stringify(shown)}`);
    await bpe.locator('#chips .chip', { hasText: /^ĺ/ }).first().hover(); // 😀 is ð Ł ĺ Ģ (👍 is ð Ł ĳ į)
    const lit = await bpe.locator('#source span.tok.hl').first().innerText();
    if (lit !== '😀') throw new Error(`hovering a piece of the emoji highlights "${lit}"`);
  });
}
