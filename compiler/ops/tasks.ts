// Task markers: layers that compute nothing (nn.Identity) but say what an output means,
// so that training, evaluation and `netc run` pick the loss, metric and decoding for
// it. `yolo S, B, C` ends a detection head, `segmentation classes` a per-pixel one,
// `classification classes` (the default of an unmarked output) a vector of class scores.
// compiler/tasks.ts reads them back from the graph.
import { dimEquals } from "../symbolic.js";
import { formatShape } from "../values.js";
import { arg, OpError, type OpSpec } from "./spec.js";

export const yolo: OpSpec = {
  name: "yolo",
  torch: "nn.Identity (a YOLO v1 detection output)",
  doc: "marks a YOLO v1 output: S x S cells of B boxes (x, y, w, h, confidence) and C class scores, shaped SxSx(B*5+C)",
  args: [arg("S", "count", "grid cells per side"), arg("B", "count", "boxes per cell"), arg("C", "count", "classes")],
  infer(a, x) {
    const depth = a.B * 5 + a.C;
    if (x.length !== 3 || !dimEquals(x[0], a.S) || !dimEquals(x[1], a.S) || !dimEquals(x[2], depth))
      throw new OpError(
        `yolo ${a.S}, ${a.B}, ${a.C} takes an ${a.S}x${a.S}x${depth} value (S x S x (B*5 + C), as YOLO v1's reshape), got ${formatShape(x)}; a convolution's ${depth}x${a.S}x${a.S} output becomes one with \`permute [1, 2, 0]\``,
        undefined,
        true,
      );
    return { shape: x };
  },
};

export const segmentation: OpSpec = {
  name: "segmentation",
  torch: "nn.Identity (per-pixel class scores)",
  doc: "marks a segmentation output: classes x H x W scores per pixel (FCN's), cropped to the input when larger",
  args: [arg("classes", "count", "classes, background included")],
  infer(a, x) {
    if (x.length !== 3 || !dimEquals(x[0], a.classes))
      throw new OpError(`segmentation ${a.classes} takes a ${a.classes}xHxW value of per-pixel scores, got ${formatShape(x)}`, undefined, true);
    return { shape: x };
  },
};

export const classification: OpSpec = {
  name: "classification",
  torch: "nn.Identity (class scores)",
  doc: "marks a classification output (the default of an unmarked one): a vector of class scores",
  args: [arg("classes", "count", "classes")],
  infer(a, x) {
    if (x.length !== 1 || !dimEquals(x[0], a.classes))
      throw new OpError(`classification ${a.classes} takes a vector of ${a.classes} class scores, got ${formatShape(x)}`, undefined, true);
    return { shape: x };
  },
};
