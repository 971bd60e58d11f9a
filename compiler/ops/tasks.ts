// Task markers: layers that compute nothing (nn.Identity) but say what an output means,
// so that training, evaluation and `netc run` pick the loss, metric and decoding for
// it. `yolo S, B, C` ends a detection head, `segmentation classes` a per-pixel one,
// `classification classes` (the default of an unmarked output) a vector of class scores.
// compiler/tasks.ts reads them back from the graph.
import { dimEquals } from "../symbolic.js";
import { formatShape } from "../values.js";
import { arg, kw, OpError, type OpSpec } from "./spec.js";

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

/** Anchors per place of each feature map of an SSD head: 2 + 2 per aspect ratio (torchvision's DefaultBoxGenerator). */
export const ssdAnchorsPerPlace = (ratios: number[][]) => ratios.map((r) => 2 + 2 * r.length);

export const ssd: OpSpec = {
  name: "ssd",
  torch: "nn.Identity (SSD's per-anchor box offsets and class scores)",
  doc: "marks an SSD output: for each anchor of the feature maps `maps` (in order, place by place), 4 box offsets then classes + 1 scores (background first), shaped anchors x (5 + classes)",
  args: [
    arg("classes", "count", "object classes (the background is added)"),
    kw("maps", "extentsOf", "the feature maps the predictions come from, in order: labelled values or [height, width] sizes", undefined),
    kw("ratios", "intLists", "aspect ratios per map, each adding two anchors per place (default [2] for each map)", null),
    kw("scales", "numbers", "anchor sizes as fractions of the image, one per map and one more (default from 0.15 to 0.9, then 1)", null),
  ],
  infer(a, x) {
    const maps = a.maps as unknown[];
    if (!Array.isArray(maps) || maps.length === 0) throw new OpError("ssd needs at least one feature map: `maps = [f8, f4]`", "maps");
    const ratios: number[][] = a.ratios ?? maps.map(() => [2]);
    if (ratios.length !== maps.length) throw new OpError(`ssd has ${maps.length} feature maps but ${ratios.length} lists of ratios: one list per map`, "ratios");
    if (a.scales !== null && a.scales.length !== maps.length + 1)
      throw new OpError(`ssd's scales needs ${maps.length + 1} numbers (one per feature map and one more), got ${a.scales.length}`, "scales");
    if (a.scales !== null && a.scales.some((s: number) => !(s > 0))) throw new OpError("ssd's scales must be positive fractions of the image", "scales");
    const depth = 5 + a.classes;
    const known = maps.every((m) => Array.isArray(m) && m.every((d) => typeof d === "number"));
    const per = ssdAnchorsPerPlace(ratios);
    const anchors = known ? (maps as number[][]).reduce((s, m, k) => s + m[0] * m[1] * per[k], 0) : null;
    if (x.length !== 2 || !dimEquals(x[1], depth) || (anchors !== null && !dimEquals(x[0], anchors))) {
      const want = anchors === null ? `anchors x ${depth}` : `${anchors}x${depth}`;
      const sum = known ? ` (${(maps as number[][]).map((m, k) => `${m[0]}x${m[1]}x${per[k]}`).join(" + ")} anchors)` : "";
      throw new OpError(
        `ssd ${a.classes} takes a ${want} value${sum}: per anchor 4 box offsets then ${a.classes} + 1 class scores, got ${formatShape(x)}; a map's convolution of ${per[0]} * ${depth} channels becomes one with \`reshape [${per[0]}, ${depth}, h, w]\`, \`permute [2, 3, 0, 1]\`, \`reshape [-1, ${depth}]\`, the maps joined by \`concat\``,
        undefined,
        true,
      );
    }
    return { shape: x };
  },
};
