/**
 * Languages given in other conventions than ISO 639-1: ISO 639-2/3 codes (deu, ger, fra), old codes
 * (iw), and script or region subtags that ask for another script (zh-TW, zh-Hant: Traditional Chinese,
 * never silently Simplified); core and through `ai-lab translate` on the fixture models.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseLanguage } from '../../src/core/nlp/languages';
import type { RunOptions, TaskRunner } from '../../src/core/nlp/runner';
import { languageOptions, translateText } from '../../src/core/nlp/translate';
import { InputError } from '../../src/core/text/chunks';
import { cliAsync } from '../fixtures/cli';
import { marianFiles, nllbFiles } from '../fixtures/models/translation';
import { writeModelDir } from '../fixtures/models/write';

/** Records the options each translation call gets; "translates" by upper-casing. */
class Recorder implements TaskRunner {
  readonly backend = 'local';
  readonly opts: Array<Record<string, unknown>> = [];
  async run(_pipeline: string, _model: string, inputs: unknown[], _o?: RunOptions): Promise<unknown> {
    this.opts.push((inputs[1] ?? {}) as Record<string, unknown>);
    return (inputs[0] as string[]).map((t) => ({ translation_text: t.toUpperCase() }));
  }
}

describe('translation: language codes in other conventions', () => {
  it('ISO 639-2/3 and old codes are the ISO 639-1 language (deu, ger → de; fra, fre → fr; iw → he); tl stays tl', () => {
    for (const [given, iso, nllb] of [['deu', 'de', 'deu_Latn'], ['ger', 'de', 'deu_Latn'], ['GER', 'de', 'deu_Latn'], ['fra', 'fr', 'fra_Latn'], ['fre', 'fr', 'fra_Latn'], ['iw', 'he', 'heb_Hebr'], ['tl', 'tl', 'tgl_Latn'], ['en_US', 'en', 'eng_Latn'], ['de-DE', 'de', 'deu_Latn']] as const) {
      const l = parseLanguage(given, 'x');
      assert.deepEqual([l.iso, l.nllb], [iso, nllb], given);
    }
  });

  it('a tag for another script is that script (zh-TW, zh-Hant → zho_Hant), or no NLLB code at all (sr-Latn): never the usual script', () => {
    for (const given of ['zh-TW', 'zh-Hant', 'zh_Hant', 'zh-HK']) assert.deepEqual([parseLanguage(given, 'x').iso, parseLanguage(given, 'x').nllb], ['zh', 'zho_Hant'], given);
    for (const given of ['zh', 'zh-CN', 'zh-Hans']) assert.equal(parseLanguage(given, 'x').nllb, 'zho_Hans', given);
    const sr = parseLanguage('sr-Latn', 'x');
    assert.deepEqual([sr.iso, sr.nllb], ['sr', undefined]);
    assert.equal(parseLanguage('sr', 'x').nllb, 'srp_Cyrl');
    assert.deepEqual(languageOptions('nllb', parseLanguage('en', 'x'), parseLanguage('zh-TW', 'x')), { src_lang: 'eng_Latn', tgt_lang: 'zho_Hant' });
    assert.throws(() => languageOptions('nllb', parseLanguage('en', 'x'), sr), (e: Error) => e instanceof InputError && /NLLB needs a FLORES-200 code for Serbian \(Latin\)/.test(e.message));
  });

  it('NLLB is told Traditional Chinese for zh-TW; Simplified and Traditional are two targets, not "the same language"', async () => {
    const runner = new Recorder();
    await translateText({ runner, model: 'Xenova/nllb-200-distilled-600M', text: 'Hello.', from: 'en', to: 'zh-TW' });
    assert.equal(runner.opts[0]!.tgt_lang, 'zho_Hant');
    await translateText({ runner, model: 'Xenova/nllb-200-distilled-600M', text: '你好。', from: 'zh-CN', to: 'zh-TW' });
    assert.deepEqual([runner.opts[1]!.src_lang, runner.opts[1]!.tgt_lang], ['zho_Hans', 'zho_Hant']);
    await assert.rejects(translateText({ runner, model: 'Xenova/nllb-200-distilled-600M', text: 'Hallo.', from: 'deu', to: 'ger' }), /both German \(de\): nothing to translate/);
  });
});

describe('CLI: ai-lab translate with ISO 639-2 codes (fixture models)', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-cli-langtags-'));
  const env = { HF_HUB_OFFLINE: '1', HF_HOME: path.join(dir, 'hf') };
  const marian = writeModelDir(marianFiles());
  const nllb = writeModelDir(nllbFiles());
  after(() => {
    for (const d of [dir, marian, nllb]) fs.rmSync(d, { recursive: true, force: true });
  });

  it('--from deu --to eng with the Marian de-en model and the NLLB model: the translation, from "de" to "en"', async () => {
    for (const model of [marian, nllb]) {
      const r = await cliAsync(['translate', '--text', 'Das Haus ist klein.', '--from', 'deu', '--to', 'eng', '--model', model, '--device', 'cpu', '--json'], env);
      assert.equal(r.status, 0, r.stderr);
      const j = JSON.parse(r.stdout) as { output: { text: string; from: string; to: string } };
      assert.deepEqual([j.output.text, j.output.from, j.output.to], ['The house is small.', 'de', 'en'], model);
    }
  });
});
