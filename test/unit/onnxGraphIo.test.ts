import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { OnnxReadError, readGraphIo } from '../../src/core/onnx/graphIo';
import { validateModelFolder } from '../../src/core/model/validateFolder';
import { causalLmFiles } from '../fixtures/models/causalLm';
import { fixtureModelDirs } from '../fixtures/models';
import { classifierGraph, sentimentModelFiles } from '../fixtures/models/sentiment';
import { wordpieceVocab } from '../fixtures/models/wordpiece';
import { writeModelDir } from '../fixtures/models/write';

describe('ONNX graph inputs and outputs read without loading the weights', function () {
  this.timeout(60_000);

  it('gives the same names, shapes and order as onnxruntime-node for every fixture model file', async () => {
    for (const [kind, dir] of Object.entries(fixtureModelDirs())) {
      for (const f of fs.readdirSync(path.join(dir, 'onnx'))) {
        const file = path.join(dir, 'onnx', f);
        const io = readGraphIo(file);
        const session = await ort.InferenceSession.create(file);
        try {
          assert.deepEqual(io.inputs.map((i) => i.name), session.inputNames, `${kind}/${f} inputs`);
          assert.deepEqual(io.outputs.map((o) => o.name), session.outputNames, `${kind}/${f} outputs`);
          const shapes = (meta: readonly ort.InferenceSession.ValueMetadata[]) => meta.map((m) => (m.isTensor ? m.shape : []));
          assert.deepEqual(io.outputs.map((o) => o.shape), shapes(session.outputMetadata), `${kind}/${f} output shapes`);
          assert.deepEqual(io.inputs.map((o) => o.shape), shapes(session.inputMetadata), `${kind}/${f} input shapes`);
        } finally {
          await session.release();
        }
      }
    }
  });

  it('refuses a cut-short file, a Git LFS pointer and a file that is not protobuf', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-onnx-')), 'model.onnx');
    const whole = fs.readFileSync(path.join(fixtureModelDirs().sentiment, 'onnx', 'model.onnx'));
    fs.writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    assert.throws(() => readGraphIo(file), (e: Error) => e instanceof OnnxReadError && /cut short/.test(e.message));
    fs.writeFileSync(file, 'version https://git-lfs.github.com/spec/v1\n');
    assert.throws(() => readGraphIo(file), /Git LFS pointer/);
    fs.writeFileSync(file, '{"not": "onnx"}');
    assert.throws(() => readGraphIo(file), OnnxReadError);
  });
});

describe('Validate Model Folder: ONNX files against config.json', function () {
  this.timeout(60_000);
  const find = (dir: string, check: string) => validateModelFolder(dir).findings.filter((f) => f.check === check);

  it('a classifier whose ONNX head has another number of labels than id2label (a confident wrong label)', () => {
    const files = sentimentModelFiles();
    const vocab = wordpieceVocab(['good', 'bad']);
    files['onnx/model.onnx'] = classifierGraph(vocab, (() => [0, 0, 0]) as unknown as (t: string) => [number, number], 3);
    const f = find(writeModelDir(files), 'onnx.io');
    assert.equal(f.length, 1);
    assert.match(f[0]!.message, /onnx\/model.onnx gives 3 scores a text, config.json's id2label has 2 labels/);
  });

  it('a classifier exported without its head (no logits), a causal LM without past_key_values, an encoder-decoder without its decoder', () => {
    const base = sentimentModelFiles();
    base['onnx/model.onnx'] = fs.readFileSync(path.join(fixtureModelDirs().embed, 'onnx', 'model.onnx'));
    assert.match(find(writeModelDir(base), 'onnx.io')[0]!.message, /has no logits output \(outputs: last_hidden_state\)/);
    const lm = causalLmFiles();
    const noCache = { ...lm, 'config.json': String(lm['config.json']), 'onnx/model.onnx': fs.readFileSync(path.join(fixtureModelDirs().embed, 'onnx', 'model.onnx')) };
    assert.ok(find(writeModelDir(noCache), 'onnx.io').some((f) => /takes no past_key_values inputs/.test(f.message) && /text-generation-with-past/.test(f.fix)));
    const s2s = fixtureModelDirs().summarizer;
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-s2s-'));
    fs.cpSync(s2s, copy, { recursive: true });
    fs.rmSync(path.join(copy, 'onnx', 'decoder_model_merged.onnx'));
    assert.match(find(copy, 'onnx.io')[0]!.message, /needs onnx\/encoder_model.onnx and onnx\/decoder_model_merged.onnx; found onnx\/encoder_model.onnx/);
  });

  it('the fixture models of every task pass the ONNX checks', () => {
    for (const [kind, dir] of Object.entries(fixtureModelDirs())) {
      const r = validateModelFolder(dir);
      assert.deepEqual(r.findings.filter((f) => f.check.startsWith('onnx.')), [], kind);
      assert.ok(r.passed.includes('onnx.io'), kind);
    }
  });
});
