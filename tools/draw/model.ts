// The drawing model: what a picture of a compiled network shows, before any layout.
// One box per layer, or per block folded below the depth (the same depth as
// `netc summary --depth`: the network's children are depth 1); every block or group
// above the depth is a cluster around its children; every tensor that crosses from one
// box to another is an edge, labelled with its shape. Pure: no I/O, runs in a browser.
import { moduleTotals, outputOf } from "../../compiler/count.js";
import type { Graph, IRNode, ModuleNode } from "../../compiler/ir.js";
import { formatDim, type Dim } from "../../compiler/symbolic.js";
import { formatShape } from "../../compiler/values.js";

/** What colours a box. */
export type DrawKind =
  | "input" | "output" | "conv" | "linear" | "norm" | "activation" | "pool"
  | "merge" | "shape" | "regularize" | "other" | "block";

export interface DrawNode {
  id: string; // DOT identifier, unique in the model
  name: string; // the PyTorch module name (`layer1.0.conv1`); an output's port name
  label: string; // the last component of the name, or the op of an unlabelled layer
  type: string; // op or block name
  detail: string; // the op's salient arguments (`7x7 /2`), or "" (blocks: how many layers)
  shape: string; // output shape, symbolic sizes as formulas
  params: number; // trainable parameters, a block's summed
  macs: string; // multiply-adds, a formula when symbolic
  kind: DrawKind;
  cluster: string | null; // id of the enclosing cluster
  layers: number[]; // the IR nodes drawn as this box (one, or a folded block's)
}

export interface DrawEdge {
  from: string;
  to: string;
  tensor: number; // the IR node whose output the edge carries
  shape: string;
}

export interface DrawCluster {
  id: string;
  name: string; // full module name
  label: string;
  type: string; // block name, or the grouping construct (`sequence`)
  params: number;
  parent: string | null;
}

export interface DrawModel {
  network: string;
  depth: number;
  nodes: DrawNode[];
  edges: DrawEdge[];
  clusters: DrawCluster[];
}

export interface DrawOptions {
  depth?: number; // blocks below this depth are folded into one box (default 3, as summary's)
}

export const DEFAULT_DEPTH = 3;

const KINDS: Record<string, DrawKind> = {
  input: "input", conv: "conv", convtranspose: "conv", linear: "linear",
  batchnorm: "norm", groupnorm: "norm", layernorm: "norm", layernorm2d: "norm", lrn: "norm",
  maxpool: "pool", avgpool: "pool", adaptiveavgpool: "pool", adaptivemaxpool: "pool", globalavgpool: "pool",
  add: "merge", mul: "merge", concat: "merge",
  flatten: "shape", reshape: "shape", permute: "shape", upsample: "shape", pad: "shape", crop: "shape",
  channelshuffle: "shape", slice: "shape", chunk: "shape",
  dropout: "regularize", stochasticdepth: "regularize",
  relu: "activation", relu6: "activation", leakyrelu: "activation", elu: "activation", sigmoid: "activation",
  tanh: "activation", silu: "activation", hardswish: "activation", hardsigmoid: "activation", gelu: "activation",
  prelu: "activation", softmax: "activation",
};

/** The colour class of an op. */
export const kindOf = (op: string): DrawKind => KINDS[op] ?? "other";

const pair = (v: unknown): string | null =>
  Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number") ? (v[0] === v[1] ? `${v[0]}` : `${v[0]}x${v[1]}`) : null;
const square = (v: unknown): string | null =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === "number" ? `${v[0]}x${v[1]}` : null;

/** An op's arguments that a reader looks for first: kernel, stride, groups, dilation. */
export function opDetail(n: IRNode): string {
  const a = n.attrs as Record<string, unknown>;
  const parts: string[] = [];
  const k = square(a.kernel);
  if (k) parts.push(k);
  const s = pair(a.stride);
  if (s && s !== "1") parts.push(`/${s}`);
  const d = pair(a.dilation);
  if (d && d !== "1") parts.push(`dil ${d}`);
  if (typeof a.groups === "number" && a.groups > 1) parts.push(`groups ${a.groups}`);
  if (n.op === "concat" || n.op === "add" || n.op === "mul") parts.push(`${n.inputs.length} inputs`);
  return parts.join(" ");
}

const shapeText = (n: IRNode | undefined) => (n?.shape ? formatShape(n.shape) : "?");
const dimText = (d: Dim) => (typeof d === "number" ? d.toLocaleString("en-US") : formatDim(d));


function layersOf(m: ModuleNode, out: number[] = []): number[] {
  if (m.node !== undefined) out.push(m.node);
  for (const c of m.children) layersOf(c, out);
  return out;
}

/** The drawing model of a compiled graph (see the file's head for what it shows). */
export function drawingModel(g: Graph, opts: DrawOptions = {}): DrawModel {
  const depth = opts.depth ?? DEFAULT_DEPTH;
  const totals = moduleTotals(g);
  const nodes: DrawNode[] = [];
  const clusters: DrawCluster[] = [];
  const boxOf = new Map<number, string>(); // IR node → the box that draws it
  const ids = new Set<string>();
  const uniqueId = (base: string) => {
    let id = base;
    for (let i = 2; ids.has(id); i++) id = `${base}#${i}`;
    ids.add(id);
    return id;
  };
  const visit = (m: ModuleNode, level: number, cluster: string | null) => {
    const t = totals.get(m)!;
    if (m.kind === "layer" || level >= depth) {
      const layers = layersOf(m);
      if (layers.length === 0) return; // an empty group draws nothing
      const folded = m.kind !== "layer";
      const out = folded ? outputOf(m) : m.node;
      const n = out === undefined ? undefined : g.nodes[out];
      const op = m.node !== undefined ? g.nodes[m.node].op : m.type;
      const id = uniqueId(m.name || m.label);
      nodes.push({
        id, name: m.name, label: m.label, type: m.type,
        detail: folded ? `· ${layers.length} layers` : opDetail(g.nodes[m.node!]),
        shape: shapeText(n), params: t.params, macs: dimText(t.macs),
        kind: folded ? "block" : kindOf(op), cluster, layers,
      });
      for (const l of layers) boxOf.set(l, id);
      return;
    }
    const id = uniqueId(`cluster_${m.name}`);
    clusters.push({ id, name: m.name, label: m.label, type: m.type, params: t.params, parent: cluster });
    for (const c of m.children) visit(c, level + 1, id);
  };
  for (const c of g.root.children) visit(c, 1, null);
  // Nodes the module tree does not name (none today) still get a box: every tensor is drawn.
  for (const n of g.nodes) {
    if (boxOf.has(n.id)) continue;
    const id = uniqueId(n.name || `${n.op}_${n.id}`);
    nodes.push({
      id, name: n.name, label: n.name.split(".").pop() || n.op, type: n.op, detail: opDetail(n), shape: shapeText(n),
      params: n.weights.reduce((s, w) => (w.kind === "parameter" ? s + w.shape.reduce((p, d) => p * d, 1) : s), 0),
      macs: dimText(n.macs), kind: kindOf(n.op), cluster: null, layers: [n.id],
    });
    boxOf.set(n.id, id);
  }
  const edges: DrawEdge[] = [];
  const seen = new Set<string>();
  const link = (from: string, to: string, tensor: number) => {
    const key = `${from}\u0000${to}\u0000${tensor}`;
    if (from === to || seen.has(key)) return;
    seen.add(key);
    edges.push({ from, to, tensor, shape: shapeText(g.nodes[tensor]) });
  };
  for (const n of g.nodes) for (const i of n.inputs) link(boxOf.get(i)!, boxOf.get(n.id)!, i);
  for (const p of g.outputs) {
    const id = uniqueId(`output:${p.name}`);
    const n = g.nodes[p.node];
    nodes.push({
      id, name: p.name, label: p.name, type: "output", detail: "", shape: shapeText(n), params: 0, macs: "0",
      kind: "output", cluster: null, layers: [],
    });
    link(boxOf.get(p.node)!, id, p.node);
  }
  return { network: g.network, depth, nodes, edges, clusters };
}
