import { fork, type ChildProcess } from 'node:child_process';
import type { FromService, RunOutput, RunRequest, ServiceStats, ToService } from './protocol';
import { childEnv, neutralCwd } from '../process';

export interface ServiceOptions {
  /** dist/inferenceService.js */
  scriptPath: string;
  /** Node to run it with (VS Code desktop: Electron as Node). */
  nodePath?: string;
  env?: NodeJS.ProcessEnv;
  /** Told of each crash, with how many requests failed with it; the service restarts on the next request. */
  onCrash?: (message: string, failedRequests: number) => void;
  log?: (message: string) => void;
}

interface Pending {
  resolve: (v: never) => void;
  reject: (e: Error) => void;
  onPartial?: (text: string) => void;
}

export class ServiceCrashedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceCrashedError';
  }
}

/** The parent side: starts the service on demand, routes replies, restarts it after a crash. */
/**
 * The service's environment: glibc malloc with fixed thresholds, unless the user set malloc tunables.
 * - `MALLOC_MMAP_THRESHOLD_=2097152` (2 MiB). Left dynamic, glibc raises the threshold after each large
 *   free (up to 32 MiB), so ONNX Runtime's weight copies made while it prepacks them landed on the heap
 *   or in mmaps depending on thread timing: the BERT-base bench model's load peaked at 1.8× or 1.2× its
 *   weights from run to run. A fixed threshold makes it the same every run; blocks of 2 MiB and more
 *   (BERT-base's 768×768 matrices are 2.4 MB) are mmapped and go back to the system when freed: 1.47×.
 *   A 128 KiB threshold (glibc's start) held the peak there too, but a generating decoder's per-step
 *   tensors (past keys/values of 12 heads × 64 × the context, 100–300 KB for 30–90 tokens; the logits)
 *   were then each mmapped and unmapped: 12,500 page faults for 60 tokens against 230, and 31 against
 *   92 tokens/s from a 135-token prompt (bench/generation.ts model, the two services side by side). With 4 MiB the BERT-base peak went back to 1.8×.
 * - `MALLOC_TRIM_THRESHOLD_=67108864` (64 MiB): a fixed mmap threshold also freezes the trim threshold
 *   at 128 KiB, so freeing those tensors at the heap's top gave the pages back each step.
 * mallopt(3), M_MMAP_THRESHOLD and M_TRIM_THRESHOLD; bench/inference.ts measures the peak. Other C
 * libraries ignore the variables.
 */
export function serviceEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const tuned = env.MALLOC_MMAP_THRESHOLD_ !== undefined || env.MALLOC_TRIM_THRESHOLD_ !== undefined || /glibc\.malloc\./.test(env.GLIBC_TUNABLES ?? '');
  return tuned ? env : { ...env, MALLOC_MMAP_THRESHOLD_: String(2 * 1024 * 1024), MALLOC_TRIM_THRESHOLD_: String(64 * 1024 * 1024) };
}

export class InferenceService {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;
  private lastStderr = '';
  crashes = 0;

  constructor(private readonly o: ServiceOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private ensure(): ChildProcess {
    if (this.child && this.child.exitCode === null && !this.child.killed) return this.child;
    const child = fork(this.o.scriptPath, [], {
      execPath: this.o.nodePath ?? process.execPath,
      env: { ...serviceEnv(childEnv(this.o.env ?? process.env)), ELECTRON_RUN_AS_NODE: '1' },
      cwd: neutralCwd(),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    child.stderr?.on('data', (b: Buffer) => {
      const text = b.toString().trimEnd();
      this.lastStderr = text.split(/\r?\n/).filter((l) => l.trim() && !/^\s+at /.test(l)).pop() ?? this.lastStderr;
      this.o.log?.(`[service] ${text}`);
    });
    child.on('message', (m: FromService) => this.onMessage(m));
    // A send to a dying process fails here; its request is failed by the exit that follows.
    child.on('error', (err) => this.o.log?.(`inference service: ${err.message}`));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    this.child = child;
    this.o.log?.(`inference service started (pid ${child.pid})`);
    return child;
  }

  private onMessage(m: FromService): void {
    if (m.type === 'log') return this.o.log?.(m.message);
    if (m.type === 'ready') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'partial') return p.onPartial?.(m.text);
    this.pending.delete(m.id);
    if (m.type === 'stats') return p.resolve(m as never);
    if (m.ok) p.resolve({ output: m.output, loadMs: m.loadMs, runMs: m.runMs, loadedNow: m.loadedNow, dtype: m.dtype, batchSize: m.batchSize, threads: m.threads } as never);
    else p.reject(new Error(m.error));
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = undefined;
    if (this.disposed) return;
    const crashed = signal !== null || code !== 0;
    if (!crashed && !this.pending.size) return;
    this.crashes++;
    const why = this.lastStderr ? ` (${this.lastStderr.slice(0, 300)})` : '';
    const msg = `The inference service stopped (${signal ?? `exit code ${code}`})${why}; it restarts on the next request.`;
    this.o.log?.(msg);
    const failed = this.pending.size;
    for (const [, p] of this.pending) p.reject(new ServiceCrashedError(`${msg} The request that was running failed: run it again.`));
    this.pending.clear();
    this.lastStderr = '';
    this.o.onCrash?.(msg, failed);
  }

  private request<T>(msg: ToService, signal?: AbortSignal, onPartial?: (text: string) => void): Promise<T> {
    const child = this.ensure();
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        if (!this.pending.delete(msg.id)) return;
        child.send({ type: 'cancel', id: msg.id } satisfies ToService);
        reject(signal!.reason);
      };
      // The listener goes when the request settles: one signal may span hundreds of requests.
      const done = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(msg.id, {
        resolve: ((v: never) => (done(), resolve(v))) as (v: never) => void,
        reject: (e: Error) => (done(), reject(e)),
        onPartial,
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      child.send(msg, (err) => {
        if (err) this.o.log?.(`inference service did not take request ${msg.id}: ${err.message}`);
      });
    });
  }

  /** Runs a pipeline; with `onPartial`, generated text streams in as it comes. */
  run(req: RunRequest, signal?: AbortSignal, onPartial?: (text: string) => void): Promise<RunOutput> {
    return this.request<RunOutput>({ type: 'run', id: this.nextId++, ...req, stream: Boolean(onPartial) }, signal, onPartial);
  }

  stats(): Promise<ServiceStats> {
    return this.request<ServiceStats>({ type: 'stats', id: this.nextId++ });
  }

  dispose(): void {
    this.disposed = true;
    for (const [, p] of this.pending) p.reject(new Error('AI Lab is shutting down'));
    this.pending.clear();
    this.child?.kill();
    this.child = undefined;
  }
}
