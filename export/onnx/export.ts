// A compiled network as an ONNX model: the graph the runtime runs, op by op (layers.ts,
// pooling.ts, elementwise.ts), its weights as initializers named by their state-dict
// names, a dynamic batch by default, inputs and outputs named as in the network.
import type { Graph, IRNode } from "../../compiler/ir.js";
import { weightName } from "../../compiler/ir.js";
import type { StateDict } from "../../runtime/state.js";
import { ExportError, GraphBuilder, type ExternalData } from "./builder.js";
import { activations, shapes } from "./elementwise.js";
import { batchnorm, conv, convtranspose, groupnorm, linear, lrn, type Converter } from "./layers.js";
import { adaptiveavgpool, adaptivemaxpool, avgpool, maxpool } from "./pooling.js";
import { DataType, encodeModel, IR_VERSION, type ModelProto, type ValueInfoProto } from "./proto.js";
import { foldBatchNorms } from "./fold.js";

export { ExportError, type ExternalData };

export const DEFAULT_OPSET = 17;
/** Opsets the exporter writes: 13 (Squeeze/Split/ReduceSum with axes inputs) to 21. */
export const OPSETS = { min: 13, max: 21 };

export interface OnnxExportOptions {
  /** The default ONNX operator set version (default 17). */
  opset?: number;
  /** A fixed batch size, or "dynamic" (the default): a symbolic first dimension `batch`. */
  batch?: number | "dynamic";
  /** Fold each batch norm into the convolution before it (as the runtime does for inference). */
  foldBatchNorm?: boolean;
  producerVersion?: string;
}

const converters: Record<string, Converter> = {
  conv, convtranspose, linear, batchnorm, groupnorm, lrn,
  maxpool, avgpool, adaptiveavgpool, adaptivemaxpool,
  ...activations,
  ...shapes,
};

/** The ops the exporter writes (every op the runtime runs). */
export const exportedOps = (): string[] => Object.keys(converters);

/** The network as ONNX protobuf bytes, weights included. */
export function exportOnnx(graph: Graph, state: StateDict, opts: OnnxExportOptions = {}): Uint8Array {
  return encodeModel(onnxModel(graph, state, opts).model);
}

/**
 * The network as ONNX bytes whose weights are stored in a file beside the model, named
 * `location` (ONNX's external data: for models over protobuf's 2 GB, or to share weights).
 * The caller writes `external.chunks` at their offsets into that file.
 */
export function exportOnnxExternal(graph: Graph, state: StateDict, location: string, opts: OnnxExportOptions = {}): { model: Uint8Array; external: ExternalData } {
  const { model, external } = onnxModel(graph, state, opts, { location, chunks: [], length: 0 });
  return { model: encodeModel(model), external: external! };
}

/** The network as an ONNX ModelProto object (before encoding). */
export function onnxModel(graph: Graph, state: StateDict, opts: OnnxExportOptions = {}, external?: ExternalData): { model: ModelProto; external?: ExternalData } {
  const opset = opts.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < OPSETS.min || opset > OPSETS.max)
    throw new ExportError(`opset ${opset} is not supported: netc writes opsets ${OPSETS.min} to ${OPSETS.max}`);
  const batch = opts.batch ?? "dynamic";
  if (batch !== "dynamic" && !(Number.isInteger(batch) && batch > 0)) throw new ExportError(`the batch must be a positive whole number or "dynamic", got ${batch}`);
  checkConcrete(graph);
  const b = new GraphBuilder(opset);
  b.external = external;
  const { weights, skip } = initializers(graph, state, b, !!opts.foldBatchNorm);
  const values: string[] = [];
  const outputsOf = new Map<number, string>(); // node -> the graph output its value becomes (the first)
  for (const o of graph.outputs) if (!outputsOf.has(o.node)) outputsOf.set(o.node, o.name);
  for (const port of graph.inputs) values[port.node] = b.claim(port.name);
  for (const o of graph.outputs) if (!graph.inputs.some((i) => i.name === o.name)) b.claim(o.name);
  for (const node of graph.nodes) {
    if (node.op === "input") continue;
    if (skip.has(node.id)) {
      values[node.id] = values[node.inputs[0]]; // folded into the convolution before it
      continue;
    }
    const convert = converters[node.op];
    if (!convert) throw new ExportError(`${node.op} (${node.name}) cannot be exported to ONNX`);
    const last = skip.lastOf(node.id);
    const out = outputsOf.get(last);
    const produced = convert({
      b,
      node,
      x: node.inputs.map((i) => values[i]),
      shapes: node.inputs.map((i) => graph.nodes[i].shape as number[]),
      out,
      label: node.name || `${node.op}_${node.id}`,
      weight: (rel) => weights.get(`${node.id}/${rel}`),
    });
    values[node.id] = produced;
    if (last !== node.id) values[last] = produced;
  }
  // Outputs that no node named (an input passed through, one value output twice, an alias)
  for (const o of graph.outputs) {
    const v = values[o.node];
    if (v !== o.name) b.add("Identity", [v], {}, o.name, `${o.name}/identity`);
  }
  const batchDim = batch === "dynamic" ? { dim_param: "batch" } : { dim_value: batch };
  const info = (name: string, node: IRNode): ValueInfoProto => ({
    name,
    type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: [batchDim, ...(node.shape as number[]).map((d) => ({ dim_value: d }))] } } },
  });
  const model: ModelProto = {
    ir_version: IR_VERSION,
    opset_import: [{ domain: "", version: opset }],
    producer_name: "netc",
    producer_version: opts.producerVersion ?? "",
    doc_string: `${graph.network}, exported by netc`,
    graph: {
      name: graph.network,
      node: b.nodes,
      initializer: b.initializers,
      input: graph.inputs.map((p) => info(p.name, graph.nodes[p.node])),
      output: graph.outputs.map((p) => info(p.name, graph.nodes[p.node])),
    },
  };
  return { model, external };
}

function checkConcrete(graph: Graph) {
  for (const port of graph.inputs) {
    const shape = graph.nodes[port.node].shape;
    if (!shape || shape.some((d) => typeof d !== "number"))
      throw new ExportError(`${graph.network} takes any input size (${port.name}: ${shape?.join("x")}); choose one with --input, e.g. --input ${shape?.map((d) => (typeof d === "number" ? d : 224)).join("x")}`);
  }
}

/** Every weight as an initializer named by its state-dict name; batch norms folded if asked. */
function initializers(graph: Graph, state: StateDict, b: GraphBuilder, fold: boolean) {
  const weights = new Map<string, string>(); // `${node}/${rel}` -> initializer name
  const problems: string[] = [];
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const node of graph.nodes)
    for (const w of node.weights) {
      if (w.kind === "counter") continue; // num_batches_tracked: training only
      const name = weightName(node, w);
      const t = state.get(name);
      if (!t) problems.push(`missing: ${name}`);
      else if (t.shape.join("x") !== w.shape.join("x")) problems.push(`wrong shape: ${name}: expected [${w.shape.join(", ")}], got [${t.shape.join(", ")}]`);
      else tensors.set(`${node.id}/${w.name}`, { shape: w.shape, data: t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as BigInt64Array, Number) });
    }
  if (problems.length) throw new ExportError(`the weights do not fit ${graph.network}:\n  ${problems.slice(0, 40).join("\n  ")}${problems.length > 40 ? `\n  … and ${problems.length - 40} more` : ""}`);
  const skip = fold ? foldBatchNorms(graph, tensors) : { has: () => false, lastOf: (id: number) => id };
  for (const node of graph.nodes) {
    // a folded convolution without a bias gains one, named as PyTorch would name it
    const names = [...node.weights.map((w) => w.name), ...(node.op === "conv" && !node.attrs.bias ? ["bias"] : [])];
    for (const rel of names) {
      const t = tensors.get(`${node.id}/${rel}`);
      if (!t) continue;
      const name = node.name ? `${node.name}.${rel}` : rel;
      weights.set(`${node.id}/${rel}`, b.initializer(b.claim(name), t.shape, t.data, true));
    }
  }
  return { weights, skip };
}
