// What training minimises for a task other than classification (runtime/train.ts's
// Objective hook): the batch's images, augmented with their boxes or masks (a
// horizontal flip and a random shift, as the classification augmentations), and the
// task's loss: YOLO v1's for detection, per-pixel cross-entropy for segmentation.
import * as tf from "@tensorflow/tfjs-core";
import type { Task } from "../../compiler/tasks.js";
import type { Split } from "../data.js";
import type { Objective } from "../train.js";
import type { Corners } from "./boxes.js";
import type { TaskSplit } from "./dataset.js";
import { cropScores, IGNORE, segmentationLoss } from "./segmentation.js";
import { ssdAnchors, ssdHits, ssdLoss, ssdTargets } from "./ssd.js";
import { yoloLoss, yoloTargets, type GroundTruth } from "./yolo.js";

export interface Augment {
  crop?: number; // largest shift in pixels
  flip?: boolean;
}

/**
 * One image (C x H x W), its mask and boxes, flipped horizontally (when `flip`) then
 * shifted by (dx, dy): output pixel (x, y) shows input pixel (x + dx, y + dy). What
 * comes in from outside is 0 in the image and IGNORE in the mask; boxes are moved,
 * clipped, and dropped when less than a third of them is left.
 */
export function transformSample(img: Float32Array, shape: number[], mask: Uint8Array | undefined, objects: GroundTruth[], t: { dx: number; dy: number; flip: boolean }) {
  const [c, h, w] = shape;
  const out = new Float32Array(img.length);
  const m = mask && new Uint8Array(mask.length).fill(IGNORE);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const sy = y + t.dy;
      const sx0 = x + t.dx;
      if (sy < 0 || sy >= h || sx0 < 0 || sx0 >= w) continue;
      const sx = t.flip ? w - 1 - sx0 : sx0;
      for (let ch = 0; ch < c; ch++) out[(ch * h + y) * w + x] = img[(ch * h + sy) * w + sx];
      if (m) m[y * w + x] = mask![sy * w + sx];
    }
  const moved: GroundTruth[] = [];
  for (const o of objects) {
    const [x1, x2] = t.flip ? [w - o.box[2], w - o.box[0]] : [o.box[0], o.box[2]];
    const box: Corners = [x1 - t.dx, o.box[1] - t.dy, x2 - t.dx, o.box[3] - t.dy];
    const clipped: Corners = [Math.max(0, box[0]), Math.max(0, box[1]), Math.min(w, box[2]), Math.min(h, box[3])];
    const area = (b: Corners) => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
    if (area(clipped) >= area(box) / 3) moved.push({ class: o.class, box: clipped });
  }
  return { img: out, mask: m, objects: moved };
}

function gatherBatch(split: TaskSplit, idx: number[], shape: number[], augment: Augment | undefined, random: (() => number) | null) {
  const [c, h, w] = shape;
  const size = c * h * w;
  const x = new Float32Array(idx.length * size);
  const masks = split.masks ? new Uint8Array(idx.length * h * w) : undefined;
  const objects: GroundTruth[][] = [];
  idx.forEach((i, k) => {
    let img = split.x.subarray(i * size, (i + 1) * size) as Float32Array;
    let mask = split.masks?.subarray(i * h * w, (i + 1) * h * w);
    let objs = split.objects[i];
    if (augment && random) {
      const pad = augment.crop ?? 0;
      const dy = pad ? Math.floor(random() * (2 * pad + 1)) - pad : 0;
      const dx = pad ? Math.floor(random() * (2 * pad + 1)) - pad : 0;
      const flip = !!augment.flip && random() < 0.5;
      const t = transformSample(img, shape, mask, objs, { dx, dy, flip });
      [img, mask, objs] = [t.img, t.mask, t.objects];
    }
    x.set(img, k * size);
    if (masks && mask) masks.set(mask, k * h * w);
    objects.push(objs);
  });
  return { x, masks, objects };
}

/** The objective of a detection or segmentation task; undefined for classification. */
export function taskObjective(task: Task, shape: number[], augment?: Augment): Objective | undefined {
  if (task.kind === "classification") return undefined;
  const [, h, w] = shape;
  const anchors = task.kind === "detection" && task.head === "ssd" ? ssdAnchors(task, w, h) : [];
  return {
    batch(split: Split, idx: number[], random: (() => number) | null) {
      const b = gatherBatch(split as TaskSplit, idx, shape, augment, random);
      const n = idx.length;
      if (task.kind === "detection" && task.head === "ssd") {
        const t = ssdTargets(b.objects, anchors);
        return { x: b.x, loss: (out: tf.Tensor) => ssdLoss(out, t), hits: (out: tf.Tensor) => ssdHits(out, t) };
      }
      if (task.kind === "detection") {
        const target = yoloTargets(b.objects, task, w, h);
        return {
          x: b.x,
          loss: (out: tf.Tensor) => yoloLoss(out, tf.tensor(target, [n, task.S, task.S, 5 + task.C]), task),
          // the share of object cells whose highest class score is the object's, per image
          hits: (out: tf.Tensor) =>
            tf.tidy(() => {
              const t = tf.tensor(target, [n, task.S, task.S, 5 + task.C]);
              const obj = tf.reshape(tf.slice(t, [0, 0, 0, 0], [n, task.S, task.S, 1]), [n, task.S, task.S]);
              const scores = tf.slice(out, [0, 0, 0, task.B * 5], [n, task.S, task.S, task.C]);
              const right = tf.cast(tf.equal(tf.argMax(scores, 3), tf.argMax(tf.slice(t, [0, 0, 0, 5], [n, task.S, task.S, task.C]), 3)), "float32");
              return tf.mul(tf.div(tf.sum(tf.mul(obj, right)), tf.maximum(tf.sum(obj), 1)), n) as tf.Scalar;
            }),
        };
      }
      const labels = b.masks!;
      return {
        x: b.x,
        loss: (out: tf.Tensor) => segmentationLoss(cropScores(out as tf.Tensor4D, h, w), labels, task.classes),
        // pixel accuracy over the labelled pixels, per image
        hits: (out: tf.Tensor) =>
          tf.tidy(() => {
            const pred = tf.reshape(tf.argMax(cropScores(out as tf.Tensor4D, h, w), 1), [-1]);
            const lab = tf.tensor1d(Int32Array.from(labels), "int32");
            const valid = tf.cast(tf.notEqual(lab, IGNORE), "float32");
            const right = tf.mul(tf.cast(tf.equal(pred, lab), "float32"), valid);
            return tf.mul(tf.div(tf.sum(right), tf.maximum(tf.sum(valid), 1)), n) as tf.Scalar;
          }),
      };
    },
  };
}
