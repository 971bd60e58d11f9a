// A worker thread of ParallelModel: its own backend and copy of the model; it runs the
// share of a batch it is sent and returns the outputs.
import { parentPort, workerData } from "node:worker_threads";
import { useBackend } from "./backend.js";
import { Model } from "./model.js";

const port = parentPort!;
try {
  const tf = await useBackend(workerData.backend);
  const model = new Model(workerData.graph);
  model.loadStateDict(workerData.state);
  port.on("message", ({ id, inputs }: { id: number; inputs: { shape: number[]; data: Float32Array }[] }) => {
    try {
      const xs = inputs.map((i) => tf.tensor(i.data, i.shape));
      const ys = model.forward(xs);
      const outputs = ys.map((y) => ({ shape: y.shape, data: y.dataSync() as Float32Array }));
      tf.dispose([...xs, ...ys]);
      port.postMessage({ id, outputs }, outputs.map((o) => o.data.buffer as ArrayBuffer));
    } catch (e) {
      port.postMessage({ id, error: (e as Error).message });
    }
  });
  port.postMessage("ready");
} catch (e) {
  port.postMessage(`worker failed to start: ${(e as Error).message}`);
}
