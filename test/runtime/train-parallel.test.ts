// Data-parallel training (runtime/train-parallel.ts): with the batch split between this
// thread and a worker, the weights after a few epochs equal the single-thread run's to
// float rounding (no batch norm, no dropout: nothing that depends on the split), and a
// network with batch norm still learns. Imports the build (dist/): the worker thread
// runs the compiled runtime/train-worker.js.
import { beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../dist/compiler/compile.js";
import { useBackend } from "../../dist/runtime/backend.js";
import { Model } from "../../dist/runtime/model.js";
import { Trainer, type TrainOptions } from "../../dist/runtime/train.js";
import { ParallelTrainer, weightedSum } from "../../dist/runtime/train-parallel.js";
import { tf } from "../../dist/runtime/backend.js";
import type { Dataset } from "../../dist/runtime/data.js";
import { toyImages } from "../support/toy-data.js";

const plain = `network plain(classes = 3) {
  input 2x8x8
  conv 4, 3x3, pad = 1; relu; maxpool 2x2
  conv 6, 3x3; relu; avgpool 2x2
  flatten
  linear 12; relu; linear classes
}`;
const withBn = `network bn(classes = 3) {
  input 2x8x8
  conv 4, 3x3, pad = 1; batchnorm; relu; maxpool 2x2
  flatten
  linear classes
}`;

const toy = (n: number, seed: number) => toyImages(n, seed, { pixels: 128, classes: 3, noise: 1 });
const data: Dataset = { name: "toy", shape: [2, 8, 8], classes: ["a", "b", "c"], train: toy(60, 1), test: toy(30, 2) };
const options = (o: Partial<TrainOptions> = {}): TrainOptions => ({
  epochs: 3, batch: 10, optimizer: "adam", lr: 0.01, momentum: 0, weightDecay: 0, freeze: [], seed: 3, ...o,
});

async function model(text: string) {
  const r = await compileFile("t.net", { text });
  expect(r.diagnostics).toEqual([]);
  return new Model(r.graph!, { seed: 7 });
}
const weights = (m: Model) => [...m.stateDict()].map(([k, t]) => [k, Array.from(t.data as Float32Array, Number)] as const);

beforeAll(async () => {
  await useBackend("wasm");
});

describe("data-parallel training", () => {
  it("sums the slices' gradients weighted by size, bit for bit as wasm's Mul and Add would", () => {
    expect(Array.from(weightedSum(Float32Array.of(1, 2), 0.5, [[Float32Array.of(3, 4), 0.5]]))).toEqual([2, 3]); // by hand
    let seed = 3;
    const rnd = (n: number) => Float32Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 1e-3);
    const [a, b, c] = [rnd(1000), rnd(1000), rnd(1000)];
    const ours = weightedSum(a, 11 / 32, [[b, 11 / 32], [c, 10 / 32]]);
    const kernels = tf.tidy(() => tf.add(tf.add(tf.mul(tf.tensor(a), 11 / 32), tf.mul(tf.tensor(b), 11 / 32)), tf.mul(tf.tensor(c), 10 / 32)).dataSync());
    expect(Array.from(ours)).toEqual(Array.from(kernels));
  });

  for (const [name, o] of [["adam", {}], ["sgd with momentum and weight decay", { optimizer: "sgd", lr: 0.05, momentum: 0.9, weightDecay: 0.01 }]] as const) {
    it(`equals the single-thread run (${name}; 2 and 3 threads, batches that split unevenly)`, async () => {
      for (const [threads, batch] of [[2, 10], [3, 7]]) {
        const one = await model(plain);
        const single = await new Trainer(one, data, options({ ...(o as Partial<TrainOptions>), batch })).run();
        const m = await model(plain);
        const parallel = await new ParallelTrainer(m, data, options({ ...(o as Partial<TrainOptions>), batch }), threads, "wasm").run();
        parallel.epochs.forEach((e, i) => {
          expect(e.trainLoss).toBeCloseTo(single.epochs[i].trainLoss, 4);
          expect(e.trainAccuracy).toBe(single.epochs[i].trainAccuracy);
          expect(e.testLoss).toBeCloseTo(single.epochs[i].testLoss, 4);
        });
        const [a, b] = [weights(one), weights(m)];
        expect(b.map(([k]) => k)).toEqual(a.map(([k]) => k));
        a.forEach(([, w], i) => w.forEach((v, j) => expect(Math.abs(b[i][1][j] - v)).toBeLessThan(1e-4 * (1 + Math.abs(v)))));
        one.dispose();
        m.dispose();
      }
    }, 120_000);
  }

  it("trains a network with batch norm (statistics per replica, as DDP without SyncBatchNorm)", async () => {
    const m = await model(withBn);
    const t = new ParallelTrainer(m, data, options({ epochs: 4 }), 2, "wasm");
    const r = await t.run();
    expect(r.epochs[3].trainLoss).toBeLessThan(r.epochs[0].trainLoss);
    expect(r.epochs[3].testAccuracy).toBeGreaterThan(0.9);
    // the running statistics are this thread's: num_batches_tracked counts its steps
    expect(Number(m.stateDict().get("0.num_batches_tracked")?.data[0] ?? m.stateDict().get("1.num_batches_tracked")!.data[0])).toBe(4 * 6);
    m.dispose();
  }, 120_000);
});
