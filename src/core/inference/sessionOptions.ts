/**
 * ONNX Runtime session options the inference service gives transformers.js, per device.
 *
 * On the CPU (measured with the BERT-base-shaped bench model, see bench/inference.ts):
 * - graph optimisation `all` (MatMul+Add → Gemm, MatMulInteger → DynamicQuantizeMatMul fusions);
 * - intra-op threads = the cores this process may use (`os.availableParallelism()`), inter-op 1: one
 *   request runs at a time in the service, so parallel branches would only compete for the same cores;
 * - the CPU memory arena on, memory patterns off: with texts of every length the pattern planner keeps
 *   one plan (and its buffers) per shape; off, the peak RSS fell from 1.9× to 1.4× the weights' size at
 *   no measurable cost in speed.
 * On CUDA only the optimisation level is set: the CUDA provider sizes its own arena.
 */
import * as os from 'node:os';

export interface CpuSessionOptions {
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  enableCpuMemArena?: boolean;
  enableMemPattern?: boolean;
  executionMode?: 'sequential' | 'parallel';
}

/** Cores this process may use: `AI_LAB_THREADS` (a positive integer) wins, else os.availableParallelism(). */
export function serviceThreads(env: NodeJS.ProcessEnv = process.env): number {
  const set = Number(env.AI_LAB_THREADS);
  if (Number.isInteger(set) && set > 0) return set;
  return Math.max(1, os.availableParallelism());
}

/** The session options for `device`; `threads` defaults to serviceThreads(). */
export function sessionOptionsFor(device: 'cpu' | 'cuda', threads = serviceThreads()): CpuSessionOptions {
  if (device === 'cuda') return { graphOptimizationLevel: 'all' };
  return { graphOptimizationLevel: 'all', intraOpNumThreads: threads, interOpNumThreads: 1, enableCpuMemArena: true, enableMemPattern: false, executionMode: 'sequential' };
}
