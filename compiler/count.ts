// Counting: trainable parameters, batch-norm buffers (running statistics apart from
// the num_batches_tracked counters), multiply-adds of convolutions and linear layers,
// and activation memory (float32, one image).
import type { Graph, IRNode, ModuleNode } from "./ir.js";
import { dyingOrder, lastUses } from "./liveness.js";
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
  const lastUse = lastUses(g);
  const { start, order } = dyingOrder(lastUse);
  const sizes = new Float64Array(g.nodes.length);
  let live = 0;
  let best = 0;
  for (const node of g.nodes) {
    const e = elements(node);
    if (typeof e !== "number") return null;
    sizes[node.id] = e;
    live += e;
    best = Math.max(best, live);
    for (let j = start[node.id]; j < start[node.id + 1]; j++) live -= sizes[order[j]];
    if (lastUse[node.id] === -1) live -= e;
  }
  return best;
}

export interface ModuleTotals {
  params: number;
  macs: Dim;
}

/**
 * Parameters and MACs of every module (a layer's own, or the sum of its children's).
 * Blocks' sums are kept; a layer's are read from its node when asked (its parameter
 * count once per weight list, which repeated layers share): a million layers need no
 * million entries.
 */
export class ModuleCounts {
  private readonly groups = new Map<ModuleNode, ModuleTotals>();
  private readonly paramsByWeights = new Map<IRNode["weights"], number>();

  constructor(private readonly g: Graph) {
    this.sum(g.root);
  }

  get(m: ModuleNode): ModuleTotals {
    return this.groups.get(m) ?? { params: this.params(m), macs: this.macs(m) };
  }

  params(m: ModuleNode): number {
    if (!isLayer(m)) return this.groups.get(m)!.params;
    const w = this.g.nodes[m.node!].weights;
    let p = this.paramsByWeights.get(w);
    if (p === undefined) this.paramsByWeights.set(w, (p = nodeParams(this.g.nodes[m.node!])));
    return p;
  }

  macs(m: ModuleNode): Dim {
    return isLayer(m) ? this.g.nodes[m.node!].macs : this.groups.get(m)!.macs;
  }

  private sum(m: ModuleNode): void {
    let params = 0;
    let macs: Dim = 0;
    for (const c of m.children) {
      if (!isLayer(c)) this.sum(c);
      params += this.params(c);
      macs = add(macs, this.macs(c));
    }
    this.groups.set(m, { params, macs });
  }
}

const isLayer = (m: ModuleNode) => m.node !== undefined && m.kind === "layer";

export function moduleTotals(g: Graph): ModuleCounts {
  return new ModuleCounts(g);
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
