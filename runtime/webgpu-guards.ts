// What keeps the webgpu backend honest. WebGPU reports validation errors, lost devices
// and out-of-memory asynchronously, and tfjs-webgpu never looks: the numbers computed
// after one are garbage. Here every device error is recorded, and every read of a value
// back from the GPU (the only way a number reaches the user) first waits for the queue
// and then throws if the device has failed. AddN, which tfjs binds as one buffer per
// input, is split into sums the device's storage-buffer limit allows.
import * as tf from "@tensorflow/tfjs-core";
import { BackendError } from "./backend-error.js";

export interface DeviceLike {
  limits: Record<string, number>;
  queue: { onSubmittedWorkDone(): Promise<void> };
  lost: Promise<{ reason?: string; message?: string }>;
  addEventListener(type: "uncapturederror", f: (e: { error?: { message?: string } }) => void): void;
}

type Readable = tf.KernelBackend & { read(id: object): Promise<tf.backend_util.BackendValues>; readSync(id: object): tf.backend_util.BackendValues };

export class DeviceFailure extends BackendError {}

export function installGuards(device: DeviceLike) {
  const errors: string[] = [];
  let lost: string | undefined;
  device.addEventListener("uncapturederror", (e) => {
    if (errors.length < 20) errors.push(String(e.error?.message ?? e.error ?? "unknown error").split("\n")[0]);
  });
  device.lost.then((info) => (lost = info?.message || info?.reason || "lost"), () => undefined);
  const check = () => {
    if (lost) throw new DeviceFailure(`the GPU device was lost (${lost}); no result computed after that is reported`);
    if (errors.length)
      throw new DeviceFailure(`the GPU reported an error, so the results are not trustworthy and none is reported: ${errors[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}`);
  };
  splitAddN(device.limits.maxStorageBuffersPerShaderStage);
  return {
    check,
    wrap(backend: tf.KernelBackend): tf.KernelBackend {
      const b = backend as Readable;
      const read = b.read.bind(b);
      const readSync = b.readSync.bind(b);
      b.read = async (id) => {
        const values = await read(id);
        await device.queue.onSubmittedWorkDone();
        check();
        return values;
      };
      b.readSync = (id) => {
        const values = readSync(id);
        check();
        return values;
      };
      return b;
    },
  };
}

let splitDone = false;

/** AddN of more tensors than the device binds at once: sums of at most `limit - 1`. */
function splitAddN(limit: number) {
  if (splitDone) return;
  splitDone = true;
  const original = tf.getKernel("AddN", "webgpu");
  if (!original) return;
  const most = Math.max(2, limit - 1); // one binding holds the output
  tf.unregisterKernel("AddN", "webgpu");
  tf.registerKernel({
    kernelName: "AddN",
    backendName: "webgpu",
    kernelFunc: (args) => {
      let inputs = args.inputs as unknown as tf.TensorInfo[];
      const made: tf.TensorInfo[] = [];
      while (inputs.length > most) {
        const next: tf.TensorInfo[] = [];
        for (let i = 0; i < inputs.length; i += most) {
          const part = inputs.slice(i, i + most);
          if (part.length === 1) next.push(part[0]);
          else {
            const sum = original.kernelFunc({ ...args, inputs: part as never }) as tf.TensorInfo;
            made.push(sum);
            next.push(sum);
          }
        }
        inputs = next;
      }
      const out = original.kernelFunc({ ...args, inputs: inputs as never }) as tf.TensorInfo;
      for (const t of made) (args.backend as tf.KernelBackend).disposeData(t.dataId);
      return out;
    },
  });
}
