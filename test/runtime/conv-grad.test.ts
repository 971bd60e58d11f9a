// netc's Conv2D gradient (runtime/grad-kernels/conv-grad.ts) on the wasm backend, against
// PyTorch's autograd (fixtures from scripts/gen-grad-kernel-fixtures.py: strides 1, 2
// and 3, padding, 1x1 shortcuts, an even kernel padded "same", batch 1) and against
// TensorFlow.js's own gradient kernels on the cpu backend; and wasm's Identity, which
// now shares its input's memory.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../runtime/backend.js";
import { loadGradients } from "../../runtime/train.js";
import { registerWasmFallbacks } from "../../runtime/fallback.js";
import { turnFilter } from "../../runtime/grad-kernels/conv-grad.js";

interface ConvCase {
  stride: number; pad: number | "same"; shape: number[]; weightShape: number[]; outShape: number[];
  x: number[]; weight: number[]; y: number[]; dy: number[]; dx: number[]; dweight: number[];
}
const cases: ConvCase[] = JSON.parse(readFileSync(new URL("fixtures/grad-kernels.json", import.meta.url), "utf8")).conv;

beforeAll(async () => {
  await useBackend("wasm");
  await loadGradients();
  registerWasmFallbacks();
});

function close(got: ArrayLike<number>, want: ArrayLike<number>, tol: number) {
  expect(got.length).toBe(want.length);
  const scale = Math.max(1, ...Array.from(want, Math.abs));
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(tol * scale);
}

const nhwc = (c: ConvCase) => tf.transpose(tf.tensor4d(c.x, c.shape as never), [0, 2, 3, 1]) as tf.Tensor4D;
const hwio = (c: ConvCase) => tf.transpose(tf.tensor4d(c.weight, c.weightShape as never), [2, 3, 1, 0]) as tf.Tensor4D;
const dyOf = (c: ConvCase) => tf.transpose(tf.tensor4d(c.dy, c.outShape as never), [0, 2, 3, 1]) as tf.Tensor4D;
const padOf = (c: ConvCase) => (c.pad === "same" ? "same" : [[0, 0], [c.pad, c.pad], [c.pad, c.pad], [0, 0]]) as never;
const label = (c: ConvCase) => `${c.weightShape[2]}x${c.weightShape[3]} stride ${c.stride} pad ${c.pad}, batch ${c.shape[0]}`;

/** y, dx and dW (in PyTorch's layouts) by tf.grads of sum(conv(x, w) · dy), and the kernels it ran. */
async function ours(c: ConvCase) {
  const [x, w, dy] = [nhwc(c), hwio(c), dyOf(c)];
  let out: { y: Float32Array; dx: Float32Array; dw: Float32Array } | undefined;
  const profile = await tf.profile(() => {
    const y = tf.conv2d(x, w, c.stride, padOf(c));
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, padOf(c)), dy)))([x, w]);
    out = {
      y: tf.transpose(y, [0, 3, 1, 2]).dataSync() as Float32Array,
      dx: tf.transpose(dx, [0, 3, 1, 2]).dataSync() as Float32Array,
      dw: tf.transpose(dw, [3, 2, 0, 1]).dataSync() as Float32Array,
    };
  });
  tf.dispose([x, w, dy]);
  return { ...out!, kernels: profile.kernelNames };
}

describe("the convolution's gradient on wasm", () => {
  for (const c of cases)
    it(`equals PyTorch's autograd: ${label(c)}`, async () => {
      const r = await ours(c);
      expect(tf.getBackend()).toBe("wasm");
      close(r.y, c.y, 2e-5);
      close(r.dx, c.dx, 2e-5);
      close(r.dw, c.dweight, 2e-5);
      // wasm has no Conv2DBackpropFilter (it would run on the cpu backend); the input
      // gradient at stride 1 is a convolution with the filter turned in one pass (at
      // larger strides wasm's Conv2DBackpropInput: a convolution of the output gradient
      // dilated by the stride measured no faster)
      expect(r.kernels).not.toContain("Conv2DBackpropFilter");
      expect(r.kernels).not.toContain("Reverse");
      if (c.stride === 1) expect(r.kernels).toContain("NetcTurnFilter");
      if (c.stride === 1) expect(r.kernels).not.toContain("Conv2DBackpropInput");
    });

  it("equals TensorFlow.js's Conv2DBackpropInput and Conv2DBackpropFilter on the cpu backend, for every case", async () => {
    const mine: Awaited<ReturnType<typeof ours>>[] = [];
    for (const c of cases) mine.push(await ours(c));
    await useBackend("cpu");
    try {
      cases.forEach((c, i) => {
        const [x, w, dy] = [nhwc(c), hwio(c), dyOf(c)];
        const attrs = { strides: c.stride, pad: padOf(c), dataFormat: "NHWC", dimRoundingMode: undefined };
        const dx = tf.engine().runKernel("Conv2DBackpropInput", { dy, filter: w } as never, { ...attrs, inputShape: x.shape } as never) as tf.Tensor;
        const dw = tf.engine().runKernel("Conv2DBackpropFilter", { x, dy } as never, { ...attrs, filterShape: w.shape } as never) as tf.Tensor;
        close(mine[i].dx, tf.transpose(dx, [0, 3, 1, 2]).dataSync(), 1e-5);
        close(mine[i].dw, tf.transpose(dw, [3, 2, 0, 1]).dataSync(), 1e-5);
        tf.dispose([x, w, dy, dx, dw]);
      });
    } finally {
      await useBackend("wasm");
    }
  });
});

describe("turning a filter for the input gradient", () => {
  it("reverses both spatial axes and swaps the channels, by hand on a 2x3x2x1 filter", () => {
    // f[a, b, i, 0] = 10a + 3b + i (values 0..14); turned [2, 3, 1, 2]: t[a, b, 0, i] = f[1-a, 2-b, i, 0]
    const f = Float32Array.from({ length: 12 }, (_, k) => { const [a, b, i] = [Math.floor(k / 6), Math.floor(k / 2) % 3, k % 2]; return 10 * a + 3 * b + i; });
    const out = new Float32Array(12);
    turnFilter(f, [2, 3, 2, 1], out);
    expect(Array.from(out)).toEqual([16, 17, 13, 14, 10, 11, 6, 7, 3, 4, 0, 1]);
  });
});

describe("Identity on wasm", () => {
  it("shares the input's memory, and the copy outlives the original", () => {
    const backend = tf.backend() as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } };
    const a = tf.tensor1d([1.5, -2, 3]);
    const b = tf.clone(a);
    expect(backend.dataIdMap.get(b.dataId).memoryOffset).toBe(backend.dataIdMap.get(a.dataId).memoryOffset);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1.5, -2, 3]);
    b.dispose();
    const s = tf.clone(tf.tensor1d(["x", "y"], "string"));
    expect(s.dataSync()).toEqual(["x", "y"]);
  });
});
