// Native training on several cores: replicas of the training step's graph, this thread's
// session and one worker thread per other replica (native-worker.ts), each on a slice of
// every batch. Each replica scales its loss by 1 / the whole batch, so the replicas'
// gradients add up to the whole batch's; dropout masks are the whole batch's, sliced.
// Batch norm normalises each slice with its own statistics and the running statistics
// are this thread's (PyTorch's DistributedDataParallel without SyncBatchNorm), as the
// wasm backend's data-parallel training does (runtime/train-parallel.ts). Measured on the
// 2-core machine: onnxruntime's own two intra-op threads made cifar_resnet's step slower
// (96-107 ms against 78 ms on one), two replicas of one thread each faster.
import { Worker } from "node:worker_threads";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { SyncSession, SyncTensor } from "./sync-session.js";

type Outputs = Record<string, SyncTensor>;

function workerFile(): URL {
  const here = new URL("./native-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4 && !existsSync(join(dir, "dist", "export", "onnx", "native-worker.js")); i++) dir = dirname(dir);
  return pathToFileURL(join(dir, "dist", "export", "onnx", "native-worker.js"));
}

export class Replicas {
  private workers: Worker[] = [];
  private pending = new Map<number, { resolve: (o: Outputs) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor(private readonly local: SyncSession, readonly count: number) {}

  async start(model: Uint8Array) {
    const ready: Promise<void>[] = [];
    for (let i = 1; i < this.count; i++) {
      const w = new Worker(workerFile(), { workerData: { model } });
      ready.push(new Promise((resolve, reject) => {
        w.once("message", (m) => (m === "ready" ? resolve() : reject(new Error(String(m)))));
        w.once("error", reject);
      }));
      w.on("message", (m: { id: number; out?: Outputs; error?: string }) => {
        const job = typeof m === "object" && m ? this.pending.get(m.id) : undefined;
        if (!job) return;
        this.pending.delete(m.id);
        if (m.error) job.reject(new Error(`training worker: ${m.error}`));
        else job.resolve(m.out!);
      });
      w.on("error", (e) => { for (const j of this.pending.values()) j.reject(e); this.pending.clear(); });
      this.workers.push(w);
    }
    await Promise.all(ready);
  }

  /** Runs every replica on its inputs (the first here, meanwhile the others in their workers). */
  async run(inputs: Record<string, SyncTensor>[], outputs: string[]): Promise<Outputs[]> {
    const remote = inputs.slice(1).map((inp, k) => {
      const id = this.nextId++;
      return new Promise<Outputs>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        this.workers[k].postMessage({ id, inputs: inp, outputs });
      });
    });
    const first = this.local.run(inputs[0], outputs);
    return [first, ...(await Promise.all(remote))];
  }

  async close() {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}
