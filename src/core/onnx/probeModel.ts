import { encodeMessage, type ProtoField } from './protoWriter';

const FLOAT = 1;

function floatVector(name: string, length: number): ProtoField[] {
  // ValueInfoProto{ name, type: TypeProto{ tensor_type{ elem_type, shape{ dim{ dim_value } } } } }
  return [
    { no: 1, str: name },
    { no: 2, msg: [{ no: 1, msg: [{ no: 1, varint: FLOAT }, { no: 2, msg: [{ no: 1, msg: [{ no: 1, varint: length }] }] }] }] },
  ];
}

/** A one-node ONNX model, y = x + x over float[4]: enough to make a provider create a session and run. */
export function buildProbeModel(): Uint8Array {
  return encodeMessage([
    { no: 1, varint: 8 }, // ir_version
    { no: 2, str: 'ai-lab' }, // producer_name
    {
      no: 7, // graph
      msg: [
        { no: 1, msg: [{ no: 1, str: 'x' }, { no: 1, str: 'x' }, { no: 2, str: 'y' }, { no: 4, str: 'Add' }] },
        { no: 2, str: 'probe' },
        { no: 11, msg: floatVector('x', 4) },
        { no: 12, msg: floatVector('y', 4) },
      ],
    },
    { no: 8, msg: [{ no: 1, str: '' }, { no: 2, varint: 13 }] }, // opset_import
  ]);
}
