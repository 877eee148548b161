/**
 * A bound on the memory that decompressed PDF data may take in a pdf.js worker thread, so that a
 * decompression bomb (a few KB of Flate, LZW or run-length data that inflate to gigabytes) stops
 * with a clear error instead of filling the machine's memory.
 *
 * Both ways pdf.js decodes are bounded: the synchronous zlib inflate that stands in for
 * DecompressionStream (syncInflate.ts, zlib's maxOutputLength) and pdf.js's own decoders, whose
 * buffers grow through DecodeStream.ensureBuffer (a patch in pdfjsPatches.ts calls the hook below).
 */

const MiB = 1024 * 1024;
/** The most one stream may inflate to. */
export const STREAM_LIMIT = 128 * MiB;
/** The least a document may inflate to in all; bigger files get 32 times their size. */
export const DOCUMENT_LIMIT = 512 * MiB;

/** The total a document's streams may inflate to, in bytes: max(512 MiB, 32 × its size). */
export function documentLimit(fileBytes: number): number {
  return Math.max(DOCUMENT_LIMIT, 32 * fileBytes);
}

/** Decoded bytes charged against one job's share of a document's limit. */
export class DecodeBudget {
  used = 0;
  /** What went over the limit, once something has: the job then fails with it. */
  exceeded?: string;

  constructor(
    /** Bytes this job may decode in all; set again once the job knows how many workers share the pages. */
    public total: number,
    readonly perStream = STREAM_LIMIT,
  ) {}

  /** The most the next stream may inflate to, in bytes. */
  room(): number {
    return Math.max(0, Math.min(this.perStream, this.total - this.used));
  }

  /**
   * Charges `bytes` more of a stream now `streamBytes` long; false, with the reason kept in
   * `exceeded`, when the stream or the document goes over its limit.
   */
  charge(bytes: number, streamBytes: number): boolean {
    if (streamBytes > this.perStream) return this.over(`a stream inflates to more than ${this.perStream / MiB} MiB`);
    if (this.used + bytes > this.total) return this.over(`its streams inflate to more than ${Math.round(this.total / MiB)} MiB in all`);
    this.used += bytes;
    return true;
  }

  over(reason: string): false {
    this.exceeded ??= reason;
    return false;
  }
}

let current: DecodeBudget | undefined;

/** The budget decoding is charged to from now on in this thread (one job at a time runs here). */
export function useDecodeBudget(budget: DecodeBudget | undefined): void {
  current = budget;
}

export function decodeBudget(): DecodeBudget | undefined {
  return current;
}

/** The error a decoder throws when its output would go over the budget (pdf.js then gives up on that stream). */
export class DecodeLimitError extends Error {
  override name = 'DecodeLimitError';
}

/** The name of the hook pdf.js's patched DecodeStream.ensureBuffer calls (see pdfjsPatches.ts). */
export const DECODE_HOOK = '__aiLabDecodeBudget';

/** Installs the hook: pdf.js's decoders charge each growth of their buffer to the current budget. */
export function installDecodeHook(): void {
  (globalThis as Record<string, unknown>)[DECODE_HOOK] = (size: number, grownBy: number) => {
    if (current && !current.charge(grownBy, size)) throw new DecodeLimitError(current.exceeded);
  };
}
