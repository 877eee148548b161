/**
 * The inputs and outputs of an ONNX model file (names, element types, shapes), read without loading its
 * weights: the protobuf wire format (varint keys; wire types 0 varint, 1 fixed64, 2 length-delimited,
 * 5 fixed32) is walked from the file, and every field but the graph's `input`/`output` is skipped by
 * seeking. Field numbers from onnx/onnx.proto: ModelProto.graph = 7; GraphProto.input = 11, output = 12;
 * ValueInfoProto.name = 1, type = 2; TypeProto.tensor_type = 1; Tensor.elem_type = 1, shape = 2;
 * TensorShapeProto.dim = 1; Dimension.dim_value = 1, dim_param = 2.
 */
import * as fs from 'node:fs';

export interface GraphValue {
  name: string;
  /** TensorProto.DataType (1 float, 7 int64, 10 float16…); 0 when not a tensor. */
  elemType: number;
  /** Each dimension: a size, a symbolic name ("batch_size"), or undefined when neither is set. */
  shape: Array<number | string | undefined>;
}

export interface GraphIo {
  inputs: GraphValue[];
  outputs: GraphValue[];
}

export class OnnxReadError extends Error {}

/** Reads protobuf fields from a window [start, end) of a file, pulling bytes as needed. */
class FileWindow {
  private buf = Buffer.alloc(0);
  private bufAt = 0;
  constructor(private readonly fd: number, public pos: number, public readonly end: number) {}

  private byte(): number {
    if (this.pos >= this.end) throw new OnnxReadError('ends inside a field (cut short?)');
    if (this.pos < this.bufAt || this.pos >= this.bufAt + this.buf.length) {
      this.buf = Buffer.alloc(Math.min(65536, this.end - this.pos));
      fs.readSync(this.fd, this.buf, 0, this.buf.length, this.pos);
      this.bufAt = this.pos;
    }
    return this.buf[this.pos++ - this.bufAt]!;
  }
  varint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      v += (b & 0x7f) * mul;
      if (!(b & 0x80)) return v;
      mul *= 128;
    }
    throw new OnnxReadError('has a malformed varint');
  }
  bytes(n: number): Buffer {
    if (this.pos + n > this.end) throw new OnnxReadError('ends inside a field (cut short?)');
    const out = Buffer.alloc(n);
    fs.readSync(this.fd, out, 0, n, this.pos);
    this.pos += n;
    return out;
  }
  /** Each field in the window: its number and wire type; `value` reads or skips it. */
  *fields(): Generator<{ no: number; wire: number; start: number; len: number }> {
    while (this.pos < this.end) {
      const key = this.varint();
      const no = Math.floor(key / 8);
      const wire = key & 7;
      if (wire === 0) {
        const start = this.pos;
        const v = this.varint();
        yield { no, wire, start, len: v };
      } else if (wire === 2) {
        const len = this.varint();
        const start = this.pos;
        if (start + len > this.end) throw new OnnxReadError(`has a field of ${len} bytes past the end of its message (cut short?)`);
        yield { no, wire, start, len };
        this.pos = start + len;
      } else if (wire === 1 || wire === 5) {
        const start = this.pos;
        this.pos += wire === 1 ? 8 : 4;
        yield { no, wire, start, len: 0 };
      } else throw new OnnxReadError(`has wire type ${wire} at byte ${this.pos}: not an ONNX (protobuf) file`);
    }
  }
  sub(start: number, len: number): FileWindow {
    return new FileWindow(this.fd, start, start + len);
  }
}

function readValue(w: FileWindow): GraphValue {
  const v: GraphValue = { name: '', elemType: 0, shape: [] };
  for (const f of w.fields()) {
    if (f.no === 1 && f.wire === 2) v.name = w.sub(f.start, f.len).bytes(f.len).toString('utf8');
    else if (f.no === 2 && f.wire === 2) {
      for (const t of w.sub(f.start, f.len).fields()) {
        if (t.no !== 1 || t.wire !== 2) continue;
        const tensor = w.sub(t.start, t.len);
        for (const tf of tensor.fields()) {
          if (tf.no === 1 && tf.wire === 0) v.elemType = tf.len;
          else if (tf.no === 2 && tf.wire === 2) {
            const shape = tensor.sub(tf.start, tf.len);
            for (const d of shape.fields()) {
              if (d.no !== 1 || d.wire !== 2) continue;
              const dim = shape.sub(d.start, d.len);
              let size: number | string | undefined;
              for (const df of dim.fields()) {
                if (df.no === 1 && df.wire === 0) size = df.len;
                else if (df.no === 2 && df.wire === 2) size = dim.sub(df.start, df.len).bytes(df.len).toString('utf8');
              }
              v.shape.push(size);
            }
          }
        }
      }
    }
  }
  return v;
}

/**
 * The graph inputs and outputs of the ONNX model `file` (see the module comment). Inputs include
 * initializers listed as graph inputs in old exports (IR < 4); callers that want the feeds should
 * ignore names they do not expect. Throws OnnxReadError when the file is not a well-formed ONNX model.
 */
export function readGraphIo(file: string): GraphIo {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, 64));
    fs.readSync(fd, head, 0, head.length, 0);
    if (head.toString('latin1').startsWith('version https://git-lfs')) throw new OnnxReadError('is a Git LFS pointer, not the model (run git lfs pull, or download it again)');
    const model = new FileWindow(fd, 0, size);
    const io: GraphIo = { inputs: [], outputs: [] };
    let graph = false;
    for (const f of model.fields()) {
      if (f.no !== 7 || f.wire !== 2) continue;
      graph = true;
      const g = model.sub(f.start, f.len);
      for (const gf of g.fields()) {
        if ((gf.no === 11 || gf.no === 12) && gf.wire === 2) (gf.no === 11 ? io.inputs : io.outputs).push(readValue(g.sub(gf.start, gf.len)));
      }
    }
    if (!graph) throw new OnnxReadError('has no graph: not an ONNX model');
    return io;
  } finally {
    fs.closeSync(fd);
  }
}
