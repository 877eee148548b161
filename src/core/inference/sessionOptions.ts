/**
 * ONNX Runtime session options the inference service gives transformers.js, per device.
 *
 * On the CPU (measured with the BERT-base-shaped bench model, see bench/inference.ts):
 * - graph optimisation `all` (MatMul+Add → Gemm, MatMulInteger → DynamicQuantizeMatMul fusions);
 * - intra-op threads: ONNX Runtime's own pool (one thread per physical core, each pinned to its core)
 *   unless AI_LAB_THREADS sets a number. Setting the same count explicitly (2 on 2 cores) ran BERT-base
 *   b1 at half the speed (97–99 ms against 49–57 ms, same run): ORT pins its threads only when it
 *   sizes the pool itself. Inter-op 1, sequential: one request runs at a time in the service, so
 *   parallel branches would only compete for the same cores;
 * - the CPU memory arena on, memory patterns off: with texts of every length the pattern planner keeps
 *   one plan (and its buffers) per shape; off, the peak RSS fell from 1.9× to 1.4× the weights' size at
 *   no measurable cost in speed.
 * On CUDA only the optimisation level is set: the CUDA provider sizes its own arena.
 */
export interface CpuSessionOptions {
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  enableCpuMemArena?: boolean;
  enableMemPattern?: boolean;
  executionMode?: 'sequential' | 'parallel';
}

/**
 * Intra-op threads: `AI_LAB_THREADS` (a positive integer) when set, else 'auto' (ONNX Runtime's pool:
 * one pinned thread per physical core).
 */
export function serviceThreads(env: NodeJS.ProcessEnv = process.env): number | 'auto' {
  const set = Number(env.AI_LAB_THREADS);
  return Number.isInteger(set) && set > 0 ? set : 'auto';
}

/**
 * Why AI_LAB_THREADS is not used, when it is set but not a positive integer (it then falls back to
 * 'auto', which results say: this names the reason); undefined when unset or usable.
 */
export function threadsProblem(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env.AI_LAB_THREADS;
  if (v === undefined || v.trim() === '' || serviceThreads(env) !== 'auto') return undefined;
  return `AI_LAB_THREADS=${JSON.stringify(v).slice(1, -1)} is not a positive whole number of threads; ONNX Runtime's own pool ("auto") runs instead`;
}

/** The session options for `device`; `threads` defaults to serviceThreads(). */
export function sessionOptionsFor(device: 'cpu' | 'cuda', threads: number | 'auto' = serviceThreads()): CpuSessionOptions {
  if (device === 'cuda') return { graphOptimizationLevel: 'all' };
  return { graphOptimizationLevel: 'all', ...(threads === 'auto' ? {} : { intraOpNumThreads: threads }), interOpNumThreads: 1, enableCpuMemArena: true, enableMemPattern: false, executionMode: 'sequential' };
}
