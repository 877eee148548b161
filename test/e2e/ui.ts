import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { aiLabLog, contextMenuCommand, createChecker, openWorkspaceFile, quickOpen, reloadWith, resultsFrame, runCommand, runOnFile } from './uiDriver';
import { checkHubUi, type HubUiOptions } from './uiHub';
import { checkOffsetsUi } from './uiOffsets';
import { checkPdfUi } from './uiPdf';
import { checkTranslateUi } from './uiTranslate';
import { checkSimilarUi } from './uiSimilar';
import { checkSearchUi } from './uiSearch';
import { checkAskWorkspaceUi } from './uiAskWorkspace';
import { checkCompareUi } from './uiCompare';
import { checkPdfPathsUi } from './uiPdfPaths';
import { checkValidateUi } from './uiValidate';
import { checkEvalUi } from './uiEval';
import { checkGetOnnxUi } from './uiGetOnnx';
import { checkPublishUi, type PublishUiOptions } from './uiPublish';
import type { FakeOptimumEnv } from '../fixtures/python/fakeOptimum';

export interface UiOptions extends HubUiOptions, PublishUiOptions {
  results: string;
  /** Points aiLab.nvidiaSmiPath at another fake by rewriting settings.json (read when the window loads). */
  switchSmi(scenario: string): void;
  logsDir: string;
  /** A Text Embeddings Inference stand-in (test/fixtures/backends/tei.ts) and the model it serves. */
  tei: { url: string; model: string; predictions: () => number };
  /** A fake Python environment with a stub optimum-cli. */
  env: FakeOptimumEnv;
}

/** What only the UI shows: status bar text, tree rows, welcome view, notifications. Returns the failure count. */
export async function checkUi(page: Page, o: UiOptions): Promise<number> {
  const { check, failures, only } = createChecker(page, o);
  page.setDefaultTimeout(30_000);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });

  await check('status bar shows the GPU, utilization and memory', async () => {
    const item = page.locator('.statusbar-item', { hasText: 'RTX 5080' });
    await item.waitFor({ timeout: 60_000 });
    const text = (await item.innerText()).trim();
    if (!/RTX 5080 7% 1\.2\/15\.9 GiB/.test(text)) throw new Error(`status bar says "${text}"`);
  });

  await check('clicking the status bar item reveals the Environment view with sm_120 and Blackwell', async () => {
    await page.locator('.statusbar-item', { hasText: 'RTX 5080' }).click();
    const gpuRow = page.locator('.monaco-list-row', { hasText: 'NVIDIA GeForce RTX 5080' });
    await gpuRow.waitFor();
    const text = await gpuRow.innerText();
    if (!text.includes('sm_120') || !text.includes('Blackwell')) throw new Error(`GPU row says "${text}"`);
    await page.locator('.monaco-list-row', { hasText: 'Architecture' }).first().waitFor();
    await page.locator('.monaco-list-row', { hasText: 'ONNX Runtime' }).first().waitFor();
    await page.screenshot({ path: path.join(o.results, 'environment-view.png') });
  });

  await check('the status bar tooltip details the GPU', async () => {
    // The workbench's hover wants a real approach of the pointer, not a jump onto the element.
    const box = (await page.locator('.statusbar-item', { hasText: 'RTX 5080' }).boundingBox())!;
    await page.mouse.move(box.x - 40, box.y + 5);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 10 });
    const hover = page.locator('.hover-contents', { hasText: 'NVIDIA GeForce RTX 5080 (sm_120)' }).first();
    await hover.waitFor();
    await page.screenshot({ path: path.join(o.results, 'status-bar-tooltip.png') });
    await page.mouse.move(700, 400);
  });

  await check('"AI Lab: Refresh Environment" from the command palette probes again', async () => {
    const before = (aiLabLog(o.logsDir).match(/Environment: /g) ?? []).length;
    await runCommand(page, 'AI Lab: Refresh Environment');
    const deadline = Date.now() + 20_000;
    while ((aiLabLog(o.logsDir).match(/Environment: /g) ?? []).length <= before) {
      if (Date.now() > deadline) throw new Error('no new "Environment:" line in the AI Lab log');
      await page.waitForTimeout(200);
    }
  });

  await check('"AI Lab: Copy Environment Report" from the command palette copies Markdown', async () => {
    await runCommand(page, 'AI Lab: Copy Environment Report');
    await page.locator('.notification-toast', { hasText: 'environment report copied' }).waitFor();
    const clip = await page.evaluate<string>('navigator.clipboard.readText()').catch(() => '');
    if (clip && !clip.includes('## AI Lab environment report')) throw new Error(`clipboard holds "${clip.slice(0, 80)}"`);
  });

  await check('the extension log has the activation line and no errors', async () => {
    const log = aiLabLog(o.logsDir);
    if (!/activated in [\d.]+ ms/.test(log)) throw new Error(`no activation line in log:\n${log.slice(0, 500)}`);
    const errors = log.split('\n').filter((l) => /\[error\]/.test(l));
    if (errors.length) throw new Error(`errors in log:\n${errors.join('\n')}`);
  });

  await check('"Run Model on Selection" downloads with a progress notification, then shows the result', async () => {
    await quickOpen(page, 'review.txt');
    await page.locator('.monaco-editor .view-lines', { hasText: 'terrible' }).first().waitFor();
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+A');
    await runCommand(page, 'AI Lab: Run Model on Selection');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Text classification' }).first().click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('Xenova/fixture-sst2');
    await page.keyboard.press('Enter');
    const downloading = page.locator('.notification-toast', { hasText: 'Downloading onnx/model.onnx' });
    await downloading.waitFor();
    await page.screenshot({ path: path.join(o.results, 'download-progress.png') });
    const result = page.locator('.notification-toast', { hasText: 'NEGATIVE' });
    await result.waitFor();
    const text = await result.innerText();
    if (!/Xenova\/fixture-sst2 on CPU/.test(text)) throw new Error(`result notification says "${text}"`);
    await page.screenshot({ path: path.join(o.results, 'pipeline-result.png') });
  });

  await check('"Enable CUDA Acceleration" installs the provider from the feed, probes again and says why it does not load here', async () => {
    await runCommand(page, 'AI Lab: Enable CUDA Acceleration');
    const done = page.locator('.notification-toast', { hasText: 'the CUDA provider is installed but does not load here' });
    await done.waitFor({ timeout: 60_000 });
    const text = await done.innerText();
    // The why in a few words; the loader's own message is in the log, not the toast.
    if (/ELFCLASS|shared object file|Failed to load library/i.test(text)) throw new Error(`the warning shows the loader's raw message: "${text}"`);
    if (!/no NVIDIA GPU|built for another machine|needs |does not load/.test(text)) throw new Error(`the warning does not say why: "${text}"`);
    await page.screenshot({ path: path.join(o.results, 'enable-cuda.png') });
    const log = aiLabLog(o.logsDir);
    if (!/installed libonnxruntime_providers_cuda\.so, libonnxruntime_providers_shared\.so, libonnxruntime_providers_tensorrt\.so from http:\/\/127\.0\.0\.1/.test(log)) throw new Error('no install line in the AI Lab log');
    if (!/CUDA provider installed but does not load: .*(ELF|shared object|Failed to load)/i.test(log)) throw new Error('the loader\'s message is not in the AI Lab log');
  });

  await check('context menu ▸ AI Lab ▸ Classify Sentiment: the panel shows sorted labels with score bars', async () => {
    await runOnFile(page, 'review.txt', 'terrible', 'Classify Sentiment');
    const frame = await resultsFrame(page);
    const row = frame.locator('.entry.done .label-row').first();
    await row.waitFor();
    const first = await row.getAttribute('aria-label');
    if (!/^NEGATIVE: 9\d\.\d %$/.test(first ?? '')) throw new Error(`first label row says "${first}"`);
    const style = await frame.locator('.entry.done .label-row .fill').first().getAttribute('style');
    if (!/width: 9\d\.\d%/.test(style ?? '')) throw new Error(`score bar style "${style}"`);
    await page.screenshot({ path: path.join(o.results, 'results-panel-dark.png') });
  });

  await check('backend chosen in the settings (aiLab.backend tei): Classify Sentiment runs on the TEI server; the panel names the backend and the server\'s model', async () => {
    const before = o.tei.predictions();
    const statusBar = () => page.locator('.statusbar-item', { hasText: 'RTX 5080' }).first().waitFor({ timeout: 15_000 });
    await reloadWith(page, () => o.writeSettings({ 'aiLab.backend': 'tei', 'aiLab.backends.teiUrl': o.tei.url }), statusBar);
    try {
      await runOnFile(page, 'review.txt', 'terrible', 'Classify Sentiment');
      const frame = await resultsFrame(page);
      const entry = frame.locator('.entry.done', { hasText: 'Classify Sentiment' }).filter({ hasText: ' · tei' }).first();
      await entry.waitFor({ timeout: 60_000 });
      const meta = (await entry.locator('.meta').innerText()).trim();
      if (!meta.startsWith(`${o.tei.model} · tei`)) throw new Error(`the entry says "${meta}"`);
      if (/CPU|CUDA/.test(meta)) throw new Error(`a local device is claimed for a remote result: "${meta}"`);
      const first = await entry.locator('.label-row').first().getAttribute('aria-label');
      if (!/^NEGATIVE: /.test(first ?? '')) throw new Error(`first label row says "${first}"`);
      if (o.tei.predictions() <= before) throw new Error('the TEI server was not asked');
    } finally {
      await reloadWith(page, () => o.writeSettings({ 'aiLab.backend': 'local' }), statusBar);
    }
  });

  await check('Summarize (Medium) from the context menu, then Insert Below and Replace Selection from the panel edit the document', async () => {
    await runOnFile(page, 'council.txt', 'council', 'Summarize');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Medium' }).first().click();
    const frame = await resultsFrame(page);
    const entry = frame.locator('.entry.done', { hasText: 'Summarize' }).first();
    await entry.waitFor();
    const summary = (await entry.locator('.text').innerText()).trim();
    if (summary !== 'City council members met for a short session to approve the river cleanup budget.') throw new Error(`summary "${summary}"`);
    await entry.locator('button.insertBelow').click();
    // Monaco renders spaces as no-break spaces, and the long first line leaves the view scrolled right.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    const want = 'City council members met for a short session to approve the river cleanup budget.';
    const deadline = Date.now() + 10_000;
    let lines: string[] = [];
    while (Date.now() < deadline) {
      lines = (await page.locator('.monaco-editor .view-line').allInnerTexts()).map((l) => l.replace(/\u00a0/g, ' ').trim());
      if (lines.includes(want)) break;
      await page.waitForTimeout(200);
    }
    if (!lines.includes(want)) throw new Error(`no inserted summary line; editor lines: ${JSON.stringify(lines)}`);
    await page.screenshot({ path: path.join(o.results, 'insert-below.png') });
    // Replace Selection: the input (line 1) becomes the summary too.
    await entry.locator('button.replace').click();
    const deadline2 = Date.now() + 10_000;
    while (Date.now() < deadline2) {
      lines = (await page.locator('.monaco-editor .view-line').allInnerTexts()).map((l) => l.replace(/\u00a0/g, ' ').trim());
      if (lines.filter((l) => l === want).length === 2) break;
      await page.waitForTimeout(200);
    }
    if (lines.filter((l) => l === want).length !== 2) throw new Error(`Replace Selection did not replace the input; editor lines: ${JSON.stringify(lines)}`);
  });

  await check('Check Grammar, QNLI (question box), zero-shot (labels box) and Continue Text from the context menu', async () => {
    await openWorkspaceFile(page, 'support.txt', 'dashboard');
    const runOnSelection = async (item: string) => {
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+A');
      await contextMenuCommand(page, item);
    };
    const frame = await resultsFrame(page);
    const newest = () => frame.locator('.entry').first();
    await runOnSelection('Check Grammar');
    await frame.locator('.entry.done', { hasText: 'Check Grammar' }).first().waitFor();
    if (!/^(un)?acceptable: /.test((await newest().locator('.label-row').first().getAttribute('aria-label')) ?? '')) throw new Error('grammar labels are not named');
    await runOnSelection('Check Answer Entailment (QNLI)');
    const q = page.locator('.quick-input-widget input');
    await q.waitFor({ state: 'visible' });
    await q.fill('Where is the dashboard error?');
    await page.keyboard.press('Enter');
    await frame.locator('.entry.done', { hasText: 'Check Answer Entailment' }).first().waitFor();
    if (!/^entailment: 9\d/.test((await newest().locator('.label-row').first().getAttribute('aria-label')) ?? '')) throw new Error('QNLI did not find the answer');
    await runOnSelection('Classify Into Categories (Zero-Shot)');
    await q.waitFor({ state: 'visible' });
    await q.fill('Billing Question, Product Feedback, Technical Support');
    await page.keyboard.press('Enter');
    await frame.locator('.entry.done', { hasText: 'Classify Into Categories' }).first().waitFor();
    if (!/^Technical Support: /.test((await newest().locator('.label-row').first().getAttribute('aria-label')) ?? '')) throw new Error('zero-shot picked another label');
    await openWorkspaceFile(page, 'story.txt', 'future');
    await runOnSelection('Continue Text');
    const gen = frame.locator('.entry.done', { hasText: 'Continue Text' }).first();
    await gen.waitFor();
    const text = (await gen.locator('.text').innerText()).trim();
    if (text !== 'open science is bright.') throw new Error(`generated "${text}"`);
  });

  // The Hub checks set up state before their first check: with a grep, only when it asks for them.
  if (!only || /Hub/.test(only.source)) await checkHubUi(page, o, check);
  await checkPdfUi(page, o, check);
  await checkOffsetsUi(page, o, check);
  await checkTranslateUi(page, o, check);
  await checkSimilarUi(page, o, check);
  await checkSearchUi(page, o, check);
  await checkAskWorkspaceUi(page, o, check);
  await checkCompareUi(page, o, check);
  await checkPdfPathsUi(page, o, check);
  await checkValidateUi(page, o, check);
  await checkEvalUi(page, o, check);
  await checkGetOnnxUi(page, o, check);
  await checkPublishUi(page, o, check);

  await check('the results panel in a light theme (screenshot)', async () => {
    // Settings are read when the window loads (as for the fake GPU below): switch, reload, run again.
    // Also: Continue Text now needs a model that downloads very slowly, to be cancelled below.
    await reloadWith(page, () => o.writeSettings({ 'workbench.colorTheme': 'Default Light Modern', 'aiLab.models.generate': 'Xenova/fixture-slow-lm' }), () => page.locator('.statusbar-item', { hasText: 'RTX 5080' }).first().waitFor({ timeout: 15_000 }));
    await page.locator('.monaco-workbench.vs').first().waitFor();
    await runOnFile(page, 'review.txt', 'terrible', 'Classify Sentiment');
    const frame = await resultsFrame(page);
    await frame.locator('.entry.done .label-row').first().waitFor();
    await page.screenshot({ path: path.join(o.results, 'results-panel-light.png') });
  });

  await check('a cancelled run stops quietly: the panel says Cancelled, no error is shown', async () => {
    await runOnFile(page, 'story.txt', 'future', 'Continue Text');
    const toast = page.locator('.notification-toast', { hasText: 'Downloading' });
    await toast.waitFor();
    await toast.locator('a.monaco-button, .monaco-button', { hasText: 'Cancel' }).first().click();
    const frame = await resultsFrame(page);
    await frame.locator('.entry.cancelled', { hasText: 'Continue Text' }).first().waitFor();
    await page.waitForTimeout(500);
    if (await page.locator('.notification-toast', { hasText: 'failed' }).count()) throw new Error('an error was shown for a cancellation');
  });

  await check('a failing nvidia-smi shows the no-GPU welcome view with the reason and a log link', async () => {
    // Settings are read when the window loads: switch the fake, then reload as a user would.
    const welcome = page.locator('.welcome-view-content', { hasText: 'could not talk to the NVIDIA driver' });
    // CPU alone would also show with no settings at all: the driver-failure text is the proof.
    await reloadWith(
      page,
      () => o.switchSmi('driver-failure'),
      async () => {
        // The CPU-state item reveals the view too (a click on the activity bar would toggle it shut).
        await page.locator('.statusbar-item', { hasText: 'CPU' }).first().click({ timeout: 15_000 });
        await welcome.waitFor({ timeout: 15_000 });
      },
    );
    await welcome.locator('a', { hasText: 'Show Log' }).first().waitFor();
    // The first words a user reads, in the status bar and the view: CPU (no NVIDIA GPU).
    const item = page.locator('.statusbar-item', { hasText: 'CPU (no NVIDIA GPU)' }).first();
    await item.waitFor({ timeout: 15_000 });
    if (!/^CPU \(no NVIDIA GPU\): /.test((await welcome.innerText()).trim())) throw new Error(`the welcome view does not start with "CPU (no NVIDIA GPU)": ${await welcome.innerText()}`);
    const hover = page.locator('.monaco-hover', { hasText: 'models run on the CPU' }).first();
    // A hover shows only after the pointer rests on the item: move away and back if the first one is missed.
    for (let attempt = 1; ; attempt++) {
      await page.mouse.move(0, 0);
      await item.hover();
      try {
        await hover.waitFor({ timeout: 8_000 });
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
    if (/cannot open shared object file|ELFCLASS|Failed to load library/.test(await hover.innerText())) throw new Error(`the status bar tooltip shows a loader error: ${await hover.innerText()}`);
    await page.keyboard.press('Escape');
    await page.screenshot({ path: path.join(o.results, 'no-gpu-welcome.png') });
  });

  await check('the welcome view\'s "Show CPU Environment" shows the diagnosis', async () => {
    await page.locator('.welcome-view-content a, .welcome-view-content .monaco-button', { hasText: 'Show CPU Environment' }).first().click();
    await page.locator('.monaco-list-row', { hasText: 'NVIDIA driver does not answer' }).first().waitFor();
    await page.screenshot({ path: path.join(o.results, 'no-gpu-diagnoses.png') });
  });
  // Last: in code-server, once an extension writes a user setting through the API, the other user
  // settings may read as unset until the window reloads, and a reload does not always cure it.
  await check('Choose Model for Task: search the Hub by task and pick a transformers.js model', async () => {
    await runCommand(page, 'AI Lab: Choose Model for Task');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Classify Sentiment' }).first().click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Search the Hub' }).first().click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('sst2');
    await page.keyboard.press('Enter');
    const hit = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Xenova/fixture-sst2' }).first();
    await hit.waitFor();
    if (await page.locator('.quick-input-list .monaco-list-row', { hasText: 'fixture-slow-lm' }).count()) throw new Error('a text-generation model was offered for sentiment');
    await hit.click();
    await page.locator('.notification-toast', { hasText: 'Classify Sentiment now uses Xenova/fixture-sst2' }).waitFor();
  });
  return failures();
}
