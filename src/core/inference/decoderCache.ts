/**
 * A generating model's decoder must take its past key/values. transformers.js (4.3) generates by
 * feeding, after the first step, only the newest token and the cache the last step returned; a
 * decoder graph without `past_key_values.*` inputs returns no cache, so every later step would see one
 * token of context and write fluent nonsense. Such a model is refused before it runs.
 */

/** The pipelines that generate with a decoder. */
const GENERATING = new Set(['text-generation', 'summarization', 'translation', 'text2text-generation']);

export interface SessionInputs {
  inputNames?: readonly string[];
}

/**
 * Why `sessions` (a transformers.js model's ONNX sessions: `model` for a decoder-only model,
 * `model` + `decoder_model_merged` for an encoder-decoder) cannot generate for `task`; undefined when
 * they can or the task does not generate.
 * @param name the model as the user named it
 */
export function decoderCacheProblem(task: string, name: string, sessions: Record<string, SessionInputs> | undefined): string | undefined {
  if (!GENERATING.has(task) || !sessions) return undefined;
  const key = 'decoder_model_merged' in sessions ? 'decoder_model_merged' : 'model';
  const inputs = sessions[key]?.inputNames;
  if (!inputs || inputs.some((n) => n.startsWith('past_key_values.'))) return undefined;
  const file = key === 'model' ? 'onnx/model.onnx' : 'onnx/decoder_model_merged.onnx';
  const exportTask = key === 'model' ? 'text-generation-with-past' : 'text2text-generation-with-past';
  return (
    `${name} cannot generate here: its decoder (${file} or its dtype variant) takes no past_key_values inputs, and ` +
    `transformers.js feeds only the newest token at each step after the first, so it would write from one token of context. ` +
    `Use an ONNX export with the KV cache (optimum-cli export onnx --task ${exportTask}), as the Hub's onnx-community and Xenova models are.`
  );
}
