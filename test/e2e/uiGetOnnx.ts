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
}
