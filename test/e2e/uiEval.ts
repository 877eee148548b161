/**
 * UI check of Compare Models on a Dataset: from the palette on the workspace's reviews.csv with the two
 * local fixture classifiers the settings name (sentiment: labels matched by case; grammar: LABEL_0/LABEL_1,
 * a guess by position that must be confirmed), the results panel read in the browser.
 * Known answers (test/unit/evalRun.test.ts): both score 7/8 (the grammar fixture is the sentiment graph
 * with generic labels), they agree everywhere, and both miss row 4 "not good at all".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { fixtureModelDirs } from '../fixtures/models';
import { FIXTURES } from '../fixtures/paths';
import { focusMenuItem, frameWith, pick, runCommand, typeInQuickInput, type Check } from './uiDriver';

/** The data file of this check, copied into the workspace by runInCodeServer.ts. */
export const EVAL_DATA = 'reviews.csv';

export function writeEvalData(workspace: string): void {
  fs.copyFileSync(path.join(FIXTURES, 'eval', EVAL_DATA), path.join(workspace, EVAL_DATA));
}

/** Waits for the open quick input whose title, placeholder or prompt shows `text`. */
async function step(page: Page, text: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const widget = page.locator('.quick-input-widget');
    const title = await widget.locator('.quick-input-title').innerText({ timeout: 500 }).catch(() => '');
    const message = await widget.locator('.quick-input-message').innerText({ timeout: 500 }).catch(() => '');
    const placeholder = (await widget.locator('input.input').getAttribute('placeholder', { timeout: 500 }).catch(() => '')) ?? '';
    if ((await widget.isVisible()) && [title, message, placeholder].some((t) => t.includes(text))) return;
    if (Date.now() > deadline) throw new Error(`the quick input "${text}" did not show (title "${title}", placeholder "${placeholder}", message "${message}")`);
    await page.waitForTimeout(200);
  }
}

/**
 * The flow's steps after the data on the fixture-org/reviews split: the sample and seed, the settings'
 * two models, then the LABEL_0/LABEL_1 model's two questions (ClassLabel(neg, pos): the sentiment
 * fixture's NEGATIVE/POSITIVE match by synonym), each answered with its preselected guess.
 */
async function sampleModelsAndGuesses(page: Page, size: number, seed: number): Promise<void> {
  await step(page, 'Examples to run');
  await typeInQuickInput(page, String(size));
  await step(page, 'Seed of the sample');
  await typeInQuickInput(page, String(seed));
  await step(page, 'models to compare');
  await page.keyboard.press('Enter');
  for (const i of [1, 2]) {
    await step(page, `label ${i} of 2`);
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'guess by position' }).first().waitFor();
    await page.keyboard.press('Enter');
  }
}

/** Right-click on a tree row, then "Compare Models on a Dataset" (the menu can miss its items right after the tree renders: tried 3 times). */
async function compareFromMenu(page: Page, target: Locator): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await target.click({ button: 'right' });
    const shown = await page.locator('.monaco-menu .action-item', { hasText: 'Compare Models on a Dataset' }).first().waitFor({ timeout: 10_000 }).then(() => true, () => false);
    if (shown) break;
    if (attempt === 3) throw new Error(`the menu of "${await target.innerText()}" has no "Compare Models on a Dataset"`);
    await page.keyboard.press('Escape');
    await page.waitForTimeout(2000);
  }
  await focusMenuItem(page, 'Compare Models on a Dataset');
  await page.keyboard.press('Enter');
}

/** The panel's row of `model` (a folder path): its cells by header. */
async function row(frame: Frame, model: string): Promise<Record<string, string>> {
  const heads = (await frame.locator('#runs thead th').allInnerTexts()).map((h) => h.replace(/[▲▼]/g, '').trim());
  const cells = await frame.locator(`#runs tbody tr[data-model="${model}"] td`).allInnerTexts();
  return Object.fromEntries(heads.map((h, i) => [h, (cells[i] ?? '').trim()]));
}

export async function checkEvalUi(page: Page, o: { results: string; workspace: string }, check: Check): Promise<void> {
  await check('Compare Models on a Dataset from the palette: a CSV, two local classifiers (the LABEL_0/LABEL_1 guess confirmed), both rows at accuracy 0.875, the example every model fails (screenshot)', async () => {
    const models = fixtureModelDirs();
    await runCommand(page, 'AI Lab: Compare Models on a Dataset');
    await pick(page, 'text-classification', 'text-classification');
    await step(page, 'The data');
    await pick(page, EVAL_DATA, EVAL_DATA);
    // text and label are named as the task expects: no column is asked for.
    await step(page, 'Examples to run');
    await typeInQuickInput(page, '100');
    await step(page, 'Seed of the sample');
    await typeInQuickInput(page, '0');
    await step(page, 'models to compare');
    const checked = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('input[type=checkbox]:checked, .monaco-custom-toggle.checked') });
    const texts = await checked.allInnerTexts();
    if (!texts.some((t) => t.includes(models.sentiment)) || !texts.some((t) => t.includes(models.grammar))) throw new Error(`the checked models are ${JSON.stringify(texts)}`);
    await page.keyboard.press('Enter');
    // The grammar fixture's labels say nothing: one question per dataset label, the guess shown as such.
    for (const [i, label] of [[1, 'LABEL_0'], [2, 'LABEL_1']] as const) {
      await step(page, `label ${i} of 2`);
      const active = page.locator('.quick-input-list .monaco-list-row.focused').first();
      await active.waitFor();
      const text = await active.innerText();
      if (!text.includes(label) || !text.includes('guess by position')) throw new Error(`label ${i}: the preselected row reads "${text}"`);
      await page.keyboard.press('Enter');
    }
    const frame = await frameWith(page, '#runs', 'the Compare Models panel', 60_000);
    await frame.locator('#summary', { hasText: 'every model ran every example' }).waitFor({ timeout: 120_000 });
    for (const model of [models.sentiment, models.grammar]) {
      const r = await row(frame, model);
      if (r.Status !== 'done' || r.Accuracy !== '0.875') throw new Error(`${path.basename(model)}: ${JSON.stringify(r)}`);
      if (!/^\d/.test(r['p50 ms'] ?? '') || !/^\d/.test(r['ex/s'] ?? '') || r.Backend !== 'local' || r.Dtype !== 'fp32') throw new Error(`${path.basename(model)}: ${JSON.stringify(r)}`);
    }
    const disagree = (await frame.locator('#disagree h2').innerText()).trim();
    if (disagree !== 'Where the models disagree (0)') throw new Error(`the disagreement section says "${disagree}"`);
    const fails = await frame.locator('#allfail li.example').allInnerTexts();
    if (fails.length !== 1 || !fails[0]!.includes('not good at all') || !fails[0]!.includes('Reference (row 4): negative')) throw new Error(`the all-fail section lists ${JSON.stringify(fails)}`);
    await page.screenshot({ path: path.join(o.results, 'compare-models.png') });
    // Add to Shortlist on the sentiment row, then the shortlist as Markdown through the save dialog's default.
    await frame.locator(`#runs tbody tr[data-model="${models.sentiment}"] button.add-shortlist`).click();
    await page.locator('.notification-toast', { hasText: 'added to the shortlist' }).first().waitFor();
    const entries = JSON.parse(fs.readFileSync(path.join(o.workspace, '.ai-lab', 'shortlist.json'), 'utf8')) as { entries: Array<{ model: string; metrics: Record<string, number>; dataset: { source: string; sample: number; seed: number } }> };
    const e = entries.entries[0];
    if (entries.entries.length !== 1 || e?.model !== models.sentiment || e.metrics.accuracy !== 0.875 || e.dataset.source !== EVAL_DATA || e.dataset.sample !== 8) throw new Error(`the shortlist holds ${JSON.stringify(entries)}`);
    await runCommand(page, 'AI Lab: Export Shortlist as Markdown');
    const target = path.join(o.workspace, 'shortlist.md');
    await page.locator('.quick-input-widget input.input').waitFor({ state: 'visible' });
    const dialog = page.locator('.quick-input-widget input.input');
    for (let i = 0; !(await dialog.inputValue()).endsWith('shortlist.md'); i++) {
      if (i === 50) throw new Error(`the save dialog proposes "${await dialog.inputValue()}"`);
      await page.waitForTimeout(200);
    }
    await page.keyboard.press('Enter');
    await page.locator('.notification-toast', { hasText: 'shortlist exported' }).first().waitFor();
    const md = fs.readFileSync(target, 'utf8');
    const lines = md.split('\n');
    if (!/Accuracy \(0–1\)/.test(lines[0] ?? '') || !lines.some((l) => l.includes(models.sentiment) && l.includes('| 0.875 |') && l.includes('reviews.csv'))) throw new Error(`shortlist.md reads:\n${md}`);
    // The header buttons sort: Accuracy twice gives descending, announced by aria-sort.
    await frame.locator('#runs th button.sort', { hasText: 'Model' }).click();
    const sorted = await frame.locator('#runs thead th').first().getAttribute('aria-sort');
    if (sorted !== 'ascending') throw new Error(`the Model column's aria-sort is ${sorted}`);
  });

  await check('Compare Models on a Hub split from the palette: the loopback Hub\'s fixture-org/reviews train split through the dataset viewer, 20 rows sampled, two runs side by side', async () => {
    const models = fixtureModelDirs();
    await runCommand(page, 'AI Lab: Compare Models on a Dataset');
    await pick(page, 'text-classification', 'text-classification');
    await step(page, 'The data');
    await pick(page, 'Hugging Face Dataset', 'A Hugging Face Dataset');
    await step(page, 'Hugging Face dataset id');
    await typeInQuickInput(page, 'fixture-org/reviews');
    // One config: no question; the split is asked for.
    await step(page, 'the split');
    await pick(page, 'train', 'train');
    await sampleModelsAndGuesses(page, 20, 0);
    const frame = await frameWith(page, '#runs', 'the Compare Models panel', 60_000);
    await frame.locator('h1', { hasText: 'fixture-org/reviews (default/train)' }).waitFor({ timeout: 60_000 });
    await frame.locator('#summary', { hasText: 'every model ran every example' }).waitFor({ timeout: 120_000 });
    const summary = await frame.locator('#summary').innerText();
    if (!summary.startsWith('20 examples of 250 (seed 0)')) throw new Error(`the summary reads "${summary}"`);
    const [a, b] = [await row(frame, models.sentiment), await row(frame, models.grammar)];
    // The same graph under labels mapped in the same order: the same scores.
    if (a.Status !== 'done' || b.Status !== 'done' || !/^[01]\.\d{3}$/.test(a.Accuracy ?? '') || a.Accuracy !== b.Accuracy) throw new Error(`rows ${JSON.stringify(a)} / ${JSON.stringify(b)}`);
  });

  await check('Compare Models from a Hub split\'s context menu in the Datasets view: the split is filled in, the flow starts at the task', async () => {
    const models = fixtureModelDirs();
    await runCommand(page, 'AI Lab: Search Datasets');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill('reviews');
    await page.keyboard.press('Enter');
    const ds = page.locator('.monaco-list-row', { hasText: 'fixture-org/reviews' }).first();
    await ds.waitFor();
    if ((await ds.getAttribute('aria-expanded')) !== 'true') await ds.locator('.monaco-tl-twistie').click();
    const train = page.locator('.monaco-list-row', { hasText: /^train\s*250 rows/ }).first();
    await train.waitFor();
    await compareFromMenu(page, train);
    await pick(page, 'text-classification', 'text-classification');
    // No data step: the split came from the menu.
    await sampleModelsAndGuesses(page, 12, 3);
    const frame = await frameWith(page, '#runs', 'the Compare Models panel', 60_000);
    await frame.locator('h1', { hasText: 'fixture-org/reviews (default/train)' }).waitFor({ timeout: 60_000 });
    await frame.locator('#summary', { hasText: 'every model ran every example' }).waitFor({ timeout: 120_000 });
    const summary = await frame.locator('#summary').innerText();
    if (!summary.startsWith('12 examples of 250 (seed 3)')) throw new Error(`the summary reads "${summary}"`);
    const a = await row(frame, models.sentiment);
    if (a.Status !== 'done') throw new Error(`row ${JSON.stringify(a)}`);
  });

  await check('Compare Models from the Models view: two Hub models selected, the context menu fills them in; both score 0.875 on reviews.csv, licences from the Hub', async () => {
    const models = ['fixture-org/sentiment-small', 'fixture-org/sentiment-twin'];
    // The status bar item reveals the AI Lab container (a click on the activity bar could toggle it shut).
    await page.locator('.statusbar-item', { hasText: 'RTX 5080' }).first().click();
    const header = page.locator('.pane-header', { hasText: /^Models/i }).first();
    await header.waitFor();
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    // A search that lists exactly the two: both rows in view, whatever the pane's height.
    await runCommand(page, 'AI Lab: Search Models');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill('sentiment-');
    await page.keyboard.press('Enter');
    const rows = models.map((m) => page.locator('.monaco-list-row', { hasText: m }).first());
    await rows[0]!.waitFor({ timeout: 60_000 });
    await rows[1]!.waitFor();
    // One plain click selects the first alone; Ctrl+click adds the second.
    await rows[0]!.click();
    await rows[1]!.click({ modifiers: ['Control'] });
    await page.locator('.monaco-list-row.selected', { hasText: models[1]! }).first().waitFor();
    await page.locator('.monaco-list-row.selected', { hasText: models[0]! }).first().waitFor();
    await compareFromMenu(page, rows[1]!);
    await pick(page, 'text-classification', 'text-classification');
    await step(page, 'The data');
    await pick(page, EVAL_DATA, EVAL_DATA);
    await step(page, 'Examples to run');
    await typeInQuickInput(page, '100');
    await step(page, 'Seed of the sample');
    await typeInQuickInput(page, '0');
    // The selection is the models (no model step); NEGATIVE/POSITIVE match the dataset's labels by case (no question).
    const frame = await frameWith(page, `#runs tbody tr[data-model="${models[1]}"]`, 'the Compare Models panel with the selected models', 120_000);
    await frame.locator('#summary', { hasText: 'every model ran every example' }).waitFor({ timeout: 120_000 });
    const [a, b] = [await row(frame, models[0]!), await row(frame, models[1]!)];
    if (a.Status !== 'done' || a.Accuracy !== '0.875' || a.Licence !== 'apache-2.0') throw new Error(`${models[0]}: ${JSON.stringify(a)}`);
    if (b.Status !== 'done' || b.Accuracy !== '0.875' || b.Licence !== 'mit') throw new Error(`${models[1]}: ${JSON.stringify(b)}`);
  });
}
