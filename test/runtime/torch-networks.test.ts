// Whole library networks through netc's runtime against PyTorch: ConvNeXt-Tiny,
// MobileNetV3-Small and ShuffleNetV2 x0.5 on a 3x64x64 input, with weights and input
// generated from one formula on both sides (test/support/seeded-weights.ts and its twin
// in scripts/gen-torch-network-values.py), torchvision's outputs committed as
// test/fixtures/torch-network-values.json. The outputs agree within 1e-5 of their scale.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { findLibraryNetwork } from "../../compiler/modules.js";
import { summaryJson } from "../../compiler/summary.js";
import { tf, useBackend } from "../../runtime/backend.js";
import { Model } from "../../runtime/model.js";
import { nameSeed, seededStateDict, seededUniform } from "../support/seeded-weights.js";

interface Case { network: string; input: number[]; output: number[]; y: number[] }
const { cases } = JSON.parse(readFileSync(new URL("../fixtures/torch-network-values.json", import.meta.url), "utf8")) as { cases: Case[] };

/** The largest difference, relative to the largest magnitude of the expected output. */
function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let [diff, scale] = [0, 0];
  for (let i = 0; i < want.length; i++) [diff, scale] = [Math.max(diff, Math.abs(got[i] - want[i])), Math.max(scale, Math.abs(want[i]))];
  return diff / Math.max(scale, 1e-12);
}

describe("seeded weights", () => {
  it("hash the name as FNV-1a and give values in [-1, 1)", () => {
    expect(nameSeed("")).toBe(0x811c9dc5);
    expect(nameSeed("a")).toBe(0xe40c292c); // FNV-1a's published value for "a"
    const u = seededUniform("input", 10_000);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(Math.abs(u.reduce((a, b) => a + b, 0) / u.length)).toBeLessThan(0.05);
  });
});

describe("whole networks against PyTorch (wasm backend)", () => {
  beforeAll(async () => {
    await useBackend("wasm");
  });

  it("has the three networks", () => expect(cases.map((c) => c.network)).toEqual(["convnext_tiny", "mobilenet_v3_small", "shufflenet_v2_x0_5"]));

  for (const c of cases) {
    it(`${c.network} on ${c.input.join("x")}: outputs within 1e-5 of torchvision's`, async () => {
      const r = await compileFile(findLibraryNetwork(c.network)!, { network: c.network, input: c.input.join("x") });
      expect(r.diagnostics).toEqual([]);
      const model = new Model(r.graph!);
      model.loadStateDict(seededStateDict(summaryJson(r.graph!, r.counts!).tensors));
      const x = tf.tensor(Float32Array.from(seededUniform("input", c.input.reduce((a, b) => a * b, 1))), [1, ...c.input]);
      const [y] = model.forward([x]);
      expect(y.shape).toEqual([1, ...c.output]);
      const err = relativeError((await y.data()) as Float32Array, c.y);
      console.log(`${c.network}: largest difference ${err.toExponential(1)} of the output's scale`);
      expect(err).toBeLessThan(1e-5);
      tf.dispose([x, y]);
      model.dispose();
    }, 120_000);
  }
});
