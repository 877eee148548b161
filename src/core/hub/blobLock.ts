/**
 * One lock per blob, at `<cache>/.locks/<repo folder>/<blob>.lock`, where huggingface_hub puts its own.
 *
 * Python's huggingface_hub locks that file with the `filelock` package: BSD `flock()` on POSIX, which
 * the kernel drops when the holder dies. Node has no flock(), so on POSIX with util-linux's `flock`
 * utility a child `flock --exclusive <file> sh -c 'echo locked; exec cat'` holds it for us: the lock is
 * ours once it prints "locked", and goes when we close its stdin (or die, which closes it too). Where
 * there is no `flock` utility (Windows, bare macOS), an exclusive marker `<blob>.lock.ai-lab` (created
 * O_EXCL, holding pid/host/time, its mtime refreshed) serializes AI Lab processes only; a marker whose
 * pid is dead on this host, or that was not refreshed for 2 minutes, is taken over.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { processAlive } from '../process';

export interface BlobLock {
  /** How the lock is held: `flock` interoperates with Python; `marker` only with other AI Lab processes. */
  readonly kind: 'flock' | 'marker';
  readonly file: string;
  release(): Promise<void>;
}

export interface LockOptions {
  signal?: AbortSignal;
  /** Called once when another process holds the lock (flock: when it is found held; marker: after `waitNoticeMs`). */
  onWait?: (lockFile: string) => void;
  waitNoticeMs?: number;
  /** Force a way of locking (tests); default: flock where the utility exists, else a marker. */
  kind?: 'flock' | 'marker';
  /** A marker not refreshed for this long is stale. Default 2 minutes. */
  staleMs?: number;
  /** How often the marker's mtime is refreshed, and the lock polled. Default 20 s / 200 ms. */
  refreshMs?: number;
  pollMs?: number;
}

let flockPath: string | null | undefined;

/** util-linux's `flock` on PATH or at /usr/bin/flock; null where there is none (Windows, bare macOS). */
export function findFlock(): string | null {
  if (flockPath !== undefined) return flockPath;
  flockPath = null;
  if (process.platform === 'win32') return flockPath;
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/bin', '/bin'];
  for (const d of dirs) {
    const candidate = path.join(d, 'flock');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return (flockPath = candidate);
    } catch {
      // Not here.
    }
  }
  return flockPath;
}

/** `<cacheDir>/.locks/<repoFolder>/<blob>.lock`, as huggingface_hub names it. */
export function blobLockPath(cacheDir: string, repoFolder: string, blob: string): string {
  return path.join(cacheDir, '.locks', repoFolder, `${blob}.lock`);
}

/**
 * Waits for and takes the lock on `lockFile` (its folder is created). Rejects with the signal's reason
 * when aborted while waiting, or with the fs error when the folder cannot be written.
 */
export async function acquireBlobLock(lockFile: string, o: LockOptions = {}): Promise<BlobLock> {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const kind = o.kind ?? (findFlock() ? 'flock' : 'marker');
  if (kind === 'flock') {
    // A first try that does not wait tells whether another process holds it: "waiting for another
    // download" is said only then, never because starting `flock` was slow on a busy machine.
    const first = await viaFlock(lockFile, o, true);
    if (first !== 'busy') return first;
    o.onWait?.(lockFile);
    return (await viaFlock(lockFile, o, false)) as BlobLock;
  }
  const notice = setTimeout(() => o.onWait?.(lockFile), o.waitNoticeMs ?? 300);
  try {
    return await viaMarker(lockFile, o);
  } finally {
    clearTimeout(notice);
  }
}

/** `flock` exits with this when `--nonblock` finds the lock held. */
const FLOCK_BUSY = 75;

/** Takes the lock with util-linux's flock; with `nonblock`, 'busy' when another process holds it. */
function viaFlock(lockFile: string, o: LockOptions, nonblock: boolean): Promise<BlobLock | 'busy'> {
  const bin = findFlock();
  if (!bin) return Promise.reject(new Error('the flock utility is not available'));
  // Open the file ourselves first so a permission problem is a plain fs error, not a child's message.
  // An existing one is opened read-only (flock needs no more), so a lock file another user made is usable.
  let fd: number;
  try {
    fd = fs.openSync(lockFile, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    fd = fs.openSync(lockFile, 'a');
  }
  fs.closeSync(fd);
  return new Promise((resolve, reject) => {
    const wait = nonblock ? ['--nonblock', '--conflict-exit-code', String(FLOCK_BUSY)] : [];
    const child: ChildProcess = spawn(bin, ['--exclusive', ...wait, lockFile, 'sh', '-c', 'echo locked; exec cat'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let done = false;
    const onAbort = () => {
      if (done) return;
      done = true;
      child.kill();
      reject(o.signal!.reason);
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    if (o.signal?.aborted) return onAbort();
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (done || !out.includes('locked')) return;
      done = true;
      o.signal?.removeEventListener('abort', onAbort);
      const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
      resolve({
        kind: 'flock',
        file: lockFile,
        release: async () => {
          child.stdin!.end();
          const t = setTimeout(() => child.kill(), 2000);
          await exited;
          clearTimeout(t);
        },
      });
    });
    child.on('error', (e) => {
      if (done) return;
      done = true;
      o.signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.on('exit', (code) => {
      if (done) return;
      done = true;
      o.signal?.removeEventListener('abort', onAbort);
      if (nonblock && code === FLOCK_BUSY) return resolve('busy');
      reject(new Error(`could not lock ${lockFile} (flock exited with ${code}${err.trim() ? `: ${err.trim()}` : ''})`));
    });
    child.stdin!.on('error', () => undefined); // EPIPE when flock already left.
  });
}

interface MarkerBody {
  pid: number;
  host: string;
  time: string;
}

/** Whether the marker's holder is gone: its pid is dead on this host, or it was not refreshed in `staleMs`. */
function isStale(marker: string, staleMs: number): { stale: boolean; raw?: string } {
  let raw: string;
  let mtime: number;
  try {
    raw = fs.readFileSync(marker, 'utf8');
    mtime = fs.statSync(marker).mtimeMs;
  } catch {
    return { stale: false }; // Gone already: the next O_EXCL create decides.
  }
  if (Date.now() - mtime > staleMs) return { stale: true, raw };
  try {
    const b = JSON.parse(raw) as MarkerBody;
    if (b.host === os.hostname() && Number.isInteger(b.pid) && !processAlive(b.pid)) return { stale: true, raw };
  } catch {
    // Half-written by a holder that is creating it right now: give it until staleMs.
  }
  return { stale: false, raw };
}

/** Removes a stale marker only if it is still the one judged stale (another taker may have replaced it). */
function takeOver(marker: string, raw: string): void {
  const aside = `${marker}.${process.pid}.${Date.now()}.stale`;
  try {
    fs.renameSync(marker, aside);
  } catch {
    return;
  }
  if (fs.readFileSync(aside, 'utf8') !== raw) {
    // Someone took it over meanwhile: put theirs back (link fails if a third one exists; then theirs is lost
    // and both may run, which the final rename of a verified blob tolerates).
    try {
      fs.linkSync(aside, marker);
    } catch {
      // See above.
    }
  }
  fs.rmSync(aside, { force: true });
}

async function viaMarker(lockFile: string, o: LockOptions): Promise<BlobLock> {
  const marker = `${lockFile}.ai-lab`;
  const staleMs = o.staleMs ?? 120_000;
  for (;;) {
    if (o.signal?.aborted) throw o.signal.reason;
    try {
      const fd = fs.openSync(marker, 'wx');
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname(), time: new Date().toISOString() } satisfies MarkerBody));
      fs.closeSync(fd);
      const refresh = setInterval(() => {
        const now = new Date();
        try {
          fs.utimesSync(marker, now, now);
        } catch {
          // Taken over (we looked dead): nothing to refresh.
        }
      }, o.refreshMs ?? 20_000);
      refresh.unref();
      return {
        kind: 'marker',
        file: marker,
        release: async () => {
          clearInterval(refresh);
          try {
            const b = JSON.parse(fs.readFileSync(marker, 'utf8')) as MarkerBody;
            if (b.pid === process.pid && b.host === os.hostname()) fs.rmSync(marker, { force: true });
          } catch {
            // Already gone.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const s = isStale(marker, staleMs);
    if (s.stale && s.raw !== undefined) {
      takeOver(marker, s.raw);
      continue;
    }
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        o.signal?.removeEventListener('abort', stop);
        resolve();
      }, o.pollMs ?? 200);
      const stop = () => {
        clearTimeout(t);
        reject(o.signal!.reason);
      };
      o.signal?.addEventListener('abort', stop, { once: true });
    });
  }
}
