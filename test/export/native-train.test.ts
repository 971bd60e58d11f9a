// Training with onnxruntime (export/onnx/native-train.ts): one step of a network with
// every layer the native step knows (strided and padded convolution with and without a
// bias, by taps and as one convolution, batch norm, relu, max and average pooling, a
// residual add, global pooling, flatten, linear, tanh, sigmoid, leaky ReLU, ReLU6, PReLU,
// a squeeze-and-excitation gate (a broadcast mul), a concat, depthwise and grouped
// convolutions, hardswish, SiLU, hardsigmoid, chunk, slice, channel shuffle, mean, a
// ConvNeXt block: layer norm over channels and channels last, permute, linear on the
// last dimension, GELU, layer scale) equals
// PyTorch's autograd (scripts/gen-native-train-fixtures.py): the
// loss, the logits, every parameter's gradient and the running statistics after the step.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { useBackend } from "../../runtime/backend.js";
import { loadGradients } from "../../runtime/train.js";
import { Model } from "../../runtime/model.js";
import type { StateTensor } from "../../runtime/state.js";
import { syncSession } from "../../export/onnx/sync-session.js";
import { nativeTrainingBlocker, trainGraph } from "../../export/onnx/train-graph.js";

const here = new URL(".", import.meta.url).pathname;
const fx = JSON.parse(readFileSync(`${here}fixtures/native-train.json`, "utf8")) as {
  state: Record<string, { shape: number[]; data: number[] }>;
  x: number[]; shape: number[]; labels: number[]; loss: number; logits: number[];
  grads: Record<string, number[]>; after: Record<string, number[]>;
};

/** Largest |a - b| relative to the largest |b| (gradients vary in scale between layers). */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let [d, m] = [0, 1e-12];
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}

let model: Model;
beforeAll(async () => {
  await useBackend("wasm");
  await loadGradients();
  const r = await compileFile(`${here}native-train.net`);
  model = new Model(r.graph!, { seed: 1 });
  const state = new Map<string, StateTensor>(Object.entries(fx.state).map(([k, t]) => [k, { shape: t.shape, dtype: "F32", data: Float32Array.from(t.data) }]));
  for (const bn of ["block1.bn1", "block1.bn2"]) state.set(`${bn}.num_batches_tracked`, { shape: [], dtype: "I64", data: BigInt64Array.of(0n) });
  model.loadStateDict(state);
});

describe("the native training step", () => {
  it("knows every layer of the test network, and says which layer it does not know", async () => {
    expect(nativeTrainingBlocker(model.graph)).toBeUndefined();
    const r = await compileFile("d.net", { text: "network d {\n  input 3x8x8\n  conv 4, 3x3, dilation = 2\n  flatten\n  linear 2\n}\n" });
    expect(nativeTrainingBlocker(r.graph!)).toBe("dilated convolution: conv (0)");
    const s = await compileFile("s.net", { text: "network s {\n  input 3x8x8\n  conv 4, 3x3\n  act: lrn 3\n  flatten\n  linear 2\n}\n" });
    expect(nativeTrainingBlocker(s.graph!)).toBe("lrn (act)");
  });

  it("equals PyTorch's autograd: loss, logits, every gradient and the running statistics", () => {
    const g = trainGraph(model.graph);
    const session = syncSession(g.model, 1);
    const n = fx.shape[0];
    const labels = new Float32Array(n * 5);
    fx.labels.forEach((y, i) => (labels[i * 5 + y] = 1));
    const inputs = {
      [g.input]: { shape: fx.shape, data: Float32Array.from(fx.x) },
      [g.labels]: { shape: [n, 5], data: labels },
      [g.invN]: { shape: [], data: Float32Array.of(1 / n) },
      ...Object.fromEntries(g.params.map((p) => [p.name, { shape: p.shape, data: model.torchData(p.name) }])),
    };
    const out = session.run(inputs, [g.loss, g.logits, ...g.grads.values(), ...g.stats.flatMap((s) => [s.mean, s.variance])]);
    session.release();
    expect(out[g.loss].data[0]).toBeCloseTo(fx.loss, 5);
    expect(relError(out[g.logits].data, fx.logits)).toBeLessThan(1e-5);
    expect([...g.grads.keys()].sort()).toEqual(Object.keys(fx.grads).sort());
    for (const [name, o] of g.grads) expect(relError(out[o].data, fx.grads[name]), name).toBeLessThan(1e-4);
    model.updateStatistics(g.stats.map((s) => ({ node: s.node, mean: tfTensor(out[s.mean].data), variance: tfTensor(out[s.variance].data), count: n * 5 * 4 })));
    for (const [name, want] of Object.entries(fx.after)) expect(relError(model.torchData(name), want), name).toBeLessThan(1e-5);
  });
});

import * as tf from "@tensorflow/tfjs-core";
const tfTensor = (d: Float32Array) => tf.tensor(d);

// ---- the native trainer against the TensorFlow.js one ------------------------------------
// (stochastic depth and dropout with TensorFlow.js's own masks; no bias before the batch norm: its gradient is zero but for rounding, which Adam scales
// up to whole steps in directions that differ between any two implementations)
import { Trainer, type TrainOptions } from "../../runtime/train.js";
import { NativeTrainer } from "../../export/onnx/native-train.js";
import type { Dataset } from "../../runtime/data.js";
import { toyImages } from "../support/toy-data.js";

const tiny = `network tiny(classes = 2) {
  input 1x6x6
  features: { conv 4, 3x3, pad = 1, bias = false; batchnorm; relu; maxpool 2x2 }
  flatten
  classifier: { linear 8; relu; dropout 0.25; res: residual { linear 8; stochasticdepth 0.3 }; linear classes }
}`;
const toy = (n: number, seed: number) => toyImages(n, seed, { pixels: 36, classes: 2, noise: 0.5 });
const data: Dataset = { name: "toy", shape: [1, 6, 6], classes: ["top", "bottom"], train: toy(60, 1), test: toy(32, 2) };

async function trainBoth(o: Partial<TrainOptions>) {
  const r = await compileFile("tiny.net", { text: tiny });
  const opts: TrainOptions = { epochs: 2, batch: 8, optimizer: "adam", lr: 0.01, momentum: 0, weightDecay: 0, freeze: [], seed: 5, ...o };
  const [a, b] = [new Model(r.graph!, { seed: 3 }), new Model(r.graph!, { seed: 3 })];
  const ta = await new Trainer(a, data, opts).run();
  const native = new NativeTrainer(b, data, opts, 1);
  const tb = await native.run();
  return { a: a.stateDict(), b: b.stateDict(), ta, tb };
}

describe("the native trainer", () => {
  for (const [what, o] of [
    ["adam", {}],
    ["sgd with momentum, weight decay, and features frozen for the first epoch", { optimizer: "sgd", lr: 0.05, momentum: 0.9, weightDecay: 0.01, freeze: ["features"], freezeEpochs: 1 }],
  ] as [string, Partial<TrainOptions>][])
    it(`trains as the TensorFlow.js trainer does (${what}): the same weights, statistics, counters and losses`, async () => {
      const { a, b, ta, tb } = await trainBoth(o);
      expect([...b.keys()]).toEqual([...a.keys()]);
      for (const [name, t] of a) {
        if (t.dtype === "I64") expect(b.get(name)!.data, name).toEqual(t.data); // num_batches_tracked
        else expect(relError(b.get(name)!.data as Float32Array, t.data as Float32Array), name).toBeLessThan(1e-4);
      }
      tb.epochs.forEach((e, i) => {
        expect(e.trainLoss).toBeCloseTo(ta.epochs[i].trainLoss, 5);
        expect(e.testLoss).toBeCloseTo(ta.epochs[i].testLoss, 5);
        expect(e.trainAccuracy).toBe(ta.epochs[i].trainAccuracy);
        expect(e.testAccuracy).toBe(ta.epochs[i].testAccuracy);
      });
    }, 60_000);
});

describe("native training on two replicas", () => {
  it("equals one replica for a network without batch norm (dropout's masks are the whole batch's, sliced)", async () => {
    const plain = tiny.replace("; batchnorm", "");
    const r = await compileFile("plain.net", { text: plain });
    const opts: TrainOptions = { epochs: 2, batch: 8, optimizer: "adam", lr: 0.01, momentum: 0, weightDecay: 0, freeze: [], seed: 5 };
    const odd = { ...data, train: toy(61, 1) }; // a last batch of 5: slices of 3 and 2
    const [a, b] = [new Model(r.graph!, { seed: 3 }), new Model(r.graph!, { seed: 3 })];
    const ta = await new NativeTrainer(a, odd, opts, 1).run();
    const tb = await new NativeTrainer(b, odd, opts, 2).run();
    const [sa, sb] = [a.stateDict(), b.stateDict()];
    for (const [name, t] of sa) expect(relError(sb.get(name)!.data as Float32Array, t.data as Float32Array), name).toBeLessThan(1e-4);
    tb.epochs.forEach((e, i) => {
      expect(e.trainLoss).toBeCloseTo(ta.epochs[i].trainLoss, 5);
      expect(e.trainAccuracy).toBe(ta.epochs[i].trainAccuracy);
      expect(e.testAccuracy).toBe(ta.epochs[i].testAccuracy);
    });
  }, 60_000);
});
