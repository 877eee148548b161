/** Why a path given as a Python interpreter did not answer a probe, worded for the user. */
import type { RunResult } from '../process';

const EXAMPLE = process.platform === 'win32' ? '.venv\\Scripts\\python.exe' : '.venv/bin/python';

/** When `python` could not be started at all (r.spawnError set): a sentence naming it and what to do. */
export function notStartedReason(python: string, err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOENT') return `${python} does not exist`;
  if (err.code === 'EACCES') return `${python} could not be started (permission denied: not an executable program): give the path of a Python 3 interpreter, e.g. ${EXAMPLE}`;
  return `${python} could not be started: ${err.message}`;
}

/**
 * When `python` ran but did not print the probe's JSON: its last stderr line, else its exit code
 * (a program that prints nothing, such as /bin/true, still gets a reason).
 */
export function notPythonReason(python: string, r: Pick<RunResult, 'stderr' | 'code' | 'signal'>): string {
  const last = r.stderr.trim().split(/\r?\n/).pop()?.trim();
  const why = last ? last.slice(0, 300) : `it exited with ${r.code !== null ? `code ${r.code}` : `signal ${r.signal ?? 'unknown'}`} without answering the probe`;
  return `${python} is not a working Python 3 interpreter: ${why}. Give the path of a Python 3 interpreter, e.g. ${EXAMPLE}`;
}
