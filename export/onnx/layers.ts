// Convolutions, linear layers, normalisation and pooling as ONNX operators, computing
// what runtime/kernels.ts computes (PyTorch's semantics, NCHW). Shapes here exclude the
// batch, as in the IR; ONNX tensors have it first.
import type { IRNode } from "../../compiler/ir.js";
import type { Pair } from "../../compiler/op-args.js";
import { float, int, ints, type GraphBuilder } from "./builder.js";

export interface OpContext {
  b: GraphBuilder;
  node: IRNode;
  /** Input value names, in order. */
  x: string[];
  /** The inputs' shapes without the batch (concrete). */
  shapes: number[][];
  /** The name the op's result must have (a graph output), if any. */
  out?: string;
  /** A readable base for the names of the op's nodes. */
  label: string;
  /** The initializer holding the node's weight `name` (its state-dict name), if it has one. */
  weight(name: string): string | undefined;
}

/** Emits the op; returns the name of the value it produces. */
export type Converter = (c: OpContext) => string;

const pair = (v: unknown) => v as Pair;

/** A per-channel vector [C] as [C, 1, ...] to broadcast over a batchless rank-`rank` value. */
export function perChannel(c: OpContext, v: string, rank: number, what: string): string {
  if (rank <= 1) return v;
  const ch = c.shapes[0][0];
  return c.b.reshape(v, [ch, ...Array(rank - 1).fill(1)], `${c.label}/${what}`);
}

// ---- convolution and linear -----------------------------------------------------------------
/** [top, left, bottom, right], as the runtime pads (PyTorch's "same": the extra on the end). */
export function convPads(node: IRNode): number[] {
  const k = pair(node.attrs.kernel);
  const d = pair(node.attrs.dilation);
  if (node.attrs.pad === "same") {
    const [th, tw] = [d[0] * (k[0] - 1), d[1] * (k[1] - 1)];
    return [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
  }
  const p = node.attrs.pad === "valid" ? [0, 0] : pair(node.attrs.pad);
  return [p[0], p[1], p[0], p[1]];
}

const inputsWithWeights = (c: OpContext) => [c.x[0], c.weight("weight")!, ...(c.weight("bias") ? [c.weight("bias")!] : [])];

export const conv: Converter = (c) =>
  c.b.add("Conv", inputsWithWeights(c), {
    kernel_shape: ints(pair(c.node.attrs.kernel)),
    strides: ints(pair(c.node.attrs.stride)),
    dilations: ints(pair(c.node.attrs.dilation)),
    pads: ints(convPads(c.node)),
    group: int(c.node.attrs.groups as number),
  }, c.out, c.label);

export const convtranspose: Converter = (c) => {
  const p = pair(c.node.attrs.pad);
  return c.b.add("ConvTranspose", inputsWithWeights(c), {
    kernel_shape: ints(pair(c.node.attrs.kernel)),
    strides: ints(pair(c.node.attrs.stride)),
    dilations: ints(pair(c.node.attrs.dilation)),
    pads: ints([p[0], p[1], p[0], p[1]]),
    output_padding: ints(pair(c.node.attrs.output_pad)),
    group: int(c.node.attrs.groups as number),
  }, c.out, c.label);
};

export const linear: Converter = (c) => {
  const [w, bias] = [c.weight("weight")!, c.weight("bias")];
  if (c.shapes[0].length === 1) return c.b.add("Gemm", bias ? [c.x[0], w, bias] : [c.x[0], w], { transB: int(1) }, c.out, c.label);
  // on the last dimension of a larger value: x · Wᵀ (+ b)
  const wt = c.b.add("Transpose", [w], { perm: ints([1, 0]) }, undefined, `${c.label}/weight_t`);
  if (!bias) return c.b.add("MatMul", [c.x[0], wt], {}, c.out, c.label);
  const y = c.b.add("MatMul", [c.x[0], wt], {}, undefined, `${c.label}/matmul`);
  return c.b.add("Add", [y, bias], {}, c.out, c.label);
};

// ---- normalisation ----------------------------------------------------------------------------
/** (x - mean) / sqrt(var + eps) over `axes`, the statistics from the value itself. */
function standardize(c: OpContext, x: string, axes: number[], eps: number): string {
  const b = c.b;
  const mean = b.reduce("ReduceMean", x, axes, `${c.label}/mean`);
  const d = b.add("Sub", [x, mean], {}, undefined, `${c.label}/centered`);
  const variance = b.reduce("ReduceMean", b.add("Mul", [d, d], {}, undefined, `${c.label}/squared`), axes, `${c.label}/variance`);
  const std = b.add("Sqrt", [b.add("Add", [variance, b.floats([eps], `${c.label}/eps`)], {}, undefined, `${c.label}/var_eps`)], {}, undefined, `${c.label}/std`);
  return b.add("Div", [d, std], {}, undefined, `${c.label}/normalized`);
}

/** y * weight + bias, per channel, when the layer has them. */
function affine(c: OpContext, y: string, rank: number): string {
  const w = c.weight("weight");
  if (!w) return c.out ? c.b.add("Identity", [y], {}, c.out, c.label) : y;
  const scaled = c.b.add("Mul", [y, perChannel(c, w, rank, "scale")], {}, undefined, `${c.label}/scaled`);
  return c.b.add("Add", [scaled, perChannel(c, c.weight("bias")!, rank, "shift")], {}, c.out, c.label);
}

export const batchnorm: Converter = (c) => {
  const rank = c.shapes[0].length;
  const eps = c.node.attrs.eps as number;
  if (!c.node.attrs.stats) {
    // no running statistics (track_running_stats=False): the batch's own, also in inference
    const axes = [0, ...Array.from({ length: rank - 1 }, (_, i) => i + 2)];
    return affine(c, standardize(c, c.x[0], axes, eps), rank);
  }
  const ch = c.shapes[0][0];
  const scale = c.weight("weight") ?? c.b.floats(new Float32Array(ch).fill(1), `${c.label}/ones`, [ch]);
  const bias = c.weight("bias") ?? c.b.floats(new Float32Array(ch), `${c.label}/zeros`, [ch]);
  const inputs = [c.x[0], scale, bias, c.weight("running_mean")!, c.weight("running_var")!];
  return c.b.add("BatchNormalization", inputs, { epsilon: float(eps) }, c.out, c.label);
};

export const groupnorm: Converter = (c) => {
  const g = c.node.attrs.groups as number;
  const shape = c.shapes[0];
  const grouped = c.b.reshape(c.x[0], [0, g, -1], `${c.label}/grouped`);
  const y = standardize(c, grouped, [2], c.node.attrs.eps as number);
  return affine(c, c.b.reshape(y, [-1, ...shape], `${c.label}/ungrouped`), shape.length);
};

export const lrn: Converter = (c) => {
  const { size, alpha, beta, k } = c.node.attrs as Record<string, number>;
  const shape = c.shapes[0];
  // ONNX's LRN centres an even window one channel later than PyTorch's; odd ones agree.
  if (shape.length === 3 && size % 2 === 1)
    return c.b.add("LRN", [c.x[0]], { size: int(size), alpha: float(alpha), beta: float(beta), bias: float(k) }, c.out, c.label);
  // PyTorch's window: channels c - size/2 .. c + (size-1)/2, zero-padded, averaged by a pool.
  const b = c.b;
  const rest = shape.slice(1).reduce((p, d) => p * d, 1);
  const sq = b.reshape(b.add("Mul", [c.x[0], c.x[0]], {}, undefined, `${c.label}/square`), [-1, 1, shape[0], rest], `${c.label}/as_image`);
  const pads = b.int64s([0, 0, Math.floor(size / 2), 0, 0, 0, Math.floor((size - 1) / 2), 0], `${c.label}/pads`);
  const padded = b.add("Pad", [sq, pads], {}, undefined, `${c.label}/pad`);
  const mean = b.add("AveragePool", [padded], { kernel_shape: ints([size, 1]) }, undefined, `${c.label}/window_mean`);
  const scaled = b.add("Mul", [b.reshape(mean, [-1, ...shape], `${c.label}/back`), b.floats([alpha], `${c.label}/alpha`)], {}, undefined, `${c.label}/scaled`);
  const base = b.add("Add", [scaled, b.floats([k], `${c.label}/k`)], {}, undefined, `${c.label}/base`);
  const div = b.add("Pow", [base, b.floats([beta], `${c.label}/beta`)], {}, undefined, `${c.label}/divisor`);
  return b.add("Div", [c.x[0], div], {}, c.out, c.label);
};
