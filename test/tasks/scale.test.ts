// --augment scale (runtime/tasks/scale.ts) on cases computed by hand: a 4x4 image whose
// pixel (x, y) holds 4y + x, which bilinear resampling (align_corners=False) reproduces
// exactly away from the clamped edges, a mask of the same numbers resampled by nearest
// neighbour, and boxes moved, clipped, and dropped when nothing is left of them.
import { describe, expect, it } from "vitest";
import { randomScale, scaleSample } from "../../runtime/tasks/scale.js";
import { IGNORE } from "../../runtime/tasks/segmentation.js";

const img = Float32Array.from({ length: 16 }, (_, i) => i);
const mask = Uint8Array.from({ length: 16 }, (_, i) => i);
const at = (a: ArrayLike<number>, x: number, y: number) => a[y * 4 + x];
const box = (x1: number, y1: number, x2: number, y2: number, c = 0) => ({ class: c, box: [x1, y1, x2, y2] as [number, number, number, number] });

describe("scaleSample", () => {
  it("x2, the top-left quarter kept: bilinear pixels, nearest labels, boxes doubled and clipped", () => {
    const r = scaleSample(img, [1, 4, 4], mask, [box(0, 0, 2, 2), box(1, 1, 3, 3, 1), box(2, 2, 4, 4, 2)], { sw: 8, sh: 8, ox: 0, oy: 0 });
    // output x reads source (x + 0.5) / 2 - 0.5: x = 1 -> 0.25, x = 3 -> 1.25; y = 2 -> 0.75
    expect(at(r.img, 0, 0)).toBeCloseTo(0, 6); // -0.25 clamped to 0
    expect(at(r.img, 1, 0)).toBeCloseTo(0.25, 6);
    expect(at(r.img, 3, 2)).toBeCloseTo(4 * 0.75 + 1.25, 6);
    expect(at(r.mask!, 3, 2)).toBe(5); // source (floor(3/2), floor(2/2)) = (1, 1)
    expect(at(r.mask!, 2, 3)).toBe(5);
    expect(r.objects).toEqual([box(0, 0, 4, 4), box(2, 2, 4, 4, 1)]); // [4, 4, 8, 8] clipped to nothing: dropped
  });

  it("x0.5, padded by one pixel all round: 0 and IGNORE outside, boxes halved and shifted", () => {
    const r = scaleSample(img, [1, 4, 4], mask, [box(0, 0, 4, 4), box(0, 0, 1, 4, 1)], { sw: 2, sh: 2, ox: -1, oy: -1 });
    expect(at(r.img, 0, 0)).toBe(0);
    expect(at(r.mask!, 0, 0)).toBe(IGNORE);
    expect(at(r.img, 3, 3)).toBe(0);
    expect(at(r.mask!, 3, 3)).toBe(IGNORE);
    expect(at(r.img, 1, 1)).toBeCloseTo(2.5, 6); // source (0.5, 0.5): the mean of 0, 1, 4, 5
    expect(at(r.img, 2, 2)).toBeCloseTo(12.5, 6); // source (2.5, 2.5)
    expect(at(r.mask!, 1, 1)).toBe(0);
    expect(at(r.mask!, 2, 2)).toBe(10); // source (2, 2)
    expect(r.objects).toEqual([box(1, 1, 3, 3), box(1, 1, 1.5, 3, 1)]);
  });

  it("x2 cropped at (4, 0): a box pushed out of the frame is dropped, one inside kept", () => {
    const r = scaleSample(img, [1, 4, 4], undefined, [box(2, 2, 4, 4), box(3, 0, 4, 1, 1)], { sw: 8, sh: 8, ox: 4, oy: 0 });
    expect(at(r.img, 0, 0)).toBeCloseTo(1.75, 6); // source x (4 + 0.5) / 2 - 0.5
    expect(r.mask).toBeUndefined();
    expect(r.objects).toEqual([box(2, 0, 4, 2, 1)]); // [0, 4, 4, 8] clipped to [0, 4, 4, 4]: no height left
  });

  it("three channels move together", () => {
    const rgb = Float32Array.from({ length: 48 }, (_, i) => (i % 16) + 100 * Math.floor(i / 16));
    const r = scaleSample(rgb, [3, 4, 4], undefined, [], { sw: 2, sh: 2, ox: -1, oy: -1 });
    expect([r.img[5], r.img[16 + 5], r.img[32 + 5]].map((v) => +v.toFixed(4))).toEqual([2.5, 102.5, 202.5]);
  });
});

describe("randomScale", () => {
  it("draws the factor from the range and an offset that crops inside or pads around", () => {
    expect(randomScale(64, 64, [0.75, 1.25], () => 0)).toEqual({ sw: 48, sh: 48, ox: -16, oy: -16 });
    expect(randomScale(64, 64, [0.75, 1.25], () => 0.9999)).toEqual({ sw: 80, sh: 80, ox: 16, oy: 16 });
    const seq = [0.5, 0.3, 0.7];
    expect(randomScale(64, 32, [0.5, 1.5], () => seq.shift()!)).toEqual({ sw: 64, sh: 32, ox: 0, oy: 0 });
  });
});
