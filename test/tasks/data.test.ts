// The synthetic data in VOC's layout, read back; VOC's palette; COCO boxes; and the
// augmentations that move boxes and masks with the image.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeSynth } from "../../runtime/tasks/synth.js";
import { taskDataset, type TaskSplit } from "../../runtime/tasks/dataset.js";
import { readMaskPng, vocPalette } from "../../runtime/tasks/voc.js";
import { readCoco } from "../../runtime/tasks/coco.js";
import { transformSample } from "../../runtime/tasks/objective.js";
import type { Corners } from "../../runtime/tasks/boxes.js";

const tmp = () => mkdtempSync(join(tmpdir(), "netc-tasks-"));

/** The bounding box of the mask pixels that are not background inside `box`, in [x1, y1, x2, y2]. */
function extent(mask: Uint8Array, w: number, box: Corners): Corners {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let y = Math.floor(box[1]); y < Math.ceil(box[3]); y++)
    for (let x = Math.floor(box[0]); x < Math.ceil(box[2]); x++)
      if (mask[y * w + x] !== 0) [x1, y1, x2, y2] = [Math.min(x1, x), Math.min(y1, y), Math.max(x2, x + 1), Math.max(y2, y + 1)];
  return [x1, y1, x2, y2];
}

describe("synthetic data in VOC's layout", () => {
  const dir = tmp();
  let data: ReturnType<typeof taskDataset>;
  beforeAll(() => {
    writeSynth(dir, "segmentation", 10, 32, 3);
    data = taskDataset(dir, { kind: "segmentation", classes: 4 }, [3, 32, 32]);
  }, 120_000);

  it("lists every fifth image for validation, and names its classes with background first", () => {
    expect([data.train.n, data.test.n]).toEqual([8, 2]);
    expect(data.classes).toEqual(["background", "circle", "square", "triangle"]);
    expect(readFileSync(join(dir, "ImageSets", "Main", "val.txt"), "utf8")).toBe("000005\n000010\n");
  });

  it("each annotated box bounds its shape in the mask exactly, and every shape pixel is in a box", () => {
    for (const split of [data.train, data.test] as TaskSplit[])
      split.objects.forEach((objs, i) => {
        const mask = split.masks!.subarray(i * 32 * 32, (i + 1) * 32 * 32);
        for (const o of objs) expect(extent(mask, 32, o.box)).toEqual(o.box);
        mask.forEach((v, p) => v && expect(objs.some((o) => o.box[0] <= p % 32 && p % 32 < o.box[2] && o.box[1] <= (p >> 5) && (p >> 5) < o.box[3])).toBe(true));
        // inside a box: the class of its object (1-based) or 255 on the border
        for (const o of objs) expect(new Set(extent(mask, 32, o.box) && [...mask].filter((_, p) => o.box[0] <= p % 32 && p % 32 < o.box[2] && o.box[1] <= (p >> 5) && (p >> 5) < o.box[3] && mask[p]))).toEqual(new Set([o.class + 1, 255]));
      });
  });

  it("writes masks as palette PNGs with VOC's colours", () => {
    const png = readMaskPng(join(dir, "SegmentationClass", "000001.png"));
    expect([png.width, png.height]).toEqual([32, 32]);
    // the devkit's colours, as published with VOC 2012: aeroplane, bicycle, bird, and the border
    expect([vocPalette()[0], vocPalette()[1], vocPalette()[2], vocPalette()[3], vocPalette()[255]]).toEqual([[0, 0, 0], [128, 0, 0], [0, 128, 0], [128, 128, 0], [224, 224, 192]]);
  });

  it("the same seed writes the same files; another seed other ones", () => {
    const [a, b, c] = [tmp(), tmp(), tmp()];
    writeSynth(a, "detection", 3, 32, 7);
    writeSynth(b, "detection", 3, 32, 7);
    writeSynth(c, "detection", 3, 32, 8);
    const ann = (d: string) => readFileSync(join(d, "Annotations", "000002.xml"), "utf8");
    expect(ann(a)).toBe(ann(b));
    expect(ann(a)).not.toBe(ann(c));
  }, 120_000);

  it("a mismatch between the network's classes and the data's is a clear error", () => {
    expect(() => taskDataset(dir, { kind: "segmentation", classes: 21 }, [3, 32, 32])).toThrow(/predicts 21 classes; .* has 4 .*--set classes=4/);
  });
});

describe("COCO boxes", () => {
  it("reads [x, y, width, height] boxes as corners, classes in the order of their ids", () => {
    const dir = tmp();
    writeFileSync(join(dir, "annotations.json"), JSON.stringify({
      images: [{ id: 7, file_name: "a.jpg", width: 40, height: 30 }],
      annotations: [{ id: 1, image_id: 7, category_id: 5, bbox: [2, 3, 10, 4] }, { id: 2, image_id: 7, category_id: 1, bbox: [0, 0, 1, 1], iscrowd: 1 }],
      categories: [{ id: 5, name: "dog" }, { id: 1, name: "cat" }],
    }));
    const r = readCoco(join(dir, "annotations.json"));
    expect(r.classes).toEqual(["cat", "dog"]);
    expect(r.samples[0].objects).toEqual([{ class: 1, box: [2, 3, 12, 7] }]);
    expect(r.samples[0].file).toBe(join(dir, "images", "a.jpg"));
  });
});

describe("augmentations move boxes and masks with the image", () => {
  it.each([
    [0, 0, true],
    [3, -2, false],
    [-4, 4, true],
  ])("shift (%i, %i), flip %s", (dx, dy, flip) => {
    const [w, h] = [16, 12];
    const box: Corners = [3, 2, 9, 7];
    const mask = new Uint8Array(w * h);
    const img = new Float32Array(2 * w * h);
    for (let y = box[1]; y < box[3]; y++) for (let x = box[0]; x < box[2]; x++) (mask[y * w + x] = 2), (img[y * w + x] = 1), (img[w * h + y * w + x] = 1);
    const t = transformSample(img, [2, h, w], mask, [{ class: 1, box }], { dx, dy, flip });
    expect(t.objects).toHaveLength(1);
    const moved = t.objects[0].box;
    expect(extent(t.mask!.map((v) => (v === 2 ? 2 : 0)), w, [0, 0, w, h])).toEqual(moved);
    const fromImage = extent(Uint8Array.from(t.img.subarray(w * h), (v) => v), w, [0, 0, w, h]);
    expect(fromImage).toEqual(moved);
  });

  it("a box moved mostly out of the image is dropped; what comes in is ignored in the mask", () => {
    const t = transformSample(new Float32Array(8 * 8), [1, 8, 8], new Uint8Array(64), [{ class: 0, box: [0, 0, 3, 3] }], { dx: 2, dy: 2, flip: false });
    expect(t.objects).toEqual([]);
    expect(t.mask![7 * 8 + 7]).toBe(255);
  });
});
