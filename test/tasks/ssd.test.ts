// runtime/tasks/ssd.ts against torchvision 0.14's SSD code on the random tensors of
// test/tasks/fixtures/ssd.json (scripts/gen-ssd-fixtures.py): DefaultBoxGenerator's
// anchors, SSDMatcher(0.5), BoxCoder's encoding, SSD.compute_loss and its gradient,
// postprocess_detections.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultScales } from "../../compiler/tasks.js";
import type { Corners } from "../../runtime/tasks/boxes.js";
import { decodeBox, encodeBox, matchAnchors, ssdAnchors, ssdDecode, ssdLoss, ssdTargets } from "../../runtime/tasks/ssd.js";
import { loadGradients } from "../../runtime/train.js";

const fx = JSON.parse(readFileSync(new URL("./fixtures/ssd.json", import.meta.url), "utf8"));
const close = (got: ArrayLike<number>, want: number[], tol: number) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i])));
};

beforeAll(async () => {
  await tf.setBackend("cpu");
  await loadGradients();
});

describe("SSD anchors", () => {
  it.each((fx.configs as any[]).map((c) => [JSON.stringify(c.maps), c]) as [string, any][])("maps %s: DefaultBoxGenerator's scales and boxes", (_m, c: any) => {
    const scales = c.given ?? defaultScales(c.maps.length);
    close(scales, c.scales, 1e-12);
    const anchors = ssdAnchors({ maps: c.maps, ratios: c.ratios, scales }, fx.width, fx.height);
    close(anchors.flat(), c.anchors.flat(), 1e-6);
  });
});

describe("SSD matching, encoding and loss", () => {
  const c = fx.configs[0];
  const anchors = ssdAnchors({ maps: c.maps, ratios: c.ratios, scales: c.scales }, fx.width, fx.height);
  const n = fx.objects.length;
  const A = anchors.length;

  it("matches anchors to objects as SSDMatcher(0.5), each object's best anchor included", () => {
    fx.objects.forEach((objs: any[], i: number) => expect([...matchAnchors(objs.map((o) => o.box), anchors)]).toEqual(fx.matched[i]));
  });

  it("encodes the matched objects as BoxCoder((10, 10, 5, 5)), and decoding inverts it", () => {
    const t = ssdTargets(fx.objects, anchors);
    close(t.boxes, fx.encoded.flat(2), 1e-5);
    expect(t.positives).toBe(fx.matched.flat().filter((m: number) => m >= 0).length);
    const box: Corners = [3, 5, 20, 31];
    close(decodeBox(encodeBox(box, anchors[9]), anchors[9]), box, 1e-9);
  });

  it("has compute_loss's value and gradient (smooth-L1 + cross-entropy, 3:1 hard negatives, over the matched)", () => {
    const t = ssdTargets(fx.objects, anchors);
    const pred = tf.tensor(fx.pred, [n, A, 5 + fx.C]);
    expect(Math.abs(ssdLoss(pred, t).dataSync()[0] - fx.loss.total)).toBeLessThan(1e-4 * fx.loss.total);
    const grad = tf.grad((p: tf.Tensor) => ssdLoss(p, t))(pred).dataSync();
    close(grad, fx.grad.flat(2), 1e-5);
  });

  it.each((fx.decoded as any[]).map((d) => [d.minScore, d.iou, d]) as [number, number, any][])("decodes scores above %s, per-class NMS at %s, as postprocess_detections", (minScore: number, thr: number, d: any) => {
    const got = ssdDecode(fx.pred[0].flat(), anchors, fx.C, fx.width, fx.height, minScore, thr);
    expect(got.map((g) => g.class)).toEqual(d.classes);
    close(got.map((g) => g.score), d.scores, 1e-5);
    close(got.flatMap((g) => g.box), d.boxes.flat(), 1e-4);
  });
});
