// netc's own gradient kernels (runtime/grad-kernels/): on the wasm backend, working in its
// WebAssembly heap, each against TensorFlow.js's composite on the cpu backend and
// against PyTorch's autograd (fixtures from scripts/gen-grad-kernel-fixtures.py).
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../runtime/backend.js";
import { loadGradients } from "../../runtime/train.js";
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
