// Counting what predicts a GPU's time, on any adapter (the software one included):
// compute dispatches and the programs behind them, bytes uploaded to and read back from
// the device, and shader pipelines compiled. These do not depend on the adapter's speed,
// so tests can hold them; timestamps need a real GPU.
import * as tf from "@tensorflow/tfjs-core";

export interface GpuCounts {
  dispatches: number;
  /** Dispatches by tfjs program (shader) name. */
  programs: Record<string, number>;
  bytesUploaded: number;
  uploads: number;
  bytesRead: number;
  reads: number;
  pipelinesCompiled: number;
}

type Hooked = tf.KernelBackend & {
  runWebGPUProgram(program: { constructor: { name: string }; shaderKey?: string }, ...rest: unknown[]): unknown;
  uploadToGPU(dataId: object): void;
  getBufferData(buffer: { size: number }): Promise<unknown>;
  tensorMap: { get(id: object): { values?: ArrayLike<number> | null; resource?: unknown; dtype: string; shape: number[] } };
  device: Record<string, (...a: unknown[]) => unknown>;
};

const zero = (): GpuCounts => ({ dispatches: 0, programs: {}, bytesUploaded: 0, uploads: 0, bytesRead: 0, reads: 0, pipelinesCompiled: 0 });
let counts: GpuCounts | undefined;
const hooked = new WeakSet<object>();

function hook(b: Hooked) {
  if (hooked.has(b)) return;
  hooked.add(b);
  const run = b.runWebGPUProgram.bind(b);
  b.runWebGPUProgram = (program, ...rest) => {
    if (counts) {
      counts.dispatches++;
      const name = program.constructor.name.replace(/Program$/, "");
      counts.programs[name] = (counts.programs[name] ?? 0) + 1;
    }
    return run(program, ...rest);
  };
  const upload = b.uploadToGPU.bind(b);
  b.uploadToGPU = (id) => {
    const d = b.tensorMap.get(id);
    if (counts && d.resource == null && d.values) {
      counts.uploads++;
      counts.bytesUploaded += 4 * d.values.length;
    }
    upload(id);
  };
  const get = b.getBufferData.bind(b);
  b.getBufferData = (buffer) => {
    if (counts) {
      counts.reads++;
      counts.bytesRead += buffer.size;
    }
    return get(buffer);
  };
  for (const name of ["createComputePipeline", "createComputePipelineAsync"]) {
    const f = b.device[name].bind(b.device);
    b.device[name] = (...a: unknown[]) => {
      if (counts) counts.pipelinesCompiled++;
      return f(...a);
    };
  }
}

/** Counts GPU work from now on (the webgpu backend must be active); returns the live counts. */
export function startGpuCounts(): GpuCounts {
  if (tf.getBackend() !== "webgpu") throw new Error("GPU counts need the webgpu backend");
  hook(tf.backend() as Hooked);
  counts = zero();
  return counts;
}

let last: GpuCounts | undefined;

export function stopGpuCounts(): GpuCounts {
  const c = counts ?? zero();
  counts = undefined;
  last = c;
  return c;
}

/** One inference pass, counted: the model has run before, so compilations are new ones. */
export async function profileForward(model: { forward(x: tf.Tensor[]): tf.Tensor[] }, inputs: tf.Tensor[]): Promise<GpuCounts> {
  startGpuCounts();
  try {
    const ys = model.forward(inputs);
    await Promise.all(ys.map((y) => y.data()));
    tf.dispose(ys);
  } finally {
    stopGpuCounts();
  }
  return last!;
}

export function formatGpuCounts(c: GpuCounts): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const programs = Object.entries(c.programs).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ");
  return [
    `one forward pass: ${c.dispatches} dispatches (${programs || "none"})`,
    `  uploaded ${kb(c.bytesUploaded)} in ${c.uploads} buffers; read back ${kb(c.bytesRead)} in ${c.reads}; ${c.pipelinesCompiled} shaders compiled`,
  ].join("\n");
}
