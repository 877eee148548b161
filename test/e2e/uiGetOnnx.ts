/**
 * UI check of Get ONNX Weights' conversion path: a workspace folder with PyTorch-style files only, the
 * Explorer's folder menu (aiLab.pythonPaths names the fake environment), the plan in a notification, "Run in Terminal" (a stub optimum-cli in a fake
 * environment, test/fixtures/python/fakeOptimum.ts), then AI Lab's move into onnx/ and its validation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { sentimentModelFiles } from '../fixtures/models/sentiment';
import { makeFakeOptimumEnv, optimumLayout, type FakeOptimumEnv } from '../fixtures/python/fakeOptimum';
import { explorerFolderCommand, runCommand, type Check } from './uiDriver';
import type { FixtureHub } from '../fixtures/hub/server';
import { pytorchOnlyFiles } from '../fixtures/hub/onnxPorts';


/** The folder: the sentiment fixture's config and tokenizer, a stand-in PyTorch weights file, no onnx/. */
export const PT_ONLY_FOLDER = 'pt-only-model';

export function writePtOnlyFolder(workspace: string): void {
  const files = sentimentModelFiles();
  for (const [name, data] of Object.entries(files)) {
    if (name.startsWith('onnx/') || name === 'README.md') continue;
    fs.mkdirSync(path.join(workspace, PT_ONLY_FOLDER), { recursive: true });
    fs.writeFileSync(path.join(workspace, PT_ONLY_FOLDER, name), data);
  }
}

/** A PyTorch-only text classifier on the loopback Hub, and a transformers.js copy that names it as its base model. */
export const PT_ONLY_REPO = 'acme/pytorch-sentiment';
export const PORT_REPO = 'onnx-community/pytorch-sentiment';

export function addPortRepos(hub: FixtureHub): void {
  hub.addRepo({ id: PT_ONLY_REPO, files: pytorchOnlyFiles(), pipelineTag: 'text-classification', libraryName: 'transformers', tags: ['transformers', 'safetensors', 'bert', 'text-classification'] });
  hub.addRepo({ id: PORT_REPO, files: sentimentModelFiles(), pipelineTag: 'text-classification', tags: ['transformers.js', 'onnx', `base_model:${PT_ONLY_REPO}`], cardData: { base_model: PT_ONLY_REPO } });
}

/** An environment whose optimum-cli writes the sentiment model in Optimum's layout. */
export function fakeExportEnv(): FakeOptimumEnv {
  return makeFakeOptimumEnv({ exportFiles: optimumLayout(sentimentModelFiles()) });
}

export async function checkGetOnnxUi(page: Page, o: { results: string; workspace: string; env: FakeOptimumEnv }, check: Check): Promise<void> {
  await check('Get ONNX Weights from the Explorer\'s folder menu: the plan, Run in Terminal (stub optimum-cli), the result moved into onnx/ and validated (screenshot)', async () => {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await explorerFolderCommand(page, PT_ONLY_FOLDER, 'Get ONNX Weights');
    const plan = page.locator('.notification-toast', { hasText: 'no transformers.js-ready copy' }).first();
    await plan.waitFor({ timeout: 30_000 });
    const said = await plan.innerText();
    if (!said.includes(o.env.python) || !/export onnx/.test(said) || !/--task text-classification/.test(said)) throw new Error(`the plan reads "${said}"`);
    await page.screenshot({ path: path.join(o.results, 'get-onnx-plan.png') });
    await plan.locator('.monaco-button', { hasText: 'Run in Terminal' }).click();
    // With shell integration AI Lab sees the exit code; without it, the user says the export finished.
    const done = page.locator('.notification-toast', { hasText: /runs in AI Lab for text-classification|When it has finished, validate the result/ }).first();
    await done.waitFor({ timeout: 60_000 });
    if (/validate the result/.test(await done.innerText())) {
      const out = path.join(o.workspace, `${PT_ONLY_FOLDER}-onnx`, 'model.onnx');
      for (let i = 0; i < 60 && !fs.existsSync(out); i++) await page.waitForTimeout(500);
      await done.locator('.monaco-button', { hasText: 'Validate Result' }).click();
    }
    const ok = page.locator('.notification-toast', { hasText: 'runs in AI Lab for text-classification' }).first();
    await ok.waitFor({ timeout: 30_000 });
    const calls = o.env.calls();
    if (calls.length !== 1 || calls[0]![0] !== 'export' || calls[0]![1] !== 'onnx') throw new Error(`optimum-cli was called ${JSON.stringify(calls)}`);
    const outDir = path.join(o.workspace, `${PT_ONLY_FOLDER}-onnx`);
    if (!fs.existsSync(path.join(outDir, 'onnx', 'model.onnx')) || fs.existsSync(path.join(outDir, 'model.onnx'))) throw new Error(`the export was not moved into onnx/: ${fs.readdirSync(outDir).join(', ')}`);
    await page.screenshot({ path: path.join(o.results, 'get-onnx-done.png') });
    await ok.locator('.monaco-button', { hasText: 'Open Validation Report' }).click();
    // The report of the earlier Validate check may still be open: look for the one with no errors.
    for (let i = 0; ; i++) {
      const texts = await Promise.all(page.frames().map((f) => f.locator('#summary').first().innerText({ timeout: 200 }).catch(() => '')));
      if (texts.some((t) => /^0 errors, /.test(t.trim()))) break;
      if (i === 60) throw new Error(`no validation report with 0 errors (summaries: ${texts.filter(Boolean).join(' | ') || 'none'})`);
      await page.waitForTimeout(500);
    }
  });

  await check('Run Model on Selection with a PyTorch-only Hub model: the warning\'s Get ONNX Weights button lists the transformers.js copy, which can be chosen', async () => {
    await runCommand(page, 'Notifications: Clear All Notifications');
    // Opened from the Explorer: after the checks before, Quick Open's keys can land in a webview.
    await runCommand(page, 'View: Show Explorer');
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'review.txt' }).first().click();
    await page.locator('.monaco-editor .view-lines', { hasText: 'terrible' }).first().waitFor();
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+A');
    await runCommand(page, 'AI Lab: Run Model on Selection');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Text classification' }).first().click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(PT_ONLY_REPO);
    await page.keyboard.press('Enter');
    const warning = page.locator('.notification-toast', { hasText: 'has no ONNX weights' }).first();
    await warning.waitFor({ timeout: 30_000 });
    await warning.locator('.monaco-button', { hasText: 'Get ONNX Weights' }).click();
    const port = page.locator('.quick-input-list .monaco-list-row', { hasText: PORT_REPO }).first();
    await port.waitFor({ timeout: 30_000 });
    const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    if (!rows.some((r) => /Convert it with Optimum instead/.test(r))) throw new Error(`the copies list reads ${JSON.stringify(rows)}`);
    await page.screenshot({ path: path.join(o.results, 'get-onnx-ports.png') });
    await port.click();
    await page.locator('.notification-toast', { hasText: `${PORT_REPO} runs in AI Lab` }).first().waitFor({ timeout: 15_000 });
  });
}
