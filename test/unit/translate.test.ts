/**
 * Translation: languages and pairs, sentence offsets and streaming order (a recording runner), the
 * fixture Marian and NLLB models on the real service, and `ai-lab translate` through the CLI.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRemoteRunner } from '../../src/core/backends/remoteRunner';
import type { HubClient } from '../../src/core/hub/hubApi';
import { HubError } from '../../src/core/hub/hubError';
import { InferenceService } from '../../src/core/inference/inferenceService';
import { runLabTask } from '../../src/core/lab/runLabTask';
import { closeLanguages, parseLanguage } from '../../src/core/nlp/languages';
import type { Progress, RunOptions, TaskRunner } from '../../src/core/nlp/runner';
import { ServiceTaskRunner } from '../../src/core/nlp/serviceRunner';
import { translateText } from '../../src/core/nlp/translate';
import { KNOWN_MARIAN_PAIRS, marianModelFor, marianPairs, translationFamily } from '../../src/core/nlp/translationModels';
import { InputError } from '../../src/core/text/chunks';
import { cliAsync } from '../fixtures/cli';
import { HfInferenceStandIn } from '../fixtures/backends/hfInference';
import { FixtureHub } from '../fixtures/hub/server';
import { marianFiles, nllbFiles } from '../fixtures/models/translation';
import { writeModelDir } from '../fixtures/models/write';
import { testRunner, testService } from '../fixtures/serviceRunner';

/** A runner that "translates" by upper-casing, and records each call. */
class UpperRunner implements TaskRunner {
  readonly backend = 'local';
  readonly calls: Array<{ pipeline: string; model: string; texts: string[]; opts: Record<string, unknown> }> = [];
  constructor(private readonly detect?: { label: string; score: number }) {}
  async run(pipeline: string, model: string, inputs: unknown[], _o?: RunOptions): Promise<unknown> {
    const texts = (Array.isArray(inputs[0]) ? inputs[0] : [inputs[0]]) as string[];
    this.calls.push({ pipeline, model, texts, opts: (inputs[1] ?? {}) as Record<string, unknown> });
    if (pipeline === 'text-classification') return [[{ label: this.detect!.label, score: this.detect!.score }]];
    return texts.map((t) => ({ translation_text: t.toUpperCase() }));
  }
}

const M = 'Xenova/opus-mt-de-en';

describe('translation: languages and pairs', () => {
  it('language codes: ISO 639-1, NLLB, English names and region tags; unknown ones name close matches', () => {
    assert.deepEqual(parseLanguage('de', 'x'), { iso: 'de', nllb: 'deu_Latn', name: 'German' });
    assert.deepEqual(parseLanguage('deu_Latn', 'x'), { iso: 'de', nllb: 'deu_Latn', name: 'German' });
    assert.equal(parseLanguage('French', 'x').iso, 'fr');
    assert.equal(parseLanguage('pt-BR', 'x').nllb, 'por_Latn');
    assert.equal(parseLanguage('zho_Hant', 'x').nllb, 'zho_Hant', 'a well-formed NLLB code is taken as NLLB writes it');
    assert.throws(() => parseLanguage('dx', '--from'), (e: Error) => e instanceof InputError && /--from "dx" is not a language code AI Lab knows \(did you mean .*de \(German\)/.test(e.message));
    assert.throws(() => parseLanguage('klingon', '--to'), (e: Error) => e instanceof InputError && /--to "klingon" is not a language code/.test(e.message) && /deu_Latn/.test(e.message));
    assert.ok(closeLanguages('germ').some((c) => c.startsWith('de (German)')));
    assert.throws(() => parseLanguage('  ', '--to'), /--to is empty/);
  });

  it('a pair: its Marian port, else an error naming the pairs from the source and into the target, and where the list came from', () => {
    const builtIn = { pairs: [...KNOWN_MARIAN_PAIRS], source: 'built-in' as const, note: 'offline' };
    assert.equal(marianModelFor(parseLanguage('de', 'x'), parseLanguage('en', 'x'), builtIn), 'Xenova/opus-mt-de-en');
    assert.throws(
      () => marianModelFor(parseLanguage('de', 'x'), parseLanguage('ja', 'x'), builtIn),
      (e: Error) =>
        e instanceof InputError &&
        /No MarianMT model translates German → Japanese \(de-ja\)/.test(e.message) &&
        /AI Lab knows \(offline\)/.test(e.message) &&
        /from German: de-en \(German → English\), de-es/.test(e.message) &&
        /into Japanese/.test(e.message) &&
        /nllb-200-distilled-600M/.test(e.message),
    );
    const hub = { pairs: ['de-en'], source: 'hub' as const };
    assert.throws(() => marianModelFor(parseLanguage('en', 'x'), parseLanguage('de', 'x'), hub), /of the 1 opus-mt pairs the Hub lists, none from English; none into German/);
  });

  it("the Hub's listing of Xenova/opus-mt-* (every page) is used; a Hub that does not answer gives the built-in list with a note", async () => {
    const pages = [
      { items: [{ id: 'Xenova/opus-mt-de-en' }, { id: 'Xenova/opus-mt-en-mul' }, { id: 'Xenova/other' }], next: 'p2' },
      { items: [{ id: 'Xenova/opus-mt-en-jap' }], next: undefined },
    ];
    let calls = 0;
    const hub = { endpoint: 'http://hub', searchModels: async () => pages[calls++]! } as unknown as HubClient;
    assert.deepEqual(await marianPairs(hub), { pairs: ['de-en', 'en-jap'], source: 'hub' });
    const down = { endpoint: 'http://hub', searchModels: async () => Promise.reject(new HubError('Cannot reach the Hub', 'offline')) } as unknown as HubClient;
    const r = await marianPairs(down);
    assert.equal(r.source, 'built-in');
    assert.deepEqual(r.pairs, [...KNOWN_MARIAN_PAIRS]);
    assert.match(r.note!, /did not answer \(Cannot reach the Hub\)/);
    assert.equal((await marianPairs(undefined)).source, 'built-in');
  });

  it('the family: NLLB and M2M100 by name or by their folder\'s tokenizer, Marian otherwise', () => {
    assert.equal(translationFamily('Xenova/nllb-200-distilled-600M'), 'nllb');
    assert.equal(translationFamily('facebook/m2m100_418M'), 'm2m100');
    assert.equal(translationFamily(M), 'marian');
    assert.equal(translationFamily(writeModelDir(nllbFiles())), 'nllb');
    assert.equal(translationFamily(writeModelDir(marianFiles())), 'marian');
  });
});

describe('translation: sentences, offsets and streaming', () => {
  const text = 'Erster Satz hier. Zweiter Satz!\n\nDritter Satz? Vierter.\nFünfter Satz.';

  it('each sentence keeps its source offsets; batches go in document order and stream as they finish; whitespace between sentences is kept', async () => {
    const runner = new UpperRunner();
    const partial: string[] = [];
    const progress: Progress[] = [];
    const r = await translateText({ runner, model: M, text, from: 'de', to: 'en', batchSize: 2, onPartial: (t) => partial.push(t), onProgress: (p) => progress.push(p) });
    assert.equal(r.sentences.length, 5);
    for (const s of r.sentences) assert.equal(s.text, text.slice(s.start, s.end).trim().toUpperCase());
    assert.deepEqual(r.sentences.map((s) => s.start), [...r.sentences.map((s) => s.start)].sort((a, b) => a - b));
    assert.deepEqual(runner.calls.map((c) => c.texts.length), [2, 2, 1]);
    assert.deepEqual(partial.length, 3);
    assert.equal(partial.join(''), r.text, 'the pieces streamed make the text, in order');
    assert.equal(r.text, 'ERSTER SATZ HIER. ZWEITER SATZ!\n\nDRITTER SATZ? VIERTER.\nFÜNFTER SATZ.');
    assert.deepEqual(progress.map((p) => p.done), [0, 2, 4, 5]);
    assert.deepEqual(runner.calls[0]!.opts.src_lang, undefined, 'Marian is told no languages');
  });

  it('NLLB gets src_lang/tgt_lang as FLORES-200 codes, M2M100 as ISO codes', async () => {
    const runner = new UpperRunner();
    await translateText({ runner, model: 'Xenova/nllb-200-distilled-600M', text: 'Hallo Welt.', from: 'German', to: 'fr' });
    assert.deepEqual([runner.calls[0]!.opts.src_lang, runner.calls[0]!.opts.tgt_lang], ['deu_Latn', 'fra_Latn']);
    await translateText({ runner, model: 'facebook/m2m100_418M', text: 'Hallo Welt.', from: 'de', to: 'fr' });
    assert.deepEqual([runner.calls[1]!.opts.src_lang, runner.calls[1]!.opts.tgt_lang], ['de', 'fr']);
  });

  it('refused before anything runs: the same language twice, an opus-mt model of another pair, nothing visible', async () => {
    const runner = new UpperRunner();
    await assert.rejects(translateText({ runner, model: M, text: 'Hallo.', from: 'de', to: 'deu_Latn' }), /both German \(de\): nothing to translate/);
    await assert.rejects(translateText({ runner, model: M, text: 'Bonjour.', from: 'fr', to: 'en' }), /Xenova\/opus-mt-de-en translates German → English \(de-en\), not French → English/);
    await assert.rejects(translateText({ runner, model: M, text: ' \u200b ', from: 'de', to: 'en' }), InputError);
    assert.equal(runner.calls.length, 0);
  });

  it('the lab task: no model → the pair\'s port; no source → the detector\'s answer, or an error when there is none or it is unsure', async () => {
    const runner = new UpperRunner({ label: 'fr', score: 0.97 });
    const r = await runLabTask({ task: 'translate', text: 'Bonjour le monde.', to: 'en', options: { detectModel: 'detector' } }, runner);
    assert.equal(r.kind, 'translation');
    assert.equal(r.producedBy.model, 'Xenova/opus-mt-fr-en');
    assert.deepEqual(r.kind === 'translation' && [r.from, r.detected, r.pairs?.source], ['fr', { language: 'fr', score: 0.97, model: 'detector' }, 'built-in']);
    await assert.rejects(runLabTask({ task: 'translate', text: 'Bonjour.', to: 'en' }, runner), /Give the source language \(aiLab\.translate\.from\), or set a language-detector model/);
    await assert.rejects(runLabTask({ task: 'translate', text: 'Bonjour.', to: 'en', options: { detectModel: 'd' } }, new UpperRunner({ label: 'fr', score: 0.3 })), /cannot tell the language of the text \(its best guess, fr, scored 30 %\)/);
    await assert.rejects(runLabTask({ task: 'translate', text: 'Hallo.', from: 'de', to: 'ja' }, runner), /No MarianMT model translates German → Japanese/);
  });

  it('tei and openai refuse translation before anything is sent', async () => {
    for (const id of ['tei', 'openai'] as const) {
      let sent = 0;
      const runner = createRemoteRunner({ id, url: 'http://127.0.0.1:9', fetch: async () => (sent++, new Response('{}')) });
      await assert.rejects(runLabTask({ task: 'translate', text: 'Hallo.', from: 'de', to: 'en' }, runner), new RegExp(`The ${id} backend cannot run translation`));
      assert.equal(sent, 0);
    }
  });
});

describe('translation on the fixture models (real service)', () => {
  let service: InferenceService;
  let runner: ServiceTaskRunner;
  const dirs = { marian: '', nllb: '' };
  before(() => {
    service = testService();
    runner = testRunner(service);
    dirs.marian = writeModelDir(marianFiles());
    dirs.nllb = writeModelDir(nllbFiles());
  });
  after(() => service.dispose());

  const source = 'Das Haus ist klein. Der Hund schläft.\n\nWir lesen ein Buch. Heute scheint die Sonne.';

  it('Marian (de→en): word for word, sentence by sentence, in batches, paragraphs kept', async function () {
    this.timeout(60_000);
    const partial: string[] = [];
    const r = await translateText({ runner, model: dirs.marian, text: source, from: 'de', to: 'en', batchSize: 3, onPartial: (t) => partial.push(t) });
    assert.equal(r.text, 'The house is small. The dog sleeps.\n\nWe read a book. Today shines the sun.');
    assert.deepEqual(r.sentences.map((s) => source.slice(s.start, s.end).trim()), ['Das Haus ist klein.', 'Der Hund schläft.', 'Wir lesen ein Buch.', 'Heute scheint die Sonne.']);
    assert.deepEqual(partial, ['The house is small. The dog sleeps.\n\nWe read a book.', ' Today shines the sun.']);
    assert.equal(r.family, 'marian');
  });

  it('NLLB: the target language token decides the output (eng_Latn, fra_Latn); names pass through', async function () {
    this.timeout(60_000);
    const en = await translateText({ runner, model: dirs.nllb, text: source, from: 'de', to: 'en' });
    assert.equal(en.text, 'The house is small. The dog sleeps.\n\nWe read a book. Today shines the sun.');
    const fr = await translateText({ runner, model: dirs.nllb, text: 'Das Haus ist klein. Anna und Der Hund schläft.', from: 'deu_Latn', to: 'French' });
    assert.equal(fr.text, 'La maison est petite. Anna et Le chien dort.');
    assert.equal(fr.family, 'nllb');
  });
});

describe('ai-lab translate', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-tr-home-'));
  const env = { HF_HOME: home, HF_TOKEN: '', HF_HUB_OFFLINE: '' };
  const hub = new FixtureHub();
  let marian = '';
  before(async () => {
    marian = writeModelDir(marianFiles());
    hub.addRepo({ id: 'Xenova/opus-mt-de-en', files: marianFiles(), pipelineTag: 'translation', libraryName: 'transformers.js' });
    hub.addRepo({ id: 'Xenova/opus-mt-fr-en', files: marianFiles(), pipelineTag: 'translation', libraryName: 'transformers.js' });
    await hub.start();
  });
  after(() => hub.stop());

  it('--json with a local Marian model: the translation, each sentence with its offsets, the languages and the model', async function () {
    this.timeout(60_000);
    const text = 'Das Haus ist klein. Der Hund schläft.';
    const r = await cliAsync(['translate', '--text', text, '--from', 'de', '--to', 'en', '--model', marian, '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.task, 'translate');
    assert.equal(j.backend, 'local');
    assert.equal(j.modelPath, marian);
    assert.equal(j.output.text, 'The house is small. The dog sleeps.');
    assert.deepEqual(j.output.sentences, [
      { start: 0, end: 19, text: 'The house is small.' },
      { start: 20, end: 37, text: 'The dog sleeps.' },
    ]);
    assert.deepEqual([j.output.from, j.output.to, j.output.family], ['de', 'en', 'marian']);
  });

  it('no --model: the pair\'s port from the Hub\'s listing, downloaded and run; a FILE argument; plain output streamed', async function () {
    this.timeout(60_000);
    const file = path.join(home, 'in.txt');
    fs.writeFileSync(file, 'Wir lesen ein Buch.\nDie Katze ist groß.');
    const r = await cliAsync(['translate', file, '--from', 'de', '--to', 'en', '--endpoint', hub.url], env);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'We read a book.\nThe cat is big.\n');
    const j = JSON.parse((await cliAsync(['translate', file, '--from', 'de', '--to', 'en', '--endpoint', hub.url, '--json'], env)).stdout);
    assert.equal(j.model, 'Xenova/opus-mt-de-en');
    assert.deepEqual(j.output.pairs, { source: 'hub' });
    // en-de is a known port, but this Hub lists none: the error says what the Hub lists.
    const none = await cliAsync(['translate', '--text', 'The house.', '--from', 'en', '--to', 'de', '--endpoint', hub.url], env);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /No MarianMT model translates English → German \(en-de\): of the 2 opus-mt pairs the Hub lists, none from English; none into German/);
  });

  it('bad input exits 2 with a clear message: unknown pair, unknown code, empty text, the same language, no --to', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--text', 'Hallo.', '--from', 'de', '--to', 'ja', '--offline'], /No MarianMT model translates German → Japanese \(de-ja\): of the \d+ opus-mt pairs AI Lab knows \(offline: .*from German: de-en/],
      [['--text', 'Hallo.', '--from', 'dx', '--to', 'en'], /--from "dx" is not a language code AI Lab knows \(did you mean .*de \(German\)/],
      [['--text', '', '--from', 'de', '--to', 'en', '--model', 'unused'], /nothing to work on/i],
      [['--text', 'Hallo.', '--from', 'de', '--to', 'German'], /--from and --to are both German \(de\): nothing to translate/],
      [['--text', 'Hallo.', '--from', 'de'], /translate needs --to LANG/],
      [['--text', 'Hallo.', '--to', 'en'], /translate needs --from LANG \(e\.g\. --from de\), or --detect-model/],
      [['--text', 'Hallo.', '--from', 'de', '--to', 'en', '--backend', 'tei', '--backend-url', 'http://127.0.0.1:9'], /the tei backend cannot run translation/],
    ];
    for (const [args, message] of cases) {
      const r = await cliAsync(['translate', ...args], env);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
  });

  it('--backend hf-inference (an Inference Endpoint): each sentence sent, the original opus-mt repo named', async function () {
    this.timeout(30_000);
    const hf = new HfInferenceStandIn();
    hf.endpointTask = 'translation';
    await hf.start();
    try {
      const r = await cliAsync(['translate', '--text', 'Hello there. Good night.', '--from', 'en', '--to', 'fr', '--offline', '--backend', 'hf-inference', '--backend-url', hf.url, '--json'], { ...env, HF_TOKEN: 'hf_x' });
      assert.equal(r.status, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.equal(j.backend, 'hf-inference');
      assert.equal(j.output.text, 'fr: Hello there. fr: Good night.');
      assert.deepEqual(j.output.sentences.map((s: { start: number }) => s.start), [0, 13]);
    } finally {
      await hf.stop();
    }
  });
});
