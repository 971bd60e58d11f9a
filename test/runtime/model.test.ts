// The executor: memory stays flat, state dicts round-trip, weights that do not fit are
// all listed, fusion and grouped-convolution lowering compute what the plain forms do,
// and training mode updates batch-norm statistics as PyTorch does.
import { beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { useBackend, tf } from "../../runtime/backend.js";
import { Model, WeightsMismatchError } from "../../runtime/model.js";
import type { StateTensor } from "../../runtime/state.js";

async function model(text: string, seed = 0) {
  const r = await compileFile("t.net", { text });
  expect(r.diagnostics).toEqual([]);
  return new Model(r.graph!, { seed });
}

const relative = (a: Float32Array, b: Float32Array) => {
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) [d, s] = [Math.max(d, Math.abs(a[i] - b[i])), Math.max(s, Math.abs(b[i]))];
  return d / s;
};

const small = `
block unit(c, stride) {
  residual {
    conv1: conv c, 3x3, stride = stride, pad = 1, bias = false
    bn1: batchnorm
    relu
    conv2: conv c, 3x3, pad = 1, groups = 4, bias = false
    bn2: batchnorm
  } shortcut when stride != 1 or in.channels != c {
    0: conv c, 1x1, stride = stride, bias = false
    1: batchnorm
  }
  relu6
}
network n {
  input 3x20x20
  stem: conv 16, 3x3, pad = 1
  bn: batchnorm
  relu
  a: unit(32, 2)
  b: unit(32, 1)
  globalavgpool
  flatten
  fc: linear 5
}`;

beforeAll(async () => {
  await useBackend("wasm");
});

/** Random, non-trivial batch-norm statistics and weights, so that folding has work to do. */
function randomize(m: Model, seed: number) {
  const sd = m.stateDict();
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (const [name, t] of sd)
    if (t.dtype === "F32") for (let i = 0; i < t.data.length; i++) (t.data as Float32Array)[i] = name.endsWith("running_var") ? 0.5 + rnd() : rnd() - 0.5;
  m.loadStateDict(sd);
}

describe("the executor", () => {
  it("keeps the number of live tensors flat over many calls", async () => {
    const m = await model(small);
    const x = tf.randomNormal([2, 3, 20, 20]);
    tf.dispose(m.forward([x])); // the folded weights of the fused convolutions now exist
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) tf.dispose(m.forward([x], { fuse: i % 2 === 0 }));
    for (let i = 0; i < 5; i++) tf.dispose(m.forward([x], { training: true })); // drops the folded weights
    tf.dispose(m.forward([x])); // and folds them again
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    m.dispose();
  });

  it("gives the same output with batch norm folded and activations fused", async () => {
    const m = await model(small);
    randomize(m, 7);
    const x = tf.randomNormal([3, 3, 20, 20]);
    const [plain] = m.forward([x], { fuse: false });
    const [fused] = m.forward([x], { fuse: true });
    expect(relative(fused.dataSync() as Float32Array, plain.dataSync() as Float32Array)).toBeLessThan(1e-5);
    tf.dispose([x, plain, fused]);
  });

  it("round-trips a state dict exactly, in PyTorch's layout", async () => {
    const a = await model(small, 1);
    randomize(a, 3);
    const sd = a.stateDict();
    expect(sd.get("a.conv2.weight")!.shape).toEqual([32, 8, 3, 3]); // [out, in/groups, kh, kw]
    expect(sd.get("fc.weight")!.shape).toEqual([5, 32]);
    expect(sd.get("bn.num_batches_tracked")!.dtype).toBe("I64");
    const b = await model(small, 2);
    b.loadStateDict(sd);
    for (const [name, t] of b.stateDict()) expect(Array.from(t.data as Float32Array), name).toEqual(Array.from(sd.get(name)!.data as Float32Array));
  });

  it("lists every missing, unexpected and wrongly shaped tensor in one error; loads what fits when not strict", async () => {
    const m = await model(small);
    const sd = m.stateDict();
    sd.delete("fc.bias");
    sd.set("extra.weight", { shape: [1], dtype: "F32", data: new Float32Array(1) });
    sd.set("stem.weight", { shape: [16, 3, 5, 5], dtype: "F32", data: new Float32Array(16 * 75) });
    let error: unknown;
    try {
      m.loadStateDict(sd);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WeightsMismatchError);
    const msg = (error as Error).message;
    expect(msg).toContain("missing: fc.bias");
    expect(msg).toContain("unexpected: extra.weight");
    expect(msg).toContain("wrong shape: stem.weight: expected [16, 3, 3, 3], got [16, 3, 5, 5]");
    const report = m.loadStateDict(sd, { strict: false });
    expect(report.missing).toEqual(["fc.bias"]);
    expect(report.loaded).toContain("fc.weight");
  });

  it("rejects an input of the wrong shape with a clear message", async () => {
    const m = await model(small);
    const x = tf.zeros([1, 3, 21, 20]);
    expect(() => m.forward([x])).toThrow(/input input must be N x 3x20x20 .* got 1x3x21x20/);
    x.dispose();
  });

  it("lowers a grouped convolution with few channels per group exactly (against the same weights made dense)", async () => {
    // 64 -> 64 channels in 32 groups: 2 input channels a group, computed as 2 depthwise convolutions.
    const grouped = await model("network g { input 64x9x9; c: conv 64, 3x3, pad = 1, groups = 32 }");
    const dense = await model("network d { input 64x9x9; c: conv 64, 3x3, pad = 1 }");
    const w = grouped.stateDict().get("c.weight")! as StateTensor & { data: Float32Array };
    const full = new Float32Array(64 * 64 * 9);
    for (let o = 0; o < 64; o++) {
      const g = Math.floor(o / 2);
      for (let j = 0; j < 2; j++) for (let k = 0; k < 9; k++) full[(o * 64 + g * 2 + j) * 9 + k] = w.data[(o * 2 + j) * 9 + k];
    }
    dense.loadStateDict(new Map([["c.weight", { shape: [64, 64, 3, 3], dtype: "F32", data: full }], ["c.bias", grouped.stateDict().get("c.bias")!]]));
    const x = tf.randomNormal([2, 64, 9, 9]);
    const [a] = grouped.forward([x]);
    const [b] = dense.forward([x]);
    expect(relative(a.dataSync() as Float32Array, b.dataSync() as Float32Array)).toBeLessThan(1e-5);
    tf.dispose([x, a, b]);
  });

  it("updates batch-norm running statistics in training mode as PyTorch does", async () => {
    const m = await model("network b { input 2x3x3; bn: batchnorm momentum = 0.5 }");
    const data = Float32Array.from({ length: 4 * 18 }, (_, i) => Math.sin(i) * 3 + (i % 2));
    const x = tf.tensor(data, [4, 2, 3, 3]);
    tf.dispose(m.forward([x], { training: true }));
    const sd = m.stateDict();
    // By hand: per channel, the batch mean; the unbiased variance (n - 1 = 35); momentum 0.5 from (0, 1).
    for (let c = 0; c < 2; c++) {
      const v: number[] = [];
      for (let n = 0; n < 4; n++) for (let k = 0; k < 9; k++) v.push(data[n * 18 + c * 9 + k]);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const unbiased = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1);
      expect(sd.get("bn.running_mean")!.data[c]).toBeCloseTo(0.5 * mean, 5);
      expect(sd.get("bn.running_var")!.data[c]).toBeCloseTo(0.5 + 0.5 * unbiased, 4);
    }
    expect(sd.get("bn.num_batches_tracked")!.data[0]).toBe(1n);
    x.dispose();
  });
});
