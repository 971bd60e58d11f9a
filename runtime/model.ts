// The executor: a compiled graph becomes a function on TensorFlow.js tensors. Parameters
// are tfjs variables, initialised as PyTorch initialises them, held in the layout each
// kernel wants and converted to and from PyTorch's at the state-dict boundary.
// Every intermediate value is freed after its last use, so memory stays flat.
import * as tf from "@tensorflow/tfjs-core";
import type { Graph, IRNode } from "../compiler/ir.js";
import { weightName } from "../compiler/ir.js";
import { convolve, convPlan, kernels, fromTorch, toTorch, RuntimeError, type RunContext, type Weights } from "./kernels.js";
import { planFusions, type Fusion } from "./fuse.js";
import { liveness } from "../compiler/liveness.js";
import type { StateTensor } from "./state.js";
import { mulberry32 } from "./random.js";
import { assertFitsDevice } from "./webgpu.js";
import { initialValues } from "./init.js";
import { WeightsMismatchError, type LoadReport } from "./load-report.js";

export { WeightsMismatchError, type LoadReport } from "./load-report.js";
export { initialValues } from "./init.js"; // for export/ (the ONNX session initialises as the runtime does)

let nextVariable = 0;

export interface ForwardOptions {
  training?: boolean;
  /**
   * Keep every intermediate value for the caller's scope to free (under tf.variableGrads,
   * whose gradient tape needs them); by default each is freed after its last use.
   */
  keepIntermediates?: boolean;
  /** Seeds dropout's masks in training mode (reproducible runs). */
  seed?: number;
  /** Inference only: fold batch norm into convolutions and fuse activations (default on). */
  fuse?: boolean;
}

interface Slot {
  node: IRNode;
  rel: string; // the weight's name inside its node
  name: string; // its state-dict name
  kind: "parameter" | "buffer" | "counter";
  torchShape: number[];
}

export class Model {
  /** Trainable parameters and running statistics, by state-dict name, in kernel layout. */
  readonly variables = new Map<string, tf.Variable>();
  readonly counters = new Map<string, number>();
  private readonly slots: Slot[] = [];
  private readonly nodeWeights: Weights[] = [];
  private readonly lastUse: Int32Array;
  private readonly fusions: Map<number, Fusion>;
  private readonly skipped = new Set<number>();
  private folded?: Map<number, { filter: tf.Tensor; bias?: tf.Tensor }>;

  constructor(
    readonly graph: Graph,
    opts: { seed?: number } = {},
  ) {
    const random = mulberry32(opts.seed ?? 0);
    for (const node of graph.nodes) {
      if (node.op !== "input" && !kernels[node.op]) throw new RuntimeError(`the runtime cannot run ${node.op} (${node.name})`);
      const weights: Weights = {};
      for (const w of node.weights) {
        const slot: Slot = { node, rel: w.name, name: weightName(node, w), kind: w.kind, torchShape: w.shape };
        this.slots.push(slot);
        if (w.kind === "counter") {
          this.counters.set(slot.name, 0);
          continue;
        }
        const init = tf.tidy(() => this.toKernel(slot, tf.tensor(initialValues(node, w.name, w.shape, random), w.shape)));
        const v = tf.variable(init, w.kind === "parameter", `${slot.name}#${nextVariable++}`); // tfjs names are global
        init.dispose();
        this.variables.set(slot.name, v);
        weights[w.name] = v;
      }
      this.nodeWeights[node.id] = weights;
    }
    assertFitsDevice(this.slots.filter((s) => s.kind !== "counter").map((s) => ({ name: s.name, shape: s.torchShape })));
    this.lastUse = liveness(graph).lastUse;
    this.fusions = planFusions(graph);
    for (const f of this.fusions.values()) for (const id of f.skipped) this.skipped.add(id);
  }

  /** The fused convolutions' folded filters and biases, computed from the current weights. */
  private foldedWeights() {
    if (this.folded) return this.folded;
    this.folded = new Map();
    for (const f of this.fusions.values()) {
      const w = this.nodeWeights[f.conv.id];
      const folded = tf.tidy(() => {
        if (!f.bn) return { filter: tf.clone(w.weight), bias: w.bias ? tf.clone(w.bias) : undefined };
        const bn = this.nodeWeights[f.bn.id];
        const scale = tf.div(bn.weight, tf.sqrt(tf.add(bn.running_var, f.bn.attrs.eps as number)));
        // the output channel is the filter's last axis, or its last two (groups, per group)
        const plan = convPlan(f.conv).plan;
        const lastDims = plan === "depthwise" || plan === "lowered" ? w.weight.shape.slice(-2) : w.weight.shape.slice(-1);
        const filter = tf.mul(w.weight, tf.reshape(scale, lastDims as number[]));
        const bias = tf.add(tf.mul(tf.sub(w.bias ?? tf.zerosLike(bn.running_mean), bn.running_mean), scale), bn.bias);
        return { filter, bias };
      });
      // kept: the forward pass that folds them may run inside the caller's tidy
      this.folded.set(f.conv.id, { filter: tf.keep(folded.filter), bias: folded.bias && tf.keep(folded.bias) });
    }
    return this.folded;
  }

  /** Drops folded weights; call after changing variables other than through loadStateDict. */
  invalidate() {
    if (this.folded) for (const f of this.folded.values()) tf.dispose([f.filter, f.bias ?? []]);
    this.folded = undefined;
  }

  private toKernel(slot: Slot, t: tf.Tensor): tf.Tensor {
    const layout = kernels[slot.node.op]?.layout?.(slot.node, slot.rel);
    return layout ? layout.fromTorch(t) : t;
  }

  private toTorchLayout(slot: Slot, t: tf.Tensor): tf.Tensor {
    const layout = kernels[slot.node.op]?.layout?.(slot.node, slot.rel);
    return layout ? layout.toTorch(t) : t;
  }

  /** Runs the network on inputs in PyTorch's layout (N, C, H, W); outputs likewise. */
  forward(inputs: tf.Tensor[], opts: ForwardOptions = {}): tf.Tensor[] {
    const g = this.graph;
    if (inputs.length !== g.inputs.length) throw new RuntimeError(`${g.network} takes ${g.inputs.length} input(s), got ${inputs.length}`);
    const ctx: RunContext = { training: !!opts.training, inputRanks: [], statUpdates: opts.training ? [] : undefined, seed: opts.seed };
    const values: (tf.Tensor | undefined)[] = new Array(g.nodes.length);
    assertFitsDevice(g.nodes.map((n) => ({ name: `${n.name || n.op}'s output`, shape: n.shape as number[] })), inputs[0]?.shape[0]);
    try {
      g.inputs.forEach((port, k) => {
        const shape = g.nodes[port.node].shape!;
        checkInput(inputs[k], shape as number[], port.name);
        values[port.node] = tf.tidy(() => fromTorch(tf.cast(inputs[k], "float32"), shape.length));
      });
      const fuse = !opts.training && opts.fuse !== false && this.fusions.size > 0;
      if (opts.training) this.invalidate();
      const folded = fuse ? this.foldedWeights() : undefined;
      for (const node of g.nodes) {
        if (node.op === "input" || (fuse && this.skipped.has(node.id))) continue;
        const args = node.inputs.map((i) => values[i]!);
        ctx.inputRanks = node.inputs.map((i) => g.nodes[i].shape!.length);
        const fusion = fuse ? this.fusions.get(node.id) : undefined;
        if (fusion) {
          const { filter, bias } = folded!.get(node.id)!;
          const residual = fusion.residual === undefined ? undefined : values[fusion.residual];
          values[fusion.last] = tf.tidy(() => convolve(args[0], node, filter, bias, fusion.activation, false, residual));
        } else
          values[node.id] = tf.tidy(() => {
            const out = kernels[node.op].run(args, node, this.nodeWeights[node.id], ctx);
            return args.includes(out) ? tf.clone(out) : out; // each value owned once (identity, eval dropout)
          });
        const consumer = fusion ? fusion.last : node.id;
        const read = fusion?.residual === undefined ? node.inputs : [...node.inputs, fusion.residual];
        if (!opts.keepIntermediates)
          for (const i of read) if (this.lastUse[i] === consumer || this.lastUse[i] === node.id) this.free(values, i, inputs);
      }
      const outs = g.outputs.map((o) => {
        const v = values[o.node]!;
        const out = tf.tidy(() => toTorch(v, g.nodes[o.node].shape!.length));
        if (out === v) values[o.node] = undefined; // handed to the caller as it is
        return out;
      });
      if (ctx.statUpdates) this.updateStatistics(ctx.statUpdates);
      return outs;
    } finally {
      if (!opts.keepIntermediates) values.forEach((_, i) => this.free(values, i, inputs));
    }
  }

  private free(values: (tf.Tensor | undefined)[], i: number, inputs: tf.Tensor[]) {
    const v = values[i];
    if (v && !inputs.includes(v) && !v.isDisposed) v.dispose();
    values[i] = undefined;
  }

  /** PyTorch's running statistics: momentum-weighted, the variance unbiased (takes the tensors). */
  updateStatistics(updates: NonNullable<RunContext["statUpdates"]>) {
    for (const u of updates) {
      const m = u.node.attrs.momentum as number;
      const w = this.nodeWeights[u.node.id];
      tf.tidy(() => {
        const unbiased = tf.mul(u.variance, u.count / Math.max(1, u.count - 1));
        (w.running_mean as tf.Variable).assign(tf.add(tf.mul(w.running_mean, 1 - m), tf.mul(u.mean, m)));
        (w.running_var as tf.Variable).assign(tf.add(tf.mul(w.running_var, 1 - m), tf.mul(unbiased, m)));
      });
      const counter = `${u.node.name}.num_batches_tracked`;
      this.counters.set(counter, (this.counters.get(counter) ?? 0) + 1);
      tf.dispose([u.mean, u.variance]);
    }
  }

  /** The trainable parameters, by state-dict name. */
  parameters(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const slot of this.slots) if (slot.kind === "parameter") out.set(slot.name, this.variables.get(slot.name)!);
    return out;
  }

  /** A parameter or buffer's value in PyTorch's layout: a copy (CPU backends). */
  torchData(name: string): Float32Array {
    const v = this.variables.get(name)!;
    const t = this.layout(name, v, "torch");
    const data = (t.dataSync() as Float32Array).slice();
    if (t !== v) t.dispose();
    return data;
  }

  /** A tensor shaped like the variable `name` in PyTorch's layout or in the variable's own (it may be `t` itself). */
  layout(name: string, t: tf.Tensor, to: "torch" | "kernel"): tf.Tensor {
    const slot = this.slots.find((s) => s.name === name)!;
    return tf.tidy(() => (to === "torch" ? this.toTorchLayout(slot, t) : this.toKernel(slot, t)));
  }

  /** Every parameter, buffer and counter, by name, in PyTorch's layout (CPU backends). */
  stateDict(): Map<string, StateTensor> {
    if (tf.getBackend() === "webgpu") throw new RuntimeError("a GPU backend reads its weights asynchronously: use readStateDict()");
    const state = this.stateTensors();
    const out = new Map<string, StateTensor>();
    for (const [name, t] of state) out.set(name, t instanceof tf.Tensor ? { shape: t.shape, dtype: "F32", data: (t.dataSync() as Float32Array).slice() } : t);
    tf.dispose([...state.values()].filter((t) => t instanceof tf.Tensor) as tf.Tensor[]);
    return out;
  }

  /** The same as stateDict(), read asynchronously: on every backend, the GPU's included. */
  async readStateDict(): Promise<Map<string, StateTensor>> {
    const state = this.stateTensors();
    const out = new Map<string, StateTensor>();
    try {
      for (const [name, t] of state) out.set(name, t instanceof tf.Tensor ? { shape: t.shape, dtype: "F32", data: Float32Array.from(await t.data()) } : t);
    } finally {
      tf.dispose([...state.values()].filter((t) => t instanceof tf.Tensor) as tf.Tensor[]);
    }
    return out;
  }

  /** Copies of the weights in PyTorch's layout (the caller disposes them), counters as they are. */
  private stateTensors(): Map<string, tf.Tensor | StateTensor> {
    const out = new Map<string, tf.Tensor | StateTensor>();
    for (const slot of this.slots) {
      if (slot.kind === "counter") {
        out.set(slot.name, { shape: [], dtype: "I64", data: BigInt64Array.of(BigInt(this.counters.get(slot.name) ?? 0)) });
        continue;
      }
      const v = this.variables.get(slot.name)!;
      const t = tf.tidy(() => this.toTorchLayout(slot, v));
      out.set(slot.name, t === v ? tf.clone(v) : t); // a weight kept in PyTorch's layout is the variable itself
    }
    return out;
  }

  /**
   * Loads tensors by name. Missing, unexpected or wrongly shaped tensors are all listed in
   * one error; with `strict: false`, what matches is loaded and the rest reported back.
   */
  loadStateDict(tensors: Map<string, StateTensor>, opts: { strict?: boolean; source?: string } = {}): LoadReport {
    const report: LoadReport = { loaded: [], missing: [], unexpected: [], mismatched: [] };
    const byName = new Map(this.slots.map((s) => [s.name, s]));
    for (const name of tensors.keys()) if (!byName.has(name)) report.unexpected.push(name);
    for (const slot of this.slots) {
      const t = tensors.get(slot.name);
      if (!t) report.missing.push(slot.name);
      else if (!sameShape(t.shape, slot.torchShape)) report.mismatched.push({ name: slot.name, expected: slot.torchShape, got: t.shape });
    }
    const problems = report.missing.length + report.unexpected.length + report.mismatched.length;
    if (problems && opts.strict !== false) throw new WeightsMismatchError(report, this.graph.network, opts.source);
    this.invalidate();
    for (const slot of this.slots) {
      const t = tensors.get(slot.name);
      if (!t || !sameShape(t.shape, slot.torchShape)) continue;
      if (slot.kind === "counter") this.counters.set(slot.name, Number(t.data[0] ?? 0));
      else {
        const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as BigInt64Array, Number);
        const value = tf.tidy(() => this.toKernel(slot, tf.tensor(data, slot.torchShape)));
        this.variables.get(slot.name)!.assign(value);
        value.dispose();
      }
      report.loaded.push(slot.name);
    }
    return report;
  }

  dispose() {
    this.invalidate();
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

function checkInput(t: tf.Tensor, shape: number[], name: string) {
  const want = shape.join("x");
  const got = t.shape.slice(1).join("x");
  if (t.rank !== shape.length + 1 || got !== want)
    throw new RuntimeError(`input ${name} must be N x ${want} (PyTorch layout, batch first), got ${t.shape.join("x")}`);
}
