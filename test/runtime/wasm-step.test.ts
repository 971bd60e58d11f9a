// The kernels netc registers on wasm for training (runtime/grad-kernels/wasm-step.ts):
// BatchMatMul with transposed operands equals TensorFlow.js's cpu backend and a product
// worked by hand; so do a bias's Add and Sum; max-pool's gradient keeps the first maximum.
import { beforeAll, describe, expect, it } from "vitest";
import { useBackend, tf } from "../../runtime/backend.js";
import { registerWasmStepKernels } from "../../runtime/grad-kernels/wasm-step.js";
import { loadGradients } from "../../runtime/train.js";

beforeAll(async () => {
  await useBackend("wasm");
  await loadGradients();
  registerWasmStepKernels();
});

/** Deterministic values in [-1, 1). */
const values = (n: number, seed: number) => {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 1073741824) - 1);
};

describe("BatchMatMul on wasm with transposed operands", () => {
  it("is registered once, and a second call changes nothing", () => {
    expect((tf.getKernel("BatchMatMul", "wasm")!.kernelFunc as { netc?: boolean }).netc).toBe(true);
    expect(registerWasmStepKernels()).toEqual([]);
  });

  it("equals a product worked by hand", () => {
    // a = [[1, 2], [3, 4]], b = [[5, 6], [7, 8]]: a b^T = [[17, 23], [39, 53]], a^T b = [[26, 30], [38, 44]]
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    const b = tf.tensor2d([[5, 6], [7, 8]]);
    expect(Array.from(tf.matMul(a, b, false, true).dataSync())).toEqual([17, 23, 39, 53]);
    expect(Array.from(tf.matMul(a, b, true, false).dataSync())).toEqual([26, 30, 38, 44]);
    expect(Array.from(tf.matMul(a, b, true, true).dataSync())).toEqual([23, 31, 34, 46]);
  });

  it("equals TensorFlow.js's cpu backend for every transposition, batched and broadcast, without leaking memory", { timeout: 30_000 }, async () => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[32, 256], [120, 256], false, true], // a linear layer's forward
      [[32, 120], [32, 256], true, false], // its weight gradient
      [[7, 5], [3, 7], true, true],
      [[4, 6, 5], [4, 3, 5], false, true], // batched
      [[2, 5, 6], [1, 5, 3], true, false], // b broadcast over the batch
      [[3, 4], [4, 2], false, false],
    ];
    const run = () => cases.map(([sa, sb, ta, tb], i) => tf.tidy(() => {
      const a = tf.tensor(values(sa.reduce((x, y) => x * y), i + 1), sa);
      const b = tf.tensor(values(sb.reduce((x, y) => x * y), i + 7), sb);
      return { shape: tf.matMul(a, b, ta, tb).shape, data: tf.matMul(a, b, ta, tb).dataSync() };
    }));
    const before = tf.backend().numDataIds(); // wasm's allocations: the transposed copies freed
    const ours = run();
    expect(tf.backend().numDataIds()).toBe(before);
    await useBackend("cpu");
    try {
      run().forEach((ref, i) => {
        expect(ours[i].shape).toEqual(ref.shape);
        let worst = 0;
        ref.data.forEach((v, k) => (worst = Math.max(worst, Math.abs(ours[i].data[k] - v))));
        expect(worst).toBeLessThan(1e-4);
      });
    } finally {
      await useBackend("wasm");
    }
  });
});

describe("a bias over channels on wasm (Add and its gradient's Sum)", () => {
  /** Runs f on wasm and on the cpu backend; the shapes and values are compared. */
  const againstCpu = async (f: () => tf.Tensor[], tolerance: number) => {
    const before = tf.backend().numDataIds();
    const ours = tf.tidy(f).map((t) => ({ shape: t.shape, data: t.dataSync(), t }));
    ours.forEach((o) => o.t.dispose());
    expect(tf.backend().numDataIds()).toBe(before); // the laid-out bias and the ones freed
    await useBackend("cpu");
    try {
      tf.tidy(f).forEach((ref, i) => {
        expect(ours[i].shape).toEqual(ref.shape);
        const data = ref.dataSync();
        expect(ours[i].data.length).toBe(data.length);
        let worst = 0; // the largest relative difference (one expect: 110,000 would take seconds)
        data.forEach((v, k) => (worst = Math.max(worst, Math.abs((ours[i].data[k] as number) - (v as number)) / Math.max(1, Math.abs(v as number)))));
        expect(worst).toBeLessThanOrEqual(tolerance);
      });
    } finally {
      await useBackend("wasm");
    }
  };
  const t = (shape: number[], seed: number) => tf.tensor(values(shape.reduce((a, b) => a * b), seed), shape);

  it("adds exactly as the cpu backend: 4-d and 2-d, a bias of rank 1 or padded with ones, on either side, and shapes it does not handle", { timeout: 30_000 }, async () => {
    await againstCpu(() => [
      tf.add(t([32, 24, 24, 6], 1), t([6], 2)),
      tf.add(t([3, 5], 3), t([5], 4)),
      tf.add(t([1, 1, 7], 5), t([2, 3, 3, 7], 6)),
      tf.add(t([4, 3], 7), t([4, 1], 8)), // broadcast along another axis: wasm's own
      tf.add(t([4, 3], 9), t([4, 3], 10)),
    ], 0);
    // by hand: [[1, 2], [3, 4]] + [10, 20]
    expect(Array.from(tf.add(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor1d([10, 20])).dataSync())).toEqual([11, 22, 13, 24]);
  });

  it("sums over the leading axes as the cpu backend, keeping dimensions or not, and delegates other axes", { timeout: 30_000 }, async () => {
    await againstCpu(() => [
      tf.sum(t([32, 24, 24, 6], 11), [0, 1, 2]),
      tf.sum(t([32, 8, 8, 16], 12), [2, 0, 1], true),
      tf.sum(t([32, 120], 13), 0),
      tf.sum(t([4, 5, 6], 14), [1, 2]),
      tf.sum(t([4, 5], 15)),
    ], 1e-5);
    expect(Array.from(tf.sum(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), 0).dataSync())).toEqual([9, 12]);
  });
});

describe("max-pool's gradient on wasm, 2x2 windows", () => {
  it("sends each window's gradient to its first maximum, as PyTorch's (ties included)", async () => {
    const { registerWasmFallbacks } = await import("../../runtime/fallback.js");
    registerWasmFallbacks();
    // NHWC 1x2x4x1: the left window all ones (a tie: the top-left gets it), the right one's maximum bottom-right
    const x = tf.tensor4d([1, 1, 0, 2, 1, 1, 3, 4], [1, 2, 4, 1]);
    const dy = tf.tensor4d([5, 7], [1, 1, 2, 1]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 0), dy)))(x);
    expect(Array.from(g.dataSync())).toEqual([5, 0, 0, 0, 0, 0, 0, 7]);
  });
});
