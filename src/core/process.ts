import { spawn } from 'node:child_process';

export interface RunOptions {
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
  /** Bytes kept of each stream; more is dropped so a chatty child cannot exhaust memory. */
  maxOutputBytes?: number;
  /**
   * After the program exits, how long (ms) to wait for its pipes to reach end-of-file. A leftover
   * process of its own (`cmd &`) can hold them open for ever; past this grace its process group is
   * killed and the pipes are dropped. Default 250.
   */
  exitGraceMs?: number;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the executable could not be started at all (ENOENT, EACCES…). */
  spawnError?: NodeJS.ErrnoException;
  durationMs: number;
}

/**
 * Runs a program with a hard deadline. On timeout or abort the whole process group is killed and the
 * promise settles at once; a program that exits while a child of its own keeps stdout open settles
 * with its exit code after `exitGraceMs`. Either way our ends of the pipes are closed, so neither a
 * hung program nor a grandchild holding its pipes (even one that left the group) keeps the caller,
 * or a CLI's event loop, waiting.
 */
export function runProcess(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const max = options.maxOutputBytes ?? 1024 * 1024;
  const grace = options.exitGraceMs ?? 250;
  return new Promise<RunResult>((resolve) => {
    let settled = false;
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const child = spawn(command, args as string[], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group on POSIX so a kill reaches grandchildren too.
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    const kill = () => {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    };
    /** Stops waiting on the pipes: a process outside our reach may still hold their other ends. */
    const dropPipes = () => {
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.unref();
    };
    const finish = (result: Omit<RunResult, 'durationMs' | 'stdout' | 'stderr' | 'timedOut'>, cleanUp: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', onAbort);
      if (cleanUp) {
        kill();
        dropPipes();
      }
      resolve({ ...result, stdout, stderr, timedOut, durationMs: Date.now() - started });
    };
    const onAbort = () => finish({ code: null, signal: 'SIGKILL', spawnError: abortError() }, true);
    const timer = setTimeout(() => {
      timedOut = true;
      finish({ code: null, signal: 'SIGKILL' }, true);
    }, options.timeoutMs);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < max) stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < max) stderr += d;
    });
    // Errors on pipes we destroyed (EPIPE, ECONNRESET) are expected and carry nothing.
    child.stdout?.on('error', () => undefined);
    child.stderr?.on('error', () => undefined);
    child.on('error', (err: NodeJS.ErrnoException) => finish({ code: null, signal: null, spawnError: err }, false));
    child.on('exit', (code, signal) => {
      // Output written before the exit is already in the pipes; the grace lets us read it.
      graceTimer = setTimeout(() => finish({ code, signal }, true), grace);
    });
    child.on('close', (code, signal) => finish({ code, signal }, false));
  });
}

export function abortError(): NodeJS.ErrnoException {
  const e = new Error('Cancelled') as NodeJS.ErrnoException;
  e.name = 'AbortError';
  e.code = 'ABORT_ERR';
  return e;
}
