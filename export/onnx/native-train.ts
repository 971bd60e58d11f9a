// Training with onnxruntime: each step, the network's whole forward and backward pass
// (train-graph.ts) runs as one native graph on every core, and the optimizer updates
// arrays that native-state.ts takes from the model's TensorFlow.js variables when an
// epoch starts and gives back when it ends, so evaluation, checkpoints, --resume,
// freezing and weight decay are the Trainer's own. A step: the batch and the weights (in
// PyTorch's layout) in; the loss, logits, gradients and batch statistics out.
import * as tf from "@tensorflow/tfjs-core";
import type { Model } from "../../runtime/model.js";
import { BackendError } from "../../runtime/backend-error.js";
import { countHits, Trainer, type TrainOptions, type TrainResult } from "../../runtime/train.js";
import type { Dataset, Split } from "../../runtime/data.js";
import { NativeEvaluator } from "./native-eval.js";
import { Replicas } from "./native-parallel.js";
import { NativeState } from "./native-state.js";
import { syncSession, type SyncSession, type SyncTensor } from "./sync-session.js";
import { nativeTrainingBlocker, trainGraph, type TrainGraph } from "./train-graph.js";


/**
 * The mask TensorFlow.js's kernel draws for a dropout or stochastic depth layer in this
 * step (runtime/kernels.ts's and kernels/modern.ts's seed and calls), for the whole batch.
 */
function drawMask(m: TrainGraph["masks"][number], n: number, seed: number) {
  const p = m.node.attrs.p as number;
  const rank = (m.node.shape as number[]).length;
  const shape = m.node.op === "dropout" ? [n, ...(m.node.shape as number[])] : [m.perSample ? n : 1, ...Array(rank).fill(1)];
  const t = tf.tidy(() =>
    m.node.op === "dropout"
      ? tf.dropout(tf.ones(shape), p, undefined, seed * 7919 + m.node.id)
      : tf.div(tf.cast(tf.less(tf.randomUniform(shape, 0, 1, "float32", seed * 7919 + m.node.id), 1 - p), "float32"), 1 - p),
  );
  const data = (t.dataSync() as Float32Array).slice();
  t.dispose();
  return { input: m.input, perSample: m.perSample, shape, data };
}

export class NativeTrainer extends Trainer {
  private readonly graph: TrainGraph;
  private readonly session: SyncSession;
  private readonly state: NativeState;
  private readonly evaluator: NativeEvaluator;
  private readonly replicas: Replicas;

  /** `replicas`: sessions of one thread each, this thread's and one worker thread's per other (native-parallel.ts). */
  constructor(model: Model, data: Dataset, opts: TrainOptions, replicas = 1) {
    super(model, data, opts);
    if (opts.objective) throw new Error("onnxruntime trains classifiers only");
    const why = nativeTrainingBlocker(model.graph);
    if (why) throw new Error(`onnxruntime cannot train ${model.graph.network}: ${why}`);
    try {
      this.graph = trainGraph(model.graph);
      this.session = syncSession(this.graph.model, 1);
    } catch (e) {
      // onnxruntime refusing the graph is a limit of this path, not the user's mistake: say so, and the way around it
      throw new BackendError(`onnxruntime could not build ${model.graph.network}'s training step (${(e as Error).message.split("\n")[0]}): train with --backend wasm`);
    }
    this.replicas = new Replicas(this.session, Math.max(1, replicas));
    const kind = opts.optimizer === "adam" ? "adam" : opts.momentum > 0 ? "momentum" : "sgd";
    this.state = new NativeState(model, this.optimizer, kind, opts.weightDecay);
    this.evaluator = new NativeEvaluator(model.graph);
  }

  async run(): Promise<TrainResult> {
    try {
      await this.replicas.start(this.graph.model);
      return await super.run();
    } finally {
      await this.replicas.close();
      this.session.release();
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
    const size = xs.length / n;
    const labels = new Float32Array(n * classes);
    ys.forEach((y, i) => (labels[i * classes + y] = 1));
    const masks = g.masks.map((m) => drawMask(m, n, seed));
    const parts = Math.min(n, this.replicas.count);
    const sizes = Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));
    const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    const slice = (data: Float32Array, per: number, k: number) => data.subarray(starts[k] * per, (starts[k] + sizes[k]) * per);
    const inputs = sizes.map((m, k) => {
      const one: Record<string, SyncTensor> = {
        [g.input]: { shape: [m, ...this.data.shape], data: slice(xs, size, k) },
        [g.labels]: { shape: [m, classes], data: slice(labels, classes, k) },
        [g.invN]: { shape: [], data: Float32Array.of(1 / n) }, // each slice's share of the whole batch's mean
      };
      for (const p of g.params) one[p.name] = { shape: p.shape, data: this.state.params.get(p.name)! };
      for (const mask of masks)
        one[mask.input] = mask.perSample ? { shape: [m, ...mask.shape.slice(1)], data: slice(mask.data, mask.data.length / n, k) } : mask; // a whole-batch mask: the same for every slice
      return one;
    });
    const outs = await this.replicas.run(inputs, [g.loss, g.logits, ...g.grads.values(), ...g.stats.flatMap((s) => [s.mean, s.variance])]);
    for (const s of g.stats) {
      const [, h, w] = this.model.graph.nodes[s.node.inputs[0]].shape as number[];
      this.state.statistics(s.node, outs[0][s.mean].data, outs[0][s.variance].data, sizes[0] * h * w); // this thread's replica's
    }
    const learning = new Set(vars.map((v) => v.name));
    const grads = new Map<string, Float32Array>();
    for (const [name, v] of this.model.parameters()) {
      const o = g.grads.get(name);
      if (!o || !learning.has(v.name)) continue; // frozen: a zero gradient, as the Trainer gives
      const sum = outs[0][o].data;
      for (const other of outs.slice(1)) for (let i = 0; i < sum.length; i++) sum[i] += other[o].data[i];
      grads.set(name, sum);
    }
    this.state.step(grads);
    let [loss, hits] = [0, 0];
    outs.forEach((out, k) => {
      loss += out[g.loss].data[0];
      hits += countHits(out[g.logits].data, ys.subarray(starts[k], starts[k] + sizes[k]), classes);
    });
    return { loss, hits };
  }
}
