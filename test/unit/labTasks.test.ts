/**
 * The task table (src/core/nlp/tasks.ts) is the one place for each task's defaults: package.json's
 * setting defaults equal it, and the host's settings reader falls back to it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BATCH_SIZE,
  batchSizeFor,
  CLASSIFY_DEFAULTS,
  DEFAULT_PRESETS,
  GENERATE_DEFAULTS,
  LAB_TASKS,
  PIPELINE_TASKS,
  QA_DEFAULTS,
  SUMMARY_DEFAULTS,
  TRANSLATE_DEFAULTS,
  ZERO_SHOT_DEFAULTS,
  type LabTaskId,
} from '../../src/core/nlp/tasks';
import { REPO_ROOT } from '../fixtures/paths';
import { fakeVscode, installFakeVscode } from './support/fakeVscode';

installFakeVscode();
// After the stub: config.ts requires 'vscode'.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { readConfig } = require('../../src/host/config') as typeof import('../../src/host/config');

type Props = Record<string, { default?: unknown }>;

/** Every `aiLab.*` setting package.json contributes, with its default. */
function contributed(): Props {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Props } | Array<{ properties: Props }> } };
  const conf = pkg.contributes.configuration;
  return Object.assign({}, ...(Array.isArray(conf) ? conf : [conf]).map((c) => c.properties)) as Props;
}

const settingDefault = (key: string): unknown => {
  const p = contributed()[`aiLab.${key}`];
  assert.ok(p, `package.json contributes aiLab.${key}`);
  return p.default;
};

/** Each setting and the table's value its default must equal. */
const SETTINGS: Array<[string, unknown]> = [
  ['qa.chunkTokens', QA_DEFAULTS.chunkTokens],
  ['qa.overlapTokens', QA_DEFAULTS.overlapTokens],
  ['qa.topK', QA_DEFAULTS.topK],
  ['qa.minScore', QA_DEFAULTS.minScore],
  ['qa.retrieveTop', QA_DEFAULTS.retrieveTop],
  ['maxTokensPerPart', CLASSIFY_DEFAULTS.maxTokensPerPart],
  ['batchSize', BATCH_SIZE],
  ['zeroShot.hypothesisTemplate', ZERO_SHOT_DEFAULTS.hypothesisTemplate],
  ['zeroShot.multiLabel', ZERO_SHOT_DEFAULTS.multiLabel],
  ['summarize.presets', DEFAULT_PRESETS],
  ['summarize.chunkTokens', SUMMARY_DEFAULTS.chunkTokens],
  ['summarize.extractiveSentences', SUMMARY_DEFAULTS.extractiveSentences],
  ['summarize.extractiveRatio', SUMMARY_DEFAULTS.extractiveRatio],
  ['generate.maxNewTokens', GENERATE_DEFAULTS.maxNewTokens],
  ['generate.doSample', GENERATE_DEFAULTS.doSample],
  ['generate.temperature', GENERATE_DEFAULTS.temperature],
  ['generate.topK', GENERATE_DEFAULTS.topK],
  ['generate.topP', GENERATE_DEFAULTS.topP],
  ['translate.from', TRANSLATE_DEFAULTS.from],
  ['translate.to', TRANSLATE_DEFAULTS.to],
  ['translate.detectModel', TRANSLATE_DEFAULTS.detectModel],
  ...(Object.keys(LAB_TASKS) as LabTaskId[]).map((id): [string, unknown] => [`models.${id}`, LAB_TASKS[id].defaultModel]),
];

/** Settings as VS Code reads them when the user set none: package.json's defaults (or, with `fromManifest` false, nothing at all). */
function withSettings<T>(fromManifest: boolean, f: () => T): T {
  const props = contributed();
  const was = fakeVscode.workspace.getConfiguration;
  const value = (key: string) => (fromManifest ? props[`aiLab.${key}`]?.default : undefined);
  fakeVscode.workspace.getConfiguration = () => ({
    get: <V>(key: string, fallback?: V) => (value(key) as V | undefined) ?? fallback,
    inspect: ((key: string) => (fromManifest ? { key: `aiLab.${key}`, defaultValue: value(key) } : undefined)) as () => undefined,
  });
  try {
    return f();
  } finally {
    fakeVscode.workspace.getConfiguration = was;
  }
}

describe('the task table: one place for each task\'s defaults', () => {
  for (const [key, value] of SETTINGS) {
    it(`package.json's default of aiLab.${key} is the table's (${JSON.stringify(value)})`, () => {
      assert.deepEqual(settingDefault(key), value);
    });
  }

  for (const fromManifest of [true, false]) {
    it(`the host's settings reader gives the table's defaults (${fromManifest ? "VS Code answering package.json's defaults" : 'no value at all'})`, () => {
      const nlp = withSettings(fromManifest, () => readConfig().nlp);
      assert.deepEqual(nlp.qa, QA_DEFAULTS);
      assert.deepEqual(nlp.generate, GENERATE_DEFAULTS);
      assert.deepEqual(nlp.presets, DEFAULT_PRESETS);
      assert.deepEqual(
        { hypothesisTemplate: nlp.hypothesisTemplate, multiLabel: nlp.multiLabel, maxTokensPerPart: nlp.maxTokensPerPart, batchSize: nlp.batchSize },
        { ...ZERO_SHOT_DEFAULTS, ...CLASSIFY_DEFAULTS, batchSize: BATCH_SIZE },
      );
      assert.deepEqual(
        { chunkTokens: nlp.chunkTokens, extractiveSentences: nlp.extractiveSentences, extractiveRatio: nlp.extractiveRatio },
        { chunkTokens: SUMMARY_DEFAULTS.chunkTokens, extractiveSentences: SUMMARY_DEFAULTS.extractiveSentences, extractiveRatio: SUMMARY_DEFAULTS.extractiveRatio },
      );
      assert.deepEqual(nlp.translate, TRANSLATE_DEFAULTS);
      assert.deepEqual(nlp.models, Object.fromEntries(Object.values(LAB_TASKS).map((t) => [t.id, t.defaultModel])));
    });
  }

  it('the summary preset the CLI uses without --preset is one of the presets', () => {
    assert.ok(DEFAULT_PRESETS[SUMMARY_DEFAULTS.preset]);
  });

  it('batch sizes: paired inputs (zero-shot, QA) take half the setting, single sentences (extractive) twice, never below 1', () => {
    assert.deepEqual(
      (Object.keys(LAB_TASKS) as LabTaskId[]).map((t) => [t, batchSizeFor(t)]),
      [['sentiment', 16], ['grammar', 16], ['qnli', 16], ['zeroShot', 8], ['summarize', 16], ['extractive', 32], ['generate', 16], ['qa', 8], ['translate', 16], ['similarity', 32], ['findSimilar', 32]],
    );
    assert.equal(batchSizeFor('qa', 1), 1);
    assert.equal(batchSizeFor('zeroShot', 5), 2);
  });

  it('the raw pipeline run offers a default model for each pipeline a lab task runs, the task\'s own', () => {
    for (const t of Object.values(LAB_TASKS)) {
      if (t.pipeline === 'text-pair-classification') continue; // AI Lab's own pipeline, not offered by Run Model.
      assert.ok(PIPELINE_TASKS[t.pipeline], `${t.pipeline} is offered`);
      if (t.id !== 'grammar') assert.equal(PIPELINE_TASKS[t.pipeline]!.defaultModel, t.pipeline === 'text-classification' ? LAB_TASKS.sentiment.defaultModel : t.defaultModel);
    }
  });
});
