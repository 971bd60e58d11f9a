// The ONNX protobuf messages, encoded by protobufjs from ONNX's own schema (onnx.proto,
// compiled to a JSON descriptor by scripts/gen-onnx-schema.mjs). No hand-written
// encoder: this file only names the fields netc fills in.
import protobuf from "protobufjs/light.js";
import { onnxSchema } from "./schema.js";

/** TensorProto.DataType values netc writes. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;
/** AttributeProto.AttributeType values netc writes. */
export const AttrType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;
/** The IR version of the schema (ONNX 1.12), which opsets up to 17 are defined for. */
export const IR_VERSION = 8;

export interface TensorProto {
  name: string;
  dims: number[];
  data_type: number;
  raw_data?: Uint8Array;
  external_data?: { key: string; value: string }[];
  data_location?: number;
}

export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
}

export interface NodeProto {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
  doc_string?: string;
}

export interface ValueInfoProto {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: ({ dim_value: number } | { dim_param: string })[] } } };
}

export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  doc_string?: string;
}

export interface ModelProto {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  producer_name: string;
  producer_version: string;
  model_version?: number;
  doc_string?: string;
  graph: GraphProto;
  metadata_props?: { key: string; value: string }[];
}

let modelType: protobuf.Type | undefined;

function type(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(onnxSchema as protobuf.INamespace).lookupType("onnx.ModelProto");
  return modelType;
}

/** The model's protobuf bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  const t = type();
  const writer = protobuf.Writer.create() as protobuf.Writer & { _reserve?: (n: number) => void };
  // One buffer of about the final size: growing a 500 MB buffer by doubling copies it
  // again and again (protobufjs's writer has no public way to size it).
  const raw = model.graph.initializer.reduce((n, t) => n + (t.raw_data?.length ?? 0), 0);
  writer._reserve?.(raw + (1 << 20));
  return t.encode(t.fromObject(model), writer).finish(true);
}

/** Decodes bytes written by encodeModel (for tests and tools). */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const t = type();
  return t.toObject(t.decode(bytes), { longs: Number, bytes: Uint8Array as never, defaults: false, arrays: true }) as ModelProto;
}
