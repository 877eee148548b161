import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compatibilityVerdict } from '../../src/core/hub/compat';
import { checkModelJson, readModelJson } from '../../src/core/inference/modelFolder';
import { ModelResolver, resolveModel } from '../../src/core/inference/resolveModel';
import { pipelineInputs } from '../../src/core/inference/taskInputs';
import { headOf, taskMismatch } from '../../src/core/inference/taskFit';
import { classifyText, zeroShot } from '../../src/core/nlp/classify';
import { checkHypothesisTemplate } from '../../src/core/nlp/hypothesis';
import type { TaskRunner } from '../../src/core/nlp/runner';
import { cliAsync } from '../fixtures/cli';
import { FixtureHub } from '../fixtures/hub/server';
import { fixtureModelDirs } from '../fixtures/models';
import { causalLmFiles } from '../fixtures/models/causalLm';
import { nliModelFiles, qaModelFiles } from '../fixtures/models/encoders';
import { classifierGraph, sentimentModelFiles } from '../fixtures/models/sentiment';
import { writeModelDir } from '../fixtures/models/write';

type Files = Record<string, Buffer | string>;
const hubOff = { endpoint: 'http://127.0.0.1:9', cacheDir: '/nonexistent' };
const resolveLocal = (dir: string, task = 'text-classification') => resolveModel({ model: dir, task, device: 'cpu', dtype: 'auto', hub: hubOff });

/** A copy of a fixture model with some files replaced (a string or Buffer) or removed (null). */
function broken(files: Files, changes: Record<string, string | Buffer | null>): string {
  const out: Files = { ...files };
  for (const [f, c] of Object.entries(changes)) {
    if (c === null) delete out[f];
    else out[f] = c;
  }
  return writeModelDir(out, 'ailab-broken-');
}

/** The sentiment fixture with weights that make every logit NaN. */
function nanModelFiles(): Files {
  const f = sentimentModelFiles();
  const vocab = JSON.parse(String(f['tokenizer.json'])).model.vocab as Record<string, number>;
  return { ...f, 'onnx/model.onnx': classifierGraph(vocab, () => [NaN, NaN]) };
}

/** Each kind of broken JSON file, and what the message must say about it. */
const JSON_BREAKS: Array<[string | null, RegExp]> = [
  [null, /is missing|has no/],
  ['', /is empty \(0 bytes\)/],
  [' \n ', /is empty \(only whitespace/],
  ['{"model_type": "bert",\n  "vocab_size": 3,,\n}', /is not valid JSON: .* at line 2, column \d+/],
  ['{"a": 1', /is not valid JSON: a closing \} was expected .* at line 1, column 8/],
  ['version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n', /is a Git LFS pointer/],
  ['[1, 2]', /is not a JSON object/],
];

describe('models checked before they run: files', () => {
  it('reads each JSON file or names what is wrong: missing, empty, not JSON (line and column), LFS pointer, not an object', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-json-'));
    const write = (c: string) => fs.writeFileSync(path.join(dir, 'config.json'), c);
    assert.equal(readModelJson(dir, 'config.json').problem, 'is missing');
    for (const [content, msg] of JSON_BREAKS.slice(1)) {
      write(content!);
      assert.match(readModelJson(dir, 'config.json').problem ?? '', msg, JSON.stringify(content));
    }
    write('\u0000\u0001\u0002garbage');
    const junk = readModelJson(dir, 'config.json').problem!;
    assert.match(junk, /^is not valid JSON: unexpected character at line 1, column 1$/);
    write('{"architectures": ["BertModel"]}');
    assert.deepEqual(checkModelJson(dir).problems.find((p) => p.file === 'config.json'), { file: 'config.json', problem: 'has no "model_type": transformers.js cannot tell which model it is' });
    // A big tokenizer.json gets the quick check: a file cut short is caught without parsing it all.
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), `{"model": {"vocab": {${'"x": 1, '.repeat(400_000)}`);
    assert.match(readModelJson(dir, 'tokenizer.json', { quick: true }).problem!, /does not end with \} \(it is \d+ bytes: is it cut short\?\)/);
  });

  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
    it(`${file} missing, empty, invalid, an LFS pointer or not an object: an error naming ${file} and the problem`, async () => {
      for (const [content, msg] of JSON_BREAKS) {
        const dir = broken(sentimentModelFiles(), { [file]: content });
        await assert.rejects(resolveLocal(dir), (e: Error) => e.name === 'ModelFilesError' && e.message.includes(file) && msg.test(e.message), `${file} = ${JSON.stringify(content)}`);
      }
    });
  }

  it('no ONNX weights: said first, then what else is missing or broken, then where to get a transformers.js copy', async () => {
    const dir = broken(sentimentModelFiles(), { 'onnx/model.onnx': null, 'model.safetensors': Buffer.alloc(64), 'tokenizer.json': null, 'config.json': '' });
    await assert.rejects(resolveLocal(dir), (e: Error) => {
      assert.match(e.message, new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has no ONNX weights for transformers\\.js \\(it has model\\.safetensors\\)\\. Also: tokenizer\\.json is missing and config\\.json is empty \\(0 bytes\\)\\. `));
      // A local folder is not named as a Hub model after its own (temporary) folder name.
      assert.doesNotMatch(e.message, /onnx-community\/|Xenova\//);
      assert.match(e.message, /optimum-cli export onnx --model/);
      return true;
    });
    // An Optimum export left in the folder's root: its .onnx is named, and where it belongs.
    const root = broken(sentimentModelFiles(), { 'onnx/model.onnx': null, 'model.onnx': Buffer.alloc(64) });
    await assert.rejects(resolveLocal(root), /has no ONNX weights for transformers\.js \(it has model\.onnx\)\..*move the \.onnx files into <out>\/onnx\//);
  });

  it('an optional JSON file that is there is checked too (generation_config.json of a text generator)', async () => {
    await assert.rejects(resolveLocal(broken(causalLmFiles(), { 'generation_config.json': '{"max_length": 20,}' }), 'text-generation'), /cannot be loaded: generation_config\.json is not valid JSON: a property name in double quotes was expected at line 1, column 19/);
    assert.ok(await resolveLocal(broken(causalLmFiles(), { 'generation_config.json': null }), 'text-generation'));
  });

  it('empty ONNX weights and Git LFS pointers instead of weights are named', async () => {
    await assert.rejects(resolveLocal(broken(sentimentModelFiles(), { 'onnx/model.onnx': '' })), /cannot be loaded: onnx\/model\.onnx is empty \(0 bytes\)/);
    await assert.rejects(resolveLocal(broken(sentimentModelFiles(), { 'onnx/model.onnx': 'version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 9\n' })), /onnx\/model\.onnx is a Git LFS pointer, not the weights/);
  });

  it('the Hub: a repo whose files are broken or whose task does not fit is refused before its weights are downloaded', async () => {
    const hub = new FixtureHub();
    hub.addRepo({ id: 'acme/empty-tokenizer', files: { ...sentimentModelFiles(), 'tokenizer.json': '' } });
    hub.addRepo({ id: 'acme/squad', files: qaModelFiles() });
    await hub.start();
    try {
      const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-hf-'));
      const r = (model: string, task: string) => resolveModel({ model, task, device: 'cpu', dtype: 'auto', hub: { endpoint: hub.url, cacheDir } });
      await assert.rejects(r('acme/empty-tokenizer', 'text-classification'), /acme\/empty-tokenizer cannot be loaded: tokenizer\.json is empty \(0 bytes\)/);
      await assert.rejects(r('acme/squad', 'text-classification'), /^ModelFilesError: acme\/squad is an extractive question-answering model \(BertForQuestionAnswering\), but text classification needs/);
      assert.equal(hub.requests.filter((q) => q.url.endsWith('.onnx')).length, 0, 'no weights were fetched');
      // Two resolutions of a model still downloading share it, however far apart they start.
      hub.faults.push({ match: 'onnx/model.onnx', kind: 'slow', bytesPerSecond: 20_000, times: 1 });
      const resolver = new ModelResolver();
      const params = { model: 'acme/squad', task: 'question-answering', device: 'cpu' as const, dtype: 'auto' as const, hub: { endpoint: hub.url, cacheDir } };
      const first = resolver.resolve(params);
      await new Promise((res) => setTimeout(res, 50));
      const second = resolver.resolve(params);
      assert.equal(first, second);
      const ok = await first;
      assert.ok(fs.existsSync(path.join(ok.dir, 'onnx', 'model.onnx')));
      assert.equal(hub.requests.filter((q) => q.url.endsWith('.onnx')).length, 1);
    } finally {
      await hub.stop();
    }
  });

  it('the "runs in AI Lab" verdict asks for the same files, and for a head that fits the pipeline tag', () => {
    const files = ['config.json', 'tokenizer.json', 'onnx/model.onnx'];
    const v = compatibilityVerdict({ id: 'a/b', files, pipelineTag: 'text-classification' });
    assert.equal(v.runs, false);
    assert.match(v.reason, /a\/b has no tokenizer_config\.json \(without it transformers\.js loads no tokenizer\)/);
    const all = [...files, 'tokenizer_config.json'];
    assert.equal(compatibilityVerdict({ id: 'a/b', files: all, pipelineTag: 'text-classification', config: { architectures: ['BertForSequenceClassification'], model_type: 'bert' } }).runs, true);
    // The Hub's config summary has no id2label: an NLI model is not refused for want of its labels.
    assert.equal(compatibilityVerdict({ id: 'a/mnli', files: all, pipelineTag: 'zero-shot-classification', config: { architectures: ['BartForSequenceClassification'], model_type: 'bart' } }).runs, true);
    const wrong = compatibilityVerdict({ id: 'a/qa', files: all, pipelineTag: 'text-classification', config: { architectures: ['DistilBertForQuestionAnswering'], model_type: 'distilbert' } });
    assert.equal(wrong.runs, false);
    assert.match(wrong.reason, /a\/qa is an extractive question-answering model/);
  });
});

describe('models checked before they run: the task', () => {
  const labels = (...l: string[]) => Object.fromEntries(l.map((x, i) => [String(i), x]));
  const sst = { architectures: ['DistilBertForSequenceClassification'], model_type: 'distilbert', id2label: labels('NEGATIVE', 'POSITIVE') };
  const squad = { architectures: ['DistilBertForQuestionAnswering'], model_type: 'distilbert' };
  const mnli = { architectures: ['BartForSequenceClassification'], model_type: 'bart', is_encoder_decoder: true, id2label: labels('contradiction', 'neutral', 'entailment') };
  const qnliCe = { architectures: ['ElectraForSequenceClassification'], model_type: 'electra', id2label: labels('LABEL_0') };
  const distilbart = { architectures: ['BartForConditionalGeneration'], model_type: 'bart', is_encoder_decoder: true };
  const gpt2 = { architectures: ['GPT2LMHeadModel'], model_type: 'gpt2' };
  const minilm = { architectures: ['BertModel'], model_type: 'bert' };

  it('reads the head from architectures (and model_type / is_encoder_decoder when it must)', () => {
    assert.equal(headOf(sst), 'sequence-classification');
    assert.equal(headOf(mnli), 'sequence-classification');
    assert.equal(headOf(distilbart), 'seq2seq');
    assert.equal(headOf({ architectures: ['T5WithLMHeadModel'], model_type: 't5' }), 'seq2seq');
    assert.equal(headOf({ architectures: ['MarianMTModel'], model_type: 'marian' }), 'seq2seq');
    assert.equal(headOf({ architectures: ['Gemma3ForConditionalGeneration'], model_type: 'gemma3' }), 'unknown');
    assert.equal(headOf(gpt2), 'causal-lm');
    assert.equal(headOf({ architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2' }), 'causal-lm');
    assert.equal(headOf(minilm), 'base');
    assert.equal(headOf({ model_type: 'bert' }), 'unknown');
  });

  it('the defaults of each task fit it', () => {
    for (const [task, config] of [['text-classification', sst], ['question-answering', squad], ['zero-shot-classification', mnli], ['text-pair-classification', qnliCe], ['text-pair-classification', mnli], ['summarization', distilbart], ['text-generation', gpt2], ['feature-extraction', minilm]] as const) {
      assert.equal(taskMismatch('m', config, task), undefined, `${task}`);
    }
  });

  it('a model of another task gets one sentence naming what it is and what the task needs', () => {
    assert.equal(taskMismatch('acme/squad', squad, 'text-classification'), 'acme/squad is an extractive question-answering model (DistilBertForQuestionAnswering), but text classification needs a sequence classifier (…ForSequenceClassification) that reads one text, such as Xenova/distilbert-base-uncased-finetuned-sst-2-english.');
    assert.match(taskMismatch('acme/sst', sst, 'question-answering')!, /^acme\/sst is a text classifier \(DistilBertForSequenceClassification\) with the labels NEGATIVE, POSITIVE, but question answering needs an extractive QA model/);
    assert.match(taskMismatch('acme/sst', sst, 'zero-shot-classification')!, /with the labels NEGATIVE, POSITIVE and no "entailment" label, but zero-shot classification needs an NLI model whose labels include "entailment"/);
    assert.match(taskMismatch('acme/sst', sst, 'text-pair-classification')!, /no "entailment" label, but checking entailment \(QNLI\) needs/);
    assert.match(taskMismatch('acme/mnli', mnli, 'text-classification')!, /is an NLI \(entailment\) classifier \(BartForSequenceClassification\), which scores a pair of texts, but text classification needs/);
    assert.match(taskMismatch('acme/mnli', mnli, 'summarization')!, /but summarization needs a sequence-to-sequence model/);
    assert.match(taskMismatch('bert', { model_type: 'bert' }, 'text-generation')!, /^bert is an encoder \(model_type bert\), but text generation \(Continue Text\) needs a causal language model/);
    assert.match(taskMismatch('acme/sst', sst, 'text-generation')!, /but text generation \(Continue Text\) needs/);
    assert.match(taskMismatch('acme/bart', distilbart, 'text-generation')!, /is a sequence-to-sequence model for summarization or translation \(BartForConditionalGeneration\), but text generation/);
    assert.match(taskMismatch('acme/gpt2', gpt2, 'feature-extraction')!, /is a text-generation \(causal language\) model \(GPT2LMHeadModel\), but feature extraction/);
    // Labels unknown (the Hub's summary): judged by the head alone.
    assert.equal(taskMismatch('m', { architectures: ['BertForSequenceClassification'], model_type: 'bert' }, 'zero-shot-classification', { labelsKnown: false }), undefined);
    assert.equal(taskMismatch('m', { model_type: 'custom' }, 'token-classification'), undefined, 'tasks the config cannot judge are left to the files');
  });
});

describe('models checked before they run: scores and templates', () => {
  const nanRunner: TaskRunner = { run: async () => [[{ label: 'POSITIVE', score: NaN }, { label: 'NEGATIVE', score: NaN }]] };

  it('NaN is never a score: the core refuses it', async () => {
    await assert.rejects(classifyText({ runner: nanRunner, model: 'm', text: 'good' }), /The model returned no number for "POSITIVE" \(NaN\)/);
  });

  it('a hypothesis template without {} is refused (core, pipeline inputs), before any model call', async () => {
    assert.equal(checkHypothesisTemplate('Topic: {}.'), 'Topic: {}.');
    assert.throws(() => checkHypothesisTemplate('This example is about', 'the setting aiLab.zeroShot.hypothesisTemplate'), /^InputError: The setting aiLab\.zeroShot\.hypothesisTemplate "This example is about" has no \{\} where the label goes/);
    assert.throws(() => checkHypothesisTemplate('{} and {}', '--template'), /^InputError: --template "\{\} and \{\}" has more than one \{\}/);
    let calls = 0;
    const runner: TaskRunner = { run: async () => (calls++, []) };
    await assert.rejects(zeroShot({ runner, model: 'm', text: 'the dashboard errors', labels: ['a', 'b'], hypothesisTemplate: 'no braces' }), /has no \{\} where the label goes/);
    assert.equal(calls, 0);
    assert.throws(() => pipelineInputs('zero-shot-classification', { text: 'x', labels: ['a', 'b'], hypothesisTemplate: 'none' }), /has no \{\}/);
  });
});

describe('models checked before they run: through the CLI', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-models-cli-'));
  const env = { HF_HOME: home, HF_HUB_OFFLINE: '1' };

  it('broken copies of the fixture models: run, classify, zero-shot, ask and generate name the file and the problem (exit 1)', async function () {
    this.timeout(300_000);
    const sentiment = sentimentModelFiles();
    const lm = causalLmFiles();
    const nli = nliModelFiles();
    const qa = qaModelFiles();
    const commands: Array<[string, Files, (m: string) => string[]]> = [
      ['run', sentiment, (m) => ['run', 'text-classification', '--model', m, '--text', 'good']],
      ['classify', sentiment, (m) => ['classify', '--model', m, '--text', 'good']],
      ['zero-shot', nli, (m) => ['zero-shot', '--labels', 'a,b', '--model', m, '--text', 'good']],
      ['ask', qa, (m) => ['ask', '-', 'How many hours?', '--model', m]],
      ['generate', lm, (m) => ['generate', '--model', m, '--text', 'The future of']],
    ];
    const breaks: Array<[string, string | null, RegExp]> = [
      ['config.json', '', /config\.json is empty \(0 bytes\)/],
      ['tokenizer.json', '{"version": "1.0", x}', /tokenizer\.json is not valid JSON: unexpected character at line 1, column 20/],
      ['tokenizer_config.json', null, /has no tokenizer_config\.json \(without it transformers\.js loads no tokenizer\)/],
      ['onnx/model.onnx', null, /has no ONNX weights for transformers\.js.*optimum-cli export onnx/],
    ];
    for (const [name, files, args] of commands) {
      for (const [file, content, msg] of breaks) {
        const dir = broken(files, { [file]: content });
        const r = await cliAsync([...args(dir), '--device', 'cpu'], env, 'Each employee gets 12 hours of volunteer time off.');
        assert.equal(r.status, 1, `${name} with ${file}: ${r.stderr}`);
        assert.match(r.stderr, msg, `${name} with ${file}`);
        assert.doesNotMatch(r.stderr, /Unexpected token|is not a function|reading '/, `${name} with ${file}`);
      }
    }
  });

  it('a model of another task: one sentence naming it, never "outputs.logits is not iterable" or "reading \'dims\'"', async function () {
    this.timeout(120_000);
    const d = fixtureModelDirs();
    const cases: Array<[string[], RegExp]> = [
      [['classify', '--model', d.qa, '--text', 'good'], /is an extractive question-answering model \(BertForQuestionAnswering\), but text classification needs/],
      [['ask', '-', 'How many hours?', '--model', d.sentiment], /is a text classifier \(BertForSequenceClassification\) with the labels NEGATIVE, POSITIVE, but question answering needs/],
      [['zero-shot', '--labels', 'a,b', '--model', d.sentiment, '--text', 'good'], /no "entailment" label, but zero-shot classification needs an NLI model/],
      [['qnli', '--question', 'Why?', '--model', d.embed, '--text', 'good'], /is a bare encoder without a task head, for embeddings \(BertModel\), but checking entailment/],
      [['generate', '--model', d.sentiment, '--text', 'The future of'], /is a text classifier .*, but text generation \(Continue Text\) needs a causal language model/],
      [['run', 'text-generation', '--model', d.qa, '--text', 'x'], /but text generation \(Continue Text\) needs/],
      [['summarize', '--extractive', '--model', d.lm, '--text', 'One. Two.'], /is a text-generation \(causal language\) model \(GPT2LMHeadModel\), but feature extraction/],
    ];
    for (const [args, msg] of cases) {
      const r = await cliAsync([...args, '--device', 'cpu'], env, 'Each employee gets 12 hours of volunteer time off.');
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    }
  });

  it('a model that returns NaN: a clear error, never "NaN" printed as a score; a --template without {} exits 2', async function () {
    this.timeout(120_000);
    const dir = writeModelDir(nanModelFiles());
    for (const args of [['classify', '--model', dir, '--text', 'good'], ['run', 'text-classification', '--model', dir, '--text', 'good'], ['classify', '--model', dir, '--text', 'good', '--json']]) {
      const r = await cliAsync([...args, '--device', 'cpu'], env);
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, /returned NaN or an infinite number instead of a score \(at output (\[0\])+\.score\), so there is no result to show/);
      assert.doesNotMatch(r.stdout, /NaN|null/);
    }
    const t = await cliAsync(['zero-shot', '--labels', 'a,b', '--template', 'This is about', '--text', 'x'], env);
    assert.equal(t.status, 2);
    assert.match(t.stderr, /--template "This is about" has no \{\} where the label goes/);
  });
});
