// The flags that choose where a network runs, shared by run, bench and train.
import { UsageError } from "./io.js";
import type { OptionSpec } from "./options.js";
import type { BackendName, BackendOptions } from "../runtime/backend.js";

/** --backend and --adapter, as options of a command's table (cli/options.ts). */
export const backendOptions = [
  {
    name: "backend",
    value: "NAME",
    help: [
      "auto (default): webgpu on a hardware GPU; else onnxruntime (inference, and training",
      "of classifiers whose layers it knows: docs/training.md), else wasm. Or: webgpu,",
      "wasm, cpu, onnxruntime[-cpu|-webgpu|-cuda] (run and bench: netc's ONNX export run",
      "by onnxruntime-node; train: onnxruntime or onnxruntime-cpu), tensorflow (needs",
      "@tensorflow/tfjs-node[-gpu]). `netc backends` lists what can start here",
    ].join("\n"),
  },
  { name: "adapter", value: "KIND", help: "with webgpu: hardware (default) or software (Mesa's llvmpipe on\nthe CPU: slow, for testing the GPU code path without a GPU)" },
] as const satisfies readonly OptionSpec[];

const NAMES = ["auto", "wasm", "cpu", "webgpu", "tensorflow", "onnxruntime", "onnxruntime-cpu", "onnxruntime-webgpu", "onnxruntime-cuda"];

/** The backend and adapter the flags ask for, checked. */
export function backendChoice(values: { backend?: string; adapter?: string }): [BackendName | `onnxruntime${string}`, BackendOptions] {
  const backend = values.backend ?? "auto";
  if (!NAMES.includes(backend)) throw new UsageError(`--backend takes ${NAMES.join(", ")}; got ${backend}`);
  const adapter = values.adapter;
  if (adapter !== undefined) {
    if (!["hardware", "software"].includes(adapter)) throw new UsageError(`--adapter takes hardware or software; got ${adapter}`);
    if (backend !== "webgpu") throw new UsageError("--adapter chooses a WebGPU adapter: use it with --backend webgpu");
  }
  return [backend as BackendName | `onnxruntime${string}`, { adapter: adapter as BackendOptions["adapter"] }];
}

/**
 * Where inference runs under `auto`: a hardware GPU through webgpu; else onnxruntime
 * (netc's own ONNX export, the fastest CPU engine from npm) when it is installed; else
 * wasm. Training chooses in cli/train.ts (webgpu, else onnxruntime for the networks it
 * can train, else wasm).
 */
export async function inferenceChoice(choice: ReturnType<typeof backendChoice>): Promise<ReturnType<typeof backendChoice>> {
  if (choice[0] !== "auto") return choice;
  const { findAdapter } = await import("../runtime/webgpu.js");
  if (!("why" in (await findAdapter("hardware")))) return ["webgpu", { adapter: "hardware" }];
  const { onnxRuntimeAvailable } = await import("../export/onnx/session.js");
  if (await onnxRuntimeAvailable()) return ["onnxruntime", {}];
  return ["wasm", {}];
}
