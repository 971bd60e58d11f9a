// netc's own gradient kernels (runtime/grad-kernels/): on the wasm backend, working in its
// WebAssembly heap, each against TensorFlow.js's composite on the cpu backend and
// against PyTorch's autograd (fixtures from scripts/gen-grad-kernel-fixtures.py).
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../runtime/backend.js";
import { loadGradients } from "../../runtime/train.js";
import { compileFile } from "../../compiler/compile.js";
import { Model } from "../../runtime/model.js";
import { softmaxCrossEntropy } from "../../runtime/grad-kernels/softmax-xent.js";

const fixtures = JSON.parse(readFileSync(new URL("fixtures/grad-kernels.json", import.meta.url), "utf8"));

beforeAll(async () => {
  await useBackend("wasm");
  await loadGradients();
});

function close(got: ArrayLike<number>, want: ArrayLike<number>, tol: number) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(tol * (1 + Math.abs(want[i])));
}

/** The fused loss and its gradient, on the backend that is active, scaled by 2.5 downstream. */
function fused(logits: number[], shape: number[], labels: number[]) {
  const z = tf.tensor(logits, shape);
  const y = tf.tensor1d(labels, "int32");
  const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => tf.mul(softmaxCrossEntropy(t, y), 2.5))(z);
  return { loss: value.dataSync()[0] / 2.5, grad: Array.from(grad.dataSync(), (g) => g / 2.5), backend: tf.getBackend() };
}

describe("fused softmax cross-entropy", () => {
  const f = fixtures.softmax_xent;

  it("runs on wasm and equals PyTorch's cross_entropy and its autograd gradient", () => {
    const r = fused(f.logits, f.shape, f.labels);
    expect(r.backend).toBe("wasm");
    expect(r.loss).toBeCloseTo(f.loss, 5);
    close(r.grad, f.grad, 1e-5);
  });

  it("equals TensorFlow.js's own loss and gradient on the cpu backend", async () => {
    const wasm = fused(f.logits, f.shape, f.labels);
    await useBackend("cpu");
    try {
      const z = tf.tensor(f.logits, f.shape);
      const onehot = tf.oneHot(tf.tensor1d(f.labels, "int32"), f.shape[1]);
      const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => tf.losses.softmaxCrossEntropy(onehot, t) as tf.Scalar)(z);
      expect(wasm.loss).toBeCloseTo(value.dataSync()[0], 5);
      close(wasm.grad, grad.dataSync(), 1e-5);
      const cpu = fused(f.logits, f.shape, f.labels); // the same kernel on cpu
      expect(cpu.backend).toBe("cpu");
      close(cpu.grad, wasm.grad, 1e-6);
    } finally {
      await useBackend("wasm");
    }
  });
});

describe("the convolution's input gradient on wasm (stride 1: a convolution with the turned filter)", () => {
  it("equals TensorFlow.js's own on the cpu backend, for paddings up to the kernel size less one", async () => {
    const { registerWasmFallbacks } = await import("../../runtime/fallback.js");
    const grads = (pad: "valid" | [number, number][], k: number) => {
      const x = tf.variable(tf.tensor4d(Float32Array.from({ length: 2 * 9 * 8 * 3 }, (_, i) => Math.sin(i)), [2, 9, 8, 3]));
      const w = tf.tensor4d(Float32Array.from({ length: k * k * 3 * 4 }, (_, i) => Math.cos(i)), [k, k, 3, 4]);
      const { grads: g } = tf.variableGrads(() => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w, 1, pad as never))), [x]);
      const out = Array.from(g[x.name].dataSync());
      tf.dispose([x, w, g[x.name]]);
      return out;
    };
    const cases: ["valid" | [number, number][], number][] = [["valid", 3], [[[0, 0], [1, 1], [1, 1], [0, 0]], 3], [[[0, 0], [2, 0], [1, 2], [0, 0]], 3], [[[0, 0], [2, 2], [2, 2], [0, 0]], 5]];
    await useBackend("cpu");
    const reference = cases.map(([p, k]) => grads(p, k));
    await useBackend("wasm");
    registerWasmFallbacks();
    cases.forEach(([p, k], c) => {
      const ours = grads(p, k);
      const scale = Math.max(...reference[c].map(Math.abs));
      expect(ours.length).toBe(reference[c].length);
      ours.forEach((v, i) => expect(Math.abs(v - reference[c][i]) / scale).toBeLessThan(1e-5));
    });
  });
});

describe("max-pool's gradient on wasm", () => {
  const nhwc = (t: tf.Tensor) => tf.transpose(t, [0, 2, 3, 1]);
  /** The gradient of sum(maxPool(x) * dy) on the active backend, in PyTorch's layout. */
  const grad = (f: { kernel: number; stride: number; pad: number; shape: number[]; outShape: number[]; x: number[]; dy: number[] }) => {
    const x = nhwc(tf.tensor(f.x, f.shape)) as tf.Tensor4D;
    const dy = nhwc(tf.tensor(f.dy, f.outShape));
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, f.kernel, f.stride, f.pad as never), dy)))(x);
    return Array.from(tf.transpose(g, [0, 3, 1, 2]).dataSync());
  };

  it("equals PyTorch's autograd (2x2 stride 2; 3x3 stride 2 padded by 1)", async () => {
    const { registerWasmFallbacks } = await import("../../runtime/fallback.js");
    registerWasmFallbacks();
    expect(tf.getBackend()).toBe("wasm");
    for (const f of fixtures.max_pool) close(grad(f), f.dx, 1e-6);
  });

  it("equals TensorFlow.js's cpu MaxPoolGrad", async () => {
    const ours = fixtures.max_pool.map(grad);
    await useBackend("cpu");
    try {
      fixtures.max_pool.forEach((f: never, i: number) => close(ours[i], grad(f), 1e-6));
    } finally {
      await useBackend("wasm");
    }
  });
});

describe("Adam with the fused update", () => {
  const f = fixtures.adam;
  /** The weights after each step, on the active backend. */
  const run = async (fused: boolean) => {
    const { FusedAdam } = await import("../../runtime/grad-kernels/adam.js");
    const w = tf.variable(tf.tensor(f.w, f.shape));
    const opt = fused ? new FusedAdam(f.lr, 0.9, 0.999) : tf.train.adam(f.lr, 0.9, 0.999);
    const after: number[][] = [];
    for (const g of f.grads) {
      tf.tidy(() => opt.applyGradients([{ name: w.name, tensor: tf.tensor(g, f.shape) }]));
      after.push(Array.from(w.dataSync()));
    }
    const state = (await opt.getWeights()).map((s) => s.name.replace(/^.*\//, "")).sort();
    tf.dispose([w, opt as never]);
    return { after, state };
  };

  it("equals PyTorch's torch.optim.Adam (epsilon 1e-7) step by step, on wasm and cpu", async () => {
    for (const backend of ["wasm", "cpu"]) {
      await useBackend(backend as "wasm");
      const { after } = await run(true);
      after.forEach((w, i) => close(w, f.after[i], 1e-5));
    }
    await useBackend("wasm");
  });

  it("equals TensorFlow.js's AdamOptimizer and keeps its state under the same names", async () => {
    const [ours, theirs] = [await run(true), await run(false)];
    ours.after.forEach((w, i) => close(w, theirs.after[i], 1e-6));
    expect(ours.state).toEqual(theirs.state);
  });
});

describe("batch norm in training mode, fused", () => {
  const f = fixtures.batch_norm;
  /** Output and gradients (PyTorch's layout) of sum(bn(x) * dy), fused or tfjs's composite. */
  const run = async (fused: boolean) => {
    const { batchNormTrain } = await import("../../runtime/grad-kernels/batch-norm.js");
    const nhwc = (t: tf.Tensor) => tf.transpose(t, [0, 2, 3, 1]);
    const x = nhwc(tf.tensor(f.x, f.shape));
    const [w, b] = [tf.tensor1d(f.weight), tf.tensor1d(f.bias)];
    const dy = nhwc(tf.tensor(f.dy, f.shape));
    const bn = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
      if (fused) return batchNormTrain(x, w, b, f.eps).y;
      const m = tf.moments(x, [0, 1, 2]);
      return tf.batchNorm(x, m.mean, m.variance, b, w, f.eps);
    };
    const y = Array.from(tf.transpose(bn(x, w, b), [0, 3, 1, 2]).dataSync());
    const [dx, dw, db] = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(bn(x, w, b), dy)))([x, w, b]);
    return { y, dx: Array.from(tf.transpose(dx, [0, 3, 1, 2]).dataSync()), dw: Array.from(dw.dataSync()), db: Array.from(db.dataSync()) };
  };

  it("equals PyTorch's BatchNorm2d forward and autograd gradients, on wasm and cpu", async () => {
    for (const backend of ["wasm", "cpu"]) {
      await useBackend(backend as "wasm");
      const r = await run(true);
      close(r.y, f.y, 1e-5);
      close(r.dx, f.dx, 1e-4);
      close(r.dw, f.dweight, 1e-4);
      close(r.db, f.dbias, 1e-4);
    }
    await useBackend("wasm");
  });

  it("equals TensorFlow.js's moments and batchNorm with their gradients on the cpu backend", async () => {
    const ours = await run(true);
    await useBackend("cpu");
    try {
      const theirs = await run(false);
      close(ours.y, theirs.y, 1e-5);
      close(ours.dx, theirs.dx, 1e-4);
      close(ours.dw, theirs.dw, 1e-4);
      close(ours.db, theirs.db, 1e-4);
    } finally {
      await useBackend("wasm");
    }
  });

  it("updates the running statistics as PyTorch (momentum 0.1, unbiased variance)", async () => {
    const r = await compileFile("bn.net", { text: "network bn { input 3x5x6\n bn: batchnorm }" });
    expect(r.diagnostics).toEqual([]);
    const m = new Model(r.graph!);
    m.loadStateDict(new Map([["bn.weight", { shape: [3], dtype: "F32", data: Float32Array.from(f.weight) }], ["bn.bias", { shape: [3], dtype: "F32", data: Float32Array.from(f.bias) }],
      ["bn.running_mean", { shape: [3], dtype: "F32", data: new Float32Array(3) }], ["bn.running_var", { shape: [3], dtype: "F32", data: Float32Array.of(1, 1, 1) }],
      ["bn.num_batches_tracked", { shape: [], dtype: "I64", data: BigInt64Array.of(0n) }]]));
    const [y] = m.forward([tf.tensor(f.x, f.shape)], { training: true });
    close(y.dataSync(), f.y, 1e-5);
    close(m.stateDict().get("bn.running_mean")!.data as Float32Array, f.running_mean, 1e-5);
    close(m.stateDict().get("bn.running_var")!.data as Float32Array, f.running_var, 1e-5);
    m.dispose();
  }, 30_000);
});
