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
 * Runs a program with a hard deadline. On timeout the whole process group is killed and the
 * promise settles at once: a hung child (or a grandchild holding its pipes) never blocks us.
 */
export function runProcess(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const max = options.maxOutputBytes ?? 1024 * 1024;
  return new Promise<RunResult>((resolve) => {
    let settled = false;
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const child = spawn(command, args as string[], {
      env: childEnv(options.env ?? process.env),
      cwd: options.cwd ?? neutralCwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group on POSIX so a kill reaches grandchildren too.
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    const finish = (result: Omit<RunResult, 'durationMs' | 'stdout' | 'stderr' | 'timedOut'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ ...result, stdout, stderr, timedOut, durationMs: Date.now() - started });
    };
    const kill = () => {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const onAbort = () => {
      kill();
      finish({ code: null, signal: 'SIGKILL', spawnError: abortError() });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
      finish({ code: null, signal: 'SIGKILL' });
    }, options.timeoutMs);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < max) stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < max) stderr += d;
    });
    child.on('error', (err: NodeJS.ErrnoException) => finish({ code: null, signal: null, spawnError: err }));
    child.on('close', (code, signal) => finish({ code, signal }));
  });
}

export function abortError(): NodeJS.ErrnoException {
  const e = new Error('Cancelled') as NodeJS.ErrnoException;
  e.name = 'AbortError';
  e.code = 'ABORT_ERR';
  return e;
}
