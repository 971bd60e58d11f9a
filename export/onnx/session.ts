// The onnxruntime backend: a compiled network exported to ONNX in memory and run by
// onnxruntime-node (CPU execution provider; CUDA where its provider library is
// installed; WebGPU on request). It lives under export/ because it runs the export:
// runtime/ sits above export/ in the folder order and cannot import it.
//
//   const session = await createOnnxSession(graph, stateDict, { threads: 2 });
//   const [y] = await runOnnx(session, [{ shape: [8, 3, 224, 224], data }]);
//   await session.release();
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Graph } from "../../compiler/ir.js";
import { weightName } from "../../compiler/ir.js";
import { initialValues, WeightsMismatchError, type LoadReport } from "../../runtime/model.js";
import { mulberry32 } from "../../runtime/random.js";
import type { StateDict, StateTensor } from "../../runtime/state.js";
import { exportOnnx, type OnnxExportOptions } from "./export.js";

export { ExportError } from "./export.js";

type Ort = typeof import("onnxruntime-node");

export type OnnxProvider = "cpu" | "cuda" | "webgpu";

export interface OnnxSessionOptions extends OnnxExportOptions {
  /** Execution providers in order of preference (default: defaultProviders()). */
  providers?: OnnxProvider[];
  /** onnxruntime's intra-op threads (default: its own choice, one per core). */
  threads?: number;
}

export interface OnnxTensor {
  shape: number[];
  data: Float32Array;
}

export interface OnnxSession {
  readonly graph: Graph;
  readonly providers: OnnxProvider[];
  readonly inputNames: string[];
  readonly outputNames: string[];
  /** The exported model's size in bytes. */
  readonly modelBytes: number;
  run(inputs: OnnxTensor[]): Promise<OnnxTensor[]>;
  release(): Promise<void>;
}

export class OnnxRuntimeError extends Error {}

let ort: Ort | undefined;

/** onnxruntime-node, loaded on first use; an OnnxRuntimeError if it is not installed. */
export async function loadOnnxRuntime(): Promise<Ort> {
  if (ort) return ort;
  try {
    const m = (await import("onnxruntime-node")) as Ort & { default?: Ort };
    ort = (m.InferenceSession ? m : m.default) as Ort;
    return ort;
  } catch (e) {
    throw new OnnxRuntimeError(
      `the onnxruntime backend needs onnxruntime-node, an optional dependency of netc that is not installed or did not load ` +
        `(${(e as Error).message.split("\n")[0]}). Install it with: ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node`,
    );
  }
}

/** Whether onnxruntime-node is installed and loads (for choosing a backend). */
export async function onnxRuntimeAvailable(): Promise<boolean> {
  try {
    await loadOnnxRuntime();
    return true;
  } catch {
    return false;
  }
}

/** The providers this installation has: CUDA only where its library was installed beside onnxruntime-node's. */
export async function availableProviders(): Promise<OnnxProvider[]> {
  const o = await loadOnnxRuntime();
  const listed = (o as Ort & { listSupportedBackends?: () => { name: string; bundled: boolean }[] }).listSupportedBackends?.() ?? [{ name: "cpu", bundled: true }];
  const out: OnnxProvider[] = [];
  for (const { name, bundled } of listed) {
    if (name === "cuda" && !bundled && !cudaInstalled()) continue;
    if (name === "cpu" || name === "cuda" || name === "webgpu") out.push(name);
  }
  return out;
}

function cudaInstalled(): boolean {
  try {
    const pkg = dirname(createRequire(import.meta.url).resolve("onnxruntime-node/package.json"));
    return existsSync(join(pkg, "bin", "napi-v6", `${process.platform}`, process.arch, "libonnxruntime_providers_cuda.so"));
  } catch {
    return false;
  }
}

/** CUDA when its provider is installed, then the CPU. (WebGPU only when asked for.) */
export async function defaultProviders(): Promise<OnnxProvider[]> {
  const have = await availableProviders();
  return have.includes("cuda") ? ["cuda", "cpu"] : ["cpu"];
}

/** The providers a backend name asks for: onnxruntime (CUDA if installed, else CPU), onnxruntime-webgpu, onnxruntime-cuda, onnxruntime-cpu. */
export async function providersFor(backend: string): Promise<OnnxProvider[]> {
  const kind = backend.replace(/^onnxruntime-?/, "");
  if (kind === "") return defaultProviders();
  if (kind === "cpu") return ["cpu"];
  if (kind === "webgpu" || kind === "cuda") {
    if (!(await availableProviders()).includes(kind))
      throw new OnnxRuntimeError(kind === "cuda"
        ? "onnxruntime's CUDA provider is not installed: reinstall onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12 where its download is reachable"
        : "this onnxruntime-node has no WebGPU provider");
    return [kind, "cpu"];
  }
  throw new OnnxRuntimeError(`unknown backend ${backend}: onnxruntime, onnxruntime-cpu, onnxruntime-webgpu or onnxruntime-cuda`);
}

/** Weights from a safetensors file (or the initial ones) for one onnxruntime run, with the runtime's checks. */
export async function loadStateFor(graph: Graph, weights: string | undefined, strict: boolean, warn: (s: string) => void, rename?: readonly string[]): Promise<StateDict> {
  if (!weights) {
    warn("no --weights: running on random initial weights");
    return randomStateDict(graph);
  }
  const { loadWeights } = await import("../../runtime/pth.js"); // safetensors or a PyTorch checkpoint
  const { state, report: r } = fitStateDict(graph, await loadWeights(weights, { rename }), { strict, source: weights });
  const skipped = r.missing.length + r.unexpected.length + r.mismatched.length;
  if (skipped) warn(`loaded ${r.loaded.length} tensors; ${r.missing.length} missing, ${r.unexpected.length} unexpected, ${r.mismatched.length} of another shape (--strict false)`);
  return state;
}

/** One inference for `netc run`: weights loaded and checked, the session opened, run, released; every output. */
export async function runOnce(
  graph: Graph,
  input: OnnxTensor,
  opts: { weights?: string; rename?: readonly string[]; strict?: string; backend?: string; warn: (s: string) => void },
): Promise<OnnxTensor[]> {
  const state = await loadStateFor(graph, opts.weights, opts.strict !== "false", opts.warn, opts.rename);
  const session = await createOnnxSession(graph, state, { providers: await providersFor(opts.backend ?? "onnxruntime") });
  try {
    return await session.run([input]); // every output, in the graph's order
  } finally {
    await session.release();
  }
}

/**
 * `netc bench --backend onnxruntime`: random weights and input, two warm-up runs, then
 * the time of each of `iterations` runs (ms).
 */
export async function benchOnnx(
  graph: Graph,
  opts: { batch: number; iterations: number; backend?: string; threads?: number; onRun?: (run: number, times: readonly number[]) => void },
): Promise<{ backend: string; threads: number; times: number[] }> {
  const providers = await providersFor(opts.backend ?? "onnxruntime");
  const session = await createOnnxSession(graph, randomStateDict(graph), { providers, threads: opts.threads });
  const random = mulberry32(1);
  const inputs = graph.inputs.map((p) => {
    const shape = [opts.batch, ...(graph.nodes[p.node].shape as number[])];
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = random() * 2 - 1;
    return { shape, data };
  });
  const times: number[] = [];
  try {
    for (let i = 0; i < opts.iterations + 2; i++) {
      opts.onRun?.(i, times); // runs 0 and 1 warm up
      const t = performance.now();
      await session.run(inputs);
      if (i >= 2) times.push(performance.now() - t);
    }
  } finally {
    await session.release();
  }
  const threads = opts.threads ?? availableParallelism();
  return { backend: `onnxruntime (${providers[0]})`, threads, times };
}

/** Exports the network with these weights and opens an onnxruntime session on it. */
export async function createOnnxSession(graph: Graph, state: StateDict, opts: OnnxSessionOptions = {}): Promise<OnnxSession> {
  const o = await loadOnnxRuntime();
  const providers = opts.providers ?? (await defaultProviders());
  const bytes = exportOnnx(graph, state, opts);
  let session: import("onnxruntime-node").InferenceSession;
  try {
    session = await o.InferenceSession.create(bytes, {
      executionProviders: providers,
      graphOptimizationLevel: "all",
      ...(opts.threads ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } : {}),
    });
  } catch (e) {
    throw new OnnxRuntimeError(`onnxruntime could not open ${graph.network} with the ${providers.join(", ")} provider(s): ${(e as Error).message}`);
  }
  const inputNames = graph.inputs.map((p) => p.name);
  const outputNames = graph.outputs.map((p) => p.name);
  return {
    graph,
    providers,
    inputNames,
    outputNames,
    modelBytes: bytes.length,
    async run(inputs) {
      if (inputs.length !== inputNames.length) throw new OnnxRuntimeError(`${graph.network} takes ${inputNames.length} input(s), got ${inputs.length}`);
      const feeds: Record<string, import("onnxruntime-node").Tensor> = {};
      inputs.forEach((t, i) => {
        const want = (graph.nodes[graph.inputs[i].node].shape as number[]).join("x");
        if (t.shape.slice(1).join("x") !== want || t.shape.length < 1)
          throw new OnnxRuntimeError(`input ${inputNames[i]} must be N x ${want} (PyTorch layout, batch first), got ${t.shape.join("x")}`);
        feeds[inputNames[i]] = new o.Tensor("float32", t.data, t.shape);
      });
      const results = await session.run(feeds);
      return outputNames.map((name) => ({ shape: [...results[name].dims], data: results[name].data as Float32Array }));
    },
    release: () => session.release(),
  };
}

/** Runs a session on inputs in PyTorch's layout (N, C, H, W); outputs likewise. */
export const runOnnx = (session: OnnxSession, inputs: OnnxTensor[]): Promise<OnnxTensor[]> => session.run(inputs);

/** PyTorch's initial weights: the same values as the runtime's `new Model(graph, { seed })`. */
export function randomStateDict(graph: Graph, seed = 0): StateDict {
  const random = mulberry32(seed);
  const state: StateDict = new Map();
  for (const node of graph.nodes)
    for (const w of node.weights) {
      const name = weightName(node, w);
      if (w.kind === "counter") state.set(name, { shape: [], dtype: "I64", data: BigInt64Array.of(0n) });
      else state.set(name, { shape: w.shape, dtype: "F32", data: initialValues(node, w.name, w.shape, random) });
    }
  return state;
}

/**
 * Loaded tensors checked against the network, as the runtime's loadStateDict checks them:
 * every mismatch in one WeightsMismatchError, or, with `strict: false`, what fits laid
 * over the initial weights and the rest reported.
 */
export function fitStateDict(graph: Graph, tensors: StateDict, opts: { strict?: boolean; source?: string } = {}): { state: StateDict; report: LoadReport } {
  const state = randomStateDict(graph);
  const report: LoadReport = { loaded: [], missing: [], unexpected: [], mismatched: [] };
  for (const name of tensors.keys()) if (!state.has(name)) report.unexpected.push(name);
  for (const [name, want] of state) {
    const t: StateTensor | undefined = tensors.get(name);
    if (!t) report.missing.push(name);
    else if (t.shape.join("x") !== want.shape.join("x")) report.mismatched.push({ name, expected: want.shape, got: t.shape });
    else {
      state.set(name, t);
      report.loaded.push(name);
    }
  }
  const problems = report.missing.length + report.unexpected.length + report.mismatched.length;
  if (problems && opts.strict !== false) throw new WeightsMismatchError(report, graph.network, opts.source);
  return { state, report };
}
