// Backend selection. `wasm` (XNNPACK kernels, from the registry, the default), `cpu` (pure
// JavaScript), or `tensorflow`: @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node,
// used when the user has installed one. Those two download libtensorflow from outside
// the npm registry when installed, so they are optional, loaded here only when asked for.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";

export type BackendName = "wasm" | "cpu" | "tensorflow";
export const BACKENDS: BackendName[] = ["wasm", "cpu", "tensorflow"];

export class BackendError extends Error {}

let quiet = false;

/** Makes `backend` the active TensorFlow.js backend; returns the tf namespace. */
export async function useBackend(backend: BackendName = "wasm"): Promise<typeof tf> {
  if (!quiet) {
    // Production mode: no debug checks (faster), and no banner about tfjs-node on first
    // use: netc explains its backends itself.
    tf.enableProdMode();
    quiet = true;
  }
  if (backend === "tensorflow") await loadNodeBackend();
  else if (!BACKENDS.includes(backend)) throw new BackendError(`unknown backend ${backend}: one of ${BACKENDS.join(", ")}`);
  const ok = await tf.setBackend(backend);
  if (!ok) throw new BackendError(`the ${backend} backend could not start`);
  await tf.ready();
  return tf;
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
