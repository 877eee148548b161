import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { classifyText, qnli, zeroShot } from '../../src/core/nlp/classify';
import { continueText } from '../../src/core/nlp/generate';
import type { TaskRunner } from '../../src/core/nlp/runner';
import { extractiveSummary, summarize } from '../../src/core/nlp/summarize';
import { DEFAULT_PRESETS } from '../../src/core/nlp/tasks';
import { InputError } from '../../src/core/text/chunks';
import { decodeText, firstInvalidUtf8, vscodeEncodingId } from '../../src/core/text/decode';
import { hasVisibleText, requireVisibleText } from '../../src/core/text/visible';
import { cliAsync } from '../fixtures/cli';
import { fixtureModelDirs } from '../fixtures/models';
import { FIXTURES } from '../fixtures/paths';

const CASE = path.join(FIXTURES, 'cases', '18-classify-empty');
const CASE_FILES = ['zwsp.txt', 'bom-only.txt', 'blank.txt'];
const bytes = (...b: number[]) => new Uint8Array(b);
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

/** A runner that records every call: a task that refuses its input must never reach it. */
function recordingRunner(): TaskRunner & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    async run(pipeline, _model, inputs) {
      calls.push(inputs);
      const texts = (Array.isArray(inputs[0]) ? inputs[0] : [inputs[0]]) as unknown[];
      if (pipeline === 'feature-extraction') return { data: texts.map(() => [1, 0]) };
      if (pipeline === 'zero-shot-classification') return texts.map(() => ({ labels: inputs[1], scores: [0.5, 0.5] }));
      if (pipeline === 'summarization') return [{ summary_text: 'summary' }];
      if (pipeline === 'text-generation') return [{ generated_text: `${inputs[0]} more` }];
      return texts.map(() => [{ label: 'POSITIVE', score: 0.9 }, { label: 'NEGATIVE', score: 0.1 }]);
    },
  };
}

describe('input text: decoding files as VS Code does', () => {
  it('UTF-8 with and without a BOM, UTF-16 LE/BE with a BOM, and UTF-16 without one (zero bytes)', () => {
    assert.deepEqual(decodeText(utf8('café 😀'), { name: 'a' }), { text: 'café 😀', encoding: 'utf-8', bom: false });
    assert.deepEqual(decodeText(bytes(0xef, 0xbb, 0xbf, 0x68, 0x69), { name: 'a' }), { text: 'hi', encoding: 'utf-8', bom: true });
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('héllo 😀', 'utf16le')]);
    assert.deepEqual(decodeText(new Uint8Array(le), { name: 'a' }), { text: 'héllo 😀', encoding: 'utf-16le', bom: true });
    const be = Buffer.from('héllo', 'utf16le').swap16();
    assert.deepEqual(decodeText(new Uint8Array(Buffer.concat([Buffer.from([0xfe, 0xff]), be])), { name: 'a' }), { text: 'héllo', encoding: 'utf-16be', bom: true });
    assert.deepEqual(decodeText(new Uint8Array(Buffer.from('plain ascii', 'utf16le')), { name: 'a' }), { text: 'plain ascii', encoding: 'utf-16le', bom: false });
    assert.deepEqual(decodeText(new Uint8Array(Buffer.from('plain ascii', 'utf16le').swap16()), { name: 'a' }), { text: 'plain ascii', encoding: 'utf-16be', bom: false });
    assert.equal(vscodeEncodingId({ encoding: 'utf-8', bom: true }), 'utf8bom');
    assert.equal(vscodeEncodingId({ encoding: 'utf-16le', bom: true }), 'utf16le');
    assert.equal(vscodeEncodingId({ encoding: 'windows-1252', bom: false }), 'windows1252');
  });

  it('binary data and broken UTF-16 are refused with the file named', () => {
    assert.throws(() => decodeText(bytes(0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x14, 0x00), { name: 'x.zip' }), (e: unknown) => e instanceof InputError && /x\.zip looks like binary data/.test(e.message));
    assert.throws(() => decodeText(bytes(0xff, 0xfe, 0x41), { name: 'odd.txt' }), /odd\.txt looks like UTF-16 LE text \(from its byte order mark\) but is not valid UTF-16 LE/);
  });

  it('bytes that are not UTF-8 are read in the fallback encoding with a notice that says where, never as U+FFFD', () => {
    const latin = bytes(0x63, 0x61, 0x66, 0xe9, 0x20, 0x80); // "café €" in windows-1252
    const d = decodeText(latin, { name: 'menu.txt', hint: 'Give --encoding.' });
    assert.equal(d.text, 'café €');
    assert.equal(d.encoding, 'windows-1252');
    assert.equal(d.notice, 'menu.txt is not valid UTF-8 (byte 0xE9 at offset 3 is not part of a UTF-8 character), so it was read as windows-1252. Give --encoding.');
    assert.ok(!d.text.includes('\ufffd'));
    // All of windows-1252, as VS Code reads it (Node's own TextDecoder reads this label as ISO-8859-1).
    assert.equal(decodeText(bytes(0x93, 0x68, 0x69, 0x94, 0x20, 0x96, 0x20, 0x99, 0x81), { name: 'a' }).text, '\u201chi\u201d \u2013 \u2122\u0081');
    // files.encoding (a VS Code id) and WHATWG labels both work; a UTF-8 "fallback" means windows-1252.
    const pl = decodeText(bytes(0xb3, 0xf3, 0x64, 0xbc), { name: 'a', fallback: 'iso88592', fallbackFrom: 'files.encoding' });
    assert.equal(pl.text, 'łódź');
    assert.match(pl.notice!, /read as iso-8859-2 \(files\.encoding\)/);
    const sjis = decodeText(bytes(0x82, 0xa0, 0x82, 0xa2), { name: 'a', fallback: 'shift_jis', fallbackFrom: '--encoding' });
    assert.equal(sjis.text, 'あい');
    assert.equal(decodeText(latin, { name: 'a', fallback: 'utf8', fallbackFrom: 'files.encoding' }).encoding, 'windows-1252');
    assert.match(decodeText(latin, { name: 'a', fallback: 'cp437', fallbackFrom: 'files.encoding' }).notice!, /windows-1252 \(files\.encoding names cp437, which AI Lab cannot decode\)/);
    assert.match(decodeText(bytes(0x41, 0xff, 0x41), { name: 'a', fallback: 'shift_jis', fallbackFrom: '--encoding' }).notice!, /windows-1252 \(shift_jis, from --encoding, does not fit these bytes either\)/);
    // A UTF-8 BOM does not make invalid bytes valid: the offset counts the BOM.
    assert.match(decodeText(bytes(0xef, 0xbb, 0xbf, 0x41, 0xe9), { name: 'a' }).notice!, /byte 0xE9 at offset 4/);
  });

  it('finds the first byte that breaks UTF-8: overlongs, surrogates, cut sequences, beyond U+10FFFF', () => {
    assert.equal(firstInvalidUtf8(utf8('a€😀ü')), -1);
    assert.equal(firstInvalidUtf8(bytes(0x41, 0xc0, 0x80)), 1);
    assert.equal(firstInvalidUtf8(bytes(0xe0, 0x80, 0x80)), 0);
    assert.equal(firstInvalidUtf8(bytes(0x41, 0x42, 0xed, 0xa0, 0x80)), 2);
    assert.equal(firstInvalidUtf8(bytes(0x41, 0xe2, 0x82)), 1);
    assert.equal(firstInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80)), 0);
    assert.equal(firstInvalidUtf8(bytes(0x80)), 0);
  });
});

describe('input text: nothing visible is nothing to work on', () => {
  it('whitespace, zero-width and other default-ignorable, format and lone combining characters show nothing', () => {
    for (const t of ['', ' \n\t', '\u200b\u200b', '\ufeff', '\u2060\u00ad\u180e\u3164', '\u200d\ufe0f', '\u0301', '\u2800', '\u00a0\u3000', '\u{e0041}']) {
      assert.equal(hasVisibleText(t), false, JSON.stringify(t));
    }
    for (const t of ['a', '😀', '\u200bx', '.', '\u0600', '١', '中']) assert.equal(hasVisibleText(t), true, JSON.stringify(t));
  });

  it('the message names the input and what it holds, and says "nothing to work on"', () => {
    assert.throws(() => requireVisibleText('', 'the file a.txt'), /^InputError: The file a\.txt is empty: nothing to work on\.$/);
    assert.throws(() => requireVisibleText(' \n', 'the selection'), /^InputError: The selection has only whitespace: nothing to work on\.$/);
    assert.throws(() => requireVisibleText('\u200b\u200b \u2060', 'the text'), /only 2 × U\+200B ZERO WIDTH SPACE, 1 × U\+2060 WORD JOINER, 1 spaces, tabs or line breaks: nothing to work on/);
    assert.equal(requireVisibleText(' ok ', 'x'), ' ok ');
  });

  it(`case 18-classify-empty (${CASE_FILES.join(', ')}): every core task refuses it before any model runs`, async () => {
    for (const file of CASE_FILES) {
      const d = decodeText(new Uint8Array(fs.readFileSync(path.join(CASE, file))), { name: file });
      assert.equal(d.notice, undefined, file);
      const runner = recordingRunner();
      const m = 'model';
      const tasks: Array<[string, () => Promise<unknown>]> = [
        ['classify', () => classifyText({ runner, model: m, text: d.text })],
        ['qnli', () => qnli({ runner, model: m, text: d.text, question: 'Why?' })],
        ['zero-shot', () => zeroShot({ runner, model: m, text: d.text, labels: ['a', 'b'] })],
        ['summarize', () => summarize({ runner, model: m, text: d.text, preset: DEFAULT_PRESETS.short })],
        ['extractive', () => extractiveSummary({ runner, model: m, text: d.text })],
        ['generate', () => continueText({ runner, model: m, prompt: d.text })],
      ];
      for (const [name, run] of tasks) await assert.rejects(run(), (e: unknown) => e instanceof InputError && /nothing to work on/.test(e.message), `${file} ${name}`);
      assert.deepEqual(runner.calls, [], `${file}: no model call`);
    }
  });

  it('a part of only zero-width characters inside real text is never classified on its own', async () => {
    const runner = recordingRunner();
    const text = `Great movie. ${'\u200b'.repeat(40)}. Bad ending.`;
    const r = await classifyText({ runner, model: 'm', text, maxTokens: 8 });
    const sent = runner.calls.flatMap((c) => c[0] as string[]);
    assert.ok(sent.length >= 2 && sent.every(hasVisibleText), JSON.stringify(sent));
    assert.ok(r.parts.every((p) => hasVisibleText(text.slice(p.start, p.end))));
  });
});

describe('input text through the CLI', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-input-'));
  const env = { HF_HOME: home, HF_HUB_OFFLINE: '1' };

  it('case 18-classify-empty: classify --file F → "nothing to work on", exit 2; for blank.txt no word of a missing --file', async function () {
    this.timeout(120_000);
    const model = fixtureModelDirs().sentiment;
    for (const file of CASE_FILES) {
      const r = await cliAsync(['classify', '--file', path.join(CASE, file), '--model', model], env);
      assert.equal(r.status, 2, `${file}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`The file .*${file.replace('.', '\\.')} (is empty|has only whitespace|has no visible text).*: nothing to work on\\.`));
      assert.doesNotMatch(r.stderr, /no input text|--file|Usage:/);
      assert.equal(r.stdout, '');
    }
  });

  it('the same files through every other command, stdin and --text: exit 2 before any model is fetched', async function () {
    this.timeout(240_000);
    const d = fixtureModelDirs();
    const runs: string[][] = [
      ['grammar', '--model', d.grammar], ['qnli', '--question', 'Why?', '--model', d.nli], ['zero-shot', '--labels', 'a,b', '--model', d.nli],
      ['summarize', '--model', d.summarizer], ['summarize', '--extractive', '--model', d.embed], ['generate', '--model', d.lm],
      ['run', 'text-classification', '--model', d.sentiment], ['tokenize', d.sentiment],
    ];
    for (const file of CASE_FILES) {
      const f = path.join(CASE, file);
      for (const args of runs) {
        const r = await cliAsync([...args, '--file', f], env);
        assert.equal(r.status, 2, `${args[0]} ${file}: ${r.stderr}`);
        assert.match(r.stderr, /nothing to work on/, `${args[0]} ${file}`);
      }
      const ask = await cliAsync(['ask', f, 'What?', '--model', d.qa], env);
      assert.equal(ask.status, 2, `ask ${file}: ${ask.stderr}`);
      assert.match(ask.stderr, /nothing to work on/);
      const piped = await cliAsync(['classify', '--model', d.sentiment], env, fs.readFileSync(f, 'utf8'));
      assert.equal(piped.status, 2);
      assert.match(piped.stderr, /The text on stdin .*nothing to work on/);
    }
    const inline = await cliAsync(['classify', '--model', d.sentiment, '--text', '\u2060\u200b'], env);
    assert.equal(inline.status, 2);
    assert.match(inline.stderr, /The --text value has no visible text, only 1 × U\+2060 WORD JOINER, 1 × U\+200B ZERO WIDTH SPACE: nothing to work on/);
  });

  it('a windows-1252 file is read with a note (or in --encoding); UTF-16 with a BOM is read as is; an unknown --encoding is a usage error', async function () {
    this.timeout(120_000);
    const d = fixtureModelDirs();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-enc-'));
    const latin = path.join(dir, 'review.txt');
    fs.writeFileSync(latin, Buffer.from('Caf\xe9 food was terrible.', 'latin1'));
    const r = await cliAsync(['classify', '--file', latin, '--model', d.sentiment, '--device', 'cpu', '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /note: review\.txt is not valid UTF-8 \(byte 0xE9 at offset 3 .*\), so it was read as windows-1252\. If it is in another encoding, give it with --encoding/);
    assert.equal(JSON.parse(r.stdout).output.labels[0].label, 'NEGATIVE');
    const tok = await cliAsync(['tokenize', d.sentiment, '--file', latin, '--encoding', 'latin1', '--json'], env);
    assert.equal(tok.status, 0, tok.stderr);
    assert.match(tok.stderr, /read as windows-1252 \(--encoding\)/);
    assert.ok(!JSON.stringify(JSON.parse(tok.stdout).tokens).includes('\ufffd'));
    const utf16 = path.join(dir, 'utf16.txt');
    fs.writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('The food was terrible.', 'utf16le')]));
    const u = await cliAsync(['classify', '--file', utf16, '--model', d.sentiment, '--device', 'cpu'], env);
    assert.equal(u.status, 0, u.stderr);
    assert.equal(u.stderr, '');
    assert.match(u.stdout, /^NEGATIVE\t/);
    const bad = await cliAsync(['classify', '--file', latin, '--encoding', 'klingon', '--model', d.sentiment], env);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--encoding klingon is not an encoding AI Lab can decode/);
    const bin = path.join(dir, 'data.bin');
    fs.writeFileSync(bin, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x14, 0x00, 0x01]));
    const b = await cliAsync(['ask', bin, 'What?', '--model', d.qa], env);
    assert.equal(b.status, 2);
    assert.match(b.stderr, /data\.bin looks like binary data/);
  });
});
