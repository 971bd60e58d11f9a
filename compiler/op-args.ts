// Conversion of argument values to the types ops expect, with the PyTorch conventions:
// a size is `3`, `3x3` or `[3, 3]`; a padding may also be "same" or "valid".
import { isSym } from "./symbolic.js";
import { isTensor, isUnknown, show, typeName, UNKNOWN, type Value } from "./values.js";

export type Pair = [number, number];
export type ArgType = "count" | "int" | "number" | "prob" | "bool" | "string" | "pair" | "pair0" | "padding" | "shape" | "sides" | "extent" | "extentOf" | "shape0" | "ints" | "numbers" | "intLists" | "extentsOf";

/** Thrown when a value does not have the expected type; the caller adds the span. */
export class ArgTypeError extends Error {}

const MAX_SIZE = 2 ** 31 - 1;

function int(v: Value, what: string, min: number): number {
  if (isSym(v)) throw new ArgTypeError(`${what} must be a concrete integer, got the symbolic size ${show(v)}`);
  if (typeof v !== "number" || !Number.isInteger(v)) throw new ArgTypeError(`${what} must be an integer, got ${typeName(v)} (${show(v)})`);
  if (v < min) throw new ArgTypeError(`${what} must be at least ${min}, got ${v}`);
  if (v > MAX_SIZE) throw new ArgTypeError(`${what} is too large: ${v} (at most ${MAX_SIZE})`);
  return v;
}

function pair(v: Value, what: string, min: number): Pair {
  if (Array.isArray(v)) {
    if (v.length !== 2) throw new ArgTypeError(`${what} must have 2 sizes (height x width), got ${v.length}`);
    return [int(v[0], what, min), int(v[1], what, min)];
  }
  const n = int(v, what, min);
  return [n, n];
}

export const argTypes: Record<ArgType, (v: Value, what: string) => unknown> = {
  count: (v, w) => int(v, w, 1),
  int: (v, w) => int(v, w, -MAX_SIZE),
  number(v, w) {
    if (typeof v !== "number") throw new ArgTypeError(`${w} must be a number, got ${typeName(v)}`);
    return v;
  },
  prob(v, w) {
    if (typeof v !== "number" || v < 0 || v > 1) throw new ArgTypeError(`${w} must be a probability between 0 and 1, got ${show(v)}`);
    return v;
  },
  bool(v, w) {
    if (typeof v !== "boolean") throw new ArgTypeError(`${w} must be true or false, got ${typeName(v)}`);
    return v;
  },
  string(v, w) {
    if (typeof v !== "string") throw new ArgTypeError(`${w} must be a string, got ${typeName(v)}`);
    return v;
  },
  pair: (v, w) => pair(v, w, 1),
  pair0: (v, w) => pair(v, w, 0),
  padding(v, w) {
    if (v === "same" || v === "valid") return v;
    if (typeof v === "string") throw new ArgTypeError(`${w} must be a size, "same" or "valid", got ${show(v)}`);
    return pair(v, w, 0);
  },
  shape(v, w) {
    const list = Array.isArray(v) ? v : [v];
    return list.map((d) => (d === -1 ? -1 : int(d, w, 1)));
  },
  /** A list of integers from 0 (permutation dims, axes). */
  shape0(v, w) {
    const list = Array.isArray(v) ? v : [v];
    return list.map((d) => int(d, w, 0));
  },
  /** An integer or a list of them, of either sign (dimensions: -1 is the last). */
  ints(v, w) {
    const list = Array.isArray(v) ? v : [v];
    if (list.length === 0) throw new ArgTypeError(`${w} needs at least one dimension`);
    return list.map((d) => int(d, w, -MAX_SIZE));
  },
  /** Two sizes that may be symbolic (a crop to another value's height and width). */
  extent(v, w) {
    const list = Array.isArray(v) ? v : [v, v];
    if (list.length !== 2) throw new ArgTypeError(`${w} must have 2 sizes (height x width), got ${list.length}`);
    return list.map((d) => (isSym(d) ? d : int(d, w, 1)));
  },
  /** An extent, or a labelled value whose height and width it takes (`size = skip`). */
  extentOf(v, w) {
    if (isTensor(v)) {
      if (!v.shape) return UNKNOWN;
      if (v.shape.length !== 3) throw new ArgTypeError(`${w} takes its height and width from a channels x height x width value, got ${v.shape.length} dimensions`);
      return v.shape.slice(1);
    }
    return argTypes.extent(v, w);
  },
  /** A list of numbers (SSD's anchor scales). */
  numbers(v, w) {
    const list = Array.isArray(v) ? v : [v];
    return list.map((d) => argTypes.number(d, w) as number);
  },
  /** A list of lists of integers from 1 (SSD's aspect ratios per feature map). */
  intLists(v, w) {
    if (!Array.isArray(v)) throw new ArgTypeError(`${w} must be a list of lists of integers ([[2], [2, 3]]), got ${typeName(v)}`);
    return v.map((l) => (Array.isArray(l) ? l : [l]).map((d) => int(d, w, 1)));
  },
  /** A list of extents or labelled values (the feature maps an SSD head reads). */
  extentsOf(v, w) {
    if (!Array.isArray(v)) throw new ArgTypeError(`${w} must be a list of labelled values or [height, width] sizes, got ${typeName(v)}`);
    return v.map((d) => argTypes.extentOf(d, w));
  },
  sides(v, w) {
    if (Array.isArray(v)) {
      if (v.length !== 4) throw new ArgTypeError(`${w} must be one size or [left, right, top, bottom]`);
      return v.map((d) => int(d, w, 0));
    }
    const n = int(v, w, 0);
    return [n, n, n, n];
  },
};

export function convertArg(type: ArgType, v: Value, what: string): unknown {
  if (isUnknown(v)) return v;
  return argTypes[type](v, what);
}
