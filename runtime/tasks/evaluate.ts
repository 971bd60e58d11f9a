// `netc eval`: a trained network scored on the held-out split of its data, by the
// metric of its task: accuracy for classification, mAP@0.5 (VOC's all-point
// interpolation) for detection, mean IoU (and pixel accuracy) for segmentation.
import * as tf from "@tensorflow/tfjs-core";
import type { Task } from "../../compiler/tasks.js";
import type { Dataset, Split } from "../data.js";
import type { Model } from "../model.js";
import type { Detection } from "./boxes.js";
import type { TaskSplit } from "./dataset.js";
import { meanAveragePrecision } from "./map.js";
import { Confusion, cropScores, predictMask } from "./segmentation.js";
import { detector } from "./detect.js";

export interface EvalOptions {
  minScore: number; // detections kept above this class-specific confidence
  iou: number; // NMS threshold
}

export type EvalResult =
  | { task: "classification"; images: number; accuracy: number }
  | { task: "detection"; images: number; map: number; ap: Record<string, number | null>; iou: number; minScore: number }
  | { task: "segmentation"; images: number; meanIou: number; pixelAccuracy: number; iou: Record<string, number | null> };

/** The first output of `model` on every image of `split`, in batches, handed to `each` with its range. */
async function forEachBatch(model: Model, split: Split, shape: number[], each: (out: Float32Array, outShape: number[], start: number, n: number) => void) {
  const size = shape.reduce((a, b) => a * b, 1);
  for (let start = 0; start < split.n; start += 64) {
    const n = Math.min(64, split.n - start);
    const out = tf.tidy(() => model.forward([tf.tensor(split.x.subarray(start * size, (start + n) * size), [n, ...shape])])[0]);
    const data = (await out.data()) as Float32Array;
    each(data, out.shape, start, n);
    out.dispose();
  }
}

export async function evaluateTask(model: Model, task: Task, data: Dataset, opts: EvalOptions): Promise<EvalResult> {
  const split = data.test;
  const [, h, w] = data.shape;
  if (task.kind === "detection") {
    const dets: Detection[][] = [];
    const d = detector(task, w, h);
    await forEachBatch(model, split, data.shape, (out, _s, _start, n) => {
      for (let i = 0; i < n; i++) dets.push(d.decode(out.subarray(i * d.size, (i + 1) * d.size), opts.minScore, opts.iou));
    });
    const r = meanAveragePrecision(dets, (split as TaskSplit).objects, task.C, 0.5);
    return { task: "detection", images: split.n, map: r.map, ap: Object.fromEntries(data.classes.map((c, i) => [c, r.ap[i]])), iou: opts.iou, minScore: opts.minScore };
  }
  if (task.kind === "segmentation") {
    const conf = new Confusion(task.classes);
    const masks = (split as TaskSplit).masks!;
    await forEachBatch(model, split, data.shape, (out, s, start, n) => {
      const cropped = tf.tidy(() => cropScores(tf.tensor4d(out, s as [number, number, number, number]), h, w));
      const pred = predictMask(cropped.dataSync() as Float32Array, n, task.classes, h, w);
      cropped.dispose();
      conf.add(masks.subarray(start * h * w, (start + n) * h * w), pred);
    });
    const ious = conf.iou();
    return { task: "segmentation", images: split.n, meanIou: conf.meanIou(), pixelAccuracy: conf.pixelAccuracy(), iou: Object.fromEntries(data.classes.map((c, i) => [c, ious[i]])) };
  }
  let correct = 0;
  await forEachBatch(model, split, data.shape, (out, s, start, n) => {
    const k = s[1];
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (out[i * k + c] > out[i * k + best]) best = c;
      if (best === split.y[start + i]) correct++;
    }
  });
  return { task: "classification", images: split.n, accuracy: correct / split.n };
}

/** The result as `netc eval` prints it. */
export function formatEval(r: EvalResult): string[] {
  const pct = (v: number | null) => (v === null ? "—" : `${(100 * v).toFixed(2)}%`);
  if (r.task === "classification") return [`accuracy ${pct(r.accuracy)} on ${r.images} held-out images`];
  if (r.task === "detection")
    return [`mAP@0.5 ${pct(r.map)} on ${r.images} held-out images (VOC all-point AP; NMS IoU ${r.iou}, scores above ${r.minScore})`, ...Object.entries(r.ap).map(([c, v]) => `  AP ${c}: ${pct(v)}`)];
  return [`mean IoU ${pct(r.meanIou)}, pixel accuracy ${pct(r.pixelAccuracy)} on ${r.images} held-out images`, ...Object.entries(r.iou).map(([c, v]) => `  IoU ${c}: ${pct(v)}`)];
}
