// A worker thread of ParallelTrainer: its own backend and replica of the model. For each
// step it is sent the weights and a slice of the batch, and returns the slice's mean loss,
// correct predictions and gradients.
import { parentPort, workerData } from "node:worker_threads";
import { useBackend } from "./backend.js";
import { Model } from "./model.js";
import { loadGradients } from "./train.js";
import { registerWasmFallbacks } from "./fallback.js";
import { registerWasmStepKernels } from "./grad-kernels/wasm-step.js";
import { sliceGradients } from "./train-parallel.js";

interface Job {
  id: number;
  weights: { name: string; data: Float32Array }[];
  names: string[];
  classes: number;
  seed: number;
  shape: number[];
  x: Float32Array;
  y: Int32Array;
}

const port = parentPort!;
try {
  const tf = await useBackend(workerData.backend);
  await loadGradients();
  if (tf.getBackend() === "wasm") { registerWasmFallbacks(); registerWasmStepKernels(); }
  const model = new Model(workerData.graph);
  port.on("message", (job: Job) => {
    try {
      // the replica's variables take the names of this thread's, in the same order
      const params = [...model.parameters().values()];
      tf.tidy(() => job.weights.forEach((w, i) => params[i].assign(tf.tensor(w.data, params[i].shape))));
      const names = new Map(job.weights.map((w, i) => [w.name, params[i]]));
      const vars = job.names.map((n) => names.get(n)!);
      const x = tf.tensor(job.x, job.shape);
      const { value, grads, hits } = sliceGradients(model, x, job.y, job.classes, vars, job.seed);
      const out: Record<string, Float32Array> = {};
      job.names.forEach((n, i) => (out[n] = (grads[vars[i].name].dataSync() as Float32Array).slice())); // a copy: the cpu backend hands out its own array
      const result = { id: job.id, loss: value.dataSync()[0], hits: hits.dataSync()[0], grads: out };
      tf.dispose([x, value, hits, ...Object.values(grads)]);
      port.postMessage(result, Object.values(out).map((d) => d.buffer as ArrayBuffer));
    } catch (e) {
      port.postMessage({ id: job.id, error: (e as Error).message });
    }
  });
  port.postMessage("ready");
} catch (e) {
  port.postMessage(`worker failed to start: ${(e as Error).message}`);
}
