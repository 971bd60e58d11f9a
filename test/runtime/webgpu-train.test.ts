// Training on the webgpu backend (software adapter): one step's gradients equal the cpu
// backend's, and a seeded run's loss curve is the wasm backend's, within float tolerance.
import { describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { useBackend, tf } from "../../runtime/backend.js";
import { Model } from "../../runtime/model.js";
import { Trainer, loadGradients } from "../../runtime/train.js";
import type { Dataset } from "../../runtime/data.js";
import { softwareAdapterOrSkip } from "../support/webgpu.js";
import { toyImages } from "../support/toy-data.js";

const available = await softwareAdapterOrSkip();

const net = `network tiny(classes = 3) {
  input 2x8x8
  features: { conv 4, 3x3, pad = 1; batchnorm; relu; maxpool 2x2; conv 6, 3x3, stride = 2, pad = 1, groups = 2; relu; avgpool 2x2 }
  flatten
  classifier: { linear 8; relu; dropout 0.2; linear classes }
}`;

const toy = (n: number, seed: number) => toyImages(n, seed, { pixels: 128, classes: 3, noise: 0.5 });
const data: Dataset = { name: "toy", shape: [2, 8, 8], classes: ["a", "b", "c"], train: toy(48, 1), test: toy(24, 2) };

async function gradients(backend: "cpu" | "webgpu") {
  await useBackend(backend, backend === "webgpu" ? { adapter: "software" } : {});
  const r = await compileFile("tiny.net", { text: net });
  const model = new Model(r.graph!, { seed: 7 });
  const x = tf.tensor(data.train.x.subarray(0, 8 * 128), [8, 2, 8, 8]);
  const labels = tf.oneHot(tf.tensor1d(data.train.y.subarray(0, 8), "int32"), 3);
  const vars = [...model.parameters().values()];
  const { grads } = tf.variableGrads(() => {
    const [out] = model.forward([x], { training: true, keepIntermediates: true, seed: 1 });
    return tf.losses.softmaxCrossEntropy(labels, out) as tf.Scalar;
  }, vars);
  const out = new Map<string, Float32Array>();
  for (const [name, v] of model.parameters()) out.set(name, (await grads[v.name].data()) as Float32Array);
  return out;
}

async function lossCurve(backend: "wasm" | "webgpu") {
  await useBackend(backend, backend === "webgpu" ? { adapter: "software" } : {});
  const r = await compileFile("tiny.net", { text: net });
  const losses: number[] = [];
  const t = new Trainer(new Model(r.graph!, { seed: 7 }), data, {
    epochs: 2, batch: 8, optimizer: "adam", lr: 0.01, momentum: 0, weightDecay: 0, freeze: [], seed: 5,
    onBatch: (p) => losses.push(p.loss),
  });
  const result = await t.run();
  return { losses, test: result.epochs.map((e) => e.testLoss) };
}

describe.runIf(available)("training on the webgpu backend", { timeout: 300_000 }, () => {
  it("computes one step's gradients as the cpu backend does, within 1e-4", async () => {
    await loadGradients();
    const cpu = await gradients("cpu");
    const gpu = await gradients("webgpu");
    expect([...gpu.keys()]).toEqual([...cpu.keys()]);
    for (const [name, want] of cpu) {
      const got = gpu.get(name)!;
      let [diff, scale] = [0, 0];
      for (let i = 0; i < want.length; i++) [diff, scale] = [Math.max(diff, Math.abs(got[i] - want[i])), Math.max(scale, Math.abs(want[i]))];
      // a bias before batch norm has a zero gradient in exact arithmetic: rounding noise
      expect(diff / Math.max(scale, 1e-3), name).toBeLessThan(1e-4);
    }
  });

  it("follows the wasm backend's loss curve for the same seed", async () => {
    await loadGradients();
    const wasm = await lossCurve("wasm");
    const gpu = await lossCurve("webgpu");
    expect(gpu.losses.length).toBe(12);
    // the same to float rounding, which twelve Adam steps amplify a little
    for (let i = 0; i < wasm.losses.length; i++) expect(Math.abs(gpu.losses[i] - wasm.losses[i]), `batch ${i}`).toBeLessThan(1e-3 * wasm.losses[i]);
    for (let i = 0; i < wasm.test.length; i++) expect(Math.abs(gpu.test[i] - wasm.test[i])).toBeLessThan(1e-3 * wasm.test[i]);
    expect(gpu.losses[11]).toBeLessThan(gpu.losses[0]); // and it learns
  });
});
