// Data-parallel training over worker threads (TensorFlow.js's wasm backend uses one
// thread in Node.js): every step, each worker is sent the current weights and its slice
// of the batch, computes the gradient of its slice's mean loss, and sends it back; this
// thread computes its own slice meanwhile, sums the gradients weighted by slice size
// (the gradient of the whole batch's mean loss) and takes one optimizer step. Batch norm
// normalises each slice with its own statistics and the running statistics are this
// thread's (PyTorch's DistributedDataParallel without SyncBatchNorm, which broadcasts
// rank 0's buffers); without batch norm or dropout the run equals the single-thread one
// to float rounding.
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import type { Model } from "./model.js";
import type { Dataset } from "./data.js";
import { Trainer, type TrainOptions, type TrainResult } from "./train.js";
import { trainingLoss } from "./grad-kernels/softmax-xent.js";

export interface SliceResult {
  loss: number; // mean over the slice
  hits: number;
  grads: Record<string, Float32Array>; // by variable name, the slice's mean-loss gradient
}

/**
 * The default number of threads for a batch size: every core (at most 4), while each
 * slice keeps at least 16 images (smaller slices cost more in messages than they save,
 * and batch norm's per-replica statistics grow noisy): 2 threads for batches of 32.
 */
export function defaultTrainWorkers(batch: number): number {
  return Math.max(1, Math.min(4, availableParallelism(), Math.floor(batch / 16)));
}

/** Gradients of the mean cross-entropy of one slice, as tensors (the caller disposes them). */
export function sliceGradients(model: Model, x: tf.Tensor, ys: Int32Array, classes: number, vars: tf.Variable[], seed: number) {
  return tf.tidy(() => {
    let logits: tf.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const [out] = model.forward([x], { training: true, keepIntermediates: true, seed });
      logits = tf.keep(out);
      return trainingLoss(out, ys, classes);
    }, vars);
    const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits!, 1), tf.tensor1d(ys, "int32")), "int32"));
    tf.dispose(logits!);
    return { value, grads, hits };
  });
}

/** The worker's script: beside this module once built; from the TypeScript sources (tests), the build's. */
function workerFile(): URL {
  const here = new URL("./train-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4 && !existsSync(join(dir, "dist", "runtime", "train-worker.js")); i++) dir = dirname(dir);
  return pathToFileURL(join(dir, "dist", "runtime", "train-worker.js"));
}

export class ParallelTrainer extends Trainer {
  private workers: Worker[] = [];
  private pending = new Map<number, { resolve: (r: SliceResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  /** `threads` counts this thread: 2 means one worker beside it. */
  constructor(model: Model, data: Dataset, opts: TrainOptions, readonly threads: number, readonly backend: string) {
    super(model, data, opts);
  }

  async run(): Promise<TrainResult> {
    await this.start();
    try {
      return await super.run();
    } finally {
      await this.close();
    }
  }

  private async start() {
    const ready: Promise<void>[] = [];
    for (let i = 1; i < this.threads; i++) {
      const w = new Worker(workerFile(), { workerData: { graph: this.model.graph, backend: this.backend } });
      ready.push(new Promise((resolve, reject) => {
        w.once("message", (m) => (m === "ready" ? resolve() : reject(new Error(String(m)))));
        w.once("error", reject);
      }));
      w.on("message", (m) => this.settle(m));
      w.on("error", (e) => this.failAll(e));
      this.workers.push(w);
    }
    await Promise.all(ready);
  }

  private settle(m: { id: number; error?: string } & SliceResult) {
    if (typeof m !== "object" || m === null) return;
    const job = this.pending.get(m.id);
    if (!job) return;
    this.pending.delete(m.id);
    if (m.error) job.reject(new Error(`training worker: ${m.error}`));
    else job.resolve(m);
  }

  private failAll(e: Error) {
    for (const job of this.pending.values()) job.reject(e);
    this.pending.clear();
  }

  async close() {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }

  protected async step(xs: Float32Array, ys: Int32Array, n: number, vars: tf.Variable[], seed: number): Promise<{ loss: number; hits: number }> {
    const parts = Math.min(n, this.workers.length + 1);
    if (parts <= 1) return super.step(xs, ys, n, vars, seed);
    const size = xs.length / n;
    const sizes = Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));
    const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    const names = vars.map((v) => v.name);
    const weights = [...this.model.parameters().values()].map((v) => ({ name: v.name, data: v.dataSync() as Float32Array }));
    // every replica gets a dropout seed of its own: the same seed would drop the same units in each slice
    const remote = sizes.slice(1).map((m, k) => this.send(this.workers[k], {
      weights, names, classes: this.data.classes.length, seed: seed * 31 + k + 1, shape: [m, ...this.data.shape],
      x: xs.slice(starts[k + 1] * size, (starts[k + 1] + m) * size), y: ys.slice(starts[k + 1], starts[k + 1] + m),
    }));
    const local = tf.tidy(() => {
      const x = tf.tensor(xs.subarray(0, sizes[0] * size), [sizes[0], ...this.data.shape]);
      return sliceGradients(this.model, x, ys.subarray(0, sizes[0]), this.data.classes.length, vars, seed);
    });
    const others = await Promise.all(remote);
    const [lossLocal, hitsLocal] = [(await local.value.data())[0], (await local.hits.data())[0]];
    let [loss, hits] = [(lossLocal * sizes[0]) / n, hitsLocal];
    others.forEach((r, k) => { loss += (r.loss * sizes[k + 1]) / n; hits += r.hits; });
    tf.tidy(() => {
      const grads: Record<string, tf.Tensor> = {};
      for (const v of vars) {
        // summed here, not with three kernels a parameter and worker: each product and sum rounded to float32 as theirs
        const g = weightedSum(local.grads[v.name].dataSync() as Float32Array, sizes[0] / n, others.map((r, k) => [r.grads[v.name], sizes[k + 1] / n]));
        const t = tf.tensor(g, v.shape);
        grads[v.name] = this.opts.weightDecay > 0 ? tf.add(t, tf.mul(v, this.opts.weightDecay)) : t; // PyTorch's coupled L2
      }
      const all = [...this.model.parameters().values()];
      this.optimizer.applyGradients(all.map((v) => ({ name: v.name, tensor: grads[v.name] ?? tf.zerosLike(v) })));
    });
    tf.dispose([local.value, local.hits, ...Object.values(local.grads)]);
    return { loss, hits };
  }

  private send(w: Worker, job: Record<string, unknown> & { x: Float32Array }): Promise<SliceResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, ...job }, [job.x.buffer as ArrayBuffer]);
    });
  }
}

/** first * a + sum of data * w, each product and partial sum rounded to float32 (as the kernels would). */
export function weightedSum(first: Float32Array, a: number, rest: [Float32Array, number][]): Float32Array {
  const out = new Float32Array(first.length);
  const fa = Math.fround(a);
  for (let i = 0; i < out.length; i++) out[i] = first[i] * fa;
  for (const [data, w] of rest) {
    const fw = Math.fround(w);
    for (let i = 0; i < out.length; i++) out[i] = out[i] + Math.fround(data[i] * fw);
  }
  return out;
}
