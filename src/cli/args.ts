/** A small flag parser: --flag, --flag value, --flag=value; repeated flags keep the last value. */
/** Bad arguments (exit 2). `showUsage` false: the message says all (a file that does not exist), no usage text after it. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = true,
  ) {
    super(message);
  }
}

export interface FlagSpec {
  /** Flags that take a value. */
  values: string[];
  /** Flags that are switches. */
  switches: string[];
}

export interface Parsed {
  positional: string[];
  /** The last value of each flag. */
  flags: Map<string, string>;
  /** Every value of each flag, for repeatable ones (--python A --python B). */
  all: Map<string, string[]>;
  switches: Set<string>;
}

/** Flags whose value is text to work on: an empty one is checked as input, not refused as missing. */
const TEXT_FLAGS = ['--text', '--question'];

export function parseFlags(command: string, argv: string[], spec: FlagSpec): Parsed {
  const out: Parsed = { positional: [], flags: new Map(), all: new Map(), switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      out.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    if (spec.switches.includes(flag)) {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
      out.switches.add(flag);
    } else if (spec.values.includes(flag)) {
      const v = inline ?? argv[++i];
      // An empty --text or --question is input with nothing in it ("nothing to work on", as for " "), not a missing value.
      const emptyOk = v === '' && TEXT_FLAGS.includes(flag);
      if (v === undefined || (v === '' && !emptyOk) || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
      out.flags.set(flag, v);
      out.all.set(flag, [...(out.all.get(flag) ?? []), v]);
    } else {
      throw new UsageError(`unknown option for ${command}: ${a}`);
    }
  }
  return out;
}

export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

/** A whole number in [min, max] (max optional), or undefined when the flag is not given; else a UsageError naming the range. */
export function wholeNumber(flag: string, value: string | undefined, min: number, max?: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || (max !== undefined && n > max)) throw new UsageError(`${flag} needs a whole number ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`} (got "${value}")`);
  return n;
}

/** A number in (low, high] or [low, high], or undefined when the flag is not given; else a UsageError naming the range. */
export function numberIn(flag: string, value: string | undefined, low: number, high: number, lowOpen = true): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || (lowOpen ? n <= low : n < low) || n > high) throw new UsageError(`${flag} needs a number ${lowOpen ? 'above' : 'from'} ${low} ${lowOpen ? 'up to' : 'to'} ${high} (got "${value}")`);
  return n;
}

export function positiveNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} needs a positive number`);
  return n;
}

/** An http(s) URL flag (--endpoint, --feed, --datasets-server), or undefined when not given; else a UsageError naming the flag. */
export function urlFlag(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`${flag} "${value}" is not a URL; give one like https://host/path`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UsageError(`${flag} must be an http(s) URL, not ${u.protocol}`);
  return value;
}

/** All of stdin as bytes (none from a terminal); decode them with core/text/decode. */
export async function readStdinBytes(): Promise<Uint8Array> {
  if (process.stdin.isTTY) return new Uint8Array();
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}
