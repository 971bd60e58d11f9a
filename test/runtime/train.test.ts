// Training, small and quick: the loss falls, frozen parameters stay, checkpoints
// round-trip exactly, a resumed run is the run that was not interrupted, and the
// convolution gradient netc registers for wasm equals TensorFlow.js's own.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { useBackend, tf } from "../../runtime/backend.js";
import { Model } from "../../runtime/model.js";
import { Trainer, countHits, loadGradients, type TrainOptions } from "../../runtime/train.js";
import { registerWasmFallbacks } from "../../runtime/fallback.js";
import { loadSafetensors, saveSafetensorsAtomically } from "../../runtime/safetensors.js";
import type { Dataset } from "../../runtime/data.js";
import { toyImages } from "../support/toy-data.js";

const net = `network tiny(classes = 2) {
  input 1x6x6
  features: { conv 4, 3x3, pad = 1; batchnorm; relu; maxpool 2x2 }
  flatten
  classifier: { linear 8; relu; dropout 0.1; linear classes }
}`;

/** Bright-top versus bright-bottom images: learnable in a few steps. */
const toy = (n: number, seed: number) => toyImages(n, seed, { pixels: 36, classes: 2, noise: 0.5 });
const data: Dataset = { name: "toy", shape: [1, 6, 6], classes: ["top", "bottom"], train: toy(64, 1), test: toy(32, 2) };

async function model(seed = 0) {
  const r = await compileFile("tiny.net", { text: net });
  expect(r.diagnostics).toEqual([]);
  return new Model(r.graph!, { seed });
}

const options = (o: Partial<TrainOptions> = {}): TrainOptions => ({
  epochs: 3, batch: 8, optimizer: "adam", lr: 0.01, momentum: 0, weightDecay: 0, freeze: [], seed: 5, ...o,
});

const weights = (m: Model) => new Map([...m.stateDict()].map(([k, t]) => [k, Array.from(t.data as Float32Array, Number)]));

beforeAll(async () => {
  await useBackend("wasm");
});

describe("training", () => {
  it("counts a batch's hits as argMax does: the first maximum of each row against the label", () => {
    // rows: 1 (right), 0 (wrong: the label is 1), a tie counted as class 0 (right)
    expect(countHits(Float32Array.of(0.1, 0.9, 0.8, 0.2, 0.5, 0.5), Int32Array.of(1, 1, 0), 2)).toBe(2);
    expect(Array.from(tf.argMax(tf.tensor2d([[0.5, 0.5]]), 1).dataSync())).toEqual([0]); // tfjs's ties, the same
  });

  it("reports the training accuracy the evaluation finds on the same data", async () => {
    // with lr 0 the weights stay: the epoch's hits (counted from the logits of each step) equal evaluate's
    const plain = `network plain(classes = 2) {\n  input 1x6x6\n  conv 3, 3x3\n  relu\n  flatten\n  linear classes\n}`; // no dropout or batch norm: training mode computes evaluation's logits
    const r = await compileFile("plain.net", { text: plain });
    const m = new Model(r.graph!, { seed: 1 });
    const t = new Trainer(m, { ...data, test: data.train }, options({ epochs: 1, lr: 0 }));
    const [e] = (await t.run()).epochs;
    expect(e.trainAccuracy).toBe(e.testAccuracy);
    expect(e.trainAccuracy).toBeGreaterThan(0); // a count, not a default
    expect(e.trainAccuracy).toBeLessThan(1);
  });

  it("lowers the loss and learns a tiny problem", async () => {
    const m = await model();
    const t = new Trainer(m, data, options({ epochs: 4 }));
    const before = await t.evaluate(data.test);
    const result = await t.run();
    const last = result.epochs[result.epochs.length - 1];
    expect(last.trainLoss).toBeLessThan(result.epochs[0].trainLoss);
    expect(last.testLoss).toBeLessThan(before.loss);
    expect(last.testAccuracy).toBeGreaterThan(0.9);
  }, 30_000); // the first test starts the backend: seconds on a loaded machine

  it("keeps frozen parameters fixed while the others move, and batch-norm statistics update", async () => {
    const m = await model();
    const start = weights(m);
    await new Trainer(m, data, options({ epochs: 1, freeze: ["features"] })).run();
    const end = weights(m);
    expect(end.get("features.0.weight")).toEqual(start.get("features.0.weight"));
    expect(end.get("features.1.weight")).toEqual(start.get("features.1.weight"));
    expect(end.get("classifier.0.weight")).not.toEqual(start.get("classifier.0.weight"));
    expect(end.get("features.1.running_mean")).not.toEqual(start.get("features.1.running_mean")); // buffers still learn the data
  });

  it("unfreezes after --freeze-epochs", async () => {
    const m = await model();
    const start = weights(m);
    await new Trainer(m, data, options({ epochs: 2, freeze: ["features"], freezeEpochs: 1 })).run();
    expect(weights(m).get("features.0.weight")).not.toEqual(start.get("features.0.weight"));
  });

  it("writes a checkpoint that loads back exactly", async () => {
    const m = await model();
    await new Trainer(m, data, options({ epochs: 1 })).run();
    const file = join(mkdtempSync(join(tmpdir(), "netc-ck-")), "ck.safetensors");
    await saveSafetensorsAtomically(file, m.stateDict());
    const back = await model(9);
    back.loadStateDict(await loadSafetensors(file));
    expect(weights(back)).toEqual(weights(m));
  });

  it("resumes: one epoch, a checkpoint with the optimizer state, one more, equals two epochs straight", async () => {
    const straight = await model();
    await new Trainer(straight, data, options({ epochs: 2 })).run();

    const first = await model();
    const t1 = new Trainer(first, data, options({ epochs: 1 }));
    await t1.run();
    const saved = first.stateDict();
    const optimizerState = await t1.optimizerState();
    const second = await model(3); // another initialisation, overwritten by the checkpoint
    second.loadStateDict(saved);
    await new Trainer(second, data, options({ epochs: 2, startEpoch: 1, optimizerState })).run();

    const a = weights(straight);
    for (const [name, v] of weights(second)) v.forEach((x, i) => expect(Math.abs(x - a.get(name)![i]), name).toBeLessThan(1e-5));
  });
});

describe("the convolution gradient registered for wasm", () => {
  it("equals TensorFlow.js's own (cpu backend), for strides and padding", async () => {
    await loadGradients();
    const grads = (stride: number, pad: "valid" | [number, number][]) => {
      const x = tf.tensor4d(Float32Array.from({ length: 2 * 9 * 9 * 3 }, (_, i) => Math.sin(i)), [2, 9, 9, 3]);
      const w = tf.variable(tf.tensor4d(Float32Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i)), [3, 3, 3, 4]));
      const { grads: g } = tf.variableGrads(() => tf.sum(tf.square(tf.conv2d(x, w as tf.Tensor4D, stride, pad as never))), [w]);
      const out = Array.from(g[w.name].dataSync());
      tf.dispose([x, w, g[w.name]]);
      return out;
    };
    const cases: [number, "valid" | [number, number][]][] = [[1, "valid"], [2, "valid"], [2, [[0, 0], [1, 1], [1, 1], [0, 0]]], [3, [[0, 0], [2, 1], [0, 2], [0, 0]]]];
    await useBackend("cpu");
    const reference = cases.map(([s, p]) => grads(s, p));
    await useBackend("wasm");
    registerWasmFallbacks();
    cases.forEach(([s, p], k) => {
      const ours = grads(s, p);
      const scale = Math.max(...reference[k].map(Math.abs));
      ours.forEach((v, i) => expect(Math.abs(v - reference[k][i]) / scale).toBeLessThan(1e-5));
    });
  });
});
