// Reading a classifier's output: the top classes of a score vector (softmax
// probabilities, best first), and, for dense prediction (a convolutionized classifier
// on a larger image, C x h x w scores), the top class of each cell and the scores
// averaged over the cells. The first sample of a batch; plain numbers, no tfjs.
import { readFileSync } from "node:fs";
import { imagenetClasses } from "./labels.js";

export interface Ranked {
  index: number;
  score: number;
  probability: number;
}

/** The k best classes of the first sample's scores (the last axis of `shape`). */
export function topClasses(scores: Float32Array, shape: number[], k: number): Ranked[] {
  const n = shape[shape.length - 1];
  const row = Array.from(scores.subarray(0, n));
  const max = Math.max(...row);
  const exps = row.map((s) => Math.exp(s - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return row.map((s, i) => ({ index: i, score: s, probability: exps[i] / total })).sort((a, b) => b.score - a.score).slice(0, k);
}

export interface ClassMap {
  /** The top class of each of the h x w cells, row by row. */
  grid: number[][];
  /** The C scores averaged over the cells. */
  mean: Float32Array;
}

/** The first sample's [N, C, h, w] scores as a map of top classes and their mean. */
export function classMap(scores: Float32Array, shape: number[]): ClassMap {
  const [, c, h, w] = shape;
  const at = (ch: number, i: number, j: number) => scores[(ch * h + i) * w + j];
  const best = (i: number, j: number) => {
    let b = 0;
    for (let ch = 1; ch < c; ch++) if (at(ch, i, j) > at(b, i, j)) b = ch;
    return b;
  };
  const grid = Array.from({ length: h }, (_, i) => Array.from({ length: w }, (_, j) => best(i, j)));
  const mean = new Float32Array(c);
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) sum += at(ch, i, j);
    mean[ch] = sum / (h * w);
  }
  return { grid, mean };
}

export class LabelsError extends Error {}

/** Class names: `imagenet`, or a text file with one name per line. */
export function readLabels(spec: string): string[] {
  if (spec === "imagenet") return imagenetClasses();
  try {
    return readFileSync(spec, "utf8").split(/\r?\n/).filter((l) => l.trim() !== "");
  } catch (e) {
    throw new LabelsError(`cannot read the labels file ${spec}: ${(e as Error).message}`);
  }
}
