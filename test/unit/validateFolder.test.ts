import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSafetensorsHeader, SafetensorsError } from '../../src/core/model/safetensors';
import { FolderError, validateModelFolder } from '../../src/core/model/validateFolder';
import type { FolderReport } from '../../src/core/model/findings';
import { writeSafetensors } from '../fixtures/models/safetensors';
import { sentimentModelFiles } from '../fixtures/models/sentiment';
import { tokenizerJson, wordpieceVocab } from '../fixtures/models/wordpiece';
import { writeModelDir } from '../fixtures/models/write';
import { DIST } from '../fixtures/paths';

const CARD = '---\nlicense: apache-2.0\npipeline_tag: text-classification\nbase_model: bert-base-uncased\ndatasets:\n- sst2\nlanguage: en\n---\n# A model\n';

/** A clean folder: the sentiment fixture with safetensors weights whose embedding has one row per id, and a full card. */
function cleanFolder(change: (files: Record<string, Buffer | string>) => void = () => {}, rows?: number): string {
  const files: Record<string, Buffer | string> = { ...sentimentModelFiles(), 'README.md': CARD };
  change(files);
  const dir = writeModelDir(files, 'ailab-validate-');
  const vocabSize = (JSON.parse(String(files['config.json'] ?? '{}')) as { vocab_size?: number }).vocab_size ?? 32;
  if (!('model.safetensors' in files) && rows !== -1) {
    writeSafetensors(path.join(dir, 'model.safetensors'), [
      { name: 'bert.embeddings.word_embeddings.weight', dtype: 'F32', shape: [rows ?? vocabSize, 4] },
      { name: 'classifier.weight', dtype: 'F32', shape: [2, 4] },
    ]);
  }
  return dir;
}

const checks = (r: FolderReport, severity?: string) => r.findings.filter((f) => !severity || f.severity === severity).map((f) => f.check);
const finding = (r: FolderReport, check: string) => r.findings.find((f) => f.check === check);

describe('safetensors header reader (the format: 8-byte LE length, JSON header, tensors tiling the data)', () => {
  const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-st-')), 'model.safetensors');

  it('reads names, dtypes, shapes and offsets of a file written as the format says, without reading the data', () => {
    const file = tmp();
    writeSafetensors(file, [
      { name: 'a', dtype: 'F16', shape: [1, 16, 256] },
      { name: 'b', dtype: 'I64', shape: [3] },
      { name: 'c', dtype: 'BF16', shape: [0, 7] },
    ], { format: 'pt' });
    const h = readSafetensorsHeader(file);
    assert.deepEqual(h.tensors.map((t) => [t.name, t.dtype, t.shape, t.dataOffsets]), [['a', 'F16', [1, 16, 256], [0, 8192]], ['b', 'I64', [3], [8192, 8216]], ['c', 'BF16', [0, 7], [8216, 8216]]]);
    assert.deepEqual(h.metadata, { format: 'pt' });
    assert.equal(h.headerBytes % 8, 0);
    assert.equal(h.fileBytes, h.headerBytes + 8216);
  });

  it('says what is wrong: cut short, a Git LFS pointer, a header length past the file, not JSON, sizes that disagree, gaps', () => {
    const file = tmp();
    writeSafetensors(file, [{ name: 'w', dtype: 'F32', shape: [10, 4] }]);
    const whole = fs.readFileSync(file);
    fs.writeFileSync(file, whole.subarray(0, whole.length - 10));
    assert.throws(() => readSafetensorsHeader(file), (e: Error) => e instanceof SafetensorsError && /cut short: its tensors need 160 bytes of data, the file has 150/.test(e.message));
    fs.writeFileSync(file, 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n');
    assert.throws(() => readSafetensorsHeader(file), /Git LFS pointer/);
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(5000n);
    fs.writeFileSync(file, Buffer.concat([len, Buffer.from('{}')]));
    assert.throws(() => readSafetensorsHeader(file), /header is 5000 bytes but the file is 10 bytes/);
    len.writeBigUInt64LE(4n);
    fs.writeFileSync(file, Buffer.concat([len, Buffer.from('{no}')]));
    assert.throws(() => readSafetensorsHeader(file), /not UTF-8 JSON/);
    const bad = (header: object, data: number) => {
      const json = Buffer.from(JSON.stringify(header));
      len.writeBigUInt64LE(BigInt(json.length));
      fs.writeFileSync(file, Buffer.concat([len, json, Buffer.alloc(data)]));
      return () => readSafetensorsHeader(file);
    };
    assert.throws(bad({ w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 12] } }, 12), /of 12 bytes; its dtype and shape make 16/);
    assert.throws(bad({ a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] }, b: { dtype: 'U8', shape: [4], data_offsets: [6, 10] } }, 10), /a gap at byte 4/);
    assert.throws(bad({ a: { dtype: 'Q9', shape: [4], data_offsets: [0, 4] } }, 4), /unknown dtype Q9/);
    assert.throws(bad({ a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] } }, 6), /2 bytes after its last tensor/);
  });
});

describe('Validate Model Folder: each problem the notes list, with its file, why and fix', () => {
  it('a clean folder has no errors and no warnings, and lists the checks it passed', () => {
    const r = validateModelFolder(cleanFolder());
    assert.deepEqual(r.findings, []);
    for (const c of ['config.present', 'config.model_type', 'config.labels', 'config.vocab_size', 'tokenizer.files', 'tokenizer.size', 'tokenizer.special_tokens', 'tokenizer.case', 'weights.format', 'onnx.present', 'card.license']) assert.ok(r.passed.includes(c), c);
  });

  it('added special tokens without resizing: tokenizer ids past vocab_size and past the embedding rows', () => {
    const dir = cleanFolder((f) => {
      const vocab = { ...wordpieceVocab(['good', 'bad']) };
      const t = JSON.parse(tokenizerJson(vocab)) as { added_tokens: object[] };
      t.added_tokens.push({ id: Object.keys(vocab).length, content: '<ent>', special: true });
      f['tokenizer.json'] = JSON.stringify(t);
      f['config.json'] = JSON.stringify({ ...JSON.parse(String(f['config.json'])), vocab_size: Object.keys(vocab).length });
    });
    const r = validateModelFolder(dir);
    assert.match(finding(r, 'tokenizer.size')!.message, /The tokenizer has 8 ids \(largest 7\), config.json's vocab_size is 7/);
    assert.match(finding(r, 'weights.embedding_rows')!.message, /embedding matrix has 7 rows, the tokenizer 8 ids/);
    assert.match(finding(r, 'weights.embedding_rows')!.fix, /resize_token_embeddings/);
  });

  it('config.vocab_size that differs from the embedding rows read from the safetensors header', () => {
    const r = validateModelFolder(cleanFolder(undefined, 40));
    const f = finding(r, 'config.vocab_size')!;
    assert.equal(f.severity, 'error');
    assert.match(f.message, /vocab_size is \d+, the embedding matrix has 40 rows/);
  });

  it('missing config, missing tokenizer ("Tokenizer missing"), missing tokenizer_config, no weights', () => {
    let r = validateModelFolder(cleanFolder((f) => delete f['config.json']));
    assert.equal(finding(r, 'config.present')!.severity, 'error');
    r = validateModelFolder(cleanFolder((f) => delete f['tokenizer.json']));
    assert.match(finding(r, 'tokenizer.files')!.message, /^Tokenizer missing/);
    r = validateModelFolder(cleanFolder((f) => delete f['tokenizer_config.json']));
    assert.equal(finding(r, 'tokenizer.config')!.severity, 'warning');
    r = validateModelFolder(cleanFolder((f) => delete f['onnx/model.onnx'], -1));
    assert.match(finding(r, 'weights.present')!.message, /No weights/);
  });

  it('a special token the vocabulary does not have', () => {
    const r = validateModelFolder(cleanFolder((f) => (f['tokenizer_config.json'] = JSON.stringify({ ...JSON.parse(String(f['tokenizer_config.json'])), mask_token: '<mask>' }))));
    assert.match(finding(r, 'tokenizer.special_tokens')!.message, /mask_token "<mask>" is not in the vocabulary/);
  });

  it('case: a lowercasing tokenizer over a cased vocabulary, and a cased tokenizer over an uncased one', () => {
    const words = ['Paris', 'London', 'Berlin', 'The', 'good', 'bad'];
    let r = validateModelFolder(cleanFolder((f) => (f['tokenizer.json'] = tokenizerJson(wordpieceVocab(words)))));
    assert.match(finding(r, 'tokenizer.case')!.message, /lowercases text, but 4 of its 6 word pieces have capitals/);
    r = validateModelFolder(cleanFolder((f) => {
      const t = JSON.parse(String(f['tokenizer.json'])) as { normalizer: { lowercase: boolean } };
      t.normalizer.lowercase = false;
      f['tokenizer.json'] = JSON.stringify(t);
    }));
    assert.match(finding(r, 'tokenizer.case')!.message, /keeps capitals, but its vocabulary has none/);
  });

  it('labels that disagree (id2label vs label2id, num_labels)', () => {
    const r = validateModelFolder(cleanFolder((f) => (f['config.json'] = JSON.stringify({ ...JSON.parse(String(f['config.json'])), label2id: { NEGATIVE: 1, POSITIVE: 0 }, num_labels: 3 }))));
    const f = finding(r, 'config.labels')!;
    assert.match(f.message, /label2id\["NEGATIVE"\] is 1, id2label says 0/);
    assert.match(f.message, /num_labels is 3, id2label has 2/);
  });

  it('weights: pickle only (warning, with why), a shard the index names missing, a cut-short shard, an index naming the wrong shard', () => {
    let r = validateModelFolder(cleanFolder((f) => (f['pytorch_model.bin'] = Buffer.alloc(64)), -1));
    assert.match(finding(r, 'weights.format')!.why, /pickle can run any code/);
    const dir = cleanFolder(undefined, -1);
    writeSafetensors(path.join(dir, 'model-00001-of-00002.safetensors'), [{ name: 'bert.embeddings.word_embeddings.weight', dtype: 'F32', shape: [32, 4] }]);
    fs.writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 512 }, weight_map: { 'bert.embeddings.word_embeddings.weight': 'model-00001-of-00002.safetensors', 'classifier.weight': 'model-00002-of-00002.safetensors' } }));
    r = validateModelFolder(dir);
    assert.match(finding(r, 'weights.shards')!.message, /1 of 2 shards named in model.safetensors.index.json are missing: model-00002-of-00002.safetensors/);
    writeSafetensors(path.join(dir, 'model-00002-of-00002.safetensors'), [{ name: 'classifier.bias', dtype: 'F32', shape: [2] }]);
    r = validateModelFolder(dir);
    assert.match(finding(r, 'weights.index')!.message, /not in the shard it names \(first: classifier.weight in model-00002-of-00002.safetensors\)/);
    const shard = path.join(dir, 'model-00001-of-00002.safetensors');
    fs.truncateSync(shard, fs.statSync(shard).size - 4);
    r = validateModelFolder(dir);
    assert.match(finding(r, 'weights.safetensors')!.message, /model-00001-of-00002.safetensors is cut short/);
  });

  it('model card: none, a front matter that is not YAML, fields the Hub reads missing', () => {
    let r = validateModelFolder(cleanFolder((f) => delete f['README.md']));
    assert.equal(finding(r, 'card.present')!.severity, 'warning');
    r = validateModelFolder(cleanFolder((f) => (f['README.md'] = '---\nlicense: [mit\n---\n# x\n')));
    assert.equal(finding(r, 'card.front_matter')!.severity, 'error');
    r = validateModelFolder(cleanFolder((f) => (f['README.md'] = '---\npipeline_tag: text-classification\n---\n# x\n')));
    assert.deepEqual(checks(r).filter((c) => c.startsWith('card.')), ['card.license', 'card.base_model', 'card.datasets', 'card.language']);
    assert.equal(finding(r, 'card.license')!.severity, 'warning');
  });

  it('no ONNX weights: says AI Lab cannot run it, names Get ONNX Weights and the export command for this folder', () => {
    const dir = cleanFolder((f) => delete f['onnx/model.onnx']);
    const f = finding(validateModelFolder(dir), 'onnx.present')!;
    assert.ok(f.fix.includes(`optimum-cli export onnx --model "${dir}" --task <task> "${dir}-onnx"`), f.fix);
    assert.ok(f.fix.includes('"AI Lab: Get ONNX Weights"'), f.fix);
  });

  it('a path that is not a folder is refused with what to give instead', () => {
    assert.throws(() => validateModelFolder('/nonexistent/model'), (e: Error) => e instanceof FolderError && /does not exist/.test(e.message));
    const dir = cleanFolder();
    assert.throws(() => validateModelFolder(path.join(dir, 'config.json')), /is a file, not a model folder/);
  });

  it('ai-lab validate DIR: text report, --json with the report\'s keys, exit 0 clean, 1 with errors, 2 for a file', () => {
    const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'validate', ...args], { encoding: 'utf8' });
    const clean = cli(cleanFolder());
    assert.equal(clean.status, 0, clean.stderr);
    assert.match(clean.stdout, /: 0 errors, 0 warnings, \d+ checks passed/);
    const broken = cleanFolder(undefined, 40);
    const j = cli(broken, '--json');
    assert.equal(j.status, 1);
    const report = JSON.parse(j.stdout) as FolderReport;
    assert.deepEqual(Object.keys(report), ['dir', 'findings', 'passed', 'errors', 'warnings']);
    assert.deepEqual(Object.keys(report.findings[0]!), ['severity', 'check', 'file', 'message', 'why', 'fix']);
    assert.ok(report.findings.some((f) => f.check === 'config.vocab_size'));
    const text = cli(broken);
    assert.match(text.stdout, /✗ error config.vocab_size \(config.json\): .*\n {4}why: .*\n {4}fix: Set vocab_size to 40/);
    const file = cli(path.join(broken, 'config.json'));
    assert.equal(file.status, 2);
    assert.match(file.stderr, /is a file, not a model folder/);
    assert.equal(cli().status, 2);
  });
});

describe('Validate Model Folder: lengths and the conversion command', () => {
  it('model_max_length past max_position_embeddings is a warning; the pickle conversion names the head class from config.json', () => {
    const files: Record<string, Buffer | string> = { ...sentimentModelFiles(), 'pytorch_model.bin': Buffer.alloc(8) };
    files['tokenizer_config.json'] = JSON.stringify({ ...JSON.parse(String(files['tokenizer_config.json'])), model_max_length: 512 });
    const r = validateModelFolder(writeModelDir(files, 'ailab-validate-'));
    assert.match(r.findings.find((f) => f.check === 'tokenizer.max_length')!.message, /model_max_length is 512, config.json's max_position_embeddings 128/);
    assert.match(r.findings.find((f) => f.check === 'weights.format')!.fix, /from transformers import BertForSequenceClassification as M; M\.from_pretrained/);
  });
});
