/** Messages between the extension host (or CLI) and the inference service process. */
import type { ConcreteDtype } from './modelFiles';

export interface RunRequest {
  task: string;
  /** A local folder in transformers.js layout (a cache snapshot or the user's own). */
  modelDir: string;
  device: 'cpu' | 'cuda';
  dtype: ConcreteDtype;
  /** Positional arguments of the pipeline call, e.g. [text] or [question, context]. */
  inputs: unknown[];
  /** Unload the model after this long unused; 0 = never. */
  idleUnloadMs: number;
  /** Send generated text as it comes (text generation, summarization). */
  stream?: boolean;
}

export type ToService = ({ type: 'run'; id: number } & RunRequest) | { type: 'cancel'; id: number } | { type: 'stats'; id: number };

export interface RunOutput {
  output: unknown;
  loadMs: number;
  runMs: number;
  /** False when an already loaded pipeline was reused. */
  loadedNow: boolean;
  /** The weights that ran (the request's dtype), how many texts went through in this call, and ONNX Runtime's intra-op threads (CPU only). */
  dtype?: ConcreteDtype;
  batchSize?: number;
  /** 'auto': ONNX Runtime's own pool (one pinned thread per physical core); a number: AI_LAB_THREADS. */
  threads?: number | 'auto';
}

export interface ServiceStats {
  loaded: string[];
  loads: number;
  rssBytes: number;
  /** Peak resident memory of the service process so far (its own: VmHWM on Linux). */
  maxRssBytes: number;
  /** getrusage's ru_maxrss, which on Linux includes the parent's peak before the fork (kept across execve). */
  maxRssInheritedBytes?: number;
  pid: number;
}

export type FromService =
  | ({ type: 'result'; id: number; ok: true } & RunOutput)
  | { type: 'result'; id: number; ok: false; error: string }
  | ({ type: 'stats'; id: number } & ServiceStats)
  | { type: 'partial'; id: number; text: string }
  | { type: 'log'; message: string }
  | { type: 'ready' };
