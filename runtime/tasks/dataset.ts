// Data for detection and segmentation: a VOC folder (voc.ts) or COCO-style JSON boxes
// (coco.ts), images resized to the network's input (boxes scaled, masks by nearest
// neighbour), packed like runtime/data.ts's splits with each image's targets beside.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Dataset, Split } from "../data.js";
import { preprocessImage } from "../image.js";
import { readInputFile } from "../io-safety.js";
import type { Task } from "../../compiler/tasks.js";
import { readCoco } from "./coco.js";
import { readMaskPng, readVocAnnotation, TaskDataError, vocClasses, vocIds } from "./voc.js";
import type { GroundTruth } from "./yolo.js";

export interface TaskSplit extends Split {
  objects: GroundTruth[][]; // per image, in the network input's pixels
  masks?: Uint8Array; // N x H x W class indices (255: ignore)
  files: string[];
}

export interface TaskDataset extends Dataset {
  train: TaskSplit;
  test: TaskSplit;
}

export interface Sample {
  file: string;
  objects: GroundTruth[];
  width: number;
  height: number;
  mask?: string;
}

/** Nearest-neighbour resize of a class mask (PIL's NEAREST: source pixel floor((i + 0.5) · scale)). */
export function resizeMask(mask: Uint8Array, w: number, h: number, ow: number, oh: number): Uint8Array {
  if (w === ow && h === oh) return mask;
  const out = new Uint8Array(ow * oh);
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < ow; x++) out[y * ow + x] = mask[Math.min(h - 1, Math.floor(((y + 0.5) * h) / oh)) * w + Math.min(w - 1, Math.floor(((x + 0.5) * w) / ow))];
  return out;
}

function pack(samples: Sample[], shape: number[], segmentation: boolean): TaskSplit {
  const [c, h, w] = shape;
  const size = c * h * w;
  const x = new Float32Array(samples.length * size);
  const masks = segmentation ? new Uint8Array(samples.length * h * w) : undefined;
  const objects = samples.map((s, i) => {
    const img = preprocessImage(new Uint8Array(readInputFile(s.file, "the image")), s.file, { resize: [h, w], crop: null, grayscale: c === 1 });
    x.set(img.data, i * size);
    if (masks && s.mask) {
      const m = readMaskPng(s.mask);
      if (m.width !== s.width || m.height !== s.height) throw new TaskDataError(`${s.mask} is ${m.width}x${m.height}, its image ${s.width}x${s.height}`);
      masks.set(resizeMask(m.mask, m.width, m.height, w, h), i * h * w);
    }
    const [sx, sy] = [w / s.width, h / s.height];
    return s.objects.map((o) => ({ class: o.class, box: [o.box[0] * sx, o.box[1] * sy, o.box[2] * sx, o.box[3] * sy] as GroundTruth["box"] }));
  });
  return { x, y: new Int32Array(samples.length), n: samples.length, objects, masks, files: samples.map((s) => s.file) };
}

function vocSamples(dir: string, ids: string[], classes: string[], segmentation: boolean): Sample[] {
  return ids.map((id) => {
    const file = join(dir, "JPEGImages", `${id}.jpg`);
    const ann = join(dir, "Annotations", `${id}.xml`);
    const mask = join(dir, "SegmentationClass", `${id}.png`);
    if (segmentation && !existsSync(mask)) throw new TaskDataError(`${dir}: image ${id} has no SegmentationClass/${id}.png`);
    if (existsSync(ann)) return { file, ...readVocAnnotation(ann, segmentation ? classes.slice(1) : classes), mask };
    if (!segmentation) throw new TaskDataError(`${dir}: image ${id} has no Annotations/${id}.xml`);
    const m = readMaskPng(mask);
    return { file, objects: [], width: m.width, height: m.height, mask };
  });
}

/** The data in `spec` for a network with this task and input shape (C x H x W). */
export function taskDataset(spec: string, task: Task, shape: number[]): TaskDataset {
  const segmentation = task.kind === "segmentation";
  let classes: string[];
  let train: Sample[];
  let test: Sample[];
  const json = spec.endsWith(".json") ? spec : join(spec, "annotations.json");
  if (!existsSync(spec)) throw new TaskDataError(`there is no data directory ${spec}`);
  if (existsSync(join(spec, "ImageSets"))) {
    classes = vocClasses(spec, segmentation);
    train = vocSamples(spec, vocIds(spec, "train", segmentation), classes, segmentation);
    test = vocSamples(spec, vocIds(spec, "val", segmentation), classes, segmentation);
  } else if (!segmentation && existsSync(json) && statSync(json).isFile()) {
    const coco = readCoco(json);
    classes = coco.classes;
    train = coco.samples.filter((_, i) => i % 5 !== 4);
    test = coco.samples.filter((_, i) => i % 5 === 4);
  } else {
    const seen = statSync(spec).isDirectory() ? readdirSync(spec).slice(0, 5).join(", ") : "a file";
    throw new TaskDataError(`${spec} is not ${segmentation ? "a VOC segmentation set (ImageSets/, JPEGImages/, SegmentationClass/)" : "a VOC detection set (ImageSets/, JPEGImages/, Annotations/) or COCO-style boxes (annotations.json)"}; it holds ${seen || "nothing"}`);
  }
  const want = task.kind === "detection" ? task.C : task.kind === "segmentation" ? task.classes : task.classes;
  if (want !== null && want !== classes.length)
    throw new TaskDataError(`the network predicts ${want} classes; ${spec} has ${classes.length} (${classes.join(", ")}): try --set ${task.kind === "detection" && task.head === "yolo" ? "C" : "classes"}=${classes.length}`);
  if (!train.length || !test.length) throw new TaskDataError(`${spec} needs images in both its train and val lists (${train.length} and ${test.length})`);
  return { name: spec, shape, classes, train: pack(train, shape, segmentation), test: pack(test, shape, segmentation) };
}
