// PASCAL VOC's layout, written and read: JPEGImages/ID.jpg, Annotations/ID.xml (boxes,
// 1-based inclusive pixel corners as the devkit writes them), SegmentationClass/ID.png
// (palette PNGs: the class index per pixel, 255 on borders), ImageSets/Main (and
// ImageSets/Segmentation) train.txt and val.txt; plus classes.txt, the class names in
// order (VOC's own 20 when it is absent). XML through fast-xml-parser, PNGs through
// fast-png (which writes palette images; pngjs does not).
import jpeg from "jpeg-js";
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { decode as decodePng, encode as encodePng } from "fast-png";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeFolders } from "../io-safety.js";
import type { Corners } from "./boxes.js";
import type { GroundTruth } from "./yolo.js";
import type { SynthImage } from "./synth.js";

export class TaskDataError extends Error {}

export const VOC_CLASSES = ["aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor"];

export function encodeJpeg(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], 255], i * 4);
  return jpeg.encode({ data: rgba, width, height }, 95).data;
}

/** VOC's colour map (the devkit's bitget construction): index → [r, g, b]. */
export function vocPalette(): [number, number, number][] {
  return Array.from({ length: 256 }, (_, i) => {
    let [r, g, b, c] = [0, 0, 0, i];
    for (let j = 7; j >= 0; j--, c >>= 3) (r |= (c & 1) << j), (g |= ((c >> 1) & 1) << j), (b |= ((c >> 2) & 1) << j);
    return [r, g, b];
  });
}

/** A class mask as a palette PNG with VOC's colours. */
export function maskPng(mask: Uint8Array, width: number, height: number): Uint8Array {
  return encodePng({ width, height, data: mask, depth: 8, channels: 1, palette: vocPalette() });
}

export function readMaskPng(file: string): { mask: Uint8Array; width: number; height: number } {
  const png = decodePng(readFileSync(file));
  if (!png.palette || png.channels !== 1 || png.depth !== 8) throw new TaskDataError(`${file}: a class mask must be an 8-bit palette PNG (VOC's SegmentationClass), not ${png.channels} channels of ${png.depth} bits`);
  return { mask: Uint8Array.from(png.data as Uint8Array), width: png.width, height: png.height };
}

/** Writes one sample into a data set being made (synth.ts writes into a temporary folder, renamed when complete). */
export function writeVocSample(dir: string, id: string, img: SynthImage, size: number, segmentation: boolean) {
  for (const sub of ["JPEGImages", "Annotations", ...(segmentation ? ["SegmentationClass"] : [])]) makeFolders(join(dir, sub), join(dir, sub), "the data directory");
  writeFileSync(join(dir, "JPEGImages", `${id}.jpg`), encodeJpeg(img.rgb, size, size));
  const xml = new XMLBuilder({ format: true, indentBy: "  " }).build({
    annotation: {
      folder: "synth", filename: `${id}.jpg`, size: { width: size, height: size, depth: 3 }, segmented: segmentation ? 1 : 0,
      object: img.objects.map((o) => ({ name: ["circle", "square", "triangle"][o.class], difficult: 0, bndbox: { xmin: o.box[0] + 1, ymin: o.box[1] + 1, xmax: o.box[2], ymax: o.box[3] } })),
    },
  });
  writeFileSync(join(dir, "Annotations", `${id}.xml`), xml);
  if (segmentation) writeFileSync(join(dir, "SegmentationClass", `${id}.png`), maskPng(img.mask, size, size));
}

export function writeVocLists(dir: string, ids: string[], classes: string[], segmentation: boolean) {
  const val = ids.filter((_, i) => i % 5 === 4);
  const train = ids.filter((_, i) => i % 5 !== 4);
  for (const set of ["Main", ...(segmentation ? ["Segmentation"] : [])]) {
    const folder = join(dir, "ImageSets", set);
    makeFolders(folder, folder, "the data directory");
    writeFileSync(join(folder, "train.txt"), train.join("\n") + "\n");
    writeFileSync(join(folder, "val.txt"), val.join("\n") + "\n");
  }
  writeFileSync(join(dir, "classes.txt"), (segmentation ? ["background", ...classes] : classes).join("\n") + "\n");
}

/** The class names of a VOC folder: its classes.txt, else VOC's 20 (with background first for segmentation). */
export function vocClasses(dir: string, segmentation: boolean): string[] {
  const file = join(dir, "classes.txt");
  if (existsSync(file)) return readFileSync(file, "utf8").split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  return segmentation ? ["background", ...VOC_CLASSES] : VOC_CLASSES;
}

/** One Annotations XML: the image size and its objects (difficult ones left out), as 0-based corners. */
export function readVocAnnotation(file: string, classes: string[]): { width: number; height: number; objects: GroundTruth[] } {
  const doc = new XMLParser({ isArray: (name) => name === "object" }).parse(readFileSync(file, "utf8"));
  const a = doc?.annotation;
  if (!a?.size) throw new TaskDataError(`${file}: not a VOC annotation (no <annotation><size>)`);
  const objects: GroundTruth[] = [];
  for (const o of a.object ?? []) {
    if (Number(o.difficult) === 1) continue;
    const cls = classes.indexOf(String(o.name));
    if (cls < 0) throw new TaskDataError(`${file}: object class '${o.name}' is not one of ${classes.join(", ")}`);
    const b = o.bndbox ?? {};
    const box = [Number(b.xmin) - 1, Number(b.ymin) - 1, Number(b.xmax), Number(b.ymax)] as Corners;
    if (box.some((v) => !Number.isFinite(v)) || box[2] <= box[0] || box[3] <= box[1]) throw new TaskDataError(`${file}: object '${o.name}' has a bad <bndbox>`);
    objects.push({ class: cls, box });
  }
  return { width: Number(a.size.width), height: Number(a.size.height), objects };
}

/** The ids of a VOC split: ImageSets/Segmentation (for segmentation, when present) or ImageSets/Main. */
export function vocIds(dir: string, split: "train" | "val", segmentation: boolean): string[] {
  const sets = segmentation ? ["Segmentation", "Main"] : ["Main"];
  for (const set of sets) {
    const file = join(dir, "ImageSets", set, `${split}.txt`);
    if (existsSync(file)) return readFileSync(file, "utf8").split(/\r?\n/).map((s) => s.trim().split(/\s+/)[0]).filter(Boolean);
  }
  throw new TaskDataError(`${dir} has no ImageSets/${sets[0]}/${split}.txt: a VOC data set lists its ${split} images there`);
}

/** A mask's centre h x w window (torchvision's center_crop offsets), for outputs larger than the input. */
export function cropMaskCentre(mask: Uint8Array, w: number, h: number, ow: number, oh: number): Uint8Array {
  if (w === ow && h === oh) return mask;
  const half = (v: number) => (v % 1 === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));
  const [top, left] = [half((h - oh) / 2), half((w - ow) / 2)];
  const out = new Uint8Array(ow * oh);
  for (let y = 0; y < oh; y++) out.set(mask.subarray((y + top) * w + left, (y + top) * w + left + ow), y * ow);
  return out;
}
