/**
 * Reads a safetensors file's header without its weights. Format (huggingface/safetensors, "Format"):
 * 8 bytes, a little-endian unsigned 64-bit N; N bytes of UTF-8 JSON: `{"__metadata__"?: {str: str},
 * "<tensor name>": {"dtype": "F32", "shape": [d0, d1…], "data_offsets": [begin, end]}…}`, offsets
 * in bytes from the end of the header; then the data, whose tensors must fill it without gap or
 * overlap. The header is at most 100 MB (the format's own limit).
 */
import * as fs from 'node:fs';

export interface SafetensorsTensor {
  name: string;
  dtype: string;
  shape: number[];
  /** Byte offsets [begin, end) from the end of the header. */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  tensors: SafetensorsTensor[];
  metadata: Record<string, string>;
  /** 8 + N: where the data starts in the file. */
  headerBytes: number;
  /** The file's size in bytes. */
  fileBytes: number;
}

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

/** Bytes per element of each safetensors dtype (sub-byte types count their packed bytes per element as a fraction). */
export const SAFETENSORS_DTYPE_BYTES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, F8_E8M0: 1, I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8, F4: 0.5, FP4: 0.5, E8M0: 1, UE8: 1, F6_E2M3: 0.75, F6_E3M2: 0.75,
};

const MAX_HEADER = 100_000_000;

/**
 * The header of the safetensors file `file`: every tensor with dtype, shape and offsets, checked
 * against the format (sizes match dtype × shape, tensors fill the data exactly, the file is as long as
 * the header says). Reads only the first 8 + N bytes. Throws SafetensorsError saying what is wrong
 * (cut short, a Git LFS pointer, a header that is not JSON…).
 */
export function readSafetensorsHeader(file: string): SafetensorsHeader {
  const fd = fs.openSync(file, 'r');
  try {
    const fileBytes = fs.fstatSync(fd).size;
    const head = Buffer.alloc(8);
    if (fs.readSync(fd, head, 0, 8, 0) < 8) throw new SafetensorsError(`is ${fileBytes} bytes: too short for a safetensors file (8 bytes of header length, then the header)`);
    if (head.toString('latin1').startsWith('version ')) throw new SafetensorsError('is a Git LFS pointer, not the weights: fetch them with `git lfs pull` (or download the file again)');
    const n = head.readBigUInt64LE(0);
    if (n > BigInt(MAX_HEADER)) throw new SafetensorsError(`says its header is ${n} bytes, over the format's 100 MB limit: not a safetensors file, or a damaged one`);
    const headerLength = Number(n);
    if (8 + headerLength > fileBytes) throw new SafetensorsError(`says its header is ${headerLength} bytes but the file is ${fileBytes} bytes: cut short, or not a safetensors file`);
    const json = Buffer.alloc(headerLength);
    fs.readSync(fd, json, 0, headerLength, 8);
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
    } catch (err) {
      throw new SafetensorsError(`has a header that is not UTF-8 JSON (${(err as Error).message.split('\n')[0]})`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SafetensorsError('has a header that is not a JSON object');
    const metadata: Record<string, string> = {};
    const tensors: SafetensorsTensor[] = [];
    for (const [name, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (name === '__metadata__') {
        if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (typeof x === 'string') metadata[k] = x;
        continue;
      }
      const t = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      const offsets = t?.data_offsets;
      if (typeof t?.dtype !== 'string' || !Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || !Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[1] < offsets[0]) {
        throw new SafetensorsError(`has a malformed entry for tensor "${name}" (dtype, shape and data_offsets [begin, end] are needed)`);
      }
      tensors.push({ name, dtype: t.dtype, shape: t.shape as number[], dataOffsets: [offsets[0], offsets[1]] });
    }
    const dataBytes = fileBytes - 8 - headerLength;
    for (const t of tensors) {
      // Own keys only: a dtype named "constructor" or "__proto__" is unknown, not an inherited property.
      const per = Object.hasOwn(SAFETENSORS_DTYPE_BYTES, t.dtype) ? SAFETENSORS_DTYPE_BYTES[t.dtype] : undefined;
      if (per === undefined) throw new SafetensorsError(`has tensor "${t.name}" of unknown dtype ${t.dtype}`);
      const expected = Math.ceil(t.shape.reduce((a, b) => a * b, 1) * per);
      if (t.dataOffsets[1] - t.dataOffsets[0] !== expected) {
        throw new SafetensorsError(`has tensor "${t.name}" (${t.dtype} ${JSON.stringify(t.shape)}) of ${t.dataOffsets[1] - t.dataOffsets[0]} bytes; its dtype and shape make ${expected}`);
      }
    }
    // The tensors must tile the data: sorted by offset, each begins where the last ended, the last ends at the data's end.
    const sorted = [...tensors].sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0]);
    let at = 0;
    for (const t of sorted) {
      if (t.dataOffsets[0] !== at) throw new SafetensorsError(`has ${t.dataOffsets[0] > at ? 'a gap' : 'overlapping tensors'} at byte ${at} of its data (tensor "${t.name}" begins at ${t.dataOffsets[0]})`);
      at = t.dataOffsets[1];
    }
    if (at !== dataBytes) {
      throw new SafetensorsError(at > dataBytes ? `is cut short: its tensors need ${at} bytes of data, the file has ${dataBytes} (download it again)` : `has ${dataBytes - at} bytes after its last tensor`);
    }
    return { tensors, metadata, headerBytes: 8 + headerLength, fileBytes };
  } finally {
    fs.closeSync(fd);
  }
}
