// A classifier's whole training step as one ONNX graph, for onnxruntime to run natively:
// inputs the batch (N x C x H x W, PyTorch's layout), its labels one-hot, 1/N, and every
// parameter by its state-dict name; outputs the mean cross-entropy, the logits, each
// parameter's gradient and each batch norm's batch statistics (the caller updates the
// running ones and takes the optimizer step). The forward pass runs in training mode and
// the backward pass is built from the rules in train-rules.ts, layer by layer in reverse,
// gradients of values used twice (residual connections) summed.
import type { Graph, IRNode } from "../../compiler/ir.js";
import { weightName } from "../../compiler/ir.js";
import { GraphBuilder, int } from "./builder.js";
import { DataType, encodeModel, IR_VERSION, type ModelProto, type ValueInfoProto } from "./proto.js";
import { rules, type Forward, type RuleContext } from "./train-rules.js";

export interface TrainGraph {
  model: Uint8Array;
  /** Graph inputs holding the parameters, named by their state-dict names, PyTorch's shapes. */
  params: { name: string; shape: number[] }[];
  /** The output holding each parameter's gradient (parameters that reach the loss). */
  grads: Map<string, string>;
  /** Batch norms' batch statistics: outputs of the mean and the biased variance. */
  stats: { node: IRNode; mean: string; variance: string }[];
  /**
   * Dropout and stochastic depth layers (p > 0) and the graph inputs for their masks, 0 or
   * 1 / (1 - p): dropout's [batch, ...shape]; stochastic depth's [batch, 1, …] by row
   * (`perSample`) or [1, 1, …] for the whole batch.
   */
  masks: { node: IRNode; input: string; perSample: boolean }[];
  input: string;
  labels: string;
  invN: string;
  loss: string;
  logits: string;
}

const NAMES = { input: "@input", labels: "@labels", invN: "@inv_batch", loss: "@loss", logits: "@logits" };

/** Why netc cannot build the network's training step as one graph, or undefined if it can. */
export function nativeTrainingBlocker(graph: Graph): string | undefined {
  if (graph.inputs.length !== 1) return "a network with more than one input";
  const inShape = graph.nodes[graph.inputs[0].node].shape;
  if (!inShape || inShape.length !== 3 || inShape.some((d) => typeof d !== "number")) return "an input that is not a fixed C x H x W image";
  const out = graph.nodes[graph.outputs[0]?.node];
  if (!out || out.shape?.length !== 1) return "a first output that is not a vector of class scores";
  for (const node of graph.nodes) {
    if (node.op === "input") continue;
    const rule = rules[node.op];
    const what = node.name ? `${node.op} (${node.name})` : node.op;
    if (!rule) return what;
    const why = rule.check?.(node, node.inputs.map((i) => graph.nodes[i].shape as number[]));
    if (why) return `${why}: ${what}`;
  }
  return undefined;
}

/** The training step of `graph` (check nativeTrainingBlocker first). */
export function trainGraph(graph: Graph): TrainGraph {
  const b = new GraphBuilder(17);
  for (const n of Object.values(NAMES)) b.claim(n);
  const params: TrainGraph["params"] = [];
  const weightOf = new Map<string, string>(); // `${node}/${rel}` -> graph input
  for (const node of graph.nodes)
    for (const w of node.weights) {
      if (w.kind !== "parameter") continue;
      const name = b.claim(weightName(node, w));
      params.push({ name, shape: w.shape });
      weightOf.set(`${node.id}/${w.name}`, name);
    }
  const masked = (n: IRNode) => (n.op === "dropout" || n.op === "stochasticdepth") && (n.attrs.p as number) > 0;
  const masks: TrainGraph["masks"] = graph.nodes.filter(masked).map((node) => ({ node, input: b.claim(`@${node.op}/${node.id}`), perSample: node.op === "dropout" || node.attrs.mode === "row" }));
  const maskOf = new Map(masks.map((m) => [m.node.id, m.input]));
  const values: string[] = [];
  const forwards: Forward[] = [];
  const learns: boolean[] = []; // whether a node's output depends on a parameter
  const context = (node: IRNode): RuleContext => ({
    b, node, x: node.inputs.map((i) => values[i]), shapes: node.inputs.map((i) => graph.nodes[i].shape as number[]),
    label: node.name || `${node.op}_${node.id}`, weight: (rel) => weightOf.get(`${node.id}/${rel}`), invN: NAMES.invN, mask: maskOf.get(node.id),
  });
  const stats: TrainGraph["stats"] = [];
  for (const node of graph.nodes) {
    if (node.op === "input") {
      values[node.id] = NAMES.input;
      learns[node.id] = false;
      continue;
    }
    const f = rules[node.op].forward(context(node));
    forwards[node.id] = f;
    values[node.id] = f.y;
    learns[node.id] = node.weights.some((w) => w.kind === "parameter") || node.inputs.some((i) => learns[i]);
    if (f.stats) stats.push({ node, ...f.stats });
  }

  // mean cross-entropy and its gradient: (softmax − one-hot) / N
  const outNode = graph.outputs[0].node;
  const logits = values[outNode];
  const logp = b.add("LogSoftmax", [logits], { axis: int(1) }, undefined, "loss/log_softmax");
  const picked = b.add("ReduceSum", [b.add("Mul", [NAMES.labels, logp], {}, undefined, "loss/picked")], { keepdims: int(0) }, undefined, "loss/sum");
  b.add("Mul", [b.add("Neg", [picked], {}, undefined, "loss/neg"), NAMES.invN], {}, NAMES.loss, "loss");
  b.add("Identity", [logits], {}, NAMES.logits, "logits");
  const softmax = b.add("Softmax", [logits], { axis: int(1) }, undefined, "loss/softmax");
  const dLogits = b.add("Mul", [b.add("Sub", [softmax, NAMES.labels], {}, undefined, "loss/residual"), NAMES.invN], {}, undefined, "loss/grad");

  const pending = new Map<number, string[]>([[outNode, [dLogits]]]);
  const grads = new Map<string, string>();
  for (let id = graph.nodes.length - 1; id >= 0; id--) {
    const node = graph.nodes[id];
    const parts = pending.get(id);
    pending.delete(id);
    if (!parts || node.op === "input" || !learns[id]) continue;
    const dy = parts.slice(1).reduce((acc, p, k) => b.add("Add", [acc, p], {}, undefined, `${context(node).label}/grad_sum_${k}`), parts[0]);
    const c = context(node);
    const r = rules[node.op].backward(c, forwards[id], dy, node.inputs.map((i) => learns[i]));
    node.inputs.forEach((i, k) => {
      const dx = r.dx[k];
      if (dx && learns[i]) pending.set(i, [...(pending.get(i) ?? []), dx]);
    });
    for (const [rel, g] of Object.entries(r.dw)) {
      const p = weightOf.get(`${node.id}/${rel}`);
      if (p) grads.set(p, g);
    }
  }

  const tensor = (name: string, dims: (number | string)[]): ValueInfoProto => ({
    name,
    type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === "number" ? { dim_value: d } : { dim_param: d })) } } },
  });
  const untyped = (name: string) => ({ name, type: { tensor_type: { elem_type: DataType.FLOAT } } }) as unknown as ValueInfoProto;
  const classes = (graph.nodes[outNode].shape as number[])[0];
  const model: ModelProto = {
    ir_version: IR_VERSION,
    opset_import: [{ domain: "", version: 17 }],
    producer_name: "netc",
    producer_version: "",
    doc_string: `${graph.network}'s training step, built by netc`,
    graph: {
      name: `${graph.network}_train`,
      node: b.nodes,
      initializer: b.initializers,
      input: [
        tensor(NAMES.input, ["batch", ...(graph.nodes[graph.inputs[0].node].shape as number[])]),
        tensor(NAMES.labels, ["batch", classes]),
        tensor(NAMES.invN, []),
        ...params.map((p) => tensor(p.name, p.shape)),
        ...masks.map((m) => tensor(m.input, m.node.op === "dropout" ? ["batch", ...(m.node.shape as number[])] : [m.perSample ? "batch" : 1, ...(m.node.shape as number[]).map(() => 1)])),
      ],
      output: [NAMES.loss, NAMES.logits, ...grads.values(), ...stats.flatMap((s) => [s.mean, s.variance])].map(untyped),
    },
  };
  return { model: encodeModel(model), params, grads, stats, masks, ...NAMES };
}
