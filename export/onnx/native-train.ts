// Training with onnxruntime: each step, the network's whole forward and backward pass
// (train-graph.ts) runs as one native graph on every core, and the optimizer updates
// arrays that native-state.ts takes from the model's TensorFlow.js variables when an
// epoch starts and gives back when it ends, so evaluation, checkpoints, --resume,
// freezing and weight decay are the Trainer's own. A step: the batch and the weights (in
// PyTorch's layout) in; the loss, logits, gradients and batch statistics out.
import * as tf from "@tensorflow/tfjs-core";
import type { Model } from "../../runtime/model.js";
import { countHits, Trainer, type TrainOptions, type TrainResult } from "../../runtime/train.js";
import type { Dataset, Split } from "../../runtime/data.js";
import { NativeEvaluator } from "./native-eval.js";
import { NativeState } from "./native-state.js";
import { syncSession, type SyncSession, type SyncTensor } from "./sync-session.js";
import { nativeTrainingBlocker, trainGraph, type TrainGraph } from "./train-graph.js";

export { nativeTrainingBlocker };

export class NativeTrainer extends Trainer {
  private readonly graph: TrainGraph;
  private readonly session: SyncSession;
  private readonly state: NativeState;
  private readonly evaluator: NativeEvaluator;

  /** `threads`: onnxruntime's intra-op threads (default: every core). */
  constructor(model: Model, data: Dataset, opts: TrainOptions, threads?: number) {
    super(model, data, opts);
    if (opts.objective) throw new Error("onnxruntime trains classifiers only");
    const why = nativeTrainingBlocker(model.graph);
    if (why) throw new Error(`onnxruntime cannot train ${model.graph.network}: ${why}`);
    this.graph = trainGraph(model.graph);
    this.session = syncSession(this.graph.model, threads);
    const kind = opts.optimizer === "adam" ? "adam" : opts.momentum > 0 ? "momentum" : "sgd";
    this.state = new NativeState(model, this.optimizer, kind, opts.weightDecay);
    this.evaluator = new NativeEvaluator(model.graph, threads);
  }

  get threads(): number {
    return this.session.threads;
  }

  async run(): Promise<TrainResult> {
    try {
      return await super.run();
    } finally {
      this.session.release();
      this.evaluator.release();
    }
  }

  /** Loss and accuracy in evaluation mode, by onnxruntime on the weights the epoch ended with. */
  async evaluate(split: Split): Promise<{ loss: number; accuracy: number }> {
    if (!this.state.params.size) await this.state.pull();
    const weights = (name: string) => this.state.params.get(name) ?? this.state.buffers.get(name)!;
    const { loss, hits } = this.evaluator.evaluate(split.x, split.y, this.data.shape, this.data.classes.length, weights);
    return { loss, accuracy: hits / Math.max(1, split.n) };
  }

  protected async epoch(e: number) {
    await this.state.pull();
    try {
      return await super.epoch(e);
    } finally {
      await this.state.push(); // also when stopped part-way: a checkpoint saves what was learnt
    }
  }

  protected async step(xs: Float32Array, ys: Int32Array, n: number, vars: tf.Variable[], seed: number): Promise<{ loss: number; hits: number }> {
    const g = this.graph;
    const classes = this.data.classes.length;
    const labels = new Float32Array(n * classes);
    ys.forEach((y, i) => (labels[i * classes + y] = 1));
    const inputs: Record<string, SyncTensor> = {
      [g.input]: { shape: [n, ...this.data.shape], data: xs },
      [g.labels]: { shape: [n, classes], data: labels },
      [g.invN]: { shape: [], data: Float32Array.of(1 / n) },
    };
    for (const p of g.params) inputs[p.name] = { shape: p.shape, data: this.state.params.get(p.name)! };
    for (const m of g.masks) {
      // the mask TensorFlow.js's dropout draws for this layer and step (runtime/kernels.ts's seed)
      const shape = [n, ...(m.node.shape as number[])];
      const mask = tf.tidy(() => tf.dropout(tf.ones(shape), m.node.attrs.p as number, undefined, seed * 7919 + m.node.id));
      inputs[m.input] = { shape, data: (mask.dataSync() as Float32Array).slice() };
      mask.dispose();
    }
    const out = this.session.run(inputs, [g.loss, g.logits, ...g.grads.values(), ...g.stats.flatMap((s) => [s.mean, s.variance])]);
    for (const s of g.stats) {
      const [, h, w] = this.model.graph.nodes[s.node.inputs[0]].shape as number[];
      this.state.statistics(s.node, out[s.mean].data, out[s.variance].data, n * h * w);
    }
    const learning = new Set(vars.map((v) => v.name));
    const grads = new Map<string, Float32Array>();
    for (const [name, v] of this.model.parameters()) {
      const o = g.grads.get(name);
      if (o && learning.has(v.name)) grads.set(name, out[o].data); // frozen: a zero gradient, as the Trainer gives
    }
    this.state.step(grads);
    return { loss: out[g.loss].data[0], hits: countHits(out[g.logits].data, ys, classes) };
  }
}
