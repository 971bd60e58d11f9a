// YOLO v1 (Redmon et al., 2015) as the lecture notes give it: an S x S x (B*5 + C) map,
// each cell holding B boxes (x, y, w, h, confidence: x and y the centre's offset within
// the cell, w and h relative to the image) then C class probabilities. Training targets,
// the sum-squared loss (λcoord = 5, λnoobj = 0.5, square roots of w and h, the
// predictor with the highest IoU responsible), and decoding with per-class NMS.
// Checked against scripts/gen-task-fixtures.py (PyTorch) by test/tasks/yolo.test.ts.
import * as tf from "@tensorflow/tfjs-core";
import { classNms, type Corners, type Detection } from "./boxes.js";

export interface YoloShape {
  S: number;
  B: number;
  C: number;
}

/** A ground-truth object: its class (0-based) and its box in pixels. */
export interface GroundTruth {
  class: number;
  box: Corners;
}

export const LAMBDA_COORD = 5;
export const LAMBDA_NOOBJ = 0.5;

/**
 * Targets, [N, S, S, 5 + C] flattened: per cell, 1 if an object's centre falls in it,
 * the centre's offset in the cell (x, y), its width and height relative to the image,
 * and its class one-hot. A cell takes the first object listed whose centre it holds.
 */
export function yoloTargets(objects: GroundTruth[][], { S, C }: YoloShape, width: number, height: number): Float32Array {
  const depth = 5 + C;
  const t = new Float32Array(objects.length * S * S * depth);
  objects.forEach((objs, n) => {
    for (const o of objs) {
      const [x1, y1, x2, y2] = o.box;
      const cx = (x1 + x2) / 2 / width;
      const cy = (y1 + y2) / 2 / height;
      const col = Math.min(S - 1, Math.floor(cx * S));
      const row = Math.min(S - 1, Math.floor(cy * S));
      const at = ((n * S + row) * S + col) * depth;
      if (t[at] === 1) continue;
      t.set([1, cx * S - col, cy * S - row, (x2 - x1) / width, (y2 - y1) / height], at);
      t[at + 5 + o.class] = 1;
    }
  });
  return t;
}

/** The value unchanged, with no gradient flowing back through it (torch's detach). */
const detach = tf.customGrad((x, save) => {
  (save as (ts: tf.Tensor[]) => void)([]);
  return { value: tf.clone(x as tf.Tensor), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
}) as (x: tf.Tensor) => tf.Tensor;

/** Corners of boxes given as (x, y) cell offsets and (w, h) image fractions; w, h clamped at 0. */
function corners(xy: tf.Tensor, wh: tf.Tensor, S: number): [tf.Tensor, tf.Tensor] {
  const grid = tf.stack([tf.tile(tf.reshape(tf.range(0, S), [1, S]), [S, 1]), tf.tile(tf.reshape(tf.range(0, S), [S, 1]), [1, S])], 2); // [S, S, 2]: (col, row)
  const centre = tf.div(tf.add(xy, grid), S);
  const half = tf.div(tf.relu(wh), 2);
  return [tf.sub(centre, half), tf.add(centre, half)];
}

function boxIou(a: [tf.Tensor, tf.Tensor], b: [tf.Tensor, tf.Tensor]): tf.Tensor {
  const lo = tf.maximum(a[0], b[0]);
  const hi = tf.minimum(a[1], b[1]);
  const wh = tf.relu(tf.sub(hi, lo));
  const product = (t: tf.Tensor) => tf.mul(tf.slice(t, [0, 0, 0, 0], [-1, -1, -1, 1]), tf.slice(t, [0, 0, 0, 1], [-1, -1, -1, 1])); // [N, S, S, 1]
  const inter = product(wh);
  const areaOf = (c: [tf.Tensor, tf.Tensor]) => product(tf.sub(c[1], c[0]));
  const union = tf.sub(tf.add(areaOf(a), areaOf(b)), inter);
  return tf.div(inter, tf.maximum(union, 1e-12)); // 0 for two empty boxes (the intersection is 0)
}

/** sign(v) · sqrt(|v| + 1e-6): the square root of a predicted size, defined for any value. */
const signedSqrt = (v: tf.Tensor) => tf.mul(tf.sign(v), tf.sqrt(tf.add(tf.abs(v), 1e-6)));

/**
 * The YOLO v1 loss of predictions [N, S, S, B*5 + C] against yoloTargets, summed over
 * cells and divided by N:
 *   λcoord Σ 1obj_ij [(x − x̂)² + (y − ŷ)² + (√w − √ŵ)² + (√h − √ĥ)²]
 *   + Σ 1obj_ij (C_ij − IoU)² + λnoobj Σ 1noobj_ij C_ij² + Σ 1obj_i Σ_c (p_i(c) − p̂_i(c))²
 * where the predictor j responsible in a cell is the one whose box has the highest IoU
 * with the object's (the first on a tie).
 */
export function yoloLoss(pred: tf.Tensor, target: tf.Tensor, { S, B, C }: YoloShape): tf.Scalar {
  return tf.tidy(() => {
    const n = pred.shape[0]!;
    const p = tf.reshape(pred, [n, S, S, B * 5 + C]);
    const obj = tf.slice(target, [0, 0, 0, 0], [n, S, S, 1]); // [N, S, S, 1]
    const txy = tf.slice(target, [0, 0, 0, 1], [n, S, S, 2]);
    const twh = tf.slice(target, [0, 0, 0, 3], [n, S, S, 2]);
    const tcls = tf.slice(target, [0, 0, 0, 5], [n, S, S, C]);
    const tbox = corners(txy, twh, S);
    const boxes = Array.from({ length: B }, (_, b) => tf.slice(p, [0, 0, 0, b * 5], [n, S, S, 5]));
    const ious = tf.concat(boxes.map((bx) => boxIou(corners(detach(tf.slice(bx, [0, 0, 0, 0], [n, S, S, 2])), detach(tf.slice(bx, [0, 0, 0, 2], [n, S, S, 2])), S), tbox)), 3); // [N, S, S, B]
    const responsible = tf.mul(tf.oneHot(tf.argMax(ious, 3), B), obj); // [N, S, S, B]
    let coord: tf.Tensor = tf.scalar(0);
    let conf: tf.Tensor = tf.scalar(0);
    let noobj: tf.Tensor = tf.scalar(0);
    boxes.forEach((bx, b) => {
      const r = tf.slice(responsible, [0, 0, 0, b], [n, S, S, 1]);
      const xy = tf.slice(bx, [0, 0, 0, 0], [n, S, S, 2]);
      const wh = tf.slice(bx, [0, 0, 0, 2], [n, S, S, 2]);
      const c = tf.slice(bx, [0, 0, 0, 4], [n, S, S, 1]);
      const sq = tf.add(tf.sum(tf.square(tf.sub(xy, txy)), 3, true), tf.sum(tf.square(tf.sub(signedSqrt(wh), tf.sqrt(twh))), 3, true));
      coord = tf.add(coord, tf.sum(tf.mul(r, sq)));
      const iou = tf.slice(ious, [0, 0, 0, b], [n, S, S, 1]);
      conf = tf.add(conf, tf.sum(tf.mul(r, tf.square(tf.sub(c, iou)))));
      noobj = tf.add(noobj, tf.sum(tf.mul(tf.sub(1, r), tf.square(c))));
    });
    const cls = tf.sum(tf.mul(obj, tf.square(tf.sub(tf.slice(p, [0, 0, 0, B * 5], [n, S, S, C]), tcls))));
    const total = tf.addN([tf.mul(coord, LAMBDA_COORD), conf, tf.mul(noobj, LAMBDA_NOOBJ), cls]);
    return tf.div(total, n) as tf.Scalar;
  });
}

/**
 * One image's detections from its S x S x (B*5 + C) map (flattened): every box with
 * each class-specific confidence (confidence × class probability) above `minScore`,
 * its corners in pixels clipped to the image, then per-class NMS at `iouThreshold`.
 */
export function yoloDecode(map: Float32Array | number[], { S, B, C }: YoloShape, width: number, height: number, minScore: number, iouThreshold: number): Detection[] {
  const depth = B * 5 + C;
  const dets: Detection[] = [];
  const clip = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
  for (let row = 0; row < S; row++)
    for (let col = 0; col < S; col++) {
      const at = (row * S + col) * depth;
      for (let b = 0; b < B; b++) {
        const [x, y, w, h, conf] = [0, 1, 2, 3, 4].map((k) => map[at + b * 5 + k]);
        const cx = (col + x) / S;
        const cy = (row + y) / S;
        const [hw, hh] = [Math.max(0, w) / 2, Math.max(0, h) / 2];
        const box: Corners = [clip((cx - hw) * width, width), clip((cy - hh) * height, height), clip((cx + hw) * width, width), clip((cy + hh) * height, height)];
        for (let c = 0; c < C; c++) {
          const score = conf * map[at + B * 5 + c];
          if (score > minScore) dets.push({ class: c, score, box });
        }
      }
    }
  return classNms(dets, iouThreshold);
}
