// SSD (Liu et al., 2016) as torchvision 0.14 implements it (models/detection/ssd.py,
// anchor_utils.py, _utils.py): default boxes per feature map (DefaultBoxGenerator), box
// encoding with BoxCoder's weights (10, 10, 5, 5), matching by SSDMatcher(0.5) (IoU ≥ 0.5,
// and each object's best anchor), the loss of SSD.compute_loss (smooth-L1 over the
// matched anchors plus cross-entropy with 3:1 hard-negative mining, both divided by the
// number of matched anchors) and postprocess_detections (softmax, a score threshold and
// the 400 best per class, per-class NMS, 200 per image). An output holds, per anchor,
// 4 box offsets then C + 1 class scores, background first. Checked against
// scripts/gen-ssd-fixtures.py (PyTorch) by test/tasks/ssd.test.ts.
import * as tf from "@tensorflow/tfjs-core";
import type { SsdTask } from "../../compiler/tasks.js";
import { classNms, type Corners, type Detection } from "./boxes.js";
import type { GroundTruth } from "./yolo.js";

export const WEIGHTS = [10, 10, 5, 5];
export const NEG_TO_POS = 3;
export const IOU_MATCH = 0.5;
export const TOPK_CANDIDATES = 400;
export const DETECTIONS_PER_IMAGE = 200;
const BBOX_XFORM_CLIP = Math.log(1000 / 16);

type SsdShape = Pick<SsdTask, "maps" | "ratios" | "scales">;

/** The default boxes as corners in pixels of a width x height input, map by map, place by place (row-major), anchor by anchor. */
export function ssdAnchors({ maps, ratios, scales }: SsdShape, width: number, height: number): Corners[] {
  const out: Corners[] = [];
  const f = Math.fround;
  maps.forEach(([fh, fw], k) => {
    const sk = scales[k];
    const wh: [number, number][] = [
      [sk, sk],
      [Math.sqrt(sk * scales[k + 1]), Math.sqrt(sk * scales[k + 1])],
    ];
    for (const ar of ratios[k]) {
      const [w, h] = [sk * Math.sqrt(ar), sk / Math.sqrt(ar)];
      wh.push([w, h], [h, w]);
    }
    const clamp = (v: number) => f(Math.min(1, Math.max(0, f(v))));
    for (let y = 0; y < fh; y++)
      for (let x = 0; x < fw; x++) {
        const [cx, cy] = [f(f(x + 0.5) / fw), f(f(y + 0.5) / fh)];
        for (const [w, h] of wh) {
          const [hw, hh] = [f(0.5 * clamp(w)), f(0.5 * clamp(h))];
          out.push([f(f(cx - hw) * width), f(f(cy - hh) * height), f(f(cx + hw) * width), f(f(cy + hh) * height)]);
        }
      }
  });
  return out;
}

/** BoxCoder.encode_single: the offsets (dx, dy, dw, dh) that take `anchor` to `box`. */
export function encodeBox(box: Corners, anchor: Corners): [number, number, number, number] {
  const [aw, ah] = [anchor[2] - anchor[0], anchor[3] - anchor[1]];
  const [ax, ay] = [anchor[0] + 0.5 * aw, anchor[1] + 0.5 * ah];
  const [gw, gh] = [box[2] - box[0], box[3] - box[1]];
  const [gx, gy] = [box[0] + 0.5 * gw, box[1] + 0.5 * gh];
  return [(WEIGHTS[0] * (gx - ax)) / aw, (WEIGHTS[1] * (gy - ay)) / ah, WEIGHTS[2] * Math.log(gw / aw), WEIGHTS[3] * Math.log(gh / ah)];
}

/** BoxCoder.decode_single: the box that offsets `d` make of `anchor`. */
export function decodeBox(d: ArrayLike<number>, anchor: Corners): Corners {
  const [aw, ah] = [anchor[2] - anchor[0], anchor[3] - anchor[1]];
  const [ax, ay] = [anchor[0] + 0.5 * aw, anchor[1] + 0.5 * ah];
  const [dx, dy] = [d[0] / WEIGHTS[0], d[1] / WEIGHTS[1]];
  const [dw, dh] = [Math.min(d[2] / WEIGHTS[2], BBOX_XFORM_CLIP), Math.min(d[3] / WEIGHTS[3], BBOX_XFORM_CLIP)];
  const [cx, cy, w, h] = [dx * aw + ax, dy * ah + ay, Math.exp(dw) * aw, Math.exp(dh) * ah];
  return [cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h];
}

/** torchvision.ops.box_iou in float32, step by step, so that ties fall as PyTorch's do. */
function iou32(a: Corners, b: Corners): number {
  const f = Math.fround;
  const area = (c: Corners) => f(f(c[2] - c[0]) * f(c[3] - c[1]));
  const w = Math.max(0, f(Math.min(a[2], b[2]) - Math.max(a[0], b[0])));
  const h = Math.max(0, f(Math.min(a[3], b[3]) - Math.max(a[1], b[1])));
  const inter = f(w * h);
  return f(inter / f(f(area(a) + area(b)) - inter));
}

/**
 * SSDMatcher(0.5): for each anchor, the object it overlaps most (the first on a tie)
 * when their IoU is at least 0.5, else -1; then each object's best anchor (the first on
 * a tie) is matched to it, later objects overriding earlier ones.
 */
export function matchAnchors(objects: Corners[], anchors: Corners[]): Int32Array {
  const m = new Int32Array(anchors.length).fill(-1);
  if (!objects.length) return m;
  const best = new Float64Array(objects.length).fill(-1);
  const bestAnchor = new Int32Array(objects.length);
  anchors.forEach((a, j) => {
    let top = -1;
    objects.forEach((o, i) => {
      const v = iou32(o, a);
      if (top < 0 || v > top) [top, m[j]] = [v, i];
      if (v > best[i]) [best[i], bestAnchor[i]] = [v, j];
    });
    if (top < IOU_MATCH) m[j] = -1;
  });
  bestAnchor.forEach((j, i) => (m[j] = i));
  return m;
}

export interface SsdTargets {
  boxes: Float32Array; // N x A x 4 encoded offsets (0 where unmatched)
  labels: Int32Array; // N x A: 0 background, 1 + class
  positives: number; // matched anchors in the batch
}

/** The training targets of a batch: each anchor's matched object, encoded, and its label. */
export function ssdTargets(objects: GroundTruth[][], anchors: Corners[]): SsdTargets {
  const A = anchors.length;
  const boxes = new Float32Array(objects.length * A * 4);
  const labels = new Int32Array(objects.length * A);
  let positives = 0;
  objects.forEach((objs, n) => {
    const m = matchAnchors(objs.map((o) => o.box), anchors);
    m.forEach((i, j) => {
      if (i < 0) return;
      positives++;
      labels[n * A + j] = objs[i].class + 1;
      boxes.set(encodeBox(objs[i].box, anchors[j]), (n * A + j) * 4);
    });
  });
  return { boxes, labels, positives };
}

/**
 * The anchors whose classification loss counts, as weights [N, A] (not differentiated):
 * the matched ones, and per image the 3 × (its matched anchors) unmatched ones of highest
 * loss. (When an image has fewer unmatched anchors than that, torchvision also counts
 * some matched ones a second time, in an order its sort leaves open; here every unmatched
 * one counts once.) Tensor ops only, so that it runs on any backend without a sync read.
 */
const hardNegatives = tf.customGrad((cls, labels, save) => {
  (save as (ts: tf.Tensor[]) => void)([]);
  const [n, A] = (cls as tf.Tensor).shape as number[];
  const value = tf.tidy(() => {
    const positive = tf.greater(labels as tf.Tensor, 0);
    const want = tf.mul(tf.sum(tf.cast(positive, "int32"), 1, true), NEG_TO_POS); // [N, 1]
    const loss = tf.where(positive, tf.fill([n, A], -Infinity), cls as tf.Tensor);
    const top = tf.topk(loss, A).values; // [N, A], by decreasing loss
    const at = tf.cast(tf.oneHot(tf.reshape(tf.cast(tf.clipByValue(tf.sub(want, 1), 0, A - 1), "int32"), [n]), A), "bool");
    const kth = tf.sum(tf.where(at, top, tf.zerosLike(top)), 1, true); // [N, 1]: the want-th highest
    const chosen = tf.logicalAnd(tf.logicalAnd(tf.greaterEqual(loss, kth), tf.greater(want, 0)), tf.logicalNot(positive));
    return tf.add(tf.cast(positive, "float32"), tf.cast(chosen, "float32"));
  });
  return { value, gradFunc: (dy: tf.Tensor) => [tf.zerosLike(cls as tf.Tensor), tf.zerosLike(labels as tf.Tensor)] };
}) as (cls: tf.Tensor, labels: tf.Tensor) => tf.Tensor;

/**
 * SSD.compute_loss, the two terms summed: Σ smooth-L1 over matched anchors' offsets +
 * Σ cross-entropy over the matched and the hard negatives, divided by max(1, matched).
 * `pred` is [N, A, 5 + C].
 */
export function ssdLoss(pred: tf.Tensor, t: SsdTargets): tf.Scalar {
  return tf.tidy(() => {
    const [n, A, depth] = pred.shape as number[];
    const p = tf.reshape(pred, [n, A, depth]);
    const loc = tf.slice(p, [0, 0, 0], [n, A, 4]);
    const logits = tf.slice(p, [0, 0, 4], [n, A, depth - 4]);
    const positive = tf.tensor(Float32Array.from(t.labels, (l) => (l > 0 ? 1 : 0)), [n, A, 1]);
    const d = tf.abs(tf.sub(loc, tf.tensor(t.boxes, [n, A, 4])));
    const q = tf.minimum(d, 1); // smooth-L1 (beta 1): ½d² below 1, |d| − ½ above
    const smooth = tf.add(tf.mul(tf.square(q), 0.5), tf.sub(d, q));
    const bbox = tf.sum(tf.mul(smooth, positive));
    const labels = tf.tensor(t.labels, [n, A], "int32");
    const cls = tf.sub(tf.logSumExp(logits, 2), tf.sum(tf.mul(logits, tf.oneHot(labels, depth - 4)), 2)); // [N, A]
    const clsSum = tf.sum(tf.mul(cls, hardNegatives(cls, tf.cast(labels, "float32"))));
    return tf.div(tf.add(bbox, clsSum), Math.max(1, t.positives)) as tf.Scalar;
  });
}

/** The share of matched anchors whose highest class score is their object's, per image, summed over the batch. */
export function ssdHits(pred: tf.Tensor, t: SsdTargets): tf.Scalar {
  return tf.tidy(() => {
    const [n, A, depth] = pred.shape as number[];
    const best = tf.argMax(tf.slice(tf.reshape(pred, [n, A, depth]), [0, 0, 4], [n, A, depth - 4]), 2);
    const labels = tf.tensor(t.labels, [n, A], "int32");
    const positive = tf.cast(tf.greater(labels, 0), "float32");
    const right = tf.sum(tf.mul(tf.cast(tf.equal(best, labels), "float32"), positive));
    return tf.mul(tf.div(right, tf.maximum(tf.sum(positive), 1)), n) as tf.Scalar;
  });
}

/**
 * One image's detections (SSD.postprocess_detections) from its A x (5 + C) output:
 * softmax scores, boxes decoded and clipped to the image; per class the scores above
 * `minScore`, at most 400 of them, the best first; per-class NMS at `iouThreshold`;
 * at most 200 kept. Classes are 0-based (the background is not one).
 */
export function ssdDecode(out: Float32Array | number[], anchors: Corners[], C: number, width: number, height: number, minScore: number, iouThreshold: number): Detection[] {
  const depth = 5 + C;
  const dets: Detection[] = [];
  const perClass: Detection[][] = Array.from({ length: C }, () => []);
  const clip = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
  anchors.forEach((a, j) => {
    const row = out.slice(j * depth, (j + 1) * depth) as ArrayLike<number>;
    let top = -Infinity;
    for (let c = 4; c < depth; c++) top = Math.max(top, row[c]);
    let sum = 0;
    for (let c = 4; c < depth; c++) sum += Math.exp(row[c] - top);
    let box: Corners | null = null;
    for (let c = 1; c <= C; c++) {
      const score = Math.exp(row[4 + c] - top) / sum;
      if (!(score > minScore)) continue;
      box ??= decodeBox(row, a).map((v, i) => clip(v, i % 2 ? height : width)) as Corners;
      perClass[c - 1].push({ class: c - 1, score, box });
    }
  });
  for (const group of perClass) dets.push(...group.sort((p, q) => q.score - p.score).slice(0, TOPK_CANDIDATES));
  return classNms(dets, iouThreshold).slice(0, DETECTIONS_PER_IMAGE);
}
