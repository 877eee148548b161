import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { localFolderAdvice, notAFolderMessage } from '../../src/core/inference/localModelHint';
import { assertRunnableFiles, convertedCopyAdvice } from '../../src/core/inference/modelFiles';
import { checkLabels, parseLabels } from '../../src/core/nlp/labels';
import { checkModelNewTokens, checkNewTokens, outputLimitOf, UNKNOWN_OUTPUT_LIMIT } from '../../src/core/nlp/outputLimit';
import type { TaskRunner } from '../../src/core/nlp/runner';
import { parsePageRange } from '../../src/core/pdf/pageText';
import { InputError } from '../../src/core/text/chunks';

describe('argument checks in core (the CLI and the extension alike)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-args-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };

  it('outputLimitOf: the decoder positions first, then the other position counts, then model_max_length, else the cap', () => {
    write('bart/config.json', JSON.stringify({ max_position_embeddings: 1024, max_target_positions: 512 }));
    write('gpt/config.json', JSON.stringify({ n_positions: 256 }));
    write('enc/config.json', JSON.stringify({ decoder: { max_position_embeddings: 2048 } }));
    write('tok/config.json', '{}');
    write('tok/tokenizer_config.json', JSON.stringify({ model_max_length: 512 }));
    write('none/config.json', JSON.stringify({ max_position_embeddings: 1e30 }));
    assert.deepEqual(outputLimitOf(path.join(dir, 'bart')), { tokens: 512, from: 'max_target_positions in config.json', known: true });
    assert.equal(outputLimitOf(path.join(dir, 'gpt')).from, 'n_positions in config.json');
    assert.deepEqual(outputLimitOf(path.join(dir, 'enc')), { tokens: 2048, from: "max_position_embeddings in config.json's decoder", known: true });
    assert.equal(outputLimitOf(path.join(dir, 'tok')).tokens, 512);
    assert.deepEqual([outputLimitOf(path.join(dir, 'none')).tokens, outputLimitOf(path.join(dir, 'none')).known], [UNKNOWN_OUTPUT_LIMIT, false]);
  });

  it('checkNewTokens: above the limit (less the prompt), min above max, not whole: InputError naming the setting', () => {
    const limit = { tokens: 1024, from: 'max_position_embeddings in config.json', known: true };
    const n = { maxName: 'aiLab.generate.maxNewTokens' };
    assert.doesNotThrow(() => checkNewTokens({ ...n, max: 1024 }, 'm', limit));
    assert.throws(() => checkNewTokens({ ...n, max: 1025 }, 'm', limit), (e: unknown) => e instanceof InputError && /^aiLab\.generate\.maxNewTokens 1025 is more than the model can write: m holds at most 1024 tokens \(max_position_embeddings in config\.json\)\. Use at most 1024\.$/.test(e.message));
    assert.throws(() => checkNewTokens({ ...n, max: 1000 }, 'm', limit, 30), /30 of them taken by the prompt\. Use at most 994\./);
    assert.throws(() => checkNewTokens({ ...n, max: 5000 }, 'm', undefined), new RegExp(`m states no limit of its own, so AI Lab caps it at ${UNKNOWN_OUTPUT_LIMIT} tokens`));
    assert.throws(() => checkNewTokens({ min: 50, minName: 'aiLab.summarize.presets.minNewTokens', max: 5, maxName: 'aiLab.summarize.presets.maxNewTokens' }, 'm', limit), /minNewTokens 50 is more than aiLab\.summarize\.presets\.maxNewTokens 5/);
    assert.throws(() => checkNewTokens({ ...n, max: 1.5 }, 'm', limit), /must be a whole number/);
  });

  it('checkModelNewTokens asks the runner for the limit and counts the prompt of text-generation; nothing runs', async () => {
    let ran = false;
    const runner: TaskRunner = {
      run: async () => ((ran = true), []),
      outputLimit: async () => ({ tokens: 100, from: 'n_positions in config.json', known: true }),
      inputLimits: async () => ({ counter: { count: (t: string) => t.split(' ').length, specials: { single: 1, pair: 2 }, source: 'model' }, prefixTokens: 0 }),
    };
    await assert.rejects(checkModelNewTokens(runner, 'text-generation', 'gpt', { max: 98, maxName: 'aiLab.generate.maxNewTokens' }, 'a b c'), /4 of them taken by the prompt\. Use at most 96\./);
    await checkModelNewTokens(runner, 'summarization', 'bart', { max: 100, maxName: 'aiLab.generate.maxNewTokens' }, 'a b c');
    assert.equal(ran, false);
  });

  it('labels: empty ones refused by number, repeats (case and spacing ignored) by name, at least two', () => {
    assert.deepEqual(parseLabels(' billing , support,feedback'), ['billing', 'support', 'feedback']);
    assert.throws(() => parseLabels('a,,b'), (e: unknown) => e instanceof InputError && /Label 2 of 3 is empty/.test(e.message));
    assert.deepEqual(parseLabels('a,b,'), ['a', 'b']);
    assert.throws(() => parseLabels('a,b,,'), /Label 3 of 3 is empty/);
    assert.throws(() => parseLabels('a,\u200b,b'), /Label 2 of 3/);
    assert.throws(() => parseLabels('Tech  Support,tech support'), /Label 2 "tech support" repeats label 1 "Tech  Support"/);
    assert.throws(() => parseLabels('ｓｕｐｐｏｒｔ,support'), /repeats label 1/);
    assert.throws(() => parseLabels('support'), /at least two/);
    assert.throws(() => checkLabels(['x', 'X']), /repeats/);
  });

  it('page ranges: reversed says the right order, past the end says the last page, open ends and lists work', () => {
    assert.deepEqual(parsePageRange('3-5, 7, 11-', 12), [3, 4, 5, 7, 11, 12]);
    assert.throws(() => parsePageRange('5-3', 12), /^Error: 5-3 is reversed: write 3-5$/);
    assert.throws(() => parsePageRange('11-20', 12), /^Error: 11-20 runs past the end: the document ends at page 12; use 11-12$/);
    assert.throws(() => parsePageRange('12-20', 12), /use 12$/);
    assert.throws(() => parsePageRange('13', 12), /13 is past the end: the document has 12 pages \(1–12\)/);
    assert.throws(() => parsePageRange('2', 1), /the document has 1 page \(1–1\)/);
    assert.throws(() => parsePageRange('0-2', 12), /0-2: pages start at 1/);
    assert.throws(() => parsePageRange('x', 12), /"x" is not a page or a range/);
  });

  it('a problem that says what to do (a Git LFS pointer) is not followed by the same advice again', () => {
    const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'];
    const lfs = 'config.json is a Git LFS pointer, not the file itself (run "git lfs pull" in the clone, or download the model again)';
    assert.throws(() => assertRunnableFiles('m', files, [lfs]), (e: Error) => e.message === `m cannot be loaded: ${lfs}.`);
    assert.throws(() => assertRunnableFiles('m', files, ['config.json is empty (0 bytes)']), /is empty \(0 bytes\)\. Fix it or download the model again\.$/);
  });

  it('local model paths: a file, a folder of models, a folder inside a model; Hub ports only for Hub ids', () => {
    write('models/a/config.json', '{}');
    write('models/a/onnx/model.onnx', 'x');
    write('models/group/b/config.json', '{}');
    write('notes.txt', 'hi');
    const a = path.join(dir, 'models', 'a');
    assert.match(notAFolderMessage('x/model.onnx', path.join(a, 'onnx', 'model.onnx'))!, /^x\/model\.onnx is a file, not a model folder: .* This file is in the model folder .*models[\\/]a: use that folder\.$/);
    assert.doesNotMatch(notAFolderMessage('n', path.join(dir, 'notes.txt'))!, /model folder .*: use/);
    assert.match(notAFolderMessage('gone', path.join(a, 'gone'))!, /does not exist\. The nearest model folder on that path is .*models[\\/]a\./);
    assert.equal(notAFolderMessage('a', a), undefined);
    assert.match(localFolderAdvice(path.join(dir, 'models')), /^It holds model folders: use one of them, .*models[\\/]a, .*models[\\/]group[\\/]b\.$/);
    assert.match(localFolderAdvice(path.join(a, 'onnx')), /^It is inside the model folder .*models[\\/]a: use that folder\.$/);
    assert.doesNotMatch(convertedCopyAdvice(path.join(a, 'onnx')), /onnx-community|Xenova/);
    assert.doesNotMatch(convertedCopyAdvice('./some/folder'), /onnx-community|Xenova/);
    assert.match(convertedCopyAdvice('bert-base-uncased'), /onnx-community\/bert-base-uncased or Xenova\/bert-base-uncased/);
    // A local PyTorch save of a Hub model: its ports are named after what config.json says it came from.
    write('pt/config.json', JSON.stringify({ _name_or_path: 'distilbert/distilbert-base-uncased' }));
    assert.match(convertedCopyAdvice(path.join(dir, 'pt')), /onnx-community\/distilbert-base-uncased or Xenova\/distilbert-base-uncased/);
  });
});
