// Backend selection. `wasm` (XNNPACK kernels, from the registry), `cpu` (pure
// JavaScript), `webgpu` (tfjs's WebGPU kernels on Dawn: a hardware adapter through
// Vulkan, or Mesa's software one when asked), `auto` (the default: webgpu on a hardware
// adapter when there is one, else wasm), or `tensorflow`: @tensorflow/tfjs-node-gpu
// (CUDA) or @tensorflow/tfjs-node, used when the user has installed one. Those two
// download libtensorflow from outside the npm registry when installed, so they are
// optional, loaded here only when asked for.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { BackendError } from "./backend-error.js";
import { adapterLine, activeAdapter, startWebGPU, type AdapterChoice } from "./webgpu.js";

export type BackendName = "auto" | "wasm" | "cpu" | "webgpu" | "tensorflow";
export const BACKENDS: BackendName[] = ["auto", "wasm", "cpu", "webgpu", "tensorflow"];
export const ADAPTERS: AdapterChoice[] = ["auto", "hardware", "software"];
export { BackendError };

export interface BackendOptions {
  /** For webgpu: a hardware adapter (default) or Mesa's software one. */
  adapter?: AdapterChoice;
}

let quiet = false;

/** Makes `backend` the active TensorFlow.js backend; returns the tf namespace. */
export async function useBackend(backend: BackendName = "auto", opts: BackendOptions = {}): Promise<typeof tf> {
  if (!quiet) {
    // Production mode: no debug checks (faster), and no banner about tfjs-node on first
    // use: netc explains its backends itself.
    tf.enableProdMode();
    quiet = true;
  }
  if (!BACKENDS.includes(backend)) throw new BackendError(`unknown backend ${backend}: one of ${BACKENDS.join(", ")}`);
  const adapter = opts.adapter ?? "auto";
  if (!ADAPTERS.includes(adapter)) throw new BackendError(`unknown adapter ${adapter}: one of ${ADAPTERS.join(", ")}`);
  if (adapter !== "auto" && backend !== "webgpu") throw new BackendError(`--adapter chooses a WebGPU adapter: use it with --backend webgpu`);
  if (backend === "webgpu") {
    await startWebGPU(adapter === "auto" ? "hardware" : adapter);
    return tf;
  }
  if (backend === "auto") {
    try {
      await startWebGPU("hardware");
      return tf;
    } catch (e) {
      if (!(e instanceof BackendError)) throw e;
      backend = "wasm"; // no hardware adapter here: the fastest CPU backend
    }
  }
  if (backend === "tensorflow") await loadNodeBackend();
  const ok = await tf.setBackend(backend);
  if (!ok) throw new BackendError(`the ${backend} backend could not start`);
  await tf.ready();
  return tf;
}

/** What the active backend runs on, in words: "webgpu on NVIDIA … (Dawn Vulkan)", "wasm". */
export function backendDescription(): string {
  const name = tf.getBackend();
  const a = name === "webgpu" ? activeAdapter() : undefined;
  return a ? `webgpu on ${adapterLine(a)}` : name;
}

async function loadNodeBackend() {
  for (const pkg of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    try {
      await import(pkg);
      if (tf.findBackend("tensorflow")) return;
    } catch {
      // not installed (or its native library failed to load): try the next
    }
  }
  throw new BackendError(
    "the tensorflow backend needs @tensorflow/tfjs-node-gpu (NVIDIA GPU, CUDA) or @tensorflow/tfjs-node " +
      "installed beside netc, at the version of @tensorflow/tfjs-core netc uses (4.22.0): " +
      "npm install @tensorflow/tfjs-node-gpu@4.22.0. Their install downloads libtensorflow from outside the npm registry.",
  );
}

export { tf };
