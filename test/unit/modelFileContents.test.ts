/** Model files that parse but are not what they claim: a tokenizer.json without its sections, ONNX that is not ONNX. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { explainLoadFailure } from '../../src/core/inference/modelCheck';
import { checkModelJson, readModelJson } from '../../src/core/inference/modelFolder';
import { cliAsync } from '../fixtures/cli';
import { fixtureModelDirs } from '../fixtures/models';
import { sentimentModelFiles } from '../fixtures/models/sentiment';
import { writeModelDir } from '../fixtures/models/write';
import { DIST } from '../fixtures/paths';

/** The sentiment fixture with tokenizer.json replaced by `json`. */
function withTokenizer(json: unknown): string {
  return writeModelDir({ ...sentimentModelFiles(), 'tokenizer.json': JSON.stringify(json) }, 'ailab-tok-');
}
const tokenizerProblem = (dir: string) => checkModelJson(dir).problems.find((p) => p.file === 'tokenizer.json')?.problem;

describe('model files: contents checked, each problem named with its file', () => {
  it('a tokenizer.json without "model", or without the sections every tokenizers file has, is named before transformers.js reads it', () => {
    const real = JSON.parse(String(sentimentModelFiles()['tokenizer.json'])) as Record<string, unknown>;
    assert.equal(tokenizerProblem(withTokenizer(real)), undefined, 'the real file passes');
    assert.match(tokenizerProblem(withTokenizer({}))!, /has no "model" section/);
    assert.match(tokenizerProblem(withTokenizer({ model: {} }))!, /^has no "normalizer", "pre_tokenizer", "post_processor", "decoder" \(a tokenizers-library file has each, null when unused\)/);
    const { decoder: _decoder, ...noDecoder } = real;
    assert.match(tokenizerProblem(withTokenizer(noDecoder))!, /^has no "decoder" /);
    // null sections are what the library writes for unused steps: fine.
    assert.equal(tokenizerProblem(withTokenizer({ ...real, decoder: null, normalizer: null })), undefined);
  });

  it('the quick check of a big tokenizer.json (only its ends read) does not report sections it did not read', () => {
    const real = JSON.parse(String(sentimentModelFiles()['tokenizer.json'])) as Record<string, unknown>;
    const dir = withTokenizer({ ...real, padding_note: 'x'.repeat(2_100_000) });
    const r = readModelJson(dir, 'tokenizer.json', { quick: true });
    assert.equal(r.partial, true);
    assert.equal(checkModelJson(dir, { quick: true }).problems.length, 0);
  });

  it('ONNX Runtime\'s "Protobuf parsing failed" is said as the ONNX file named, not valid ONNX', () => {
    const dir = writeModelDir({ ...sentimentModelFiles(), 'onnx/model.onnx': 'garbage, not protobuf' }, 'ailab-onnx-');
    const msg = explainLoadFailure(dir, new Error(`Load model from ${path.join(dir, 'onnx', 'model.onnx')} failed:Protobuf parsing failed.`));
    assert.equal(msg, `${dir} cannot be loaded: onnx/model.onnx is not a valid ONNX file (ONNX Runtime cannot parse it: damaged, cut short, or not ONNX). Download it again.`);
    assert.equal(explainLoadFailure(dir, new Error('something else')), 'something else');
  });
});

describe('model files through the CLI', function () {
  this.timeout(240_000);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-modelfiles-'));
  const env = { HF_HOME: home, HF_HUB_OFFLINE: '1' };

  it('classify, run and tokenize on a tokenizer.json without its sections: exit 1 naming the file, never the library\'s "Tokenizer must contain"', async () => {
    const dir = withTokenizer({ model: { type: 'WordPiece', vocab: { a: 0 } } });
    for (const args of [['classify', '--model', dir, '--text', 'good'], ['run', 'text-classification', '--model', dir, '--text', 'good'], ['tokenize', dir, '--text', 'good']]) {
      const r = await cliAsync(args, env);
      assert.equal(r.status, 1, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, /tokenizer\.json has no "normalizer", "pre_tokenizer", "post_processor", "decoder"/, args[0]);
      assert.doesNotMatch(r.stderr, /must contain/);
    }
  });

  it('classify on ONNX weights that are not ONNX: exit 1 naming onnx/model.onnx', async () => {
    const dir = writeModelDir({ ...sentimentModelFiles(), 'onnx/model.onnx': 'garbage, not protobuf' }, 'ailab-onnx-');
    const r = await cliAsync(['classify', '--model', dir, '--text', 'good', '--device', 'cpu'], env);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /onnx\/model\.onnx is not a valid ONNX file/);
  });

  it('output piped into a reader that stops early (| head) ends quietly, no EPIPE stack trace', () => {
    // Far more output than a pipe holds (64 KiB), so the writes go on after head has gone.
    const file = path.join(home, 'long.txt');
    fs.writeFileSync(file, 'great product '.repeat(10_000));
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${path.join(DIST, 'cli.js')}" tokenize "${fixtureModelDirs().sentiment}" --file "${file}" | head -c 20`], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
    assert.equal(r.stdout.length, 20);
    assert.doesNotMatch(r.stderr, /EPIPE|Unhandled|at /);
  });
});
