// `netc run` for detection and segmentation outputs: the detections of a YOLO map in
// the image's pixels (as text or JSON), the class mask as a VOC palette PNG, and
// `--draw`: boxes or the mask drawn over the image.
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import type { Task } from "../../compiler/tasks.js";
import type { Corners, Detection } from "./boxes.js";
import { cropMaskCentre, maskPng, vocPalette } from "./voc.js";
import { predictMask } from "./segmentation.js";
import { detector } from "./detect.js";

export interface Picture {
  rgb: Uint8Array;
  width: number;
  height: number;
}

/** An RGB image from a JPEG or PNG file; undefined for anything else (a .npy input). */
export function readPicture(file: string): Picture | undefined {
  const ext = extname(file).toLowerCase();
  const bytes = readFileSync(file);
  const rgba = ext === ".png" ? PNG.sync.read(bytes) : ext === ".jpg" || ext === ".jpeg" ? jpeg.decode(bytes, { useTArray: true }) : undefined;
  if (!rgba) return undefined;
  const rgb = new Uint8Array(rgba.width * rgba.height * 3);
  for (let i = 0; i < rgba.width * rgba.height; i++) rgb.set(rgba.data.subarray(i * 4, i * 4 + 3), i * 3);
  return { rgb, width: rgba.width, height: rgba.height };
}

/** Detections of one image's map, with boxes in the picture's pixels (the network's input scaled to it). */
export function detections(task: Extract<Task, { kind: "detection" }>, map: Float32Array, input: [number, number], picture: [number, number], minScore: number, iou: number): Detection[] {
  const [sx, sy] = [picture[0] / input[0], picture[1] / input[1]];
  return detector(task, input[0], input[1]).decode(map, minScore, iou).map((d) => ({ ...d, box: [d.box[0] * sx, d.box[1] * sy, d.box[2] * sx, d.box[3] * sy] as Corners }));
}

export function formatDetections(dets: Detection[], classes?: string[]): string[] {
  if (!dets.length) return ["no detections"];
  return dets.map((d) => `${(classes?.[d.class] ?? String(d.class)).padEnd(10)} ${d.score.toFixed(3)}  [${d.box.map((v) => v.toFixed(1)).join(", ")}]`);
}

/** The class of each pixel of the first image's [1, C, H, W] scores, cropped to the input's size. */
export function classMask(scores: Float32Array, shape: number[], input: [number, number]): Uint8Array {
  const [, c, h, w] = shape;
  return cropMaskCentre(predictMask(scores, 1, c, h, w), w, h, input[0], input[1]);
}

export const maskFile = (mask: Uint8Array, width: number, height: number) => maskPng(mask, width, height);

/** The picture with boxes outlined (two pixels, the class's VOC colour) or the mask blended in at half strength. */
export function draw(p: Picture, what: { detections?: Detection[]; mask?: { data: Uint8Array; width: number; height: number } }): Uint8Array {
  const png = new PNG({ width: p.width, height: p.height });
  const palette = vocPalette();
  for (let i = 0; i < p.width * p.height; i++) {
    let [r, g, b] = [p.rgb[i * 3], p.rgb[i * 3 + 1], p.rgb[i * 3 + 2]];
    if (what.mask) {
      const [x, y] = [i % p.width, Math.floor(i / p.width)];
      const m = what.mask;
      const k = m.data[Math.min(m.height - 1, Math.floor(((y + 0.5) * m.height) / p.height)) * m.width + Math.min(m.width - 1, Math.floor(((x + 0.5) * m.width) / p.width))];
      if (k > 0) [r, g, b] = [0, 1, 2].map((c) => Math.round((([r, g, b][c] as number) + palette[k][c]) / 2));
    }
    png.data.set([r, g, b, 255], i * 4);
  }
  for (const d of what.detections ?? []) {
    const colour = palette[d.class + 1];
    const [x1, y1, x2, y2] = d.box.map((v) => Math.round(v));
    const put = (x: number, y: number) => x >= 0 && y >= 0 && x < p.width && y < p.height && png.data.set([...colour, 255], (y * p.width + x) * 4);
    for (let t = 0; t < 2; t++) {
      for (let x = x1; x < x2; x++) put(x, y1 + t), put(x, y2 - 1 - t);
      for (let y = y1; y < y2; y++) put(x1 + t, y), put(x2 - 1 - t, y);
    }
  }
  return PNG.sync.write(png);
}

export interface PresentOptions {
  json?: boolean;
  draw?: string; // the picture with the predictions drawn, as PNG
  mask?: string; // segmentation: the class mask as a palette PNG
  minScore: number;
  iou: number;
  classes?: string[];
}

/**
 * What `netc run` prints and writes for a detection or segmentation output (of the
 * first image): the lines for stdout and the files to write, by path.
 */
export function presentTask(task: Task, y: { shape: number[]; data: Float32Array }, inputFile: string, input: [number, number], o: PresentOptions): { lines: string[]; files: [string, Uint8Array][] } {
  const picture = readPicture(inputFile);
  const size: [number, number] = picture ? [picture.width, picture.height] : input;
  const files: [string, Uint8Array][] = [];
  if (task.kind === "detection") {
    const dets = detections(task, y.data.subarray(0, detector(task, input[0], input[1]).size), input, size, o.minScore, o.iou);
    if (o.draw && picture) files.push([o.draw, draw(picture, { detections: dets })]);
    const named = dets.map((d) => ({ class: o.classes?.[d.class] ?? d.class, score: +d.score.toFixed(6), box: d.box.map((v) => +v.toFixed(2)) }));
    return { lines: o.json ? [JSON.stringify({ detections: named })] : formatDetections(dets, o.classes), files };
  }
  const mask = classMask(y.data, y.shape, input);
  if (o.mask) files.push([o.mask, maskFile(mask, input[0], input[1])]);
  if (o.draw && picture) files.push([o.draw, draw(picture, { mask: { data: mask, width: input[0], height: input[1] } })]);
  const counts = new Map<number, number>();
  for (const k of mask) counts.set(k, (counts.get(k) ?? 0) + 1);
  const share = [...counts].sort((a, b) => a[0] - b[0]).map(([k, c]) => ({ class: o.classes?.[k] ?? k, pixels: c, share: +(c / mask.length).toFixed(4) }));
  return { lines: o.json ? [JSON.stringify({ mask: { width: input[0], height: input[1] }, classes: share })] : share.map((s) => `${String(s.class).padEnd(10)} ${(100 * s.share).toFixed(1).padStart(5)}% of pixels`), files };
}
