import * as assert from 'node:assert/strict';
import { InferenceService } from '../../src/core/inference/inferenceService';
import { classifyText, parseLabels, qnli, zeroShot } from '../../src/core/nlp/classify';
import { continueText } from '../../src/core/nlp/generate';
import type { Progress } from '../../src/core/nlp/runner';
import { ServiceTaskRunner } from '../../src/core/nlp/serviceRunner';
import { modelInput } from '../../src/core/nlp/modelInput';
import { extractiveSummary, summarize } from '../../src/core/nlp/summarize';
import { DEFAULT_PRESETS, LAB_TASKS } from '../../src/core/nlp/tasks';
import { fixtureModelDirs } from '../fixtures/models';
import { inputLengths, RecordingRunner } from '../fixtures/text/fits';
import { CHINESE, CHINESE_RUN, JAPANESE, MIXED, THAI, THAI_RUN } from '../fixtures/text/scripts';
import { testRunner, testService } from '../fixtures/serviceRunner';

describe('NLP tasks on the fixture models (real service)', () => {
  let service: InferenceService;
  let runner: ServiceTaskRunner;
  const m = () => fixtureModelDirs();
  before(() => {
    service = testService();
    runner = testRunner(service);
  });
  after(() => service.dispose());

  it('sentiment over a long text: parts classified in batches, aggregated by length, offsets kept', async () => {
    const good = 'I love this great movie. ';
    const bad = 'The food was terrible and the service awful. ';
    const text = good.repeat(30) + bad.repeat(5);
    const progress: Progress[] = [];
    const r = await classifyText({ runner, model: m().sentiment, text, maxTokens: 30, batchSize: 4, onProgress: (p) => progress.push(p) });
    assert.equal(r.labels[0]?.label, 'POSITIVE');
    assert.ok(r.parts.length > 5);
    assert.ok(r.parts.some((x) => x.labels.find((l) => l.label === 'NEGATIVE')!.score > 0.9 && text.slice(x.start, x.end).includes('terrible')));
    assert.equal(progress.at(-1)?.done, progress.at(-1)?.total);
  });

  it('parts stay within the model\'s own max length, whatever the setting says', async () => {
    const { sentimentModelFiles } = await import('../fixtures/models/sentiment');
    const { writeModelDir } = await import('../fixtures/models/write');
    const small = writeModelDir({ ...sentimentModelFiles(), 'tokenizer_config.json': JSON.stringify({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 24 }) });
    const text = 'I love this great movie and the food was good and the service was nice. '.repeat(10);
    const rec = new RecordingRunner(runner);
    const r = await classifyText({ runner: rec, model: small, text, maxTokens: 400 });
    assert.ok(r.parts.length >= 10);
    const lengths = inputLengths(rec.calls);
    assert.equal(lengths.length, r.parts.length);
    for (const l of lengths) assert.ok(l.tokens <= 24, `a part of ${l.tokens} tokens (24 at most, [CLS] and [SEP] included)`);
  });

  it('Chinese, Japanese, Thai and mixed text: every part of classify, grammar, QNLI, zero-shot, summarize and extractive summary fits the model', async function () {
    this.timeout(120_000);
    const { sentimentModelFiles } = await import('../fixtures/models/sentiment');
    const { nliModelFiles } = await import('../fixtures/models/encoders');
    const { seq2seqFiles } = await import('../fixtures/models/seq2seq');
    const { writeModelDir } = await import('../fixtures/models/write');
    const { bertTokenizerConfig } = await import('../fixtures/models/wordpiece');
    // Small maxima so that every text needs several parts; the BPE summarizer takes 3 tokens per CJK character.
    const sentiment = writeModelDir({ ...sentimentModelFiles(), 'tokenizer_config.json': bertTokenizerConfig(48) });
    const nli = writeModelDir({ ...nliModelFiles(), 'tokenizer_config.json': bertTokenizerConfig(40) });
    const s2s = seq2seqFiles();
    const summarizer = writeModelDir({ ...s2s, 'tokenizer_config.json': JSON.stringify({ ...JSON.parse(String(s2s['tokenizer_config.json'])), model_max_length: 160 }) });
    const bad = 'The food was terrible and the service awful.';
    for (const [name, text] of Object.entries({ CHINESE: `${CHINESE}${bad}`, CHINESE_RUN: `${CHINESE_RUN}${bad}`, JAPANESE, THAI, THAI_RUN, MIXED })) {
      const rec = new RecordingRunner(runner);
      const c = await classifyText({ runner: rec, model: sentiment, text });
      await classifyText({ runner: rec, model: m().grammar, text, labelMap: LAB_TASKS.grammar.labelMap });
      const z = await zeroShot({ runner: rec, model: nli, text, labels: ['Billing Question', 'Technical Support and Troubleshooting'] });
      const q = await qnli({ runner: rec, model: nli, text, question: 'Where does the community garden grow its vegetables?' });
      const s = await summarize({ runner: rec, model: summarizer, text, preset: { minNewTokens: 1, maxNewTokens: 20 } });
      const ex = await extractiveSummary({ runner: rec, model: m().embed, text, sentences: 2 });
      for (const x of ex.sentences) assert.equal(text.slice(x.start, x.end), x.text);
      for (const r of [c, z, q]) {
        const parts = [...r.parts].sort((a, b) => a.start - b.start);
        assert.equal(parts.map((p) => text.slice(p.start, p.end)).join('').replace(/\s+/g, ''), text.replace(/\s+/g, ''), `${name}: the parts cover the text`);
      }
      assert.ok(s.chunks > 1, `${name}: ${s.chunks} part(s) for the summarizer`);
      const lengths = inputLengths(rec.calls);
      assert.ok(['summarization', 'zero-shot-classification', 'feature-extraction', 'text-pair-classification'].every((p) => lengths.some((l) => l.pipeline === p)));
      for (const l of lengths) assert.ok(l.tokens <= l.max, `${name}: ${l.pipeline} was given ${l.tokens} tokens of at most ${l.max}: ${l.text.slice(0, 40)}…`);
      if (name.startsWith('CHINESE')) {
        // The English sentence after 700 characters of Chinese is read, not cut off by truncation.
        const last = c.parts.reduce((a, b) => (b.end > a.end ? b : a));
        assert.ok(text.slice(last.start, last.end).endsWith(bad));
        assert.ok(last.labels.find((l) => l.label === 'NEGATIVE')!.score > 0.9, JSON.stringify(last.labels));
      }
    }
  });

  it('grammar: LABEL_0/LABEL_1 are shown through the label map', async () => {
    const r = await classifyText({ runner, model: m().grammar, text: 'It was terrible.', labelMap: LAB_TASKS.grammar.labelMap });
    assert.deepEqual(r.labels.map((l) => l.label), ['unacceptable', 'acceptable']);
  });

  it('QNLI: the part of the text that answers the question, with its score and span', async () => {
    const text = 'It will rain tomorrow in the forecast. The analytics dashboard shows an error at login. We like the product.';
    // Parts of at most 12 tokens (the fixture's tokenizer): one sentence each.
    const r = await qnli({ runner, model: m().nli, question: 'Where is the dashboard error?', text, maxTokens: 12 });
    assert.equal(r.labels[0]?.label, 'entailment');
    assert.ok(r.labels[0]!.score > 0.9);
    assert.equal(text.slice(r.parts[0]!.start, r.parts[0]!.end), 'The analytics dashboard shows an error at login.');
    await assert.rejects(qnli({ runner, model: m().nli, question: '  ', text }), /No question given/);
  });

  it('zero-shot with labels from a comma-separated string; multi-label scores each label on its own', async () => {
    const labels = parseLabels('Billing Question, Product Feedback, Technical Support,');
    assert.deepEqual(labels, ['Billing Question', 'Product Feedback', 'Technical Support']);
    const r = await zeroShot({ runner, model: m().nli, text: 'Hi team, the analytics dashboard shows an error every time I log in.', labels });
    assert.equal(r.labels[0]?.label, 'Technical Support');
    const multi = await zeroShot({ runner, model: m().nli, text: 'I was charged twice, please refund. The dashboard shows an error.', labels, multiLabel: true });
    assert.deepEqual(multi.labels.slice(0, 2).map((l) => l.label).sort(), ['Billing Question', 'Technical Support']);
    assert.throws(() => parseLabels('just one'), /at least two comma-separated labels/);
  });

  it('abstractive summary: one call for a short text, map-reduce with progress for a long one', async () => {
    const lead = 'City council members met for a short session to approve the river cleanup budget.';
    const open = { minNewTokens: 1, maxNewTokens: 60 };
    const one = await summarize({ runner, model: m().summarizer, text: `${lead} They highlighted that volunteer turnout doubled.`, preset: open });
    assert.deepEqual([one.text, one.chunks, one.levels], [lead, 1, 1]);
    const other = 'The club planted a pollinator garden beside the library.';
    const long = `${lead} They highlighted that volunteer turnout doubled. `.repeat(6) + `${other} Volunteers logged the soil quality. `.repeat(6);
    const steps: Progress[] = [];
    const r = await summarize({ runner, model: m().summarizer, text: long, preset: open, chunkTokens: 60, onProgress: (p) => steps.push(p) });
    assert.ok(r.chunks > 2 && r.levels >= 2, `chunks ${r.chunks}, levels ${r.levels}`);
    assert.equal(r.text, lead, 'the summary of the partial summaries leads with the first');
    assert.ok(steps.filter((s) => /summarizing part/.test(s.message)).length >= r.chunks, 'progress per chunk');
  });

  it('Short / Medium / Long presets bound the summary by min_new_tokens and max_new_tokens', async () => {
    const text = 'City council members met for a short session to approve the river cleanup budget. They highlighted that volunteer turnout doubled.';
    const of = async (preset: keyof typeof DEFAULT_PRESETS) => (await summarize({ runner, model: m().summarizer, text, preset: DEFAULT_PRESETS[preset] })).text;
    const [short, medium, long] = [await of('short'), await of('medium'), await of('long')];
    assert.ok(short.length < medium.length && medium.length < long.length, `short "${short}", medium "${medium}", long "${long}"`);
    // Counted with the model's own tokenizer (<s> comes first).
    const { counter } = await modelInput(m().summarizer, 'summarization');
    const tokens = (t: string) => counter.count(t) + 1;
    assert.ok(tokens(short) <= DEFAULT_PRESETS.short.maxNewTokens, `short: ${tokens(short)} tokens`);
    assert.ok(long.startsWith(text), `Long goes past the first period, copying on: "${long}"`);
    assert.ok(tokens(long) >= DEFAULT_PRESETS.long.minNewTokens, `Long reaches its minimum: ${tokens(long)} tokens, "${long}"`);
  });

  it('streams the summary as it is written', async () => {
    const parts: string[] = [];
    const r = await summarize({ runner, model: m().summarizer, text: 'The club planted a pollinator garden beside the library. Volunteers logged the soil quality.', preset: DEFAULT_PRESETS.medium, onPartial: (t) => parts.push(t) });
    assert.ok(parts.length > 1);
    assert.equal(parts.join('').trim(), r.text);
  });

  it('extractive summary: the central sentences, verbatim, in their original order', async () => {
    const text = 'The dashboard shows an error. It will rain and snow in the forecast. A login crash bug hit the server. The analytics dashboard is slow.';
    const r = await extractiveSummary({ runner, model: m().embed, text, sentences: 2 });
    assert.equal(r.sentences.length, 2);
    for (const s of r.sentences) assert.equal(text.slice(s.start, s.end), s.text);
    assert.ok(r.sentences.every((s) => !/rain/.test(s.text)), 'the off-topic sentence is left out');
    assert.ok(r.sentences[0]!.start < r.sentences[1]!.start);
    const byRatio = await extractiveSummary({ runner, model: m().embed, text, ratio: 0.5 });
    assert.equal(byRatio.sentences.length, 2);
  });

  it('continues text, streaming only the new words', async () => {
    const parts: string[] = [];
    const r = await continueText({ runner, model: m().lm, prompt: 'The future of', maxNewTokens: 10, onPartial: (t) => parts.push(t) });
    assert.equal(r.text, ' open science is bright.');
    assert.equal(parts.join(''), ' open science is bright.');
  });

  it('empty and binary text are refused before any model runs', async () => {
    await assert.rejects(classifyText({ runner, model: m().sentiment, text: ' ' }), /nothing to work on/);
    await assert.rejects(summarize({ runner, model: m().summarizer, text: 'a\u0000b\u0001c', preset: DEFAULT_PRESETS.short }), /binary/);
  });
});
