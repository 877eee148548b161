/**
 * ONNX weights for AI Lab (`onnx/*.onnx`, the transformers.js layout) against config.json: each file
 * readable, text models fed `input_ids`, and the head's outputs what the architecture promises
 * (classification: `logits` with one column per label; QA: `start_logits`/`end_logits`; causal LM:
 * `logits` over the vocabulary and `past_key_values.*` inputs; encoder-decoder: encoder and decoder
 * files). Read with readGraphIo: no weights are loaded.
 */
import * as path from 'node:path';
import { OnnxReadError, readGraphIo, type GraphIo } from '../onnx/graphIo';
import type { FindingList } from './findings';

/** The component of an ONNX file name: model, encoder_model, decoder_model_merged… (dtype suffixes removed). */
export function onnxComponent(file: string): string {
  return path.basename(file, '.onnx').replace(/_(quantized|fp16|int8|uint8|q4|q4f16|bnb4|fp32)$/, '');
}

function lastDim(io: GraphIo, output: string): number | undefined {
  const o = io.outputs.find((x) => x.name === output);
  const d = o?.shape[o.shape.length - 1];
  return typeof d === 'number' ? d : undefined;
}

/** Checks `onnx` (files relative to `dir`) against `config`; one file per component is read. */
export function checkOnnx(dir: string, onnx: string[], config: Record<string, unknown> | undefined, list: FindingList): void {
  if (!onnx.length) return;
  const byComponent = new Map<string, string>();
  // The plain fp32 file of each component first: its io is the one the variants share.
  for (const f of [...onnx].sort((a, b) => a.length - b.length)) if (!byComponent.has(onnxComponent(f))) byComponent.set(onnxComponent(f), f);
  const ios = new Map<string, { file: string; io: GraphIo }>();
  for (const [component, file] of byComponent) {
    try {
      ios.set(component, { file, io: readGraphIo(path.join(dir, file)) });
    } catch (err) {
      if (!(err instanceof OnnxReadError)) throw err;
      list.error('onnx.file', file, `${file} ${err.message}.`, 'ONNX Runtime cannot load it: AI Lab cannot run the model.', 'Export or download the file again.');
    }
  }
  if (ios.size === byComponent.size) list.ok('onnx.file');
  const arch = Array.isArray(config?.architectures) && typeof config.architectures[0] === 'string' ? config.architectures[0] : '';
  const labels = config?.id2label && typeof config.id2label === 'object' ? Object.keys(config.id2label).length : undefined;
  const vocab = typeof config?.vocab_size === 'number' ? config.vocab_size : undefined;
  const problems: Array<{ file: string; message: string; why: string; fix: string }> = [];
  const exportFix = `Export again with the head: optimum-cli export onnx --model <the PyTorch model> --task <its task> "${dir}/onnx".`;

  for (const { file, io } of ios.values()) {
    if (!/^(vision_|audio_)/.test(onnxComponent(file)) && !io.inputs.some((i) => i.name === 'input_ids' || i.name === 'inputs_embeds' || i.name === 'encoder_hidden_states')) {
      problems.push({ file, message: `${file} takes no input_ids (its inputs: ${io.inputs.map((i) => i.name).slice(0, 6).join(', ')}).`, why: 'AI Lab feeds text models their token ids as input_ids.', fix: exportFix });
    }
  }
  const main = ios.get('model') ?? ios.get('decoder_model_merged') ?? ios.get('decoder_model');
  if (/For(Sequence|Token)Classification$/.test(arch) && main) {
    const n = lastDim(main.io, 'logits');
    if (!main.io.outputs.some((o) => o.name === 'logits')) problems.push({ file: main.file, message: `${main.file} has no logits output (outputs: ${main.io.outputs.map((o) => o.name).join(', ')}), though config.json names ${arch}.`, why: 'A classifier exported without its head gives hidden states, not scores: no label can be read from them.', fix: exportFix });
    else if (n !== undefined && labels !== undefined && n !== labels) problems.push({ file: main.file, message: `${main.file} gives ${n} scores a text, config.json's id2label has ${labels} labels.`, why: 'Scores would be named by the wrong labels: a confident wrong answer.', fix: 'Export the ONNX file from the same checkpoint as config.json (or fix id2label to the head the weights have).' });
  }
  if (/ForQuestionAnswering$/.test(arch) && main && !['start_logits', 'end_logits'].every((n) => main.io.outputs.some((o) => o.name === n))) {
    problems.push({ file: main.file, message: `${main.file} lacks start_logits/end_logits (outputs: ${main.io.outputs.map((o) => o.name).join(', ')}).`, why: 'An answer span is read from the start and end scores.', fix: exportFix });
  }
  if (/(ForCausalLM|LMHeadModel)$/.test(arch) && main) {
    const n = lastDim(main.io, 'logits');
    if (n !== undefined && vocab !== undefined && n !== vocab) problems.push({ file: main.file, message: `${main.file} scores ${n} tokens, config.json's vocab_size is ${vocab}.`, why: 'Token ids past the head\'s size can never be written, or the wrong token is.', fix: 'Export the ONNX file from the same checkpoint as config.json.' });
    if (!main.io.inputs.some((i) => i.name.startsWith('past_key_values.'))) problems.push({ file: main.file, message: `${main.file} takes no past_key_values inputs.`, why: 'AI Lab refuses to generate with it: transformers.js feeds only the newest token after the first step, so without the cache the model writes from one token of context.', fix: `Export with the cache: optimum-cli export onnx --model <the PyTorch model> --task text-generation-with-past "${dir}/onnx".` });
  }
  if (config?.is_encoder_decoder === true && !(ios.has('encoder_model') && (ios.has('decoder_model_merged') || ios.has('decoder_model')))) {
    problems.push({ file: 'onnx/', message: `An encoder-decoder model needs onnx/encoder_model.onnx and onnx/decoder_model_merged.onnx; found ${[...byComponent.values()].join(', ')}.`, why: 'transformers.js runs the encoder once and the decoder per token, from separate files.', fix: `Export: optimum-cli export onnx --model <the PyTorch model> --task text2text-generation-with-past "${dir}/onnx".` });
  }
  for (const p of problems) list.error('onnx.io', p.file, p.message, p.why, p.fix);
  if (!problems.length && ios.size) list.ok('onnx.io');
}
