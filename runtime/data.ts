// Training data: the 10,000 MNIST digits the `mnist` package ships, split
// deterministically, or a directory of images in class sub-folders (torchvision's
// ImageFolder convention), with the seeds' augmentations as options.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { extname, join } from "node:path";
import type { Graph } from "../compiler/ir.js";
import { preprocessImage } from "./image.js";
import { readInputFile } from "./io-safety.js";

export interface Split {
  x: Float32Array; // N x C x H x W, flattened
  y: Int32Array;
  n: number;
}

export interface Dataset {
  name: string;
  shape: number[]; // C, H, W of one sample
  classes: string[];
  train: Split;
  test: Split;
}

export class DataError extends Error {}

/**
 * The data `spec` names (mnist, or a folder of class folders) for training `graph`:
 * its images the size of the graph's input, and one output per class, or a DataError
 * that says which does not fit.
 */
export function datasetFor(graph: Graph, spec: string): Dataset {
  checkDataFits(graph, spec, spec === "mnist" ? [1, 28, 28] : undefined, spec === "mnist" ? 10 : classFolders(spec).length);
  const input = graph.nodes[graph.inputs[0].node].shape as number[];
  const data = spec === "mnist" ? mnist() : imageFolder(spec, input);
  checkDataFits(graph, spec, data.shape, data.classes.length);
  return data;
}

/** The network's input and output against the data's image shape and classes: checked before loading, and after. */
function checkDataFits(graph: Graph, spec: string, shape: number[] | undefined, classes: number) {
  const input = graph.nodes[graph.inputs[0].node].shape as number[];
  if (shape && input.join("x") !== shape.join("x"))
    throw new DataError(`${graph.network} takes ${input.join("x")} inputs but the ${spec} images are ${shape.join("x")}${spec === "mnist" ? " (try --input 1x28x28 if the network allows it)" : ""}`);
  const outShape = graph.nodes[graph.outputs[0].node].shape as number[];
  if (classes >= 2 && (outShape.length !== 1 || outShape[0] !== classes))
    throw new DataError(`${graph.network}'s output is ${outShape.join("x")}; the data has ${classes} classes (try --set classes=${classes})`);
}

/** The class folders of an ImageFolder directory, sorted. */
function classFolders(dir: string): string[] {
  try {
    return readdirSync(dir).filter((e) => statSync(join(dir, e)).isDirectory()).sort();
  } catch (e) {
    throw new DataError(`cannot read the data directory ${dir}: ${(e as Error).message}`);
  }
}

export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;
const HOLDOUT = 10; // every tenth digit of each class is held out

/**
 * MNIST from the `mnist` package: about 1,000 digits of each class, 28x28, values in
 * [0, 1]. Every tenth digit of each class is held out for testing (a fixed split).
 */
export function mnist(): Dataset {
  const require = createRequire(import.meta.url);
  const trainX: number[][] = [];
  const testX: number[][] = [];
  const trainY: number[] = [];
  const testY: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const raw: number[] = JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${digit}.json`), "utf8")).data;
    const count = Math.floor(raw.length / 784);
    for (let i = 0; i < count; i++) {
      const sample = raw.slice(i * 784, (i + 1) * 784);
      if (i % HOLDOUT === HOLDOUT - 1) (testX.push(sample), testY.push(digit));
      else (trainX.push(sample), trainY.push(digit));
    }
  }
  // Normalised with MNIST's mean and standard deviation, as PyTorch's MNIST examples do.
  const split = (xs: number[][], ys: number[]): Split => ({
    x: Float32Array.from(xs.flat(), (v) => (v - MNIST_MEAN) / MNIST_STD),
    y: Int32Array.from(ys),
    n: ys.length,
  });
  return { name: "mnist", shape: [1, 28, 28], classes: [..."0123456789"], train: split(trainX, trainY), test: split(testX, testY) };
}

const IMAGE = new Set([".jpg", ".jpeg", ".png"]);

/**
 * A folder with one sub-folder of images per class, resized to the network's input
 * size. With `testFolder` absent, a fixed fraction of each class is held out.
 */
export function imageFolder(dir: string, shape: number[], opts: { holdout?: number; mean?: number[]; std?: number[] } = {}): Dataset {
  const [c, h, w] = shape;
  if (shape.length !== 3 || (c !== 1 && c !== 3)) throw new DataError(`image data needs a network whose input is 1xHxW or 3xHxW, not ${shape.join("x")}`);
  const size = c * h * w;
  const files = folderFiles(dir, opts.holdout);
  const read = (list: [string, number][]) => ({
    x: list.map(([f]) => preprocessImage(new Uint8Array(readInputFile(f, "the image")), f, { resize: [h, w], crop: null, grayscale: c === 1, mean: opts.mean, std: opts.std }).data),
    y: list.map(([, label]) => label),
  });
  const train = read(files.train);
  const test = read(files.test);
  if (!train.y.length || !test.y.length) throw new DataError(`${dir} has too few images to hold out a test set (${train.y.length + test.y.length} in all)`);
  const pack = (s: typeof train): Split => {
    const x = new Float32Array(s.y.length * size);
    s.x.forEach((img, i) => x.set(img, i * size));
    return { x, y: Int32Array.from(s.y), n: s.y.length };
  };
  return { name: dir, shape, classes: files.classes, train: pack(train), test: pack(test) };
}

/** The images of a folder of class folders with their labels, every `1 / holdout`-th of each class held out. */
export function folderFiles(dir: string, holdout = 0.2): { classes: string[]; train: [string, number][]; test: [string, number][] } {
  const entries = classFolders(dir);
  if (entries.length < 2)
    throw new DataError(`${dir} must hold one sub-folder of images per class (at least two), like torchvision's ImageFolder; found ${entries.length}`);
  const train: [string, number][] = [];
  const test: [string, number][] = [];
  entries.forEach((cls, label) => {
    const files = readdirSync(join(dir, cls)).filter((f) => IMAGE.has(extname(f).toLowerCase())).sort();
    if (!files.length) throw new DataError(`the class folder ${join(dir, cls)} has no .jpg or .png image`);
    const every = holdout > 0 ? Math.max(2, Math.round(1 / holdout)) : Infinity;
    files.forEach((f, i) => (i % every === every - 1 ? test : train).push([join(dir, cls, f), label]));
  });
  return { classes: entries, train, test };
}

/** The seeds' augmentations: a random crop of the image padded by `pad`, and a horizontal flip. */
export function augment(batch: Float32Array, n: number, shape: number[], opts: { crop?: number; flip?: boolean }, random: () => number): Float32Array {
  const [c, h, w] = shape;
  const out = new Float32Array(batch.length);
  const pad = opts.crop ?? 0;
  for (let s = 0; s < n; s++) {
    const dy = pad ? Math.floor(random() * (2 * pad + 1)) - pad : 0;
    const dx = pad ? Math.floor(random() * (2 * pad + 1)) - pad : 0;
    const flip = opts.flip && random() < 0.5;
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const sy = y + dy;
          const sx0 = x + dx;
          const sx = flip ? w - 1 - sx0 : sx0;
          const v = sy >= 0 && sy < h && sx >= 0 && sx < w ? batch[((s * c + ch) * h + sy) * w + sx] : 0;
          out[((s * c + ch) * h + y) * w + x] = v;
        }
  }
  return out;
}
