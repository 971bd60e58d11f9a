// What an op declares (arguments, a pure output-shape function, weights in PyTorch's
// layout, multiply-adds), and the shape helpers the op families share.
import { add, ceilDiv, floorDiv, isSym, mul, sub, type Dim } from "../symbolic.js";
import { formatShape, type Shape } from "../values.js";
import type { ArgType, Pair } from "../op-args.js";

export type WeightKind = "parameter" | "buffer" | "counter";
export interface WeightSpec {
  name: string;
  shape: number[];
  kind: WeightKind;
}

export interface OpResult {
  shape: Shape;
  weights?: WeightSpec[];
  macs?: Dim;
}

/** A problem with an op's input or arguments; `arg` names the argument to point at. */
export class OpError extends Error {
  constructor(
    message: string,
    readonly arg?: string,
    readonly inputProblem = false,
  ) {
    super(message);
  }
}

export interface ArgSpec {
  name: string;
  type: ArgType;
  default?: unknown; // already converted; undefined means required
  defaultFrom?: string; // defaults to another argument's value (maxpool's stride = kernel)
  keyword?: boolean; // given only by name: where netc's order and PyTorch's differ
  doc: string;
}

export type Args = Record<string, any>;

export interface OpSpec {
  name: string;
  doc: string;
  torch: string; // the PyTorch module it matches
  args: ArgSpec[];
  /** A note for a call with too many arguments by position (PyTorch's order, say). */
  positionalHint?: (positional: number) => string | undefined;
  infer(a: Args, x: Shape): OpResult;
}

export const arg = (name: string, type: ArgType, doc: string, def?: unknown): ArgSpec => ({ name, type, doc, default: def });
/** An argument given only by name (Python's parameters after `*`). */
export const kw = (name: string, type: ArgType, doc: string, def: unknown): ArgSpec => ({ name, type, doc, default: def, keyword: true });

/** An op's parameters as call binding sees them. */
export const paramsOf = (op: OpSpec) =>
  op.args.map((a) => ({ name: a.name, required: a.default === undefined && !a.defaultFrom, keyword: a.keyword }));

// ---- shape helpers ---------------------------------------------------------------
export function image(x: Shape, op: string): [Dim, Dim, Dim] {
  if (x.length !== 3) throw new OpError(`${op} expects a channels x height x width input, got ${formatShape(x)}`, undefined, true);
  return [x[0], x[1], x[2]];
}

/** Channels then at least one more dimension (CxL or CxHxW), as LocalResponseNorm takes. */
export function channelsFirst(x: Shape, op: string): Shape {
  if (x.length < 2) throw new OpError(`${op} expects channels and at least one more dimension, got ${formatShape(x)}`, undefined, true);
  return x;
}

export function concreteChannels(c: Dim, op: string): number {
  if (isSym(c)) throw new OpError(`${op} needs a concrete number of input channels, got ${c}`, undefined, true);
  return c;
}

/** floor((n + pads - d*(k-1) - 1)/s) + 1, or its ceil-mode variant; PyTorch's formula. */
export function windowOut(n: Dim, k: number, s: number, padTotal: number, d: number, ceil: boolean, padLeft: number): Dim {
  const span = sub(add(n, padTotal), d * (k - 1) + 1);
  if (!ceil) return add(floorDiv(span, s), 1);
  // PyTorch drops a last ceil-mode window that would start in the right padding, when
  // (out - 1)*s >= n + padLeft. With padding at most half the effective kernel
  // e = d*(k-1) + 1 (pools check it first), out - 1 = ceil(span/s) <= ceil((n + padLeft)/s),
  // and the drop happens exactly for the n where they are equal; so, for every n at once,
  // out = ceil((n + padLeft)/s) when e - padLeft <= s, and ceil(span/s) + 1 (never
  // dropped) otherwise. One formula for concrete and symbolic sizes alike.
  if (d * (k - 1) + 1 - padLeft <= s) return ceilDiv(add(n, padLeft), s);
  return add(ceilDiv(span, s), 1);
}

export function checkPositive(d: Dim, what: string, x: Shape) {
  if (typeof d === "number" && d < 1)
    throw new OpError(`${what} would be empty: the input ${formatShape(x)} is smaller than the window`, undefined, true);
}

export function windowed(x: Shape, op: string, k: Pair, s: Pair, p: Pair, d: Pair, ceil: boolean): Shape {
  const [c, h, w] = image(x, op);
  const oh = windowOut(h, k[0], s[0], 2 * p[0], d[0], ceil, p[0]);
  const ow = windowOut(w, k[1], s[1], 2 * p[1], d[1], ceil, p[1]);
  checkPositive(oh, `${op}'s output height`, x);
  checkPositive(ow, `${op}'s output width`, x);
  return [c, oh, ow];
}

/** PyTorch's limit (aten/src/ATen/native/Pool.h): pad <= ((k - 1)*dilation + 1) / 2, the effective kernel's half. */
export function checkPoolPadding(k: Pair, p: Pair, op: string, d: Pair = [1, 1]) {
  const half = [0, 1].map((i) => Math.floor(((k[i] - 1) * d[i] + 1) / 2));
  if (p[0] <= half[0] && p[1] <= half[1]) return;
  const dilated = d[0] !== 1 || d[1] !== 1;
  const kernel = dilated ? `effective kernel ${[0, 1].map((i) => (k[i] - 1) * d[i] + 1).join("x")} (kernel ${k.join("x")}, dilation ${d.join("x")})` : `kernel ${k.join("x")}`;
  throw new OpError(`${op}'s padding ${p.join("x")} must be at most half the ${kernel}`, "pad");
}

export const mac = (...ds: Dim[]): Dim => ds.reduce((a, b) => mul(a, b), 1 as Dim);
