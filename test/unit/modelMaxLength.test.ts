import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { modelMaxLength } from '../../src/core/inference/resolveModel';

/** A model folder holding only the two files modelMaxLength reads. */
function folder(config?: object, tokenizerConfig?: object): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-maxlen-'));
  if (config) fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  if (tokenizerConfig) fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig));
  return dir;
}

describe('the longest input a model reads', () => {
  it('is the smaller of the tokenizer limit and the position table (a tokenizer that says more than the model holds)', () => {
    assert.equal(modelMaxLength(folder({ model_type: 'bert', max_position_embeddings: 128 }, { model_max_length: 256 })), 128);
    assert.equal(modelMaxLength(folder({ model_type: 'bert', max_position_embeddings: 512 }, { model_max_length: 384 })), 384);
  });
  it('counts the padding offset of RoBERTa-family position tables (514 positions hold 512 tokens)', () => {
    assert.equal(modelMaxLength(folder({ model_type: 'roberta', max_position_embeddings: 514, pad_token_id: 1 })), 512);
    assert.equal(modelMaxLength(folder({ model_type: 'xlm-roberta', max_position_embeddings: 514, pad_token_id: 1 }, { model_max_length: 512 })), 512);
    assert.equal(modelMaxLength(folder({ model_type: 'bert', max_position_embeddings: 512 })), 512);
  });
  it('ignores placeholders (1e30), missing and broken files, and an encoder-decoder\'s table', () => {
    assert.equal(modelMaxLength(folder({ model_type: 'bert', max_position_embeddings: 512 }, { model_max_length: 1e30 })), 512);
    assert.equal(modelMaxLength(folder(undefined, { model_max_length: 1e30 })), undefined);
    assert.equal(modelMaxLength(folder()), undefined);
    const broken = folder(undefined, { model_max_length: 64 });
    fs.writeFileSync(path.join(broken, 'config.json'), '{not json');
    assert.equal(modelMaxLength(broken), 64);
    assert.equal(modelMaxLength(folder({ model_type: 'bart', is_encoder_decoder: true, max_position_embeddings: 1024 }, { model_max_length: 4096 })), 4096);
  });
});
