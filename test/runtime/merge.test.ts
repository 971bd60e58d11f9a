// add and mul of values of different ranks, at every batch size: each sample is merged
// with its own value, never with another sample's. The expected numbers are computed
// here in plain JavaScript from the input and the model's own weights.
import { beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { tf, useBackend } from "../../runtime/backend.js";
import { Model } from "../../runtime/model.js";

beforeAll(async () => {
  await useBackend("cpu");
});

/** x (N, 4, 5, 6) op linear(mean of x over H, W), with the linear's 6 outputs along the last axis. */
function reference(x: Float32Array, n: number, w: Float32Array, b: Float32Array, op: "add" | "mul"): Float32Array {
  const out = new Float32Array(x.length);
  for (let s = 0; s < n; s++) {
    const mean = [0, 1, 2, 3].map((c) => {
      let sum = 0;
      for (let i = 0; i < 30; i++) sum += x[s * 120 + c * 30 + i];
      return sum / 30;
    });
    const y = [0, 1, 2, 3, 4, 5].map((j) => b[j] + mean.reduce((acc, m, c) => acc + w[j * 4 + c] * m, 0));
    for (let i = 0; i < 120; i++) out[s * 120 + i] = op === "add" ? x[s * 120 + i] + y[i % 6] : x[s * 120 + i] * y[i % 6];
  }
  return out;
}

describe("add and mul of different ranks", () => {
  for (const op of ["add", "mul"] as const)
    for (const n of [1, 2, 5]) {
      it(`${op} { identity; { globalavgpool; flatten; linear 6 } } at batch ${n}`, async () => {
        const r = await compileFile("merge.net", { text: `network m {\n  input 4x5x6\n  ${op} {\n    identity\n    {\n      globalavgpool\n      flatten\n      linear 6\n    }\n  }\n}\n` });
        expect(r.diagnostics).toEqual([]);
        const model = new Model(r.graph!, { seed: 3 });
        const sd = model.stateDict();
        const [wName, bName] = [...sd.keys()];
        const x = Float32Array.from({ length: n * 120 }, (_, i) => Math.sin(i * 0.37) * 2);
        const [y] = model.forward([tf.tensor(x, [n, 4, 5, 6])]);
        expect(y.shape).toEqual([n, 4, 5, 6]);
        const got = y.dataSync() as Float32Array;
        const want = reference(x, n, sd.get(wName)!.data as Float32Array, sd.get(bName)!.data as Float32Array, op);
        let worst = 0;
        for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
        expect(worst).toBeLessThan(1e-5);
        y.dispose();
        model.dispose();
      });
    }
});
