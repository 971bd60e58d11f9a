// The weights, running statistics and optimizer state of native training, held as
// arrays in PyTorch's layout for the length of an epoch: taken from the model's
// TensorFlow.js variables and optimizer when an epoch starts, given back when it ends
// (so evaluation, checkpoints and --resume see the Trainer's own state), and updated in
// between by the same formulas as netc's optimizers: FusedAdam's (tf.train.adam's),
// tf.train.momentum's and tf.train.sgd's, with PyTorch's coupled weight decay, and
// PyTorch's running statistics (momentum-weighted, the variance unbiased).
import * as tf from "@tensorflow/tfjs-core";
import type { IRNode } from "../../compiler/ir.js";
import { weightName } from "../../compiler/ir.js";
import type { Model } from "../../runtime/model.js";
import { adamValues } from "../../runtime/grad-kernels/adam.js";

type Kind = "adam" | "momentum" | "sgd";
interface AdamInternals { accBeta1: tf.Variable; accBeta2: tf.Variable; beta1: number; beta2: number; epsilon: number; learningRate: number; momentum: number }

export class NativeState {
  readonly params = new Map<string, Float32Array>(); // by state-dict name, in model.parameters() order
  readonly buffers = new Map<string, Float32Array>();
  private slots = new Map<string, Float32Array[]>(); // adam: [m, v]; momentum: [accumulation]
  private iterations = 0;
  private acc = [0, 0]; // adam: beta1^t, beta2^t as TensorFlow.js keeps them (float32)

  private readonly shapes = new Map<string, number[]>(); // PyTorch's shape of every weight

  constructor(private readonly model: Model, private readonly optimizer: tf.Optimizer, private readonly kind: Kind, private readonly weightDecay: number) {
    for (const node of model.graph.nodes) for (const w of node.weights) this.shapes.set(weightName(node, w), w.shape);
  }

  /** Takes the model's variables and the optimizer's state. */
  async pull() {
    const vars = this.model.parameters();
    const byVariable = new Map([...vars].map(([name, v]) => [v.name, name]));
    for (const name of vars.keys()) this.params.set(name, this.model.torchData(name));
    for (const [name, v] of this.model.variables) if (!v.trainable) this.buffers.set(name, this.model.torchData(name));
    const weights = await this.optimizer.getWeights();
    this.iterations = this.optimizer.iterations;
    this.slots = new Map([...vars.keys()].map((name) => [name, []]));
    for (const w of weights.slice(1)) {
      const [variable, slot] = [w.name.replace(/\/[^/]*$/, ""), w.name.slice(w.name.lastIndexOf("/") + 1)];
      const name = byVariable.get(variable)!;
      const t = this.model.layout(name, w.tensor, "torch");
      this.slots.get(name)![slot === "v" ? 1 : 0] = (t.dataSync() as Float32Array).slice();
      if (t !== w.tensor) t.dispose();
    }
    weights[0].tensor.dispose(); // the iteration count, made for the call
    for (const [name, p] of this.params) {
      const s = this.slots.get(name)!;
      const count = this.kind === "adam" ? 2 : this.kind === "momentum" ? 1 : 0;
      for (let i = 0; i < count; i++) s[i] ??= new Float32Array(p.length);
    }
    if (this.kind === "adam") {
      const a = this.optimizer as unknown as AdamInternals;
      this.acc = [a.accBeta1.dataSync()[0], a.accBeta2.dataSync()[0]];
    }
  }

  /** Gives the weights, statistics and optimizer state back to the model and the optimizer. */
  async push() {
    const vars = this.model.parameters();
    const assign = (name: string, data: Float32Array) => {
      const v = this.model.variables.get(name)!;
      tf.tidy(() => v.assign(this.model.layout(name, tf.tensor(data, this.shapes.get(name)), "kernel")));
    };
    for (const [name, p] of this.params) assign(name, p);
    for (const [name, b] of this.buffers) assign(name, b);
    this.model.invalidate();
    const old = await this.optimizer.getWeights();
    const named = (slot: number, suffix: string) =>
      [...vars].map(([name, v]) => ({ name: `${v.name}/${suffix}`, tensor: tf.tidy(() => this.model.layout(name, tf.tensor(this.slots.get(name)![slot], this.shapes.get(name)), "kernel")) }));
    const slots = this.kind === "adam" ? [...named(0, "m"), ...named(1, "v")] : this.kind === "momentum" ? named(0, "momentum") : [];
    const iter = tf.scalar(this.iterations, "int32");
    await this.optimizer.setWeights([{ name: "iter", tensor: iter }, ...slots]);
    tf.dispose([iter, ...old.map((w) => w.tensor), ...slots.map((s) => s.tensor)]); // the optimizer's variables hold their own copies
  }

  /** One optimizer step; `grads` by parameter name (a parameter without one takes a zero gradient, as the Trainer gives frozen ones). */
  step(grads: Map<string, Float32Array>) {
    const o = this.optimizer as unknown as AdamInternals;
    const wd = this.weightDecay;
    if (this.kind === "adam") {
      const attrs = { lr: o.learningRate, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon, c1: Math.fround(1 - this.acc[0]), c2: Math.fround(1 - this.acc[1]) };
      for (const [name, w] of this.params) {
        const [m, v] = this.slots.get(name)!;
        adamValues(w, m, v, this.gradient(grads, name, w, wd), attrs, w, m, v);
      }
      this.acc = [Math.fround(this.acc[0] * Math.fround(o.beta1)), Math.fround(this.acc[1] * Math.fround(o.beta2))];
    } else {
      const lr = Math.fround(o.learningRate);
      for (const [name, w] of this.params) {
        const g = this.gradient(grads, name, w, wd);
        if (this.kind === "momentum") {
          const [acc] = this.slots.get(name)!;
          const mu = Math.fround(o.momentum);
          for (let i = 0; i < w.length; i++) w[i] = w[i] - lr * (acc[i] = mu * acc[i] + g[i]);
        } else for (let i = 0; i < w.length; i++) w[i] = w[i] - lr * g[i];
      }
    }
    this.iterations++;
  }

  private gradient(grads: Map<string, Float32Array>, name: string, w: Float32Array, wd: number): Float32Array {
    const g = grads.get(name) ?? new Float32Array(w.length);
    if (wd > 0 && grads.has(name)) for (let i = 0; i < g.length; i++) g[i] += Math.fround(w[i] * wd); // PyTorch's coupled L2
    return g;
  }

  /** PyTorch's running statistics from a batch's mean and biased variance over `count` values. */
  statistics(node: IRNode, mean: Float32Array, variance: Float32Array, count: number) {
    const m = node.attrs.momentum as number;
    const named = (rel: string) => weightName(node, node.weights.find((w) => w.name === rel)!);
    const [rm, rv] = [this.buffers.get(named("running_mean"))!, this.buffers.get(named("running_var"))!];
    const unbiased = count / Math.max(1, count - 1);
    for (let i = 0; i < rm.length; i++) {
      rm[i] = rm[i] * (1 - m) + mean[i] * m;
      rv[i] = rv[i] * (1 - m) + variance[i] * unbiased * m;
    }
    const counter = named("num_batches_tracked");
    this.model.counters.set(counter, (this.model.counters.get(counter) ?? 0) + 1);
  }
}
