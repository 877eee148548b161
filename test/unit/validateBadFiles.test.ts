/** Validate Model Folder on files that are there but wrong: each is one clear finding, never a crash or a false "missing". */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateModelFolder } from '../../src/core/model/validateFolder';
import { cliAsync } from '../fixtures/cli';
import { publishableFolder } from '../fixtures/models/publishable';

/** The publishable folder with its weights split as a one-shard index; `index` is written as the index's text. */
function shardedWith(index: string): string {
  const dir = publishableFolder(undefined, 'ailab-validate-bad-');
  fs.renameSync(path.join(dir, 'model.safetensors'), path.join(dir, 'model-00001-of-00001.safetensors'));
  fs.writeFileSync(path.join(dir, 'model.safetensors.index.json'), index);
  return dir;
}
const errorsOf = (dir: string) => validateModelFolder(dir).findings.filter((f) => f.severity === 'error').map((f) => `${f.check}: ${f.message}`);
const GOOD_MAP = { 'bert.embeddings.word_embeddings.weight': 'model-00001-of-00001.safetensors', 'classifier.weight': 'model-00001-of-00001.safetensors' };

describe('Validate Model Folder: files present but wrong', () => {
  it('the fixture with a correct index passes (the control)', () => {
    assert.deepEqual(errorsOf(shardedWith(JSON.stringify({ metadata: {}, weight_map: GOOD_MAP }))), []);
  });

  it('an index that is null, a string or an array: "not a JSON object", no throw', () => {
    for (const [text, holds] of [['null', 'null'], ['"x"', '"x"'], ['[1]', 'an array']] as const) {
      assert.deepEqual(errorsOf(shardedWith(text)).filter((e) => e.startsWith('weights.index')), [`weights.index: model.safetensors.index.json is not a JSON object (it holds ${holds}).`], text);
    }
  });

  it('weight_map values that are not a file inside the folder (a number, "../…", an absolute path): one finding naming the first, the good entries still checked', () => {
    for (const bad of [5, '../../etc/passwd', '/etc/passwd', '']) {
      const errs = errorsOf(shardedWith(JSON.stringify({ weight_map: { ...GOOD_MAP, 'extra.weight': bad } })));
      assert.deepEqual(errs, [`weights.index: 1 tensor of model.safetensors.index.json names no shard file inside the folder (first: extra.weight → ${JSON.stringify(bad)}).`], String(bad));
    }
  });

  it('a shard name that is a folder counts as missing (no EISDIR)', () => {
    const dir = shardedWith(JSON.stringify({ weight_map: { ...GOOD_MAP, 'extra.weight': 'sub' } }));
    fs.mkdirSync(path.join(dir, 'sub'));
    assert.deepEqual(errorsOf(dir), ['weights.shards: 1 of 2 shards named in model.safetensors.index.json are missing: sub.']);
  });

  it('a tokenizer.json that is not JSON: one error saying so, not also "Tokenizer missing"', () => {
    const dir = publishableFolder(undefined, 'ailab-validate-bad-');
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{not json');
    const errs = errorsOf(dir).filter((e) => e.startsWith('tokenizer.files'));
    assert.equal(errs.length, 1, errs.join('\n'));
    assert.match(errs[0]!, /^tokenizer\.files: tokenizer\.json is not valid JSON/);
  });

  it('a safetensors dtype named like an Object property ("constructor") is an unknown dtype', () => {
    const dir = publishableFolder(undefined, 'ailab-validate-bad-');
    const header = Buffer.from(JSON.stringify({ w: { dtype: 'constructor', shape: [2], data_offsets: [0, 8] } }));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    fs.writeFileSync(path.join(dir, 'model.safetensors'), Buffer.concat([len, header, Buffer.alloc(8)]));
    assert.ok(errorsOf(dir).includes('weights.safetensors: model.safetensors has tensor "w" of unknown dtype constructor.'), errorsOf(dir).join('\n'));
  });

  it('ai-lab validate on an index with a number for a shard: exit 1 with the finding, not an internal error', async () => {
    const r = await cliAsync(['validate', shardedWith(JSON.stringify({ weight_map: { ...GOOD_MAP, 'extra.weight': 5 } })), '--json'], {});
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, '');
    const j = JSON.parse(r.stdout) as { errors: number; findings: Array<{ check: string; message: string }> };
    assert.equal(j.errors, 1);
    assert.match(j.findings.find((f) => f.check === 'weights.index')!.message, /names no shard file inside the folder \(first: extra\.weight → 5\)/);
  });

  it('a tokenizer_config.json that is not JSON, an array or empty: a tokenizer.config error (it was silently ignored)', () => {
    for (const [text, said] of [['[', /is not valid JSON/], ['', /is empty \(0 bytes\)/], ['[1]', /is not a JSON object/]] as const) {
      const dir = publishableFolder(undefined, 'ailab-validate-bad-');
      fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), text);
      const errs = errorsOf(dir).filter((e) => e.startsWith('tokenizer.config'));
      assert.equal(errs.length, 1, `${JSON.stringify(text)}: ${errorsOf(dir).join('; ')}`);
      assert.match(errs[0]!, said);
    }
  });

  it('a card whose front matter is a list or a bare value: card.front_matter error; an empty front matter is no metadata (the missing fields, no error)', () => {
    const card = (text: string) => {
      const dir = publishableFolder(undefined, 'ailab-validate-bad-');
      fs.writeFileSync(path.join(dir, 'README.md'), text);
      return validateModelFolder(dir).findings.map((f) => `${f.severity} ${f.check}: ${f.message}`);
    };
    assert.deepEqual(card('---\n- a\n- b\n---\n# x\n'), ['error card.front_matter: The card\'s metadata is not a YAML mapping of "key: value" lines: it holds a list.']);
    assert.deepEqual(card('---\njust words\n---\n'), ['error card.front_matter: The card\'s metadata is not a YAML mapping of "key: value" lines: it holds a single string.']);
    assert.deepEqual(card('---\n---\n# x\n').map((f) => f.split(':')[0]), ['warning card.license', 'warning card.pipeline_tag', 'info card.base_model', 'info card.datasets', 'info card.language']);
  });
});

