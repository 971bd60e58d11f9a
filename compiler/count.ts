// Counting: trainable parameters, batch-norm buffers (running statistics apart from
// the num_batches_tracked counters), multiply-adds of convolutions and linear layers,
// and activation memory (float32, one image).
import type { Graph, IRNode, ModuleNode } from "./ir.js";
import { liveness } from "./liveness.js";
import { add, mul, type Dim } from "./symbolic.js";

export interface Counts {
  params: number;
  buffers: number; // running statistics
  counters: number; // num_batches_tracked scalars
  macs: Dim;
  activations: Dim; // sum of every layer's output, in values
  peakActivations: number | null; // most values alive at once (concrete shapes only)
}

export const nodeParams = (n: IRNode) => n.weights.reduce((s, w) => (w.kind === "parameter" ? s + size(w.shape) : s), 0);
export const nodeBuffers = (n: IRNode) => n.weights.reduce((s, w) => (w.kind === "buffer" ? s + size(w.shape) : s), 0);
const nodeCounters = (n: IRNode) => n.weights.reduce((s, w) => (w.kind === "counter" ? s + size(w.shape) : s), 0);
const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);
const elements = (n: IRNode): Dim => (n.shape ?? []).reduce<Dim>((p, d) => mul(p, d), 1);

export function count(g: Graph): Counts {
  let params = 0;
  let buffers = 0;
  let counters = 0;
  let macs: Dim = 0;
  let activations: Dim = 0;
  for (const n of g.nodes) {
    params += nodeParams(n);
    buffers += nodeBuffers(n);
    counters += nodeCounters(n);
    macs = add(macs, n.macs);
    if (n.op !== "input") activations = add(activations, elements(n));
  }
  return { params, buffers, counters, macs, activations, peakActivations: peak(g) };
}

/** Peak of live activations when nodes run in order and each value is freed after its last use. */
function peak(g: Graph): number | null {
  const { lastUse, dying } = liveness(g);
  let live = 0;
  let best = 0;
  for (const n of g.nodes) {
    const e = elements(n);
    if (typeof e !== "number") return null;
    live += e;
    best = Math.max(best, live);
    for (const i of dying[n.id]) live -= elements(g.nodes[i]) as number;
    if (lastUse[n.id] === -1) live -= e;
  }
  return best;
}

export interface ModuleTotals {
  params: number;
  macs: Dim;
}

/** Parameters and MACs of every module (a layer's own, or the sum of its children's). */
export function moduleTotals(g: Graph): Map<ModuleNode, ModuleTotals> {
  const out = new Map<ModuleNode, ModuleTotals>();
  const visit = (m: ModuleNode): ModuleTotals => {
    let t: ModuleTotals;
    if (m.node !== undefined && m.kind === "layer") {
      const n = g.nodes[m.node];
      t = { params: nodeParams(n), macs: n.macs };
    } else {
      let params = 0;
      let macs: Dim = 0;
      for (const c of m.children) {
        const ct = visit(c);
        params += ct.params;
        macs = add(macs, ct.macs);
      }
      t = { params, macs };
    }
    out.set(m, t);
    return t;
  };
  visit(g.root);
  return out;
}

/** The last IR node a module computes: its output (a group's is its last child's). */
export function outputOf(m: ModuleNode): number | undefined {
  if (m.output !== undefined) return m.output;
  for (let i = m.children.length - 1; i >= 0; i--) {
    const o = outputOf(m.children[i]);
    if (o !== undefined) return o;
  }
  return undefined;
}
