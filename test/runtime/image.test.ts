import { readFileSync } from "node:fs";
import { join } from "node:path";

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { ImageError, loadImage, preprocessImage } from "../../runtime/image.js";
import { readNpy } from "../../runtime/npy.js";

const FIXTURES = join(import.meta.dirname, "fixtures");

interface Case {
  image: string;
  resize: number;
  crop: number;
  mean: number[];
  std: number[];
  grayscale: boolean;
  shape: number[];
}
const CASES = JSON.parse(readFileSync(join(FIXTURES, "images.json"), "utf8")) as Record<string, Case>;

/**
 * Max abs difference from torchvision's tensor (after normalisation), measured:
 * PNG inputs match exactly (the resampling is a port of Pillow's); JPEG inputs differ
 * by the decoders (jpeg-js against libjpeg-turbo): 4:4:4 JPEGs a little (pixels differ
 * by 2 levels of 255 at most: 0.035 max, 0.0074 mean); 4:2:0 JPEGs much more where
 * chroma has hard edges (jpeg-js replicates subsampled chroma, libjpeg-turbo
 * interpolates it: 0.366 max, 0.036 mean on this deliberately hard checkerboard image).
 */
const TOLERANCE: Record<string, { max: number; mean: number }> = {
  "photo444-jpg": { max: 0.05, mean: 0.01 },
  "photo420-jpg": { max: 0.4, mean: 0.05 },
};

function diff(a: Float32Array, b: Float32Array): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > max) max = d;
    sum += d;
  }
  return { max, mean: sum / a.length };
}

describe("image preprocessing against torchvision", () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: ${c.image}, Resize(${c.resize}), CenterCrop(${c.crop})${c.grayscale ? ", grayscale" : ""}`, async () => {
      const expected = readNpy(readFileSync(join(FIXTURES, `${name}.npy`)), `${name}.npy`);
      const got = await loadImage(join(FIXTURES, c.image), {
        resize: c.resize,
        crop: c.crop,
        mean: c.mean,
        std: c.std,
        grayscale: c.grayscale,
      });
      expect(got.shape).toEqual(expected.shape);
      const d = diff(got.data, expected.data);
      const tol = TOLERANCE[name] ?? { max: 0, mean: 0 };
      expect(d.max).toBeLessThanOrEqual(tol.max);
      expect(d.mean).toBeLessThanOrEqual(tol.mean);
    });
  }

  it("defaults to Resize(256), CenterCrop(224) and ImageNet's normalisation", async () => {
    const expected = readNpy(readFileSync(join(FIXTURES, "photo-png-default.npy")), "x");
    const got = await loadImage(join(FIXTURES, "photo.png"));
    expect(got.shape).toEqual([1, 3, 224, 224]);
    expect(diff(got.data, expected.data).max).toBe(0);
  });

  it("resizes to an exact [height, width] and skips steps given null", () => {
    const bytes = readFileSync(join(FIXTURES, "photo.png"));
    expect(preprocessImage(bytes, "p", { resize: [50, 70], crop: null }).shape).toEqual([1, 3, 50, 70]);
    expect(preprocessImage(bytes, "p", { resize: null, crop: null }).shape).toEqual([1, 3, 260, 300]);
    expect(preprocessImage(bytes, "p", { resize: null, crop: [10, 20], grayscale: true }).shape).toEqual([1, 1, 10, 20]);
  });
});

describe("bad images", () => {
  const png = readFileSync(join(FIXTURES, "photo.png"));
  const jpg = readFileSync(join(FIXTURES, "photo444.jpg"));
  const bad: [string, Uint8Array, RegExp][] = [
    ["an empty file", new Uint8Array(0), /bad\.img: the file is empty/],
    ["text", new TextEncoder().encode("hello, world"), /not a JPEG or PNG image/],
    ["a truncated PNG", png.subarray(0, 2000), /not a readable PNG image/],
    ["a PNG signature alone", png.subarray(0, 8), /not a readable PNG image/],
    ["a truncated JPEG", jpg.subarray(0, 3000), /not a readable JPEG image/],
    ["a JPEG header alone", jpg.subarray(0, 3), /not a readable JPEG image/],
  ];
  for (const [what, bytes, message] of bad) {
    it(`${what} gives an ImageError`, () => {
      expect(() => preprocessImage(bytes, "bad.img")).toThrow(ImageError);
      expect(() => preprocessImage(bytes, "bad.img")).toThrow(message);
    });
  }

  it("a missing file gives an ImageError", async () => {
    await expect(loadImage(join(FIXTURES, "missing.png"))).rejects.toThrow(ImageError);
  });

  it("mean and std must match the channels", () => {
    expect(() => preprocessImage(png, "p", { grayscale: true, mean: [0.1, 0.2, 0.3], std: [1, 1, 1] })).toThrow(/need 1 value each/);
    expect(() => preprocessImage(png, "p", { mean: [0, 0, 0], std: [1, 0, 1] })).toThrow(ImageError);
    expect(() => preprocessImage(png, "p", { crop: 0 })).toThrow(ImageError);
  });
});

describe("fuzzing: only ImageError from damaged files", () => {
  const files = ["tiny-rgba.png", "gray.png", "photo420.jpg"].map((f) => new Uint8Array(readFileSync(join(FIXTURES, f))));
  it("byte flips and truncations", () => {
    fc.assert(
      fc.property(
        fc.nat(files.length - 1),
        fc.array(fc.tuple(fc.nat(100_000), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(100_000),
        (which, flips, cut) => {
          const b = new Uint8Array(files[which]!);
          for (const [i, v] of flips) b[i % b.length] = v;
          for (const x of [b, b.subarray(0, cut % (b.length + 1))]) {
            try {
              preprocessImage(x, "fuzz.img", { resize: null, crop: 16 });
            } catch (e) {
              if (!(e instanceof ImageError)) throw e;
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
