// runtime/tasks/ against PyTorch: box IoU, NMS, the YOLO v1 loss (and its gradient) and
// decoding, segmentation's cropped cross-entropy and mean IoU, on the random tensors of
// test/tasks/fixtures/tasks.json (scripts/gen-task-fixtures.py).
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { classNms, iou, nms, type Corners } from "../../runtime/tasks/boxes.js";
import { yoloDecode, yoloLoss, yoloTargets } from "../../runtime/tasks/yolo.js";
import { Confusion, cropScores, predictMask, segmentationLoss } from "../../runtime/tasks/segmentation.js";
import { loadGradients } from "../../runtime/train.js";

const fx = JSON.parse(readFileSync(new URL("./fixtures/tasks.json", import.meta.url), "utf8"));

beforeAll(async () => {
  await tf.setBackend("cpu");
  await loadGradients();
});

describe("boxes", () => {
  const boxes = fx.boxes.boxes as Corners[];
  it("IoU equals torchvision's box_iou", () => {
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) expect(iou(boxes[i], boxes[6 + j])).toBeCloseTo(fx.boxes.iou[i][j], 12);
  });
  it.each((fx.boxes.nms as any[]).map((c) => [c.threshold, c]) as [number, any][])("NMS at %s equals torchvision's nms and batched_nms", (thr: number, c: any) => {
    expect(nms(boxes, fx.boxes.scores, thr)).toEqual(c.keep);
    const dets = boxes.map((box, i) => ({ box, score: fx.boxes.scores[i], class: fx.boxes.classes[i], i }));
    expect(classNms(dets, thr).map((d) => (d as any).i)).toEqual(c.batched);
  });
});

describe("YOLO v1", () => {
  const y = fx.yolo;
  const shape = { S: y.S, B: y.B, C: y.C };
  it("encodes the targets as the reference", () => {
    const t = yoloTargets(y.objects, shape, y.width, y.height);
    expect(t.length).toBe(y.targets.length);
    t.forEach((v, i) => expect(v).toBeCloseTo(y.targets[i], 6));
  });
  it("has the reference's loss and gradient (the responsible predictor's IoU not differentiated)", () => {
    const target = tf.tensor(yoloTargets(y.objects, shape, y.width, y.height), [3, y.S, y.S, 5 + y.C]);
    const pred = tf.tensor(y.pred, [3, y.S, y.S, y.B * 5 + y.C]);
    const loss = yoloLoss(pred, target, shape);
    expect(loss.dataSync()[0]).toBeCloseTo(y.loss, 3);
    const grad = tf.grad((p: tf.Tensor) => yoloLoss(p, target, shape))(pred).dataSync();
    grad.forEach((g, i) => expect(g).toBeCloseTo(y.grad[i], 3));
  });
  it.each((y.decode as any[]).map((d) => [d.minScore, d.iou, d]) as [number, number, any][])("decodes with score > %s and per-class NMS at %s as the reference", (minScore: number, thr: number, d: any) => {
    const depth = y.S * y.S * (y.B * 5 + y.C);
    d.detections.forEach((want: any[], n: number) => {
      const got = yoloDecode(y.pred.slice(n * depth, (n + 1) * depth), shape, y.width, y.height, minScore, thr);
      expect(got.map((g) => g.class)).toEqual(want.map((w) => w.class));
      got.forEach((g, i) => {
        expect(g.score).toBeCloseTo(want[i].score, 10);
        g.box.forEach((v, k) => expect(v).toBeCloseTo(want[i].box[k], 9));
      });
    });
  });
});

describe("segmentation", () => {
  const s = fx.segmentation;
  it("crops to the input as center_crop, and its cross-entropy ignoring 255 is F.cross_entropy's", () => {
    const scores = tf.tensor4d(s.scores, s.in);
    const cropped = cropScores(scores, s.out[0], s.out[1]);
    expect(cropped.shape).toEqual([2, s.classes, ...s.out]);
    expect(segmentationLoss(cropped, Int32Array.from(s.labels), s.classes).dataSync()[0]).toBeCloseTo(s.loss, 5);
    const pred = predictMask(cropped.dataSync() as Float32Array, 2, s.classes, s.out[0], s.out[1]);
    expect([...pred]).toEqual(s.pred);
    const conf = new Confusion(s.classes).add(s.labels, pred);
    expect(conf.meanIou()).toBeCloseTo(s.meanIou, 12);
    expect(conf.pixelAccuracy()).toBeCloseTo(s.pixelAccuracy, 12);
  });
});
