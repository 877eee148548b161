/**
 * Which Hub file names can be written into the cache on a given OS. The Hub takes names that some
 * systems cannot hold (`a:b.json`, `CON.txt`, `x.` on Windows); those are skipped with a warning unless
 * the selection needs them. Names that would escape the snapshot folder are never written anywhere.
 */
import { HubError } from './hubError';

export interface NameProblem {
  /** Why the name cannot be written, in a few words. */
  reason: string;
  /** True when the name would leave the snapshot folder (absolute, "..", a backslash). A drive letter ("C:x") is refused on Windows by the ":" rule. */
  escapes: boolean;
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³])(\.|$)/i;

/**
 * What stops `name` (a repo file path with "/" separators, as the Hub lists it) from being written
 * under a snapshot folder on `platform` (process.platform's values; win32 = Windows); undefined if nothing.
 */
export function repoNameProblem(name: string, platform: string = process.platform): NameProblem | undefined {
  const escape = (reason: string): NameProblem => ({ reason, escapes: true });
  if (!name || name.includes('\0')) return escape('empty or has a NUL byte');
  if (name.startsWith('/')) return escape('absolute path');
  // A backslash is a separator on Windows; a name with one would be read differently there and here.
  if (name.includes('\\')) return escape('backslash');
  const parts = name.split('/');
  if (parts.some((p) => p === '..')) return escape('".." segment');
  if (parts.some((p) => p === '' || p === '.')) return escape('empty or "." segment');
  if (platform !== 'win32') return undefined;
  for (const part of parts) {
    const bad = /[<>:"|?*\u0000-\u001f]/.exec(part);
    if (bad) {
      const c = bad[0];
      const what = c < ' ' ? `control character U+${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}` : `"${c}"`;
      return { reason: `${what} is not allowed in a file name on Windows`, escapes: false };
    }
    if (WINDOWS_RESERVED.test(part)) return { reason: `"${part}" is a reserved device name on Windows`, escapes: false };
    if (/[. ]$/.test(part)) return { reason: `"${part}" ends with a dot or space, which Windows drops`, escapes: false };
  }
  return undefined;
}

/** A sentence for a name that cannot be written. */
export function describeNameProblem(name: string, p: NameProblem): string {
  return p.escapes ? `Refusing repo file name "${name}": ${p.reason}; it would escape the cache` : `Cannot save "${name}" on this system: ${p.reason}`;
}

export interface SkippedFile {
  path: string;
  /** Why it was not written (describeNameProblem). */
  reason: string;
}

/**
 * Runs a snapshot's `select` on the names this OS can write; the others are skipped. A selection that
 * needs a skipped name (it fails without them and picks one when given them all, or names one itself)
 * is a HubError naming the file and why; otherwise the skipped names are returned for a warning.
 */
export function selectWritable(
  select: (available: string[]) => string[],
  writable: string[],
  unwritable: ReadonlyMap<string, NameProblem>,
): { files: string[]; skipped: SkippedFile[] } {
  const needs = (names: string[]) => names.filter((n) => unwritable.has(n));
  const refuse = (names: string[]) =>
    new HubError(`${names.map((n) => describeNameProblem(n, unwritable.get(n)!)).join('; ')}. The selection needs ${names.length > 1 ? 'these files' : 'it'}; leave ${names.length > 1 ? 'them' : 'it'} out (e.g. --include other files) or use a system that can hold the name.`, 'invalid');
  let files: string[];
  try {
    files = select(writable);
  } catch (err) {
    if (!unwritable.size) throw err;
    let wide: string[];
    try {
      wide = select([...writable, ...unwritable.keys()]);
    } catch {
      throw err;
    }
    if (needs(wide).length) throw refuse(needs(wide));
    throw err;
  }
  if (needs(files).length) throw refuse(needs(files));
  const skipped = [...unwritable].filter(([n]) => !files.includes(n)).map(([path, problem]) => ({ path, reason: describeNameProblem(path, problem) }));
  return { files, skipped };
}
