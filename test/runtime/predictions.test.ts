// Reading a classifier's output and preparing its input (what `netc run` does around
// the forward pass), with expected values worked out by hand.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sym } from "../../compiler/symbolic.js";
import { loadInput } from "../../runtime/input.js";
import { writeNpy } from "../../runtime/npy.js";
import { classMap, LabelsError, readLabels, topClasses } from "../../runtime/predictions.js";

const PHOTO = fileURLToPath(new URL("./fixtures/photo.png", import.meta.url));
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "netc-predictions-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("top classes", () => {
  it("softmax probabilities, best first: scores 0, ln 3 give 1/4 and 3/4", () => {
    const r = topClasses(Float32Array.of(0, Math.log(3)), [1, 2], 5);
    expect(r.map((x) => x.index)).toEqual([1, 0]);
    expect(r[0].probability).toBeCloseTo(0.75, 6);
    expect(r[1].probability).toBeCloseTo(0.25, 6);
  });

  it("the first sample of a batch, k of them", () => {
    const r = topClasses(Float32Array.of(5, 1, 3, /* second sample */ 0, 9, 0), [2, 3], 2);
    expect(r.map((x) => [x.index, x.score])).toEqual([[0, 5], [2, 3]]);
  });
});

describe("class maps", () => {
  it("each cell's top class and the scores averaged over the cells", () => {
    // 2 classes on a 1x2 map: cell (0,0) scores [1, 4], cell (0,1) scores [3, 2]
    const { grid, mean } = classMap(Float32Array.of(1, 3, 4, 2), [1, 2, 1, 2]);
    expect(grid).toEqual([[1, 0]]);
    expect(Array.from(mean)).toEqual([2, 3]);
  });
});

describe("labels", () => {
  it("imagenet, or one name per line of a file; a missing file is a LabelsError", () => {
    expect(readLabels("imagenet")[0]).toBe("tench");
    const f = join(dir, "labels.txt");
    writeFileSync(f, "cat\r\ndog\n\n");
    expect(readLabels(f)).toEqual(["cat", "dog"]);
    expect(() => readLabels(join(dir, "absent.txt"))).toThrow(LabelsError);
  });
});

describe("inputs", () => {
  it("an image takes the network's size: ImageNet's transform for 224x224, exact resize otherwise, as it is for HxW", async () => {
    expect((await loadInput(PHOTO, [3, 224, 224])).shape).toEqual([1, 3, 224, 224]);
    expect((await loadInput(PHOTO, [1, 28, 28])).shape).toEqual([1, 1, 28, 28]);
    const asIs = await loadInput(PHOTO, [3, Sym.variable("H"), Sym.variable("W")]);
    const cropped = await loadInput(PHOTO, [3, Sym.variable("H"), Sym.variable("W")], { resize: 0, crop: 32 });
    expect(asIs.shape.slice(0, 2)).toEqual([1, 3]);
    expect(cropped.shape).toEqual([1, 3, 32, 32]);
  });

  it("a .npy array without a batch axis gets one", async () => {
    const f = join(dir, "x.npy");
    writeFileSync(f, writeNpy([3, 2, 2], new Float32Array(12).fill(0.5)));
    const a = await loadInput(f, [3, 2, 2]);
    expect(a.shape).toEqual([1, 3, 2, 2]);
    expect(a.data[11]).toBe(0.5);
  });
});
