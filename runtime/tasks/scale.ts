// Scale augmentation for detection and segmentation (`--augment scale`): the image
// rescaled by a random factor, then cropped (when larger) or padded (when smaller) back
// to the network's input at a random offset, its boxes and mask moved with it. Boxes are
// clipped to the image and dropped when nothing is left of them (zero width or height),
// as torchvision's detection references do after a crop (FixedSizeCrop).
import type { Corners } from "./boxes.js";
import { IGNORE } from "./segmentation.js";
import type { GroundTruth } from "./yolo.js";

/** The factors drawn, uniformly, by `--augment scale`. */
export const SCALE_RANGE: [number, number] = [0.75, 1.25];

export interface ScaleStep {
  /** The rescaled image's width and height. */
  sw: number;
  sh: number;
  /** Output pixel (x, y) shows pixel (x + ox, y + oy) of the rescaled image: > 0 crops, < 0 pads. */
  ox: number;
  oy: number;
}

/** A random step: a factor from `range`, and an offset that keeps the image in the frame or the frame in the image. */
export function randomScale(w: number, h: number, range: [number, number], random: () => number): ScaleStep {
  const s = range[0] + random() * (range[1] - range[0]);
  const sw = Math.max(1, Math.round(s * w));
  const sh = Math.max(1, Math.round(s * h));
  const offset = (d: number) => Math.min(0, d) + Math.floor(random() * (Math.abs(d) + 1));
  return { sw, sh, ox: offset(sw - w), oy: offset(sh - h) };
}

/**
 * One image (C x H x W, normalised), its mask and boxes, rescaled and cropped or padded
 * as `t` says. The image is resampled bilinearly (PyTorch's `interpolate`,
 * align_corners=False, edges clamped), the mask by nearest neighbour (`mode="nearest"`);
 * what comes in from outside is 0 in the image and IGNORE in the mask.
 */
export function scaleSample(img: Float32Array, shape: number[], mask: Uint8Array | undefined, objects: GroundTruth[], t: ScaleStep) {
  const [c, h, w] = shape;
  const out = new Float32Array(img.length);
  const m = mask && new Uint8Array(mask.length).fill(IGNORE);
  const fx = w / t.sw;
  const fy = h / t.sh;
  const source = (u: number, f: number, n: number) => {
    const s = Math.min(Math.max((u + 0.5) * f - 0.5, 0), n - 1);
    const i = Math.floor(s);
    return [i, Math.min(i + 1, n - 1), s - i];
  };
  for (let y = 0; y < h; y++) {
    const v = y + t.oy;
    if (v < 0 || v >= t.sh) continue;
    const [y0, y1, ty] = source(v, fy, h);
    for (let x = 0; x < w; x++) {
      const u = x + t.ox;
      if (u < 0 || u >= t.sw) continue;
      const [x0, x1, tx] = source(u, fx, w);
      for (let k = 0; k < c; k++) {
        const p = (yy: number, xx: number) => img[(k * h + yy) * w + xx];
        const top = p(y0, x0) * (1 - tx) + p(y0, x1) * tx;
        const bottom = p(y1, x0) * (1 - tx) + p(y1, x1) * tx;
        out[(k * h + y) * w + x] = top * (1 - ty) + bottom * ty;
      }
      if (m) m[y * w + x] = mask![Math.min(Math.floor(v * fy), h - 1) * w + Math.min(Math.floor(u * fx), w - 1)];
    }
  }
  const moved: GroundTruth[] = [];
  for (const o of objects) {
    const [x1, y1, x2, y2] = o.box;
    const box: Corners = [
      clamp(x1 / fx - t.ox, w), clamp(y1 / fy - t.oy, h),
      clamp(x2 / fx - t.ox, w), clamp(y2 / fy - t.oy, h),
    ];
    if (box[0] < box[2] && box[1] < box[3]) moved.push({ class: o.class, box });
  }
  return { img: out, mask: m, objects: moved };
}

const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
