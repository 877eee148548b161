/**
 * The benches' BERT-base-shaped classifier (test/fixtures/models/bertBase.ts) written once to a temp
 * folder and reused by every bench run: fp32 `onnx/model.onnx` and the dynamic-quantized
 * `onnx/model_quantized.onnx`, with config.json (LABEL_0 / LABEL_1) and a WordPiece tokenizer over WORDS.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBertClassifier, BERT_BASE } from '../test/fixtures/models/bertBase';
import { bertConfig } from '../test/fixtures/models/sentiment';
import { bertTokenizerConfig, tokenizerJson, wordpieceVocab } from '../test/fixtures/models/wordpiece';

/** The benches' word list: every word is one token of the model's vocabulary. */
export const WORDS = (
  'the a of and to in is was for on that with as by it at from this be are or an have not but had his they you which one were all we her she there can more if no out so said what up its about into than them only other new some time could these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three'
).split(' ');

/** `n` sentences of `minWords`–`maxWords` words from WORDS, ending in '.', the same for the same seed. */
export function benchSentences(n: number, minWords: number, maxWords: number, seed = 7): string[] {
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: n }, () => {
    const len = minWords + Math.floor(rand() * (maxWords - minWords + 1));
    return Array.from({ length: len }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ') + '.';
  });
}

/**
 * The model's folder (os.tmpdir()/ai-lab-bench/bert-base-shaped-v1), generating the ONNX files that are
 * missing (fp32 always; q8 when `o.q8`): 345 MB and about a minute each on 2 cores.
 */
export function ensureBertBaseModel(o: { q8?: boolean } = {}): string {
  const dir = path.join(os.tmpdir(), 'ai-lab-bench', 'bert-base-shaped-v1');
  const vocab = wordpieceVocab([...new Set([...WORDS, '.'])]);
  const shape = { ...BERT_BASE, vocab: Object.keys(vocab).length };
  const write = (file: string, q8: boolean) => {
    const target = path.join(dir, 'onnx', file);
    if (fs.existsSync(target)) return;
    const started = Date.now();
    const onnx = buildBertClassifier(shape, 42, { q8 });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, onnx);
    console.log(`generated ${file} (${(onnx.length / 1e6).toFixed(0)} MB) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };
  write('model.onnx', false);
  if (o.q8) write('model_quantized.onnx', true);
  fs.writeFileSync(path.join(dir, 'config.json'), bertConfig(Object.keys(vocab).length, ['LABEL_0', 'LABEL_1'], { hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072, max_position_embeddings: 512 }));
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), tokenizerJson(vocab));
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), bertTokenizerConfig(512));
  return dir;
}
