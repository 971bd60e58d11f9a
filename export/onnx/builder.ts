// Builds an ONNX graph node by node: unique value and node names, initializers, small
// constants, and the handful of operators whose form changed between opsets.
import { AttrType, DataType, type AttributeProto, type NodeProto, type TensorProto } from "./proto.js";

export class ExportError extends Error {}

/** The weights of a model stored in a file beside it: the file's name, its pieces, its length. */
export interface ExternalData {
  location: string;
  chunks: { offset: number; bytes: Uint8Array }[];
  length: number;
}

/** An attribute value, tagged with its ONNX type. */
export type Attr = { int: number } | { float: number } | { ints: number[] } | { floats: number[] } | { string: string };
export const int = (v: number): Attr => ({ int: v });
export const float = (v: number): Attr => ({ float: v });
export const ints = (v: number[]): Attr => ({ ints: v });
export const str = (v: string): Attr => ({ string: v });

function attribute(name: string, a: Attr): AttributeProto {
  if ("int" in a) return { name, type: AttrType.INT, i: a.int };
  if ("float" in a) return { name, type: AttrType.FLOAT, f: a.float };
  if ("ints" in a) return { name, type: AttrType.INTS, ints: a.ints };
  if ("floats" in a) return { name, type: AttrType.FLOATS, floats: a.floats };
  return { name, type: AttrType.STRING, s: new TextEncoder().encode(a.string) };
}

const bytesOf = (a: Float32Array | BigInt64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();
  private readonly nodeNames = new Set<string>();

  constructor(readonly opset: number) {}

  /** A value name not used yet, from a readable base. */
  fresh(base: string): string {
    let name = base || "value";
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Claims a name exactly (inputs, outputs, state-dict names); an error if taken. */
  claim(name: string): string {
    if (this.used.has(name)) throw new ExportError(`two ONNX values would be named ${name}`);
    this.used.add(name);
    return name;
  }

  /** Adds a node; returns the name of its (first) output, `out` if given. */
  add(op: string, inputs: string[], attrs: Record<string, Attr> = {}, out?: string, label?: string): string {
    const output = out ?? this.fresh(`${label ?? op}`);
    let name = label ?? output;
    for (let i = 1; this.nodeNames.has(name); i++) name = `${label ?? output}_${i}`;
    this.nodeNames.add(name);
    const attribute_ = Object.entries(attrs).map(([k, v]) => attribute(k, v));
    this.nodes.push({ name, op_type: op, input: inputs, output: [output], attribute: attribute_ });
    return output;
  }

  /** Adds a node with `count` outputs; returns their names. */
  addOutputs(op: string, inputs: string[], attrs: Record<string, Attr>, count: number, label: string): string[] {
    const outputs = Array.from({ length: count }, (_, i) => this.fresh(i ? `${label}_${i}` : label));
    let name = label;
    for (let i = 1; this.nodeNames.has(name); i++) name = `${label}_${i}`;
    this.nodeNames.add(name);
    this.nodes.push({ name, op_type: op, input: inputs, output: outputs, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return outputs;
  }

  /** Where weights go when they are stored outside the model (ONNX's external data). */
  external?: ExternalData;

  /** A tensor by name: its bytes in the model, or, for weights with external data, in that file. */
  initializer(name: string, dims: number[], data: Float32Array | BigInt64Array, weight = false): string {
    const data_type = data instanceof Float32Array ? DataType.FLOAT : DataType.INT64;
    const bytes = bytesOf(data); // a view: the caller's arrays are not changed afterwards
    const ext = this.external;
    if (weight && ext && bytes.length >= 1024) {
      const offset = Math.ceil(ext.length / 64) * 64; // aligned, as onnx's own writer does
      ext.chunks.push({ offset, bytes });
      ext.length = offset + bytes.length;
      const external_data = [{ key: "location", value: ext.location }, { key: "offset", value: String(offset) }, { key: "length", value: String(bytes.length) }];
      this.initializers.push({ name, dims, data_type, external_data, data_location: 1 });
    } else this.initializers.push({ name, dims, data_type, raw_data: bytes });
    return name;
  }

  /** An int64 constant (shapes, axes, pads), as an initializer. */
  int64s(values: number[], base = "const"): string {
    return this.initializer(this.fresh(base), [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  /** A float constant: a scalar, or a tensor of the given dims. */
  floats(values: number[] | Float32Array, base = "const", dims?: number[]): string {
    const data = Float32Array.from(values);
    return this.initializer(this.fresh(base), dims ?? (data.length === 1 ? [] : [data.length]), data);
  }

  // ---- operators whose inputs or attributes moved between opsets ------------------------
  /** ReduceMean / ReduceMax / ReduceSum over axes, keeping them (axes an input from opset 18). */
  reduce(op: "ReduceMean" | "ReduceMax" | "ReduceSum", x: string, axes: number[], label: string): string {
    if (this.opset >= 18 || op === "ReduceSum") return this.add(op, [x, this.int64s(axes, `${label}/axes`)], { keepdims: int(1) }, undefined, label);
    return this.add(op, [x], { axes: ints(axes), keepdims: int(1) }, undefined, label);
  }

  reshape(x: string, shape: number[], label: string, out?: string): string {
    return this.add("Reshape", [x, this.int64s(shape, `${label}/shape`)], {}, out, label);
  }
}
