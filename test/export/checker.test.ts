// onnx.checker.check_model(full_check=True), from Debian's python3-onnx (ONNX 1.12), on
// the export of every bundled network at its own input size, and of every test fixture.
// The bundled networks carry over 2 GB of weights together, so their weights go to an
// external data file (ONNX's own mechanism) created at its full length without being
// written: the checker sees every node, initializer, shape and data reference, and full
// shape inference runs, in seconds instead of many minutes. Inline weights are checked
// on the fixtures here and on every network's random-weight export in parity.test.ts.
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { weightName } from "../../compiler/ir.js";
import { libraryNetworks } from "../../compiler/modules.js";
import { exportOnnx, exportOnnxExternal } from "../../export/onnx/index.js";
import { readSafetensors } from "../../runtime/safetensors.js";
import type { StateDict } from "../../runtime/state.js";
import { checkModels, compileNetwork, onnxChecker } from "./support.js";

const dir = mkdtempSync(join(tmpdir(), "netc-onnx-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasChecker = onnxChecker();
const fixtures = [
  ...readdirSync(new URL("../parity/", import.meta.url)).filter((f) => f.endsWith(".net")).map((f) => new URL(`../parity/${f}`, import.meta.url).pathname),
  new URL("./more-ops.net", import.meta.url).pathname,
];

/** Zero weights of the right shapes: never touched, so never paged in. */
function zeros(graph: Awaited<ReturnType<typeof compileNetwork>>): StateDict {
  const state: StateDict = new Map();
  for (const node of graph.nodes)
    for (const w of node.weights)
      state.set(weightName(node, w), { shape: w.shape, dtype: "F32", data: new Float32Array(w.shape.reduce((a, b) => a * b, 1)) });
  return state;
}

describe.skipIf(!hasChecker)("onnx.checker accepts", () => {
  it("every bundled network (dynamic batch, opset 17)", async () => {
    const networks = libraryNetworks();
    expect(networks.length).toBeGreaterThanOrEqual(40);
    const paths: string[] = [];
    for (const { name } of networks) {
      const graph = await compileNetwork(name, name.startsWith("fcn") ? "3x224x224" : undefined);
      const { model, external } = exportOnnxExternal(graph, zeros(graph), `${name}.data`);
      writeFileSync(join(dir, `${name}.onnx`), model);
      writeFileSync(join(dir, `${name}.data`), "");
      truncateSync(join(dir, `${name}.data`), external.length);
      paths.push(join(dir, `${name}.onnx`));
    }
    expect(checkModels(paths)).toEqual({});
  }, 600_000);

  it("every fixture with its PyTorch weights inline, at opsets 13 and 17, fixed and dynamic batch, batch norm folded or not", async () => {
    const paths: string[] = [];
    for (const file of fixtures) {
      const graph = await compileNetwork(file);
      const base = file.replace(/^.*\//, "").replace(/\.net$/, "");
      let weights: StateDict;
      try {
        weights = readSafetensors(new Uint8Array(readFileSync(file.replace(/\.net$/, ".safetensors"))), base);
      } catch {
        weights = zeros(graph); // more-ops.net has no PyTorch weights
      }
      for (const [opset, batch, foldBatchNorm] of [[13, "dynamic", false], [17, 4, false], [17, "dynamic", true]] as const) {
        const path = join(dir, `${base}-${opset}-${batch}-${foldBatchNorm}.onnx`);
        writeFileSync(path, exportOnnx(graph, weights, { opset, batch, foldBatchNorm }));
        paths.push(path);
      }
    }
    expect(checkModels(paths)).toEqual({});
  }, 300_000);
});
