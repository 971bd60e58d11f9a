// onnxruntime's outputs equal netc's own runtime (wasm backend, inference: batch norm
// folded, activations fused) within 1e-5 of the output's scale: every bundled network
// with random weights and perturbed batch-norm statistics, at a reduced input size where
// the network takes one (the size changes no layer, only the time), and the fixtures at
// each opset netc writes. The fixtures' exports also match PyTorch's own outputs.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir.js";
import { libraryNetworks } from "../../compiler/modules.js";
import { exportOnnx } from "../../export/onnx/index.js";
import { createOnnxSession, randomStateDict } from "../../export/onnx/session.js";
import { tf, useBackend } from "../../runtime/backend.js";
import { Model } from "../../runtime/model.js";
import { readNpy } from "../../runtime/npy.js";
import { readSafetensors } from "../../runtime/safetensors.js";
import type { StateDict } from "../../runtime/state.js";
import { checkModels, compileNetwork, onnxChecker, perturbBatchNorm, randomInput, relativeError } from "./support.js";

const TOLERANCE = 1e-5;
const dir = mkdtempSync(join(tmpdir(), "netc-onnx-parity-"));
const checked: string[] = [];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  await useBackend("wasm");
}, 120_000);

/** The runtime's outputs and onnxruntime's, for the same weights and input. */
async function both(graph: Graph, seed: number, batch: number, opts: { opset?: number; foldBatchNorm?: boolean; save?: string } = {}) {
  const state = randomStateDict(graph, seed);
  const stats = perturbBatchNorm(state);
  for (const [k, v] of stats) state.set(k, v);
  const model = new Model(graph, { seed }); // the same initial weights as randomStateDict
  model.loadStateDict(stats, { strict: false });
  const inputs = graph.inputs.map((p, i) => {
    const shape = [batch, ...(graph.nodes[p.node].shape as number[])];
    return { shape, data: randomInput(shape, 3 + i) };
  });
  const ys = model.forward(inputs.map((x) => tf.tensor(x.data, x.shape)));
  const want = await Promise.all(ys.map(async (y) => ({ shape: y.shape, data: (await y.data()) as Float32Array })));
  tf.dispose(ys);
  model.dispose();
  if (opts.save) {
    writeFileSync(opts.save, exportOnnx(graph, state, opts));
    checked.push(opts.save);
  }
  const session = await createOnnxSession(graph, state, { ...opts, threads: 1, providers: ["cpu"] });
  const got = await session.run(inputs);
  await session.release();
  return { want, got };
}

function expectClose(r: Awaited<ReturnType<typeof both>>) {
  expect(r.got.length).toBe(r.want.length);
  r.want.forEach((w, i) => {
    expect(r.got[i].shape).toEqual(w.shape);
    expect(relativeError(r.got[i].data, w.data)).toBeLessThan(TOLERANCE);
  });
}

const fixtureDir = new URL("../parity/", import.meta.url);
const fixtures = readdirSync(fixtureDir).filter((f) => f.endsWith(".net")).map((f) => f.replace(/\.net$/, ""));

describe("onnxruntime equals PyTorch on the parity fixtures (their PyTorch weights and outputs)", () => {
  for (const name of fixtures)
    it(name, async () => {
      const graph = await compileNetwork(new URL(`${name}.net`, fixtureDir).pathname);
      const read = (f: string) => new Uint8Array(readFileSync(new URL(f, fixtureDir)));
      const weights = readSafetensors(read(`${name}.safetensors`), name);
      const x = readNpy(read(`${name}.input.npy`), "input");
      const want = readNpy(read(`${name}.output.npy`), "output");
      const session = await createOnnxSession(graph, weights, { threads: 1, providers: ["cpu"] });
      const [y] = await session.run([{ shape: x.shape, data: Float32Array.from(x.data) }]);
      await session.release();
      expect(y.shape).toEqual(want.shape);
      expect(relativeError(y.data, want.data)).toBeLessThan(TOLERANCE);
    }, 120_000);
});

describe("onnxruntime equals the runtime on the fixtures", () => {
  const files = [...fixtures.map((n) => new URL(`${n}.net`, fixtureDir).pathname), new URL("./more-ops.net", import.meta.url).pathname];
  for (const file of files)
    for (const [opset, foldBatchNorm] of [[13, false], [17, false], [17, true], [18, false], [21, false]] as const)
      it(`${file.replace(/^.*\//, "")}, opset ${opset}${foldBatchNorm ? ", batch norm folded" : ""}`, async () => {
        expectClose(await both(await compileNetwork(file), 11, 3, { opset, foldBatchNorm }));
      }, 120_000);

  it("one session runs any batch size (dynamic batch)", async () => {
    const graph = await compileNetwork(files[0]);
    const session = await createOnnxSession(graph, randomStateDict(graph), { threads: 1, providers: ["cpu"] });
    const shape = graph.nodes[graph.inputs[0].node].shape as number[];
    for (const n of [1, 3]) {
      const [y] = await session.run([{ shape: [n, ...shape], data: randomInput([n, ...shape]) }]);
      expect(y.shape[0]).toBe(n);
    }
    await session.release();
  }, 120_000);
});

/** Input sizes that keep every network's layers and cut its time (224 -> 64). */
const reduced: Record<string, string | undefined> = {
  lenet5: undefined, cifar_resnet: undefined, inception_v3: "3x96x96", inception_v3_aux: undefined,
};

const hasChecker = onnxChecker();

/**
 * Networks with over 40 million weights at the reduced size (VGG, FCN, AlexNet, YOLO, the
 * largest ResNets) spend about 40 s each here on a loaded 2-core machine, in allocating
 * their weights four times over (the runtime's, the state dict, the model, onnxruntime's),
 * not in computing: they run in CI (CI=true) and with NETC_ONNX_ALL=1, and are skipped
 * (and say so) in a plain local `npm test`.
 */
const HEAVY = 40e6;
const all = !!process.env.CI || !!process.env.NETC_ONNX_ALL;

describe("onnxruntime equals the runtime on every bundled network", () => {
  for (const { name } of libraryNetworks())
    it(name, async (ctx) => {
      const input = name in reduced ? reduced[name] : "3x64x64";
      const graph = await compileNetwork(name, input);
      const weights = graph.nodes.reduce((n, node) => n + node.weights.reduce((m, w) => m + w.shape.reduce((a, b) => a * b, 1), 0), 0);
      if (weights > HEAVY && !all) return ctx.skip(`${name} has ${(weights / 1e6).toFixed(0)}M weights: runs in CI or with NETC_ONNX_ALL=1`);
      // the exports of the lighter networks, weights inline, also go to the checker below
      expectClose(await both(graph, 5, 2, weights > HEAVY ? {} : { save: join(dir, `${name}.onnx`) }));
    }, 600_000);

  it.skipIf(!hasChecker)("and onnx.checker accepts each of those exports (weights inline)", () => {
    expect(checked.length).toBeGreaterThanOrEqual(20);
    expect(checkModels(checked)).toEqual({});
  }, 600_000);
});
