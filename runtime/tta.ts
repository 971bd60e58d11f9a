// Test-time augmentation for classification, as AlexNet's paper and torchvision do it:
// the image resized so that its shorter side is `resize` (default: the network's input
// side times 256/224, ImageNet's 256 for 224), then torchvision's FiveCrop (the four
// corners and the centre, each the network's input size) or TenCrop (those five, then
// the same five of the horizontally flipped image; of the vertically flipped one with
// `vertical`). The network sees the crops as one batch and the predictions are averaged:
// the mean of the crops' softmax probabilities.
import { tf } from "./backend.js";
import { folderFiles } from "./data.js";
import { ImageError, loadImage, type ImageTensor } from "./image.js";
import { RuntimeError } from "./kernels.js";
import type { Model } from "./model.js";

export type TtaMode = "five-crop" | "ten-crop";
export const TTA_MODES: readonly TtaMode[] = ["five-crop", "ten-crop"];

export interface TtaOptions {
  mode: TtaMode;
  /** The shorter side before cropping (default: `defaultTtaResize`). */
  resize?: number;
  /** ten-crop: flip vertically instead of horizontally (TenCrop's vertical_flip). */
  vertical?: boolean;
  mean?: number[];
  std?: number[];
}

/** The shorter side the image is resized to: the input's shorter side times 256/224, rounded. */
export const defaultTtaResize = (h: number, w: number) => Math.round((Math.min(h, w) * 256) / 224);

/** Python's round() (half to even), as torchvision's center_crop offsets use it. */
const roundHalfEven = (x: number) => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/**
 * torchvision's five_crop: the [top, left] of each ch x cw crop of an h x w image, in its
 * order: top-left, top-right, bottom-left, bottom-right, centre.
 */
export function fiveCropOffsets(h: number, w: number, ch: number, cw: number): [number, number][] {
  return [[0, 0], [0, w - cw], [h - ch, 0], [h - ch, w - cw], [roundHalfEven((h - ch) / 2), roundHalfEven((w - cw) / 2)]];
}

/** The crops of a [1, C, H, W] image as one [n, C, ch, cw] batch (n = 5 or 10), in torchvision's order. */
export function ttaCrops(img: ImageTensor, ch: number, cw: number, mode: TtaMode, vertical = false, file = "the image"): { shape: number[]; data: Float32Array } {
  const [, c, h, w] = img.shape;
  if (ch > h || cw > w)
    throw new ImageError(file, `is ${w}x${h} after the resize, smaller than the ${cw}x${ch} crops of --tta ${mode} (give a larger --resize)`);
  const images = mode === "ten-crop" ? [img.data, flip(img.data, c, h, w, vertical)] : [img.data];
  const n = images.length * 5;
  const out = new Float32Array(n * c * ch * cw);
  let o = 0;
  for (const src of images)
    for (const [top, left] of fiveCropOffsets(h, w, ch, cw))
      for (let k = 0; k < c; k++)
        for (let y = 0; y < ch; y++) {
          const from = (k * h + top + y) * w + left;
          out.set(src.subarray(from, from + cw), o);
          o += cw;
        }
  return { shape: [n, c, ch, cw], data: out };
}

function flip(data: Float32Array, c: number, h: number, w: number, vertical: boolean): Float32Array {
  const out = new Float32Array(data.length);
  for (let k = 0; k < c; k++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const [sy, sx] = vertical ? [h - 1 - y, x] : [y, w - 1 - x];
        out[(k * h + y) * w + x] = data[(k * h + sy) * w + sx];
      }
  return out;
}

/** The image file read for TTA on a network of input C x H x W: its crops, one batch. */
export async function loadTtaInput(path: string, input: number[], opts: TtaOptions): Promise<{ shape: number[]; data: Float32Array }> {
  const [c, h, w] = input;
  const resize = opts.resize ?? defaultTtaResize(h, w);
  const img = await loadImage(path, { resize, crop: null, grayscale: c === 1, mean: opts.mean, std: opts.std });
  return ttaCrops(img, h, w, opts.mode, opts.vertical, path);
}

/** The mean over the n rows of `scores` (n x k) of their softmax probabilities. */
export function averagedProbabilities(scores: Float32Array, n: number, k: number): Float32Array {
  const mean = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const row = scores.subarray(i * k, (i + 1) * k);
    const max = row.reduce((a, b) => Math.max(a, b), -Infinity);
    let sum = 0;
    for (const v of row) sum += Math.exp(v - max);
    for (let j = 0; j < k; j++) mean[j] += Math.exp(row[j] - max) / sum / n;
  }
  return Float32Array.from(mean);
}

/**
 * `netc eval --tta`: the accuracy on the held-out images of a folder of class folders
 * (every fifth of each class, as `netc train` holds them out), each image's class the
 * best of its crops' averaged probabilities.
 */
export async function ttaAccuracy(model: Model, dir: string, input: number[], opts: TtaOptions): Promise<{ images: number; accuracy: number }> {
  const { test } = folderFiles(dir);
  let correct = 0;
  for (const [file, label] of test) {
    const x = await loadTtaInput(file, input, opts);
    const y = tf.tidy(() => model.forward([tf.tensor(x.data, x.shape)])[0]);
    const scores = (await y.data()) as Float32Array;
    y.dispose();
    const [n, k] = y.shape;
    if (y.shape.length !== 2) throw new RuntimeError(`--tta averages class vectors; the network's output is ${y.shape.slice(1).join("x")} per image`);
    const p = averagedProbabilities(scores, n, k);
    if (p.indexOf(Math.max(...p)) === label) correct++;
  }
  return { images: test.length, accuracy: correct / test.length };
}
