// Training: mini-batch gradient descent on the cross-entropy of the first output, with
// PyTorch's train/eval behaviour (dropout on, batch norm on batch statistics and
// updating its running ones, while training; evaluation on the held-out split after
// every epoch), frozen parameter prefixes, and checkpoints after every epoch that a
// later run resumes from, optimizer state included.
import * as tf from "@tensorflow/tfjs-core";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Model } from "./model.js";
import { augment, type Dataset, type Split } from "./data.js";
import type { StateTensor } from "./state.js";
import { mulberry32 } from "./random.js";
import { registerWasmFallbacks } from "./fallback.js";
import { trainingLoss } from "./grad-kernels/softmax-xent.js";
import { FusedAdam } from "./grad-kernels/adam.js";
import { registerWasmStepKernels } from "./grad-kernels/wasm-step.js";

export interface TrainOptions {
  epochs: number;
  batch: number;
  optimizer: "sgd" | "adam";
  lr: number;
  momentum: number;
  weightDecay: number;
  freeze: string[]; // parameter name prefixes (`features` freezes features.*)
  freezeEpochs?: number; // frozen for the first K epochs (default: all)
  augment?: { crop?: number; flip?: boolean };
  seed: number;
  startEpoch?: number; // resuming: epochs already done
  optimizerState?: Map<string, StateTensor>;
  onBatch?: (p: BatchProgress) => void;
  onEpoch?: (e: EpochStats) => Promise<void> | void;
  shouldStop?: () => boolean;
  objective?: Objective; // a task's loss instead of cross-entropy on class labels
}

/**
 * A loss other than cross-entropy on class labels (runtime/tasks/objective.ts): a batch's
 * images (augmented with their targets when `random` is given), the loss of the first
 * output, and `hits`, the batch's count for the accuracy column.
 */
export interface Objective {
  batch(split: Split, idx: number[], random: (() => number) | null): { x: Float32Array; loss(out: tf.Tensor): tf.Scalar; hits(out: tf.Tensor): tf.Scalar };
}
type TaskBatch = ReturnType<Objective["batch"]>;

export interface BatchProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
  secondsLeft: number;
}

export interface EpochStats {
  epoch: number; // 1-based
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
  cpuSeconds: number; // CPU time of the process (every thread, workers included) over the epoch and its evaluation
}

export interface TrainResult {
  epochs: EpochStats[];
  stopped: boolean;
}

/** Loads tfjs's gradient functions (bundled by the build as dist/tfjs-gradients.js). */
export async function loadGradients(): Promise<void> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4 && !existsSync(join(dir, "dist", "tfjs-gradients.js")); i++) dir = dirname(dir);
  const file = join(dir, "dist", "tfjs-gradients.js");
  if (!existsSync(file)) throw new Error("dist/tfjs-gradients.js is missing: run npm run build");
  await import(pathToFileURL(file).href);
}

export class Trainer {
  readonly optimizer: tf.Optimizer;

  constructor(
    readonly model: Model,
    readonly data: Dataset,
    readonly opts: TrainOptions,
  ) {
    this.optimizer =
      opts.optimizer === "adam"
        ? new FusedAdam(opts.lr, 0.9, 0.999) // tf.train.adam's, with one fused kernel per parameter on wasm and cpu
        : opts.momentum > 0
          ? tf.train.momentum(opts.lr, opts.momentum)
          : tf.train.sgd(opts.lr);
  }

  /** The parameters that learn in this epoch: all but the frozen prefixes while frozen. */
  trainable(epoch: number): tf.Variable[] {
    const frozen = epoch < (this.opts.freezeEpochs ?? Infinity) ? this.opts.freeze : [];
    return [...this.model.parameters()]
      .filter(([name]) => !frozen.some((p) => name === p || name.startsWith(`${p}.`)))
      .map(([, v]) => v);
  }

  async run(): Promise<TrainResult> {
    await loadGradients();
    if (tf.getBackend() === "wasm") { registerWasmFallbacks(); registerWasmStepKernels(); }
    if (this.opts.optimizerState) await this.restoreOptimizer(this.opts.optimizerState);
    const epochs: EpochStats[] = [];
    for (let e = this.opts.startEpoch ?? 0; e < this.opts.epochs; e++) {
      const [started, cpuStarted] = [performance.now(), cpuSeconds()];
      const train = await this.epoch(e);
      if (train.stopped) return { epochs, stopped: true };
      const test = await this.evaluate(this.data.test);
      const stats = { epoch: e + 1, trainLoss: train.loss, trainAccuracy: train.accuracy, testLoss: test.loss, testAccuracy: test.accuracy, seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSeconds() - cpuStarted };
      epochs.push(stats);
      await this.opts.onEpoch?.(stats);
      if (this.opts.shouldStop?.()) return { epochs, stopped: true };
    }
    return { epochs, stopped: false };
  }

  /** One pass over the training split in an order fixed by the seed and the epoch. */
  protected async epoch(e: number): Promise<{ loss: number; accuracy: number; stopped: boolean }> {
    const { train, shape } = this.data;
    const size = shape.reduce((a, b) => a * b, 1);
    const random = mulberry32(this.opts.seed * 1000 + e);
    const order = shuffle(train.n, random);
    const batches = Math.ceil(train.n / this.opts.batch);
    const vars = this.trainable(e);
    let [lossSum, correct, seen] = [0, 0, 0];
    const started = performance.now();
    for (let b = 0; b < batches; b++) {
      if (this.opts.shouldStop?.()) return { loss: lossSum / Math.max(1, seen), accuracy: correct / Math.max(1, seen), stopped: true };
      const idx = order.slice(b * this.opts.batch, (b + 1) * this.opts.batch);
      const task = this.opts.objective?.batch(train, idx, random);
      let xs = task?.x ?? gather(train.x, idx, size);
      if (this.opts.augment && !task) xs = augment(xs, idx.length, shape, this.opts.augment, random);
      const ys = Int32Array.from(idx, (i) => train.y[i]);
      const { loss, hits } = await this.step(xs, ys, idx.length, vars, this.opts.seed * 1_000_003 + e * 100_003 + b, task);
      lossSum += loss * idx.length;
      correct += hits;
      seen += idx.length;
      const elapsed = (performance.now() - started) / 1000;
      this.opts.onBatch?.({
        epoch: e + 1, epochs: this.opts.epochs, batch: b + 1, batches, loss: lossSum / seen, accuracy: correct / seen,
        imagesPerSecond: seen / elapsed, secondsLeft: (elapsed / seen) * ((this.opts.epochs - e) * train.n - seen),
      });
      if (b % 8 === 7) await new Promise((r) => setImmediate(r)); // let a Ctrl-C through
    }
    return { loss: lossSum / seen, accuracy: correct / seen, stopped: false };
  }

  protected async step(xs: Float32Array, ys: Int32Array, n: number, vars: tf.Variable[], seed: number, task?: TaskBatch): Promise<{ loss: number; hits: number }> {
    const classes = this.data.classes.length;
    const [loss, hits] = tf.tidy(() => {
      const x = tf.tensor(xs, [n, ...this.data.shape]);
      let logits: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const [out] = this.model.forward([x], { training: true, keepIntermediates: true, seed }); // dropout masks: reproducible per epoch and batch
        logits = tf.keep(out);
        return task ? task.loss(out) : trainingLoss(out, ys, classes); // one fused kernel on wasm and cpu
      }, vars);
      if (this.opts.weightDecay > 0)
        for (const v of vars) grads[v.name] = tf.add(grads[v.name], tf.mul(v, this.opts.weightDecay)); // PyTorch's coupled L2
      // tfjs optimizers keep their state by position in the list they are given: give
      // them every parameter, always in the same order (frozen ones with a zero gradient).
      const all = [...this.model.parameters().values()];
      this.optimizer.applyGradients(all.map((v) => ({ name: v.name, tensor: grads[v.name] ?? tf.zerosLike(v) })));
      if (!task) return [value, logits!]; // the hits counted from the logits below: five kernels fewer a step
      const hits = task.hits(logits!);
      tf.dispose(logits!);
      return [value, hits];
    });
    // read asynchronously: a GPU backend cannot read synchronously
    const [l, h] = await Promise.all([loss.data(), hits.data()]);
    tf.dispose([loss, hits]);
    return { loss: l[0], hits: task ? h[0] : countHits(h as Float32Array, ys, classes) };
  }

  /** Loss and accuracy in evaluation mode (dropout off, batch norm on running statistics). */
  async evaluate(split: Split): Promise<{ loss: number; accuracy: number }> {
    const size = this.data.shape.reduce((a, b) => a * b, 1);
    let [lossSum, correct] = [0, 0];
    for (let start = 0; start < split.n; start += 256) {
      const n = Math.min(256, split.n - start);
      const [loss, hits] = tf.tidy(() => {
        const task = this.opts.objective?.batch(split, Array.from({ length: n }, (_, i) => start + i), null);
        const x = tf.tensor(task?.x ?? split.x.subarray(start * size, (start + n) * size), [n, ...this.data.shape]);
        const y = tf.tensor1d(split.y.subarray(start, start + n), "int32");
        const [logits] = this.model.forward([x]);
        if (task) return [task.loss(logits), task.hits(logits)];
        const l = tf.losses.softmaxCrossEntropy(tf.oneHot(y, this.data.classes.length), logits);
        const h = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), "int32"));
        return [l, h];
      });
      const [l, h] = await Promise.all([loss.data(), hits.data()]);
      tf.dispose([loss, hits]);
      lossSum += l[0] * n;
      correct += h[0];
    }
    return { loss: lossSum / split.n, accuracy: correct / split.n };
  }

  /** The optimizer's state (its step count and moments), by name, for a checkpoint. */
  async optimizerState(): Promise<Map<string, StateTensor>> {
    // tfjs names a slot after its variable (`conv1.weight#12/m`); saved by the
    // parameter's state-dict name (`conv1.weight/m`), which a new process shares.
    const out = new Map<string, StateTensor>();
    for (const w of await this.optimizer.getWeights()) {
      out.set(w.name.replace(/#\d+(?=\/|$)/, ""), { shape: w.tensor.shape, dtype: "F32", data: Float32Array.from(await w.tensor.data()) });
      if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose(); // the step count, made for this call
    }
    return out;
  }

  private async restoreOptimizer(state: Map<string, StateTensor>) {
    const vars = this.model.parameters();
    const named = [...state].map(([name, t]) => {
      const [param, slot] = [name.replace(/\/.*$/, ""), name.slice(name.replace(/\/.*$/, "").length)];
      const v = vars.get(param);
      return { name: v ? `${v.name}${slot}` : name, tensor: tf.tensor(t.data as Float32Array, t.shape) };
    });
    await this.optimizer.setWeights(named);
    tf.dispose(named.map((n) => n.tensor)); // the optimizer's variables hold their own references
  }
}

/** The process's CPU time so far (user and system, all threads); 0 where there is no process (a browser). */
function cpuSeconds(): number {
  if (typeof process === "undefined" || typeof process.cpuUsage !== "function") return 0;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** How many rows of `logits` ([n, classes]) have their first maximum at the label, as tf.argMax and tf.equal. */
export function countHits(logits: Float32Array, ys: Int32Array, classes: number): number {
  let hits = 0;
  for (let r = 0; r < ys.length; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[r * classes + c] > logits[r * classes + best]) best = c;
    if (best === ys[r]) hits++;
  }
  return hits;
}

function gather(x: Float32Array, idx: number[], size: number): Float32Array {
  const out = new Float32Array(idx.length * size);
  idx.forEach((i, k) => out.set(x.subarray(i * size, (i + 1) * size), k * size));
  return out;
}

function shuffle(n: number, random: () => number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

