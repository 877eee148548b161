/**
 * Node 20 has no Float16Array: onnxruntime-node hands float16 outputs over as raw Uint16Array bits,
 * which transformers.js's post-processing (softmax, argmax) cannot read. The service converts the
 * final outputs of fp16 models to float32; intermediate ones (encoder states a decoder takes, past
 * keys/values) keep their type, since the next session expects float16.
 */
export function float16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    out[i] = exp === 0 ? sign * 2 ** -14 * (frac / 1024) : exp === 31 ? (frac ? NaN : sign * Infinity) : sign * 2 ** (exp - 15) * (1 + frac / 1024);
  }
  return out;
}

const FINAL_OUTPUTS = new Set(['logits', 'start_logits', 'end_logits', 'sentence_embedding', 'token_embeddings']);

interface OrtTensorLike {
  type: string;
  data: unknown;
  dims: readonly number[];
}

interface SessionLike {
  run: (feeds: unknown, ...rest: unknown[]) => Promise<Record<string, OrtTensorLike>>;
}

/** Wraps each ONNX session of a transformers.js model so its final float16 outputs arrive as float32. */
export function convertFloat16Outputs(sessions: Record<string, SessionLike>): void {
  const single = Object.keys(sessions).length === 1;
  for (const session of Object.values(sessions)) {
    const run = session.run.bind(session);
    session.run = async (feeds, ...rest) => {
      const out = await run(feeds, ...rest);
      for (const [name, t] of Object.entries(out)) {
        if (t.type !== 'float16' || !(FINAL_OUTPUTS.has(name) || (single && name === 'last_hidden_state'))) continue;
        const Tensor = (t as object).constructor as new (type: string, data: Float32Array, dims: readonly number[]) => OrtTensorLike;
        out[name] = new Tensor('float32', float16ToFloat32(t.data as Uint16Array), t.dims);
      }
      return out;
    };
  }
}
