// What `netc run` feeds a network: a float32 .npy array (NCHW, the batch axis optional),
// or an image preprocessed for the network's declared input. 224x224 networks get
// torchvision's ImageNet transform (shorter side to 256, center crop 224); other sizes
// are resized to the input exactly (a 28x28 digit stays as it is); a network of any
// size (3xHxW) takes the image as it is, unless resize or crop say otherwise.
import { readFileSync } from "node:fs";
import type { Dim } from "../compiler/symbolic.js";
import { loadImage, type ImageOptions } from "./image.js";
import { NpyError, readNpy } from "./npy.js";

export interface InputOptions {
  /** The shorter side's size before cropping; 0 skips the resize. */
  resize?: number;
  /** Center crop to N x N; 0 skips it. */
  crop?: number;
  mean?: number[];
  std?: number[];
}

export interface InputArray {
  shape: number[];
  data: Float32Array;
}

/** Reads `path` as the input of a network declared with `declared` (C x H x W, maybe symbolic). */
export async function loadInput(path: string, declared: Dim[], opts: InputOptions = {}): Promise<InputArray> {
  const want = declared.map((d) => (typeof d === "number" ? d : 0));
  if (path.endsWith(".npy")) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch (e) {
      throw new NpyError(path, `cannot be read (${(e as Error).message})`);
    }
    const a = readNpy(bytes, path);
    if (a.shape.length === want.length) return { shape: [1, ...a.shape], data: a.data }; // one sample, no batch axis
    return a;
  }
  return loadImage(path, imageOptions(declared, opts));
}

/** How an image is prepared for a network declared with `declared` (see the top of this file). */
export function imageOptions(declared: Dim[], opts: InputOptions = {}): ImageOptions {
  const symbolic = declared.some((d) => typeof d !== "number");
  const want = declared.map((d) => (typeof d === "number" ? d : 0));
  const size = (s: number | undefined) => (s === undefined ? undefined : s === 0 ? null : s);
  const imagenet = want[1] === 224 && want[2] === 224;
  const explicit = opts.resize !== undefined || opts.crop !== undefined;
  return {
    resize: explicit || imagenet ? size(opts.resize) : symbolic ? null : [want[1], want[2]],
    crop: explicit || imagenet ? size(opts.crop) : null,
    mean: opts.mean,
    std: opts.std,
    grayscale: want[0] === 1,
  };
}
