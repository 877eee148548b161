import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Variables that list folders to search: an empty or relative entry there means "the current folder". */
const SEARCH_PATH_VARIABLES = ['PATH', 'Path', 'LD_LIBRARY_PATH', 'DYLD_LIBRARY_PATH', 'PYTHONPATH'];

/**
 * The absolute folders of a PATH-like value. An empty or relative entry (what `export
 * LD_LIBRARY_PATH=$LD_LIBRARY_PATH:/x` leaves when the variable was unset) resolves against the
 * current folder, which is wherever the editor was started, often a cloned repository: dropped.
 */
export function absoluteEntries(value: string | undefined, platform: NodeJS.Platform = process.platform): string[] {
  const isAbs = platform === 'win32' ? path.win32.isAbsolute : path.posix.isAbsolute;
  return (value ?? '').split(platform === 'win32' ? ';' : ':').filter((d) => d !== '' && isAbs(d));
}

/** `env` with its search paths reduced to absolute folders (see absoluteEntries). */
export function childEnv(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const k of SEARCH_PATH_VARIABLES) if (out[k] !== undefined) out[k] = absoluteEntries(out[k], platform).join(platform === 'win32' ? ';' : ':');
  return out;
}

let neutral: string | undefined;

/**
 * An empty folder of our own for children to start in. They would otherwise inherit the editor's
 * current folder: `python -c` imports modules from it first, pyenv reads its `.python-version`, the
 * loader searches it for libraries. Made once per process, removed at exit.
 */
export function neutralCwd(): string {
  if (neutral && fs.existsSync(neutral)) return neutral;
  neutral = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-cwd-'));
  const made = neutral;
  process.once('exit', () => fs.rmSync(made, { recursive: true, force: true }));
  return neutral;
}

export interface RunOptions {
  timeoutMs: number;
  /** Its search paths keep absolute folders only (childEnv). */
  env?: NodeJS.ProcessEnv;
  /** Default: neutralCwd(), never the editor's current folder. */
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
      env: childEnv(options.env ?? process.env),
      cwd: options.cwd ?? neutralCwd(),
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

/** Whether process `pid` exists on this machine (signal 0; EPERM means it exists but is another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
