// Using every core: TensorFlow.js's wasm backend runs one thread in Node.js, so a batch
// is split across worker threads, each with its own copy of the model, while the
// calling thread computes its own share. Outputs are concatenated in batch order.
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { Graph } from "../compiler/ir.js";
import type { BackendName } from "./backend.js";
import { tf } from "./backend.js";
import type { Model } from "./model.js";

interface Job {
  resolve: (outs: { shape: number[]; data: Float32Array }[]) => void;
  reject: (e: Error) => void;
}

export class ParallelModel {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Job>();
  private nextId = 0;

  private constructor(readonly model: Model) {}

  /** `threads` counts the calling thread: 2 means one worker beside it. */
  static async start(model: Model, backend: BackendName, threads = availableParallelism()): Promise<ParallelModel> {
    const p = new ParallelModel(model);
    const state = threads > 1 ? await model.readStateDict() : undefined;
    const graph: Graph = model.graph;
    const ready: Promise<void>[] = [];
    for (let i = 1; i < threads; i++) {
      const w = new Worker(new URL("./worker.js", import.meta.url), { workerData: { graph, backend, state } });
      ready.push(
        new Promise((resolve, reject) => {
          w.once("message", (m) => (m === "ready" ? resolve() : reject(new Error(String(m)))));
          w.once("error", reject);
        }),
      );
      w.on("message", (m) => p.settle(m));
      p.workers.push(w);
    }
    await Promise.all(ready);
    return p;
  }

  private settle(m: { id: number; outputs?: { shape: number[]; data: Float32Array }[]; error?: string }) {
    if (typeof m !== "object" || m === null) return;
    const job = this.pending.get(m.id);
    if (!job) return;
    this.pending.delete(m.id);
    if (m.error) job.reject(new Error(m.error));
    else job.resolve(m.outputs!);
  }

  /** Inference on a batch (PyTorch layout), shared between this thread and the workers. */
  async forward(inputs: tf.Tensor[]): Promise<tf.Tensor[]> {
    const n = inputs[0].shape[0];
    const parts = Math.min(n, this.workers.length + 1);
    if (parts <= 1) return this.model.forward(inputs);
    const sizes = Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));
    const chunks = inputs.map((x) => tf.split(x, sizes, 0));
    const remote = sizes.slice(1).map((_, k) => this.send(this.workers[k], chunks.map((c) => c[k + 1])));
    const local = this.model.forward(chunks.map((c) => c[0]));
    const others = await Promise.all(remote);
    tf.dispose(chunks.flat());
    return local.map((y, o) => {
      const all = [y, ...others.map((outs) => tf.tensor(outs[o].data, outs[o].shape))];
      const joined = tf.concat(all, 0);
      tf.dispose(all);
      return joined;
    });
  }

  private send(w: Worker, xs: tf.Tensor[]): Promise<{ shape: number[]; data: Float32Array }[]> {
    const id = this.nextId++;
    const inputs = xs.map((x) => ({ shape: x.shape, data: x.dataSync() as Float32Array }));
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, inputs }, inputs.map((i) => i.data.buffer as ArrayBuffer));
    });
  }

  async close() {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
