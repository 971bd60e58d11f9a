// A worker thread of native data-parallel training (native-parallel.ts): its own
// onnxruntime session of the training step, one thread, run on the slices it is sent.
import { parentPort, workerData } from "node:worker_threads";
import { syncSession, type SyncTensor } from "./sync-session.js";

const port = parentPort!;
try {
  const session = syncSession(workerData.model as Uint8Array, 1);
  port.on("message", (job: { id: number; inputs: Record<string, SyncTensor>; outputs: string[] }) => {
    try {
      const out = session.run(job.inputs, job.outputs);
      const buffers = Object.values(out).map((t) => t.data.buffer as ArrayBuffer);
      port.postMessage({ id: job.id, out }, [...new Set(buffers)]);
    } catch (e) {
      port.postMessage({ id: job.id, error: (e as Error).message });
    }
  });
  port.postMessage("ready");
} catch (e) {
  port.postMessage(`the training worker could not start: ${(e as Error).message}`);
}
