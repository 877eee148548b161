/** Just enough protobuf encoding to write ONNX ModelProto messages by hand. */
export type ProtoField =
  | { no: number; varint: number }
  | { no: number; bytes: Uint8Array }
  | { no: number; str: string }
  | { no: number; msg: ProtoField[] };

function varint(value: number, out: number[]): void {
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

export function encodeMessage(fields: ProtoField[]): Uint8Array {
  const out: number[] = [];
  for (const f of fields) {
    if ('varint' in f) {
      varint((f.no << 3) | 0, out);
      varint(f.varint, out);
      continue;
    }
    const body = 'bytes' in f ? f.bytes : 'str' in f ? new TextEncoder().encode(f.str) : encodeMessage(f.msg);
    varint((f.no << 3) | 2, out);
    varint(body.length, out);
    for (const b of body) out.push(b);
  }
  return Uint8Array.from(out);
}
