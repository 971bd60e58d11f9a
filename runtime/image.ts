/**
 * Images to input tensors, preprocessed as torchvision's ImageNet transform does:
 *
 *   Resize(256) -> CenterCrop(224) -> ToTensor() -> Normalize(mean, std)
 *
 * Decoders: jpeg-js and pngjs, both pure JavaScript. We chose them over `sharp` because
 * torchvision resizes with PIL, and matching PIL matters more than speed here: sharp
 * (libvips) resamples with its own kernels and cannot be told to reproduce PIL's, while
 * with pure decoders we do the resampling ourselves, as a port of Pillow's
 * `ImagingResample` (the same separable bilinear filter widened by the scale factor for
 * antialiasing, 22-bit fixed-point coefficients, horizontal pass then vertical, each
 * rounded to 8 bits). A PNG then gives exactly torchvision's tensor; a JPEG differs only
 * by the decoders' IDCT and chroma upsampling (jpeg-js against libjpeg-turbo). Both
 * libraries are widely used, maintained, have no native code and no dependencies, so
 * the runtime installs everywhere TensorFlow.js's CPU backend does.
 */
import { readFile } from "node:fs/promises";

import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { resample, type Pixels } from "./resample.js";

/** An image that cannot be read or preprocessed: the message names the file. */
export class ImageError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = "ImageError";
  }
}

export interface ImageOptions {
  /**
   * torchvision's `Resize(size)`: an integer resizes the shorter side to it (the longer
   * side in proportion, rounded down); [height, width] resizes to exactly that; null
   * skips the resize. Default 256.
   */
  resize?: number | [number, number] | null;
  /** `CenterCrop(size)`: an integer or [height, width]; null skips it. Default 224. */
  crop?: number | [number, number] | null;
  /** One channel, as PIL's `convert("L")` (ITU-R 601-2 luma), instead of RGB. Default false. */
  grayscale?: boolean;
  /**
   * Per-channel mean and standard deviation of `Normalize` (as many values as channels).
   * Default: ImageNet's for RGB ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]); none
   * (mean 0, std 1, i.e. ToTensor's [0, 1] alone) for grayscale.
   */
  mean?: number[];
  std?: number[];
}

export interface ImageTensor {
  /** [1, C, H, W] */
  shape: [number, number, number, number];
  data: Float32Array;
}


export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

/** Reads a JPEG or PNG file and preprocesses it (see `preprocessImage`). */
export async function loadImage(path: string, options: ImageOptions = {}): Promise<ImageTensor> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new ImageError(path, `cannot be read (${(e as Error).message})`);
  }
  return preprocessImage(bytes, path, options);
}

/** Decodes a JPEG or PNG and turns it into a normalised [1, C, H, W] float tensor. */
export function preprocessImage(bytes: Uint8Array, file: string, options: ImageOptions = {}): ImageTensor {
  const fail = (detail: string): never => {
    throw new ImageError(file, detail);
  };
  const gray = options.grayscale ?? false;
  const channels = gray ? 1 : 3;
  const mean = options.mean ?? (gray ? [0] : IMAGENET_MEAN);
  const std = options.std ?? (gray ? [1] : IMAGENET_STD);
  if (mean.length !== channels || std.length !== channels) {
    fail(`mean and std need ${channels} value${channels > 1 ? "s" : ""} each for ${gray ? "a grayscale" : "an RGB"} image, got ${mean.length} and ${std.length}`);
  }
  if (std.some((s) => !(s !== 0 && Number.isFinite(s)))) fail(`std must be finite and non-zero, got [${std.join(", ")}]`);

  return preprocessPixels(decode(bytes, file), file, options);
}

/** The same for pixels decoded already (by a browser's decoder, say): RGB, 3 channels. */
export function preprocessPixels(img: Pixels, file: string, options: ImageOptions = {}): ImageTensor {
  const fail = (detail: string): never => {
    throw new ImageError(file, detail);
  };
  const gray = options.grayscale ?? false;
  const mean = options.mean ?? (gray ? [0] : IMAGENET_MEAN);
  const std = options.std ?? (gray ? [1] : IMAGENET_STD);
  if (gray) img = toGray(img);

  const resize = options.resize === undefined ? 256 : options.resize;
  if (resize !== null) {
    const [h, w] = resizedSize(img.width, img.height, resize, fail);
    img = resample(img, w, h);
  }
  const crop = options.crop === undefined ? 224 : options.crop;
  if (crop !== null) {
    const [ch, cw] = typeof crop === "number" ? [crop, crop] : crop;
    if (!(positiveInt(ch) && positiveInt(cw))) fail(`crop size must be positive integers, got ${JSON.stringify(crop)}`);
    img = centerCrop(img, cw, ch);
  }
  return normalise(img, mean, std);
}

function positiveInt(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0;
}

/** torchvision's `_compute_resized_output_size` (max_size unset): [height, width]. */
function resizedSize(w: number, h: number, size: number | [number, number], fail: (d: string) => never): [number, number] {
  if (typeof size !== "number") {
    if (!(positiveInt(size[0]) && positiveInt(size[1]))) fail(`resize size must be positive integers, got ${JSON.stringify(size)}`);
    return [size[0], size[1]];
  }
  if (!positiveInt(size)) fail(`resize size must be a positive integer, got ${size}`);
  const [short, long] = w <= h ? [w, h] : [h, w];
  const newLong = Math.trunc((size * long) / short);
  if (newLong < 1) fail(`resizing ${w}x${h} to a shorter side of ${size} leaves the longer side empty`);
  return w <= h ? [newLong, size] : [size, newLong];
}

// ---------------------------------------------------------------------------- decoding

const MAX_PIXELS = 100_000_000;

function decode(bytes: Uint8Array, file: string): Pixels {
  const fail = (detail: string): never => {
    throw new ImageError(file, detail);
  };
  if (bytes.length === 0) fail("the file is empty");
  const isPng = bytes.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b);
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  let rgba: Uint8Array;
  let width: number;
  let height: number;
  if (isPng) {
    try {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      ({ width, height } = png);
      rgba = png.data;
    } catch (e) {
      return fail(`not a readable PNG image (${(e as Error).message})`);
    }
  } else if (isJpeg) {
    try {
      const img = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        tolerantDecoding: false,
        maxResolutionInMP: MAX_PIXELS / 1e6,
        maxMemoryUsageInMB: 1024,
      });
      ({ width, height } = img);
      rgba = img.data;
    } catch (e) {
      return fail(`not a readable JPEG image (${(e as Error)?.message ?? String(e)})`);
    }
  } else {
    return fail("not a JPEG or PNG image (unrecognised signature)");
  }
  if (!(width > 0 && height > 0)) fail(`the image has no pixels (${width}x${height})`);
  if (rgba.length < width * height * 4) fail(`the image data is truncated (${rgba.length} bytes for ${width}x${height} RGBA)`);
  // RGBA to RGB, alpha dropped as PIL's convert("RGB") does.
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = rgba[i]!;
    rgb[j + 1] = rgba[i + 1]!;
    rgb[j + 2] = rgba[i + 2]!;
  }
  return { width, height, channels: 3, data: rgb };
}

/** PIL's RGB to L: (R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16. */
function toGray(img: Pixels): Pixels {
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  const d = img.data;
  for (let i = 0; i < n; i++) out[i] = (d[3 * i]! * 19595 + d[3 * i + 1]! * 38470 + d[3 * i + 2]! * 7471 + 0x8000) >> 16;
  return { width: img.width, height: img.height, channels: 1, data: out };
}

// ---------------------------------------------------------------------------- crop, normalise

/** Python's round(): halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** torchvision's `center_crop`: zero padding where the crop is larger than the image. */
function centerCrop(img: Pixels, cw: number, ch: number): Pixels {
  const c = img.channels;
  let top: number;
  let left: number;
  if (cw > img.width || ch > img.height) {
    // torchvision pads (left, top) by floor((crop - size) / 2), then crops the middle.
    const padL = cw > img.width ? Math.floor((cw - img.width) / 2) : 0;
    const padT = ch > img.height ? Math.floor((ch - img.height) / 2) : 0;
    const padR = cw > img.width ? Math.floor((cw - img.width + 1) / 2) : 0;
    const padB = ch > img.height ? Math.floor((ch - img.height + 1) / 2) : 0;
    const pw = img.width + padL + padR;
    const ph = img.height + padT + padB;
    const padded = new Uint8Array(pw * ph * c);
    for (let y = 0; y < img.height; y++) {
      padded.set(img.data.subarray(y * img.width * c, (y + 1) * img.width * c), ((y + padT) * pw + padL) * c);
    }
    img = { width: pw, height: ph, channels: c, data: padded };
  }
  top = roundHalfEven((img.height - ch) / 2);
  left = roundHalfEven((img.width - cw) / 2);
  if (top === 0 && left === 0 && cw === img.width && ch === img.height) return img;
  const out = new Uint8Array(cw * ch * c);
  for (let y = 0; y < ch; y++) {
    const from = ((y + top) * img.width + left) * c;
    out.set(img.data.subarray(from, from + cw * c), y * cw * c);
  }
  return { width: cw, height: ch, channels: c, data: out };
}

/** ToTensor (x / 255 in float32) then Normalize ((x - mean) / std in float32), HWC to NCHW. */
function normalise(img: Pixels, mean: number[], std: number[]): ImageTensor {
  const { width, height, channels: c } = img;
  const plane = width * height;
  const data = new Float32Array(c * plane);
  const f = Math.fround;
  for (let ch = 0; ch < c; ch++) {
    const m = f(mean[ch]!);
    const s = f(std[ch]!);
    const lut = new Float32Array(256);
    for (let v = 0; v < 256; v++) lut[v] = f(f(f(v / 255) - m) / s);
    for (let i = 0; i < plane; i++) data[ch * plane + i] = lut[img.data[i * c + ch]!]!;
  }
  return { shape: [1, c, height, width], data };
}
