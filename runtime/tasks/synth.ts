// `netc data synth`: a seeded synthetic data set of coloured shapes (circle, square,
// triangle, each with its own hue) on noisy grey backgrounds, so that detection,
// segmentation and classification train and test without downloads. Written in PASCAL
// VOC's layout (voc.ts) or, for classification, as one folder of PNGs per class.
import { PNG } from "pngjs";
import { existsSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { makeFolders } from "../io-safety.js";
import { mulberry32 } from "../random.js";
import type { Corners } from "./boxes.js";
import { IGNORE } from "./segmentation.js";
import { writeVocSample, writeVocLists } from "./voc.js";
import type { GroundTruth } from "./yolo.js";

export const SHAPES = ["circle", "square", "triangle"];
export type SynthTask = "detection" | "segmentation" | "classification";

export interface SynthImage {
  rgb: Uint8Array; // H x W x 3
  objects: GroundTruth[];
  mask: Uint8Array; // H x W: 0 background, 1 + class inside a shape, 255 on its border
}

const HUES: [number, number, number][] = [[220, 50, 40], [40, 190, 60], [50, 80, 225]];

function inside(shape: number, box: Corners, x: number, y: number): boolean {
  const [x1, y1, x2, y2] = box;
  const [px, py] = [x + 0.5, y + 0.5];
  if (px < x1 || px > x2 || py < y1 || py > y2) return false;
  if (shape === 1) return true;
  const [cx, cy, rx, ry] = [(x1 + x2) / 2, (y1 + y2) / 2, (x2 - x1) / 2, (y2 - y1) / 2];
  if (shape === 0) return ((px - cx) / rx) ** 2 + ((py - cy) / ry) ** 2 <= 1;
  return Math.abs(px - cx) <= ((py - y1) / (y2 - y1)) * rx; // a triangle pointing up
}

/** One image of `count` shapes (1 for classification), its boxes and its class mask. */
export function synthImage(size: number, random: () => number, count: number): SynthImage {
  const rgb = new Uint8Array(size * size * 3);
  const grey = 70 + random() * 80;
  for (let i = 0; i < rgb.length; i++) rgb[i] = Math.max(0, Math.min(255, Math.round(grey + (random() - 0.5) * 60)));
  const mask = new Uint8Array(size * size);
  const objects: GroundTruth[] = [];
  for (let tries = 0; objects.length < count && tries < 50; tries++) {
    const side = Math.round(size * (0.2 + random() * 0.25));
    const [x1, y1] = [Math.floor(random() * (size - side)), Math.floor(random() * (size - side))];
    const box: Corners = [x1, y1, x1 + side, y1 + side];
    const overlaps = objects.some((o) => !(box[2] <= o.box[0] || o.box[2] <= box[0] || box[3] <= o.box[1] || o.box[3] <= box[1]));
    if (overlaps) continue;
    const cls = Math.floor(random() * SHAPES.length);
    const colour = HUES[cls].map((v) => Math.max(0, Math.min(255, v + (random() - 0.5) * 50)));
    const drawn: Corners = [Infinity, Infinity, -Infinity, -Infinity]; // the box: the pixels drawn, tightly
    for (let y = y1; y < box[3]; y++)
      for (let x = x1; x < box[2]; x++) {
        if (!inside(cls, box, x, y)) continue;
        [drawn[0], drawn[1], drawn[2], drawn[3]] = [Math.min(drawn[0], x), Math.min(drawn[1], y), Math.max(drawn[2], x + 1), Math.max(drawn[3], y + 1)];
        const border = [[1, 0], [-1, 0], [0, 1], [0, -1]].some(([dx, dy]) => !inside(cls, box, x + dx, y + dy));
        mask[y * size + x] = border ? IGNORE : cls + 1;
        for (let c = 0; c < 3; c++) rgb[(y * size + x) * 3 + c] = Math.round(colour[c] + (random() - 0.5) * 20);
      }
    objects.push({ class: cls, box: drawn });
  }
  return { rgb, objects, mask };
}

export function encodePng(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) png.data.set([rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], 255], i * 4);
  return PNG.sync.write(png);
}

export class SynthError extends Error {}

/**
 * Writes `n` samples for `task` into `dir` (new or empty); every fifth is in the
 * validation list. The set is written into a temporary folder beside `dir`, renamed to
 * `dir` when complete: an interrupted run leaves no half-written data set.
 */
export function writeSynth(dir: string, task: SynthTask, n: number, size: number, seed: number): number {
  if (existsSync(dir) && readdirSync(dir).length) throw new SynthError(`${dir} is not empty: netc data synth writes a new data set (choose another -o, or remove it)`);
  const final = dir;
  makeFolders(dirname(final), dirname(final), "the data directory");
  dir = join(dirname(final), `.${basename(final)}.${process.pid}.tmp`);
  const remove = () => rmSync(dir, { recursive: true, force: true });
  process.once("exit", remove);
  try {
    writeSamples(dir, task, n, size, seed);
    if (existsSync(final)) rmdirSync(final); // empty, checked above
    renameSync(dir, final);
  } finally {
    process.off("exit", remove);
    remove();
  }
  return n;
}

function writeSamples(dir: string, task: SynthTask, n: number, size: number, seed: number) {
  const random = mulberry32(seed * 7919 + 18);
  makeFolders(dir, dir, "the data directory");
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = String(i + 1).padStart(6, "0");
    const img = synthImage(size, random, task === "classification" ? 1 : 1 + Math.floor(random() * 3));
    if (task === "classification") {
      const folder = join(dir, SHAPES[img.objects[0].class]);
      makeFolders(folder, folder, "the data directory");
      writeFileSync(join(folder, `${id}.png`), encodePng(img.rgb, size, size));
    } else writeVocSample(dir, id, img, size, task === "segmentation");
    ids.push(id);
  }
  if (task !== "classification") writeVocLists(dir, ids, SHAPES, task === "segmentation");
}
