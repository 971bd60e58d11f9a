// "Run" in the playground: loaded on demand (it brings TensorFlow.js). The network is
// compiled again here (from the text that compiled in the worker), then executed by the
// runtime's Model on the browser's best backend: WebGPU, else WebGL, else wasm.
// Weights are the runtime's PyTorch-style random initial values (the same as `netc run`
// without --weights) or a safetensors file; the image is decoded by the browser and
// prepared as `netc run` prepares it.
import * as tf from "@tensorflow/tfjs-core";
import { compileWithGraph } from "./compile-core.js";
import { imagenetClasses } from "../runtime/labels.js";
import { Model } from "../runtime/model.js";
import { topClasses } from "../runtime/predictions.js";
import { readSafetensors } from "../runtime/safetensors.js";
import { preprocessPixels } from "../runtime/image.js";
import { imageOptions } from "../runtime/input.js";
import type { Pixels } from "../runtime/resample.js";

export type BackendChoice = "auto" | "webgpu" | "webgl" | "wasm";

export interface RunRequest {
  text: string;
  network?: string;
  set?: Record<string, string>;
  backend: BackendChoice;
  weights?: { name: string; bytes: Uint8Array }; // none: random initial weights
  image: { name: string; pixels: Pixels };
  runs?: number; // timed runs after a warm-up (default 3)
}

export interface RunResult {
  backend: string;
  msPerRun: number;
  runs: number;
  top: { index: number; label: string; probability: number; score: number }[];
  loaded: string; // what the weights were
}

/** Picks and starts a backend: the first of WebGPU, WebGL, wasm that starts here. */
export async function startBackend(choice: BackendChoice): Promise<string> {
  const order: BackendChoice[] = choice === "auto" ? ["webgpu", "webgl", "wasm"] : [choice];
  const why: string[] = [];
  for (const b of order) {
    try {
      if (b === "webgpu") {
        if (!(navigator as { gpu?: unknown }).gpu) throw new Error("this browser has no navigator.gpu");
        await import("@tensorflow/tfjs-backend-webgpu");
      } else if (b === "webgl") await import("@tensorflow/tfjs-backend-webgl");
      else {
        const wasm = await import("@tensorflow/tfjs-backend-wasm");
        wasm.setWasmPaths(new URL("wasm/", document.baseURI).href);
      }
      if (await tf.setBackend(b)) {
        await tf.ready();
        return b;
      }
      why.push(`${b}: did not start`);
    } catch (e) {
      why.push(`${b}: ${(e as Error).message}`);
    }
  }
  throw new Error(`no backend started (${why.join("; ")})`);
}

export async function runNetwork(req: RunRequest): Promise<RunResult> {
  const { result: checked, graph } = await compileWithGraph({ text: req.text, network: req.network, set: req.set });
  const failed = checked.diagnostics.find((d) => d.severity === "error");
  if (failed || !graph) throw new Error(failed ? `the network does not compile: ${failed.message}` : "the text declares no network");
  const declared = graph.nodes[graph.inputs[0].node].shape!;
  const x = preprocessPixels(req.image.pixels, req.image.name, imageOptions(declared));
  const want = declared.join("x");
  if (x.shape.slice(1).join("x") !== want) throw new Error(`the image is ${x.shape.slice(1).join("x")} after preparing it, but ${graph.network} takes ${want}`);

  const backend = await startBackend(req.backend);
  const model = new Model(graph);
  try {
    let loaded = "random initial weights (PyTorch's initialisation, seed 0: `netc run` without --weights)";
    if (req.weights) {
      const r = model.loadStateDict(readSafetensors(req.weights.bytes, req.weights.name), { strict: true, source: req.weights.name });
      loaded = `${r.loaded.length} tensors from ${req.weights.name}`;
    }
    const input = tf.tensor(x.data, x.shape);
    const forward = async () => {
      const ys = model.forward([input]);
      const data = (await ys[0].data()) as Float32Array;
      const shape = ys[0].shape;
      ys.forEach((y) => y.dispose());
      return { data, shape };
    };
    let y = await forward(); // warm-up: shaders compiled, weights uploaded
    const runs = req.runs ?? 3;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) y = await forward();
    const msPerRun = (performance.now() - t0) / runs;
    input.dispose();
    const labels = y.shape[y.shape.length - 1] === 1000 ? imagenetClasses() : undefined;
    if (y.shape.length !== 2) throw new Error(`the output is ${y.shape.join("x")}, not a vector of class scores`);
    const top = topClasses(y.data, y.shape, 5).map((r) => ({ ...r, label: labels?.[r.index] ?? "" }));
    return { backend, msPerRun, runs, top, loaded };
  } finally {
    model.dispose();
  }
}

/** The browser's decoding of an image file, as RGB pixels. */
export async function decodeImage(file: Blob): Promise<Pixels> {
  const bitmap = await createImageBitmap(file, { colorSpaceConversion: "none", premultiplyAlpha: "none" });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext("2d")!;
  ctx.drawImage(bitmap, 0, 0);
  const rgba = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const rgb = new Uint8Array(bitmap.width * bitmap.height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = rgba[i];
    rgb[j + 1] = rgba[i + 1];
    rgb[j + 2] = rgba[i + 2];
  }
  return { width: bitmap.width, height: bitmap.height, channels: 3, data: rgb };
}
