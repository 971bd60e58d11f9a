// Shared by the ONNX tests: compiling networks, state dicts with perturbed batch-norm
// statistics, the relative error, and Debian's python3-onnx as the checker.
import { spawnSync } from "node:child_process";
import { compileFile } from "../../compiler/compile.js";
import type { Graph } from "../../compiler/ir.js";
import { findLibraryNetwork } from "../../compiler/modules.js";
import { mulberry32 } from "../../runtime/random.js";
import type { StateDict } from "../../runtime/state.js";

export const PYTHON = "/usr/bin/python3";

/** Whether python3-onnx is there. In CI its absence is a failure, never a skip. */
export function onnxChecker(): boolean {
  const r = spawnSync(PYTHON, ["-c", "import onnx"], { encoding: "utf8" });
  const ok = r.status === 0;
  if (!ok && process.env.CI) throw new Error(`python3-onnx is required in CI (apt-get install -y python3-onnx): ${r.stderr || r.error?.message}`);
  return ok;
}

/** A bundled network (by name) or a .net file, compiled, at another input size if given. */
export async function compileNetwork(net: string, input?: string): Promise<Graph> {
  const file = net.endsWith(".net") ? net : findLibraryNetwork(net)!;
  const r = await compileFile(file, { network: net.endsWith(".net") ? undefined : net, input });
  if (!r.graph) throw new Error(`${net} does not compile: ${r.diagnostics.map((d) => d.message).join("; ")}`);
  return r.graph;
}

/** Batch-norm statistics moved away from 0 and 1, so that they matter (seeded). */
export function perturbBatchNorm(state: StateDict, seed = 7): StateDict {
  const random = mulberry32(seed);
  const out: StateDict = new Map();
  for (const [name, t] of state) {
    if (!/\.running_(mean|var)$/.test(name)) continue;
    const data = new Float32Array(t.data.length);
    const variance = name.endsWith("var");
    for (let i = 0; i < data.length; i++) data[i] = variance ? 0.5 + random() : random() - 0.5;
    out.set(name, { ...t, data });
  }
  return out;
}

export function randomInput(shape: number[], seed = 3): Float32Array {
  const random = mulberry32(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = random() * 2 - 1;
  return data;
}

/** The largest difference, relative to the largest magnitude of the expected output. */
export function relativeError(got: Float32Array, want: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / Math.max(scale, 1e-12);
}

/**
 * Runs onnx.checker.check_model(path, full_check=True) on each file in one Python
 * process; returns the error of each file that fails (an empty object when all pass).
 */
export function checkModels(paths: string[]): Record<string, string> {
  const script = `
import json, sys, onnx
failed = {}
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(path, full_check=True)
    except Exception as e:
        failed[path] = str(e)[:2000]
print(json.dumps(failed))
`;
  const r = spawnSync(PYTHON, ["-c", script, ...paths], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`the checker did not run: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}
