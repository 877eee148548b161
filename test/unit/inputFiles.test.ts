/** Input files that are not text: NUL characters after decoding, UTF-32, devices and FIFOs, missing files. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../src/core/text/chunks';
import { decodeText } from '../../src/core/text/decode';
import { readTextFileBytes } from '../../src/core/text/textFile';
import { cliAsync } from '../fixtures/cli';
import { fixtureModelDirs } from '../fixtures/models';

const SENTENCE = 'Wi-Fi is slower than a snail today!';
const utf32le = (s: string) => new Uint8Array([0xff, 0xfe, 0, 0, ...[...s].flatMap((c) => [c.codePointAt(0)!, 0, 0, 0])]);
const utf32be = (s: string) => new Uint8Array([0, 0, 0xfe, 0xff, ...[...s].flatMap((c) => [0, 0, 0, c.codePointAt(0)!])]);

describe('input files: what is not text is refused, in the core', () => {
  it('UTF-32 (LE or BE, by its byte order mark) is refused with the file named, never read as UTF-16', () => {
    for (const b of [utf32le(SENTENCE), utf32be(SENTENCE)]) {
      assert.throws(() => decodeText(b, { name: 'u32.txt' }), (e: Error) => e instanceof InputError && /u32\.txt is UTF-32 text .*save it again as UTF-8/.test(e.message));
    }
  });

  it('a NUL character anywhere in the decoded text (past the first 512 bytes too, or inside UTF-16) is binary data', () => {
    const late = new Uint8Array(Buffer.from(`${'a'.repeat(600)}\u0000tail`, 'utf8'));
    assert.throws(() => decodeText(late, { name: 'late.txt' }), /late\.txt looks like binary data, not text \(it has a NUL character at character 600/);
    const utf16WithNul = new Uint8Array([0xff, 0xfe, ...Buffer.from('ok\u0000ok', 'utf16le')]);
    assert.throws(() => decodeText(utf16WithNul, { name: 'n.txt' }), /n\.txt looks like binary data/);
    // Text without NUL still decodes.
    assert.equal(decodeText(new Uint8Array(Buffer.from(SENTENCE)), { name: 'ok.txt' }).text, SENTENCE);
  });

  it('readTextFileBytes reads regular files and refuses a FIFO (without waiting for a writer), a device and a folder', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-textfile-'));
    const file = path.join(dir, 'a.txt');
    fs.writeFileSync(file, SENTENCE);
    assert.equal(Buffer.from(readTextFileBytes(file)).toString(), SENTENCE);
    assert.throws(() => readTextFileBytes('/dev/zero'), (e: Error) => e instanceof InputError && /\/dev\/zero is a character device, not a regular file: .*pipe it on stdin/.test(e.message));
    assert.throws(() => readTextFileBytes(dir), /is a folder, not a file/);
    const fifo = path.join(dir, 'pipe');
    if (spawnSync('mkfifo', [fifo]).status !== 0) {
      console.log('      (skipped the FIFO: mkfifo is not available here)');
      return;
    }
    assert.throws(() => readTextFileBytes(fifo), /is a named pipe \(FIFO\), not a regular file/);
  });
});

describe('input files through the CLI', function () {
  this.timeout(240_000);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-inputfiles-'));
  const env = { HF_HOME: home, HF_HUB_OFFLINE: '1' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-inputfiles-in-'));
  const u32 = path.join(dir, 'u32.txt');
  fs.writeFileSync(u32, utf32le(SENTENCE));
  const fifo = path.join(dir, 'pipe.txt');
  const haveFifo = spawnSync('mkfifo', [fifo]).status === 0;

  it('UTF-32, /dev/zero and a FIFO: every command exits 2 with the reason, computes nothing and never hangs', async () => {
    const d = fixtureModelDirs();
    const runs: string[][] = [
      ['classify', '--model', d.sentiment], ['run', 'text-classification', '--model', d.sentiment], ['tokenize', d.sentiment],
      ['zero-shot', '--labels', 'a,b', '--model', d.nli], ['summarize', '--model', d.summarizer], ['generate', '--model', d.lm],
    ];
    const inputs: Array<[string, RegExp]> = [[u32, /is UTF-32 text/], ['/dev/zero', /is a character device, not a regular file/]];
    if (haveFifo) inputs.push([fifo, /is a named pipe \(FIFO\), not a regular file/]);
    for (const [file, why] of inputs) {
      for (const run of runs) {
        const r = await cliAsync([...run, '--file', file], env);
        assert.equal(r.status, 2, `${run[0]} ${file}: ${r.stderr}`);
        assert.match(r.stderr, why, `${run[0]} ${file}`);
        assert.equal(r.stdout, '', `${run[0]} ${file}: nothing computed`);
      }
    }
    const ask = await cliAsync(['ask', u32, 'How many hours?', '--model', d.qa], env);
    assert.equal(ask.status, 2, ask.stderr);
    assert.match(ask.stderr, /is UTF-32 text/);
  });

  it('a missing --file or ask file is one line that names it, not the whole usage', async () => {
    const d = fixtureModelDirs();
    for (const args of [['classify', '--file', path.join(dir, 'nope.txt'), '--model', d.sentiment], ['ask', path.join(dir, 'nope.pdf'), 'Q?'], ['pdf-text', path.join(dir, 'nope.pdf')]]) {
      const r = await cliAsync(args, env);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /nope\.(txt|pdf) does not exist \(ai-lab --help for usage\)\n$/);
      assert.doesNotMatch(r.stderr, /Usage:/);
    }
  });
});
