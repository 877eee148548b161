/** Answers are placed by the model's span (tokens → passage → document → page), in UTF-16 offsets, never by searching their text. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InferenceService } from '../../src/core/inference/inferenceService';
import { MAX_ANSWER_TOKENS, questionAnswerer, snapToGraphemes, type QaPipelineParts } from '../../src/core/inference/questionAnswering';
import { pipelineInputs } from '../../src/core/inference/taskInputs';
import { ServiceTaskRunner } from '../../src/core/nlp/serviceRunner';
import { extractPdf } from '../../src/core/pdf/extract';
import { joinPages } from '../../src/core/pdf/pageText';
import { askQuestion } from '../../src/core/qa/ask';
import { answerContext } from '../../src/core/qa/context';
import { loadTokenizer } from '../../src/core/tokenize/inspect';
import { cliAsync } from '../fixtures/cli';
import { fixtureModelDirs } from '../fixtures/models';
import { byteLevelQaModelFiles } from '../fixtures/models/byteLevelQa';
import { writeModelDir } from '../fixtures/models/write';
import { filler } from '../fixtures/pdf/handbook';
import { FIXTURES } from '../fixtures/paths';
import { testRunner, testService } from '../fixtures/serviceRunner';

const CASES = path.join(FIXTURES, 'cases');
const VOLUNTEER_SENTENCE = 'Each full-time employee is eligible for 12 hours of volunteer time off per calendar year.';
const HOURS_Q = 'How many hours of volunteer time off does each employee get?';
let bpeQaDir: string | undefined;
/** The RoBERTa-shaped (byte-level BPE) QA fixture, written once. */
const bpeQa = () => (bpeQaDir ??= writeModelDir(byteLevelQaModelFiles()));

describe('QA offsets: helpers', () => {
  it('the context sentence is collapsed and the answer\'s place in it is counted, not searched', () => {
    const text = 'Intro.  The desk   logged 112 hours.\n\nEach  employee gets\n12 hours of time off. Outro.';
    const start = text.indexOf('\n12 hours') + 1;
    const c = answerContext({ text, start: 0, end: text.length }, start, start + 8);
    assert.equal(c.text, 'Each employee gets 12 hours of time off.');
    assert.equal(c.text.slice(c.answerStart, c.answerEnd), '12 hours');
    assert.equal(text.slice(c.start, c.end), 'Each  employee gets\n12 hours of time off.');
  });

  it('answer spans widen to whole grapheme clusters (never half an emoji or a letter without its accent)', () => {
    const t = 'a 👍🏽 e\u0301 b';
    assert.deepEqual(snapToGraphemes(t, 2, 4), { start: 2, end: 6 }, 'skin tone kept with its hand');
    assert.deepEqual(snapToGraphemes(t, 7, 8), { start: 7, end: 9 }, 'accent kept with its letter');
    assert.deepEqual(snapToGraphemes(t, 0, 1), { start: 0, end: 1 });
  });
});

describe('QA offsets: the span chooser over a stand-in model (padding either side, checks)', () => {
  /** transformers.js's parts, with the QA fixture's tokenizer and a "model" that likes "12" then "hours". */
  function parts(side: 'left' | 'right'): QaPipelineParts {
    const { tokenizer, tokenizerJson } = loadTokenizer(fixtureModelDirs().qa);
    const id = (t: string) => tokenizer.token_to_id(t)!;
    const pad = id('[PAD]');
    const tok = Object.assign(
      (qs: string[], o: { text_pair: string[] }) => {
        const rows = qs.map((q, i) => tokenizer.encode(q, { text_pair: o.text_pair[i]! }).ids);
        const n = Math.max(...rows.map((r) => r.length));
        const padded = rows.map((r) => (side === 'left' ? [...Array<number>(n - r.length).fill(pad), ...r] : [...r, ...Array<number>(n - r.length).fill(pad)]));
        return { input_ids: { tolist: () => padded } };
      },
      { _tokenizer: tokenizer, _tokenizerJSON: tokenizerJson, all_special_ids: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map(id), padding_side: side },
    );
    const model = async (inputs: unknown) => {
      const rows = (inputs as { input_ids: { tolist(): number[][] } }).input_ids.tolist();
      const logits = (want: number) => ({ tolist: () => rows.map((r) => r.map((x) => (x === want ? 5 : 0))) });
      return { start_logits: logits(id('12')), end_logits: logits(id('hours')) };
    };
    return { tokenizer: tok, model };
  }

  for (const side of ['right', 'left'] as const) {
    it(`a batch of passages of different lengths (${side} padding): each answer at its own place`, async () => {
      const qa = questionAnswerer(parts(side));
      const passages = ['12 hours.', '😀👩‍👩‍👧 🇫🇷 𝑥 the desk logged 112 hours; each employee gets 12 hours of time off.'];
      const out = (await qa(['How many hours?', 'How many hours?'], passages)) as Array<{ answer: string; start: number; end: number }>;
      assert.deepEqual(out.map((a) => [a.answer, a.start]), [['12 hours', 0], ['12 hours', passages[1]!.indexOf(' 12 hours') + 1]]);
    });
  }

  it(`an answer is at most ${MAX_ANSWER_TOKENS} tokens: a start sentences before an equally likely end is never an answer`, async () => {
    const qa = questionAnswerer(parts('right'));
    const passage = 'The help desk logged 12 hours of overtime in March while the new dashboard was being built by the whole team. Each employee gets 12 hours of volunteer time off.';
    const out = (await qa('How many hours?', passage, { top_k: 3 })) as Array<{ answer: string; start: number }>;
    assert.deepEqual(out.slice(0, 2).map((a) => [a.answer, a.start]), [['12 hours', 21], ['12 hours', passage.lastIndexOf('12 hours')]]);
    // Without the limit, "12 hours of overtime … gets 12 hours" ties with them (same start and end scores).
    assert.ok(out.every((a) => !a.answer.includes('overtime')), JSON.stringify(out));
  });

  it('refuses to place answers when the tokens the model read are not the ones the offsets describe', async () => {
    const p = parts('right');
    const orig = p.tokenizer;
    // A tokenizer class that encodes its own way (one more token after [CLS]) than tokenizer.json says.
    const tokenizer = Object.assign((qs: string[], o: { text_pair: string[]; padding: boolean; truncation: boolean }) => {
      const rows = orig(qs, o).input_ids.tolist().map((r) => [r[0]!, 7, ...r.slice(1)]);
      return { input_ids: { tolist: () => rows } };
    }, { ...orig });
    const qa = questionAnswerer({ ...p, tokenizer });
    await assert.rejects(qa('How many hours?', 'Each employee gets 12 hours.'), /could not trace this model's tokens back to the passage/);
  });
});

describe('QA offsets: the model\'s span through the service and Ask a Question', function () {
  this.timeout(120_000);
  let service: InferenceService;
  let runner: ServiceTaskRunner;
  const qa = () => fixtureModelDirs().qa;
  before(() => {
    service = testService();
    runner = testRunner(service);
  });
  after(() => service.dispose());

  it('the service answers with start/end in the passage (UTF-16), after emoji and math letters, next to a "112 hours" decoy', async () => {
    const passage = '😀👩‍👩‍👧 𝑥 The desk logged 112 hours; each employee gets 12 hours of volunteer time off.';
    const out = (await service.run({ task: 'question-answering', modelDir: qa(), device: 'cpu', dtype: 'fp32', inputs: pipelineInputs('question-answering', { question: HOURS_Q, text: passage, topK: 2 }), idleUnloadMs: 0 })).output as Array<{ answer: string; start: number; end: number; score: number }>;
    const at = passage.indexOf(' 12 hours') + 1;
    assert.deepEqual({ answer: out[0]!.answer, start: out[0]!.start, end: out[0]!.end }, { answer: '12 hours', start: at, end: at + 8 });
    for (const a of out) assert.equal(passage.slice(a.start, a.end), a.answer);
  });

  it('byte-level BPE reader (emoji and 𝑥 split into byte pieces, a prefix space added): the same exact place', async () => {
    const passage = '😀👩‍👩‍👧 𝑥 The desk logged 112 hours of overtime. Each employee gets 12 hours of volunteer time off.';
    const out = (await service.run({ task: 'question-answering', modelDir: bpeQa(), device: 'cpu', dtype: 'fp32', inputs: pipelineInputs('question-answering', { question: HOURS_Q, text: passage, topK: 3 }), idleUnloadMs: 0 })).output as Array<{ answer: string; start: number; end: number }>;
    const at = passage.indexOf(' 12 hours') + 1;
    assert.deepEqual([out[0]!.answer, out[0]!.start, out[0]!.end], ['12 hours', at, at + 8]);
    for (const a of out) assert.equal(passage.slice(a.start, a.end), a.answer);
    const doc = joinPages([{ page: 1, text: 'The desk logged 112 hours of overtime. 😀' }, { page: 2, text: `👍🏽 🇫🇷 𝑥 ${VOLUNTEER_SENTENCE.replace('is eligible for', 'gets')}` }]);
    const r = await askQuestion({ runner, model: bpeQa(), question: HOURS_Q, doc, paged: true });
    assert.deepEqual([r.answers[0]?.answer, r.answers[0]?.page], ['12 hours', 2]);
    assert.equal(doc.text.slice(r.answers[0]!.start, r.answers[0]!.end), '12 hours');
    assert.notEqual(doc.text[r.answers[0]!.start - 1], '1');
  });

  it('case 08: an emoji before the answer does not shift it (start 22, end 30); notes.txt too', async () => {
    const min = fs.readFileSync(path.join(CASES, '08-qa-astral-offset', 'min.txt'), 'utf8');
    const r = await askQuestion({ runner, model: qa(), question: 'How many hours?', doc: joinPages([{ page: 1, text: min }]), paged: false });
    assert.deepEqual([r.answers[0]?.answer, r.answers[0]?.start, r.answers[0]?.end], ['12 hours', 22, 30]);
    const notes = fs.readFileSync(path.join(CASES, '08-qa-astral-offset', 'notes.txt'), 'utf8');
    const n = await askQuestion({ runner, model: qa(), question: 'How many hours?', doc: joinPages([{ page: 1, text: notes }]), paged: false });
    assert.equal(n.answers[0]?.answer, '12 hours');
    assert.equal(notes.slice(n.answers[0]!.start, n.answers[0]!.end), '12 hours');
    assert.equal(n.answers[0]!.start, notes.indexOf('12 hours'));
  });

  it('case 09: "12 hours" is on page 2, in the volunteer sentence, not inside "112 hours" on page 1', async () => {
    const doc = await extractPdf(fs.readFileSync(path.join(CASES, '09-qa-first-match', 'handbook.pdf')), 'handbook.pdf');
    const r = await askQuestion({ runner, model: qa(), question: HOURS_Q, doc, paged: true });
    const a = r.answers[0]!;
    assert.deepEqual([a.answer, a.page, a.context], ['12 hours', 2, VOLUNTEER_SENTENCE]);
    assert.equal(doc.text.slice(a.start, a.end), '12 hours');
    assert.notEqual(doc.text[a.start - 1], '1');
    assert.equal(a.context.slice(a.inContext.start, a.inContext.end), '12 hours');
  });

  it('over many chunks with emoji, skin tones, flags and math letters everywhere, every answer\'s offsets hold its text and its page', async () => {
    const noise = ' 😀 👍🏽 🇫🇷 𝑥𝑦 👩‍👩‍👧 東京 e\u0301 ';
    const pages = [1, 2, 3, 4].map((page) => ({
      page,
      text: `${filler(page, 8).split('. ').join(`.${noise}`)}${page === 2 ? ' The desk logged 112 hours of overtime.' : ''}${page === 3 ? `${noise}${VOLUNTEER_SENTENCE}` : ''}`,
    }));
    const doc = joinPages(pages);
    const r = await askQuestion({ runner, model: qa(), question: HOURS_Q, doc, paged: true, chunkTokens: 60, overlapTokens: 20, retrieveTop: 0, topK: 3 });
    assert.ok(r.chunks > 3, `${r.chunks} chunks`);
    const best = r.answers[0]!;
    assert.deepEqual([best.answer, best.page], ['12 hours', 3]);
    assert.ok(best.context.endsWith(VOLUNTEER_SENTENCE), best.context);
    assert.equal(best.start, doc.text.indexOf(VOLUNTEER_SENTENCE) + VOLUNTEER_SENTENCE.indexOf('12 hours'));
    for (const a of r.answers) {
      assert.equal(doc.text.slice(a.start, a.end), a.answer);
      assert.equal(a.context.slice(a.inContext.start, a.inContext.end), a.answer.replace(/\s+/g, ' '));
    }
  });
});

describe('QA and tokenizer offsets through the CLI (cases 06, 08, 09)', function () {
  this.timeout(60_000);
  const env = { HF_HUB_OFFLINE: '1' };
  const json = async (args: string[]) => {
    const r = await cliAsync(args, env);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };

  it('tokenize --json: case 06 (great [0,5), [UNK] [6,8) = 😀, product [9,16)); skin tones and two emoji keep later spans', async () => {
    const dir = path.join(CASES, '06-tok-unk-emoji');
    const min = (await json(['tokenize', fixtureModelDirs().qa, '--file', path.join(dir, 'input-min.txt'), '--json'])) as { tokens: Array<{ token: string; start?: number; end?: number }> };
    assert.deepEqual(min.tokens.map((t) => [t.token, t.start ?? null, t.end ?? null]), [['[CLS]', null, null], ['great', 0, 5], ['[UNK]', 6, 8], ['product', 9, 16], ['[SEP]', null, null]]);
    for (const [file, want] of [['input.txt', ['great', '👍🏽', 'product']], ['input2.txt', ['hi', '💩💩', 'great', 'product']]] as const) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const r = (await json(['tokenize', fixtureModelDirs().qa, '--file', path.join(dir, file), '--json'])) as typeof min;
      assert.deepEqual(r.tokens.filter((t) => t.start !== undefined).map((t) => text.slice(t.start, t.end)), want, file);
    }
  });

  it('tokenize --json on byte-level BPE: the pieces of an emoji carry its span, the next word its own', async () => {
    const r = (await json(['tokenize', fixtureModelDirs().lm, '--text', '😀 The future', '--json'])) as { tokens: Array<{ token: string; start?: number; end?: number }> };
    assert.deepEqual(r.tokens.map((t) => [t.token, t.start, t.end]), [['ð', 0, 2], ['Ł', 0, 2], ['ĺ', 0, 2], ['Ģ', 0, 2], ['Ġ', 2, 3], ['The', 3, 6], ['Ġfuture', 7, 13]]);
  });

  it('ask --json: case 08 (12 hours, start 22, end 30; notes.txt 12 hours) and case 09 (page 2, the volunteer sentence)', async () => {
    const qa = fixtureModelDirs().qa;
    const min = (await json(['ask', path.join(CASES, '08-qa-astral-offset', 'min.txt'), 'How many hours?', '--model', qa, '--offline', '--json'])) as { answers: Array<Record<string, unknown>> };
    assert.deepEqual([min.answers[0]!.answer, min.answers[0]!.start, min.answers[0]!.end], ['12 hours', 22, 30]);
    const notes = (await json(['ask', path.join(CASES, '08-qa-astral-offset', 'notes.txt'), 'How many hours?', '--model', qa, '--offline', '--json'])) as typeof min;
    assert.equal(notes.answers[0]!.answer, '12 hours');
    const pdf = (await json(['ask', path.join(CASES, '09-qa-first-match', 'handbook.pdf'), HOURS_Q, '--model', qa, '--offline', '--json'])) as typeof min;
    assert.deepEqual([pdf.answers[0]!.answer, pdf.answers[0]!.page, pdf.answers[0]!.context], ['12 hours', 2, VOLUNTEER_SENTENCE]);
  });

  it('ask --json with a byte-level BPE reader: case 08 (start 22, end 30) and case 09 (page 2)', async () => {
    const min = (await json(['ask', path.join(CASES, '08-qa-astral-offset', 'min.txt'), 'How many hours?', '--model', bpeQa(), '--offline', '--json'])) as { answers: Array<Record<string, unknown>> };
    assert.deepEqual([min.answers[0]!.answer, min.answers[0]!.start, min.answers[0]!.end], ['12 hours', 22, 30]);
    const pdf = (await json(['ask', path.join(CASES, '09-qa-first-match', 'handbook.pdf'), HOURS_Q, '--model', bpeQa(), '--offline', '--json'])) as typeof min;
    assert.deepEqual([pdf.answers[0]!.answer, pdf.answers[0]!.page], ['12 hours', 2]);
  });
});
