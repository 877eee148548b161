/**
 * Reads a .zip file (a .nupkg is one) from disk: the central directory, then entries streamed through
 * inflate with their CRC-32 checked, so a package of hundreds of MB never sits in memory.
 */
import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createInflateRaw } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(buf: Uint8Array, seed = 0): number {
  let c = (seed ^ 0xffffffff) >>> 0;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function readAt(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  const n = fs.readSync(fd, b, 0, len, pos);
  return b.subarray(0, n);
}

export function readZipDirectory(file: string): Map<string, ZipEntry> {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const tailLen = Math.min(size, 65_557);
    const tail = readAt(fd, size - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error('not a zip file (no end of central directory): the download is damaged');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cd = readAt(fd, tail.readUInt32LE(eocd + 16), cdSize);
    const entries = new Map<string, ZipEntry>();
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw new Error('damaged zip central directory');
      const nameLen = cd.readUInt16LE(p + 28);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      entries.set(name, {
        name,
        method: cd.readUInt16LE(p + 10),
        crc: cd.readUInt32LE(p + 16),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localOffset: cd.readUInt32LE(p + 42),
      });
      p += 46 + nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    }
    return entries;
  } finally {
    fs.closeSync(fd);
  }
}

/** Streams one entry to `dest`, checking size and CRC-32; a bad entry leaves no file behind. */
export async function extractZipEntry(file: string, e: ZipEntry, dest: string): Promise<void> {
  const fd = fs.openSync(file, 'r');
  let start: number;
  try {
    const h = readAt(fd, e.localOffset, 30);
    if (h.readUInt32LE(0) !== 0x04034b50) throw new Error(`damaged zip entry ${e.name}`);
    start = e.localOffset + 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
  } finally {
    fs.closeSync(fd);
  }
  if (e.method !== 0 && e.method !== 8) throw new Error(`${e.name} uses zip method ${e.method}, which is not supported`);
  let crc = 0;
  let size = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  const source = fs.createReadStream(file, { start, end: start + e.compressedSize - 1 });
  try {
    if (e.compressedSize === 0) fs.writeFileSync(dest, '');
    else if (e.method === 0) await pipeline(source, check, fs.createWriteStream(dest));
    else await pipeline(source, createInflateRaw(), check, fs.createWriteStream(dest));
    if (size !== e.size || crc !== e.crc) throw new Error(`${e.name} fails its CRC check: the package is damaged`);
  } catch (err) {
    fs.rmSync(dest, { force: true });
    throw err;
  }
}
