// Whole library networks through netc's runtime against PyTorch: ConvNeXt-Tiny,
// MobileNetV3-Small, ShuffleNetV2 x0.5, SSDlite (both head outputs), the U-Net on a
// 3x64x64 input and DeepLabV3 with its auxiliary head on 3x48x48, with weights and input
// generated from one formula on both sides (test/support/seeded-weights.ts and its twin
// in scripts/gen-torch-network-values.py), PyTorch's outputs committed (every k-th value
// of the large ones) as test/fixtures/torch-network-values.json. Each output agrees
// within 1e-5 of its scale.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { findLibraryNetwork } from "../../compiler/modules.js";
import { summaryJson } from "../../compiler/summary.js";
import { tf, useBackend } from "../../runtime/backend.js";
import { Model } from "../../runtime/model.js";
import { nameSeed, seededStateDict, seededUniform } from "../support/seeded-weights.js";

interface Output { name: string | null; shape: number[]; stride: number; scale: number; y: number[] }
interface Case { network: string; input: number[]; outputs: Output[] }
const { cases } = JSON.parse(readFileSync(new URL("../fixtures/torch-network-values.json", import.meta.url), "utf8")) as { cases: Case[] };

/** The largest difference over the kept values (every stride-th), relative to the output's largest magnitude. */
function relativeError(got: ArrayLike<number>, want: Output): number {
  let diff = 0;
  want.y.forEach((v, i) => (diff = Math.max(diff, Math.abs(got[i * want.stride] - v))));
  return diff / Math.max(want.scale, 1e-12);
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

  it("has the six networks", () =>
    expect(cases.map((c) => c.network)).toEqual(["convnext_tiny", "mobilenet_v3_small", "shufflenet_v2_x0_5", "ssdlite320_mobilenet_v3_large", "unet", "deeplabv3_resnet50_aux"]));

  for (const c of cases) {
    it(`${c.network} on ${c.input.join("x")}: outputs within 1e-5 of PyTorch's`, async () => {
      const r = await compileFile(findLibraryNetwork(c.network)!, { network: c.network, input: c.input.join("x") });
      expect(r.diagnostics).toEqual([]);
      const model = new Model(r.graph!);
      model.loadStateDict(seededStateDict(summaryJson(r.graph!, r.counts!).tensors));
      const x = tf.tensor(Float32Array.from(seededUniform("input", c.input.reduce((a, b) => a * b, 1))), [1, ...c.input]);
      const ys = model.forward([x]);
      expect(ys.map((y) => y.shape)).toEqual(c.outputs.map((o) => [1, ...o.shape]));
      for (const [i, want] of c.outputs.entries()) {
        if (want.name !== null) expect(r.graph!.outputs[i].name).toBe(want.name);
        const err = relativeError((await ys[i].data()) as Float32Array, want);
        console.log(`${c.network}${want.name ? ` ${want.name}` : ""}: largest difference ${err.toExponential(1)} of the output's scale`);
        expect(err).toBeLessThan(1e-5);
      }
      tf.dispose([x, ...ys]);
      model.dispose();
    }, 600_000); // seconds of CPU each; minutes when the machine is loaded
  }
});
