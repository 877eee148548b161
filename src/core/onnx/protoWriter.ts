/** Just enough protobuf encoding to write ONNX ModelProto messages by hand (large byte fields included). */
export type ProtoField =
  | { no: number; varint: number }
  | { no: number; bytes: Uint8Array }
  | { no: number; str: string }
  | { no: number; msg: ProtoField[] };

function varint(value: number): Buffer {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

/** Encodes into chunks and concatenates once, so 100s of MB of weights cost one copy. */
function encodeChunks(fields: ProtoField[], out: Uint8Array[]): number {
  let size = 0;
  const push = (b: Uint8Array) => {
    out.push(b);
    size += b.length;
  };
  for (const f of fields) {
    if ('varint' in f) {
      push(varint((f.no << 3) | 0));
      push(varint(f.varint));
      continue;
    }
    push(varint((f.no << 3) | 2));
    if ('msg' in f) {
      const inner: Uint8Array[] = [];
      const n = encodeChunks(f.msg, inner);
      push(varint(n));
      for (const c of inner) push(c);
    } else {
      const body = 'bytes' in f ? f.bytes : Buffer.from(f.str, 'utf8');
      push(varint(body.length));
      push(body);
    }
  }
  return size;
}

export function encodeMessage(fields: ProtoField[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  encodeChunks(fields, chunks);
  return Buffer.concat(chunks);
}
