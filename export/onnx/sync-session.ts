// onnxruntime-node's session, run synchronously. The package's InferenceSession.run
// returns a promise, but only wraps its native binding's run, which is synchronous, in a
// setImmediate; training calls it once a step, between TensorFlow.js's synchronous
// kernels, so netc calls the binding itself (onnxruntime-node's dist/binding.js, the
// module the package's own backend uses). Tested in test/export/native-train.test.ts.
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { BackendError } from "../../runtime/backend-error.js";

export interface SyncTensor {
  shape: number[];
  data: Float32Array;
}

export interface SyncSession {
  /** Runs the graph; `outputs` are the names to fetch. */
  run(inputs: Record<string, SyncTensor>, outputs: string[]): Record<string, SyncTensor>;
  release(): void;
}

interface NativeSession {
  loadModel(buffer: ArrayBufferLike, offset: number, length: number, options: object): void;
  run(feeds: Record<string, unknown>, fetches: Record<string, null>, options: object): Record<string, { dims: readonly number[]; data: Float32Array }>;
  dispose(): void;
}

interface Binding {
  binding: { InferenceSession: new () => NativeSession };
  initOrt(): void;
}

let loaded: { binding: Binding; Tensor: new (type: string, data: Float32Array, dims: number[]) => unknown } | undefined;

function load() {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const main = require.resolve("onnxruntime-node");
  const local = createRequire(main);
  const binding = local("./binding.js") as Binding;
  const { Tensor } = local("onnxruntime-common") as { Tensor: NonNullable<typeof loaded>["Tensor"] };
  binding.initOrt();
  loaded = { binding, Tensor };
  return loaded;
}

/** A session for an in-memory model on the CPU, `threads` intra-op threads (default: every core). */
export function syncSession(model: Uint8Array, threads = availableParallelism()): SyncSession {
  const { binding, Tensor } = load();
  const session = new binding.binding.InferenceSession();
  session.loadModel(model.buffer, model.byteOffset, model.byteLength, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    executionProviders: [{ name: "cpu" }],
  });
  return {
    run(inputs, outputs) {
      const feeds: Record<string, unknown> = {};
      for (const [name, t] of Object.entries(inputs)) feeds[name] = new Tensor("float32", t.data, t.shape);
      const result = session.run(feeds, Object.fromEntries(outputs.map((o) => [o, null])), {});
      if (result instanceof Promise) throw new BackendError("this onnxruntime-node's binding runs asynchronously; netc trains with one whose binding runs synchronously (1.30): use --backend wasm");
      const out: Record<string, SyncTensor> = {};
      for (const name of outputs) out[name] = { shape: [...result[name].dims], data: result[name].data };
      return out;
    },
    release: () => session.dispose(),
  };
}
