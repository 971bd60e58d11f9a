// netc's PyTorch export against PyTorch itself (Debian's python3-torch): for every
// bundled network the exported module's state_dict has exactly the names and shapes of
// `netc summary --json`; for the networks of PARITY (all of them with
// NETC_PYTORCH_FULL=1) a netc checkpoint with random weights and perturbed batch-norm
// statistics loads with strict=True and the outputs equal netc's runtime (wasm) within
// 1e-5 of their scale, at a small input where the network takes one.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import type { Graph } from "../../compiler/ir.js";
import { libraryNetworks } from "../../compiler/modules.js";
import { exportPytorch, networkClassName, PytorchExportError, unsupportedOps } from "../../export/pytorch/index.js";
import { tf, useBackend } from "../../runtime/backend.js";
import { Model } from "../../runtime/model.js";
import { writeNpy } from "../../runtime/npy.js";
import { writeSafetensors } from "../../runtime/safetensors.js";
import { mulberry32 } from "../../runtime/random.js";
import { PYTHON, torchAvailable } from "./python.js";

// Networks run end to end in `npm test`: every family, the heavy variants left to
// NETC_PYTORCH_FULL=1 (VGG, AlexNet, YOLO and FCN hold 60 to 270 million weights each).
const PARITY = new Set([
  "lenet5", "cifar_resnet", "resnet18", "resnext50_32x4d", "densenet121", "googlenet_aux",
  "inception_v3_aux", "mobilenet_v2", "efficientnet_b0", "squeezenet1_0", "squeezenet1_1", "nin",
]);
const FULL = !!process.env.NETC_PYTORCH_FULL;
const SIZES = [32, 64, 75, 96, 128, 160, 224, 299, 448];

const only = process.env.NETC_PYTORCH_ONLY?.split(","); // a few networks, while working on one
// The runtime's and the ONNX export's op fixtures: the layers and forms no bundled
// network uses (channel shuffle, LRN, group norm, PReLU, upsampling, dilation, …).
const fixtureFiles = [
  ...readdirSync(new URL("../parity/", import.meta.url)).filter((f) => f.endsWith(".net")).map((f) => fileURLToPath(new URL(`../parity/${f}`, import.meta.url))),
  fileURLToPath(new URL("../export/more-ops.net", import.meta.url)),
];
const fixtures = fixtureFiles.map((file) => ({ name: `fixture-${basename(file, ".net")}`, file, fixture: true }));
const all = [...libraryNetworks(), ...fixtures].filter((n) => !only || only.includes(n.name));
/** Networks whose ops the PyTorch export has no form for yet, and those ops (ConvNeXt's layer norms, permute, layer
 * scale, stochastic depth; ShuffleNetV2's chunk and mean; DeepLabV3's resize to the input's size; SSD's permute). */
const UNSUPPORTED: Record<string, string[]> = {};
for (const n of ["convnext", "convnext_tiny", "convnext_small", "convnext_base"]) UNSUPPORTED[n] = ["layernorm", "layernorm2d", "permute", "scale", "stochasticdepth"];
for (const n of ["shufflenet_v2", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0"]) UNSUPPORTED[n] = ["chunk", "mean"];
for (const n of ["deeplabv3", "deeplabv3_resnet50", "deeplabv3_resnet50_aux"]) UNSUPPORTED[n] = ["upsample"];
UNSUPPORTED.ssdlite320_mobilenet_v3_large = ["permute"];
UNSUPPORTED.yolo_tiny = ["permute"];
UNSUPPORTED.ssd_tiny = ["permute"];
const networks = all.filter((n) => !(n.name in UNSUPPORTED));
const hasTorch = torchAvailable();
let dir: string;
let results: Record<string, { tensors?: [string, number[]][]; errors?: number[]; shapes?: number[][]; error?: string }> = {};
const expected = new Map<string, { tensors: [string, number[]][]; outputs?: number[][] }>();

const tensorsOf = (g: Graph): [string, number[]][] =>
  g.nodes.flatMap((n) => n.weights.map((w) => [n.name ? `${n.name}.${w.name}` : w.name, w.shape] as [string, number[]]));

/** The smallest input that gives the network the same tensors as its default one. */
async function smallGraph(file: string, name: string, g: Graph): Promise<Graph> {
  const input = g.nodes[g.inputs[0].node].shape!;
  if (typeof input[0] !== "number") return (await compileFile(file, { network: name, input: `${input[0]}x64x64` })).graph!;
  const want = JSON.stringify(tensorsOf(g));
  for (const s of SIZES) {
    if (typeof input[1] === "number" && s >= input[1]) break;
    const r = await compileFile(file, { network: name, input: `${input[0]}x${s}x${s}` });
    if (r.graph && JSON.stringify(tensorsOf(r.graph)) === want) return r.graph;
  }
  return g;
}

/** A netc checkpoint with random weights and batch-norm statistics far from 0 and 1, the input and netc's outputs. */
async function parityCase(g: Graph, base: string) {
  const model = new Model(g, { seed: 7 });
  const state = await model.readStateDict();
  const random = mulberry32(11);
  for (const [name, t] of state) {
    if (t.dtype !== "F32") continue;
    const d = t.data as Float32Array;
    if (name.endsWith("running_var")) d.forEach((_, i) => (d[i] = 0.5 + random()));
    else if (name.endsWith("running_mean") || (/\.(weight|bias)$/.test(name) && t.shape.length === 1)) d.forEach((v, i) => (d[i] = v + (random() - 0.5) * 0.2));
  }
  model.loadStateDict(state);
  writeFileSync(`${base}.safetensors`, writeSafetensors(state));
  const shape = [2, ...(g.nodes[g.inputs[0].node].shape as number[])];
  const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() * 2 - 1);
  writeFileSync(`${base}.input.npy`, writeNpy(shape, x));
  const input = tf.tensor(x, shape);
  const ys = model.forward([input]);
  const outputs = ys.map((y, i) => {
    writeFileSync(`${base}.output${i}.npy`, writeNpy(y.shape, y.dataSync() as Float32Array));
    return y.shape;
  });
  tf.dispose([input, ...ys]);
  model.dispose();
  return { weights: `${base}.safetensors`, input: `${base}.input.npy`, outputs: outputs.map((_, i) => `${base}.output${i}.npy`), shapes: outputs };
}

describe.runIf(hasTorch)("PyTorch export, checked by PyTorch", () => {
  beforeAll(async () => {
    const started = performance.now();
    dir = mkdtempSync(join(tmpdir(), "netc-pytorch-"));
    await useBackend("wasm");
    const cases = [];
    for (const n of networks) {
      const { name, file } = n;
      const fixture = "fixture" in n;
      const g = (await compileFile(file, fixture ? {} : { network: name })).graph!;
      const source = join(dir, `${name}.py`);
      writeFileSync(source, exportPytorch(g, { source: name }));
      const entry: { tensors: [string, number[]][]; outputs?: number[][] } = { tensors: tensorsOf(g) };
      expected.set(name, entry);
      const c: Record<string, unknown> = { name, source, class: networkClassName(g) };
      if (FULL || PARITY.has(name) || fixture) {
        const small = fixture ? g : await smallGraph(file, name, g);
        const pc = await parityCase(small, join(dir, name));
        entry.outputs = pc.shapes;
        Object.assign(c, pc);
      }
      cases.push(c);
    }
    writeFileSync(join(dir, "cases.json"), JSON.stringify(cases));
    const netcSeconds = (performance.now() - started) / 1000;
    const r = spawnSync(PYTHON, [join(import.meta.dirname, "check_export.py"), join(dir, "cases.json"), join(dir, "results.json")], { encoding: "utf8", timeout: 1_500_000 });
    if (r.status !== 0) throw new Error(`check_export.py failed: ${r.stderr}`);
    results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
    const parity = Object.entries(results).filter(([, r]) => r.errors).map(([n, r]) => `${n} ${r.errors!.map((e) => e.toExponential(1)).join("/")}`);
    console.log(`PyTorch export: netc side ${netcSeconds.toFixed(0)} s, PyTorch side ${((performance.now() - started) / 1000 - netcSeconds).toFixed(0)} s; largest relative output differences: ${parity.join(", ")}`);
  }, 1_800_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const n of networks) {
    const name = n.name;
    it(`${name}: state_dict names and shapes as netc's${FULL || PARITY.has(name) || "fixture" in n ? "; strict load and outputs within 1e-5" : ""}`, () => {
      const got = results[name];
      expect(got.error).toBeUndefined();
      expect(got.tensors).toEqual(expected.get(name)!.tensors);
      const want = expected.get(name)!.outputs;
      if (!want) return;
      expect(got.shapes).toEqual(want);
      for (const e of got.errors!) expect(e).toBeLessThan(1e-5);
    });
  }
});

describe("networks the PyTorch export cannot write yet", () => {
  for (const [name, ops] of Object.entries(UNSUPPORTED).filter(([n]) => !only || only.includes(n)))
    it(`${name} is refused with the ops it lacks (${ops.join(", ")}), not a stack trace`, async () => {
      const { file } = libraryNetworks().find((n) => n.name === name)!;
      const g = (await compileFile(file, { network: name })).graph!;
      expect(unsupportedOps(g)).toEqual(ops);
      expect(() => exportPytorch(g)).toThrow(PytorchExportError);
      expect(() => exportPytorch(g)).toThrow(`no form yet for ${ops.join(", ")} (in ${name}`);
    });

  it("and every other bundled network and fixture has a form for each of its ops", async () => {
    for (const n of networks) {
      const g = (await compileFile(n.file, "fixture" in n ? {} : { network: n.name })).graph!;
      expect(unsupportedOps(g), n.name).toEqual([]);
    }
  });
});
