// `netc backends`: every backend, whether it can start on this machine and why not,
// and the WebGPU adapters with their limits. Nothing is started but the adapter probes.
import { createRequire } from "node:module";
import { findAdapter, adapterLine, type AdapterReport } from "./webgpu.js";

export interface BackendStatus {
  name: string;
  ok: boolean;
  detail: string;
  adapter?: AdapterReport;
}

const require = createRequire(import.meta.url);

function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

async function webgpu(kind: "hardware" | "software"): Promise<BackendStatus> {
  const name = kind === "hardware" ? "webgpu" : "webgpu --adapter software";
  try {
    const found = await findAdapter(kind);
    if ("why" in found) return { name, ok: false, detail: found.why };
    return { name, ok: true, detail: adapterLine(found.report), adapter: found.report };
  } catch (e) {
    return { name, ok: false, detail: (e as Error).message };
  }
}

export async function backendsReport(): Promise<BackendStatus[]> {
  const hardware = await webgpu("hardware");
  const software = await webgpu("software");
  const tfNode = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"].find(installed);
  return [
    { name: "auto", ok: true, detail: hardware.ok ? `webgpu on ${hardware.detail}` : "wasm (no hardware GPU adapter here)" },
    { name: "wasm", ok: installed("@tensorflow/tfjs-backend-wasm"), detail: "TensorFlow.js WebAssembly (XNNPACK), one thread per worker; a batch is split across every core" },
    { name: "cpu", ok: installed("@tensorflow/tfjs-backend-cpu"), detail: "TensorFlow.js in plain JavaScript (slow; a fallback)" },
    hardware,
    { ...software, detail: software.ok ? `${software.detail}: runs the GPU code path on the CPU, slowly (for tests)` : software.detail },
    {
      name: "tensorflow",
      ok: !!tfNode,
      detail: tfNode ? `${tfNode} is installed` : "needs @tensorflow/tfjs-node-gpu@4.22.0 or @tensorflow/tfjs-node@4.22.0 installed beside netc (their install downloads libtensorflow from outside the npm registry)",
    },
  ];
}
