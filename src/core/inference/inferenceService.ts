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
 * The service's environment: glibc's malloc with a fixed mmap threshold (128 KiB, its default start),
 * unless the user set one. glibc raises the threshold after each large free (up to 32 MiB), so ONNX
 * Runtime's weight copies made while it prepacks them landed on the heap or in mmaps depending on
 * thread timing: the BERT-base bench model's load peaked at 1.8× or 1.2× its weights from run to run
 * (8 runs each). Fixed, large blocks are always mmapped and go back to the system when freed: 1.2×
 * every run, speed unchanged (mallopt(3), M_MMAP_THRESHOLD; bench/inference.ts measures the peak).
 * Other C libraries ignore the variable.
 */
export function serviceEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const tuned = env.MALLOC_MMAP_THRESHOLD_ !== undefined || /glibc\.malloc\./.test(env.GLIBC_TUNABLES ?? '');
  return tuned ? env : { ...env, MALLOC_MMAP_THRESHOLD_: '131072' };
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
