// Test-time augmentation (runtime/tta.ts) against torchvision: the crops of FiveCrop,
// TenCrop and TenCrop(vertical_flip=True) after Resize and Normalize, pixel for pixel, and
// the averaged softmax probabilities of a small network with the same weights as PyTorch's
// (fixtures by scripts/gen-tta-fixtures.py).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { tf, useBackend } from "../../runtime/backend.js";
import { Model } from "../../runtime/model.js";
import { readNpy } from "../../runtime/npy.js";
import { loadWeights } from "../../runtime/index.js";
import { averagedProbabilities, defaultTtaResize, fiveCropOffsets, loadTtaInput, type TtaMode } from "../../runtime/tta.js";

const fixture = (f: string) => fileURLToPath(new URL(`fixtures/${f}`, import.meta.url));
const expected = JSON.parse(readFileSync(fixture("expected.json"), "utf8"));
const MODES: [string, TtaMode, boolean][] = [["five-crop", "five-crop", false], ["ten-crop", "ten-crop", false], ["ten-crop-vertical", "ten-crop", true]];

describe("five_crop's offsets", () => {
  it("corners, then the centre rounded as Python's round() (half to even)", () => {
    // 21 wide, 18 high, 16x16 crops: the centre's left is round(2.5) = 2, its top round(1.0) = 1
    expect(fiveCropOffsets(18, 21, 16, 16)).toEqual([[0, 0], [0, 5], [2, 0], [2, 5], [1, 2]]);
    expect(fiveCropOffsets(23, 23, 16, 16)[4]).toEqual([4, 4]); // round(3.5) = 4
    expect(fiveCropOffsets(16, 16, 16, 16)).toEqual(Array(5).fill([0, 0]));
  });
  it("the default resize is the input's side times 256/224", () => {
    expect(defaultTtaResize(224, 224)).toBe(256);
    expect(defaultTtaResize(16, 16)).toBe(18);
    expect(defaultTtaResize(64, 48)).toBe(55);
  });
});

describe("the crops equal torchvision's", () => {
  for (const [name, mode, vertical] of MODES)
    it(`${name}: ${mode === "five-crop" ? 5 : 10} crops of 3x16x16, in torchvision's order`, async () => {
      const want = readNpy(new Uint8Array(readFileSync(fixture(`${name}.npy`))), name);
      const got = await loadTtaInput(fixture("image.png"), [3, 16, 16], { mode, vertical }); // default resize: 18
      expect(got.shape).toEqual(want.shape);
      let worst = 0;
      for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - want.data[i]));
      expect(worst).toBeLessThan(1e-5);
    });

  it("a crop larger than the resized image is an error naming the file", async () => {
    await expect(loadTtaInput(fixture("image.png"), [3, 16, 16], { mode: "five-crop", resize: 12 })).rejects.toThrow(/image\.png: is 14x12 after the resize, smaller than the 16x16 crops of --tta five-crop/);
  });
});

describe("the averaged prediction equals PyTorch's", () => {
  let model: Model;
  beforeAll(async () => {
    await useBackend("wasm");
    const g = (await compileFile(fixture("tta.net"))).graph!;
    model = new Model(g);
    model.loadStateDict(await loadWeights(fixture("weights.pth")));
  });
  for (const [name, mode, vertical] of MODES)
    it(name, async () => {
      const x = await loadTtaInput(fixture("image.png"), [3, 16, 16], { mode, vertical });
      const y = model.forward([tf.tensor(x.data, x.shape)])[0];
      const p = averagedProbabilities((await y.data()) as Float32Array, y.shape[0], y.shape[1]!);
      y.dispose();
      const want: number[] = expected.modes[name].probabilities;
      expect(want.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      for (let c = 0; c < 4; c++) expect(p[c]).toBeCloseTo(want[c], 5);
    });

  it("averagedProbabilities: the mean of each row's softmax", () => {
    // rows [0, ln 3] -> [1/4, 3/4] and [0, 0] -> [1/2, 1/2]: mean [3/8, 5/8]
    const p = averagedProbabilities(Float32Array.from([0, Math.log(3), 0, 0]), 2, 2);
    expect(p[0]).toBeCloseTo(3 / 8, 6);
    expect(p[1]).toBeCloseTo(5 / 8, 6);
  });
});
