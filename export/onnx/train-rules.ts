// Forward (in training mode) and backward rules, as ONNX operators, for the layers that
// netc can train outside TensorFlow.js (train-graph.ts): each rule emits its layer's
// forward pass keeping what its gradient needs, and the gradient with respect to its
// inputs and weights, with PyTorch's semantics (autograd's formulas: batch norm on the
// batch's statistics, max pooling's gradient to the first maximum of each window).
import type { IRNode } from "../../compiler/ir.js";
import type { Pair } from "../../compiler/op-args.js";
import { int, ints, type GraphBuilder } from "./builder.js";
import { convPads } from "./layers.js";
import * as pointwise from "./train-rules-pointwise.js";
import { add, concat, mul } from "./train-rules-merge.js";
import { channelRules } from "./train-rules-channels.js";
import * as modern from "./train-rules-modern.js";

export interface RuleContext {
  b: GraphBuilder;
  node: IRNode;
  x: string[]; // input value names
  shapes: number[][]; // input shapes without the batch
  label: string;
  weight(rel: string): string | undefined; // the graph input holding a weight (PyTorch's layout)
  invN: string; // the loss's scale: 1 / the whole batch (a replica's slice included), a scalar input
  mask?: string; // dropout: the graph input holding this step's mask
}

export interface Forward {
  y: string;
  keep?: Record<string, string>;
  stats?: { mean: string; variance: string }; // batch norm: the batch's mean and biased variance, [C]
}

export interface Backward {
  dx: (string | undefined)[]; // per input; undefined where no gradient is needed
  dw: Record<string, string>; // by weight name relative to the node
}

export interface Rule {
  /** Why this node cannot train natively, or undefined. */
  check?(node: IRNode, shapes: number[][]): string | undefined;
  forward(c: RuleContext): Forward;
  backward(c: RuleContext, f: Forward, dy: string, needs: boolean[]): Backward;
}

const pair = (v: unknown) => v as Pair;
const tr = (b: GraphBuilder, x: string, perm: number[], label: string) => b.add("Transpose", [x], { perm: ints(perm) }, undefined, label);
export const sum = (b: GraphBuilder, x: string, axes: number[], keep: boolean, label: string) =>
  b.add("ReduceSum", [x, b.int64s(axes, `${label}/axes`)], { keepdims: int(keep ? 1 : 0) }, undefined, label);
const shapeOf = (b: GraphBuilder, x: string, label: string) => b.add("Shape", [x], {}, undefined, `${label}/shape`);

/** The input padding that a stride leaves unread at the end: ConvTranspose's output_padding. */
function remainders(h: number, w: number, k: Pair, s: Pair, pads: number[], oh: number, ow: number): Pair {
  return [h + pads[0] + pads[2] - k[0] - (oh - 1) * s[0], w + pads[1] + pads[3] - k[1] - (ow - 1) * s[1]];
}

type Geometry = [k: Pair, s: Pair, pads: number[], r: Pair];

/**
 * dW[o, c, i, j] = sum over n, y, x of dY[n, o, y, x] · X[n, c, y·s + i, x·s + j]: one matrix
 * product per tap (i, j) of the kernel, dY's rows by the rows of the input that the tap
 * reads. With the maps first ([H, W, N, C], by two-dimensional transposes, onnxruntime's
 * fast ones) each tap's rows are one slice of whole N x C rows.
 */
function filterGradientByTaps(c: RuleContext, dy: string, ...[k, s, pads]: Geometry): string {
  const { b, label } = c;
  const [ci, h, w] = c.shapes[0];
  const [co, oh, ow] = c.node.shape as number[];
  const mapsFirst = (v: string, ch: number, area: number, name: string) => b.reshape(tr(b, b.reshape(v, [-1, area], `${name}/flat`), [1, 0], name), [-1, ch], `${name}/rows`);
  const xh = b.reshape(mapsFirst(c.x[0], ci, h * w, `${label}/x_maps_first`), [h, w, -1, ci], `${label}/x_maps`);
  const padded = pads.some((v) => v > 0) ? b.add("Pad", [xh, b.int64s([pads[0], pads[1], 0, 0, pads[2], pads[3], 0, 0], `${label}/tap_pads`)], {}, undefined, `${label}/x_pad`) : xh;
  const dyRows = mapsFirst(dy, co, oh * ow, `${label}/dy_maps_first`);
  const cells: string[] = [];
  for (let i = 0; i < k[0]; i++)
    for (let j = 0; j < k[1]; j++) {
      const at = `${label}/tap_${i}_${j}`;
      const whole = k[0] * k[1] === 1 && s[0] * s[1] === 1 && pads.every((v) => v === 0);
      const ends = [i + (oh - 1) * s[0] + 1, j + (ow - 1) * s[1] + 1];
      const sl = whole ? padded : b.add("Slice", [padded, b.int64s([i, j], `${at}/starts`), b.int64s(ends, `${at}/ends`), b.int64s([0, 1], `${at}/axes`), b.int64s(s, `${at}/steps`)], {}, undefined, `${at}/slice`);
      const g = b.add("Gemm", [dyRows, b.reshape(sl, [-1, ci], `${at}/rows`)], { transA: int(1) }, undefined, `${at}/product`);
      cells.push(k[0] * k[1] === 1 ? g : b.reshape(g, [co, ci, 1], `${at}/cell`));
    }
  const taps = cells.length === 1 ? cells[0] : b.add("Concat", cells, { axis: int(2) }, undefined, `${label}/taps`);
  return b.reshape(taps, [co, ci, k[0], k[1]], `${label}/grad_weight`);
}

/**
 * A grouped (or depthwise) convolution's filter gradient: per tap, one batched product over
 * the groups, dY's rows [G, O/G, L·N] by the tap's input rows [G, L·N, C/G], with the input
 * laid out [G, H, W, N, C/G] once so that every tap is one slice.
 */
function filterGradientGrouped(c: RuleContext, dy: string, ...[k, s, pads]: Geometry): string {
  const { b, label } = c;
  const g = c.node.attrs.groups as number;
  const [ci, h, w] = c.shapes[0];
  const [co, oh, ow] = c.node.shape as number[];
  const [cg, og] = [ci / g, co / g];
  const xg = tr(b, b.reshape(c.x[0], [-1, g, cg, h, w], `${label}/x_groups`), [1, 3, 4, 0, 2], `${label}/x_group_maps`);
  const padded = pads.some((v) => v > 0) ? b.add("Pad", [xg, b.int64s([0, pads[0], pads[1], 0, 0, 0, pads[2], pads[3], 0, 0], `${label}/tap_pads`)], {}, undefined, `${label}/x_pad`) : xg;
  const dyg = b.reshape(tr(b, b.reshape(dy, [-1, g, og, oh, ow], `${label}/dy_groups`), [1, 2, 3, 4, 0], `${label}/dy_group_maps`), [g, og, -1], `${label}/dy_rows`);
  const cells: string[] = [];
  for (let i = 0; i < k[0]; i++)
    for (let j = 0; j < k[1]; j++) {
      const at = `${label}/tap_${i}_${j}`;
      const ends = [i + (oh - 1) * s[0] + 1, j + (ow - 1) * s[1] + 1];
      const sl = b.add("Slice", [padded, b.int64s([i, j], `${at}/starts`), b.int64s(ends, `${at}/ends`), b.int64s([1, 2], `${at}/axes`), b.int64s(s, `${at}/steps`)], {}, undefined, `${at}/slice`);
      const prod = b.add("MatMul", [dyg, b.reshape(sl, [g, -1, cg], `${at}/rows`)], {}, undefined, `${at}/product`);
      cells.push(b.reshape(prod, [co, cg, 1], `${at}/cell`));
    }
  const taps = cells.length === 1 ? cells[0] : b.add("Concat", cells, { axis: int(2) }, undefined, `${label}/taps`);
  return b.reshape(taps, [co, cg, k[0], k[1]], `${label}/grad_weight`);
}

/** The same as one convolution: the input (channels as the batch) by dY dilated by the stride. */
function filterGradientByConvolution(c: RuleContext, dy: string, ...[k, s, pads, r]: Geometry): string {
  const { b, label } = c;
  const xt = tr(b, c.x[0], [1, 0, 2, 3], `${label}/x_t`);
  const dyt = tr(b, dy, [1, 0, 2, 3], `${label}/dy_t`);
  let g = b.add("Conv", [xt, dyt], { pads: ints(pads), dilations: ints(s), strides: ints([1, 1]) }, undefined, `${label}/grad_weight_t`);
  if (r[0] > 0 || r[1] > 0) g = b.add("Slice", [g, b.int64s([0, 0], `${label}/k0`), b.int64s(k, `${label}/k`), b.int64s([2, 3], `${label}/k_axes`)], {}, undefined, `${label}/grad_weight_cut`);
  return tr(b, g, [1, 0, 2, 3], `${label}/grad_weight`);
}

const conv: Rule = {
  check: (node) => {
    const d = pair(node.attrs.dilation);
    if (d[0] !== 1 || d[1] !== 1) return "dilated convolution";
    return undefined;
  },
  forward: (c) => {
    const a = c.node.attrs;
    const inputs = [c.x[0], c.weight("weight")!, ...(c.weight("bias") ? [c.weight("bias")!] : [])];
    const y = c.b.add("Conv", inputs, { kernel_shape: ints(pair(a.kernel)), strides: ints(pair(a.stride)), pads: ints(convPads(c.node)), group: int(a.groups as number) }, undefined, c.label);
    return { y };
  },
  backward: (c, _f, dy, needs) => {
    const { b, label } = c;
    const [k, s, pads] = [pair(c.node.attrs.kernel), pair(c.node.attrs.stride), convPads(c.node)];
    const [, h, w] = c.shapes[0];
    const [, oh, ow] = c.node.shape as number[];
    const r = remainders(h, w, k, s, pads, oh, ow);
    const dw: Record<string, string> = {};
    if (c.weight("bias")) dw.bias = sum(b, dy, [0, 2, 3], false, `${label}/grad_bias`);
    // by taps for small kernels on many channels (cifar_resnet's 3x3 64-channel layers: 1.9 ms
    // against 2.4; its 1x1: 0.37 against 0.71), else as one convolution (its 11x11 stem on 3
    // channels: 0.97 ms against 12.9 by 121 products three wide)
    const byTaps = k[0] * k[1] <= 9 && c.shapes[0][0] >= 16;
    const groups = c.node.attrs.groups as number;
    dw.weight = (groups > 1 ? filterGradientGrouped : byTaps ? filterGradientByTaps : filterGradientByConvolution)(c, dy, k, s, pads, r);
    const dx = needs[0]
      ? b.add("ConvTranspose", [dy, c.weight("weight")!], { kernel_shape: ints(k), strides: ints(s), pads: ints(pads), output_padding: ints(r), group: int(groups) }, undefined, `${label}/grad_input`)
      : undefined;
    return { dx: [dx], dw };
  },
};

const linear: Rule = {
  forward: (c) => {
    const inputs = [c.x[0], c.weight("weight")!, ...(c.weight("bias") ? [c.weight("bias")!] : [])];
    if (c.shapes[0].length === 1) return { y: c.b.add("Gemm", inputs, { transB: int(1) }, undefined, c.label) };
    // on the last dimension of a larger value (ConvNeXt's channels-last blocks): x · Wᵀ (+ b)
    const y = c.b.add("MatMul", [c.x[0], tr(c.b, c.weight("weight")!, [1, 0], `${c.label}/weight_t`)], {}, undefined, `${c.label}/matmul`);
    return { y: c.weight("bias") ? c.b.add("Add", [y, c.weight("bias")!], {}, undefined, c.label) : y };
  },
  backward: (c, _f, dy, needs) => {
    const { b, label } = c;
    const [features, units] = [c.shapes[0][c.shapes[0].length - 1], (c.node.shape as number[])[(c.node.shape as number[]).length - 1]];
    const rows = c.shapes[0].length === 1 ? [dy, c.x[0]] : [b.reshape(dy, [-1, units], `${label}/dy_rows`), b.reshape(c.x[0], [-1, features], `${label}/x_rows`)];
    const dw: Record<string, string> = { weight: b.add("Gemm", rows, { transA: int(1) }, undefined, `${label}/grad_weight`) };
    if (c.weight("bias")) dw.bias = sum(b, rows[0], [0], false, `${label}/grad_bias`);
    const dx = needs[0] ? b.add("MatMul", [dy, c.weight("weight")!], {}, undefined, `${label}/grad_input`) : undefined;
    return { dx: [dx], dw };
  },
};

const relu: Rule = {
  forward: (c) => ({ y: c.b.add("Relu", [c.x[0]], {}, undefined, c.label) }),
  backward: (c, f, dy) => {
    const zero = c.b.floats([0], `${c.label}/zero`);
    const on = c.b.add("Greater", [f.y, zero], {}, undefined, `${c.label}/on`); // autograd's: where the result is positive
    return { dx: [c.b.add("Where", [on, dy, zero], {}, undefined, `${c.label}/grad_input`)], dw: {} };
  },
};

const flatten: Rule = {
  check: (node) => ((node.shape as number[]).length !== 1 ? "a flatten that keeps more than the batch and one dimension" : undefined),
  forward: (c) => ({ y: c.b.reshape(c.x[0], [0, -1], c.label) }),
  backward: (c, _f, dy) => ({ dx: [c.b.add("Reshape", [dy, shapeOf(c.b, c.x[0], c.label)], {}, undefined, `${c.label}/grad_input`)], dw: {} }),
};

const batchnorm: Rule = {
  check: (node, shapes) => {
    if (shapes[0].length !== 3) return "batch norm on a value that is not C x H x W";
    if (!node.attrs.stats) return "batch norm without running statistics";
    if (typeof node.attrs.momentum !== "number") return "batch norm with a cumulative average (momentum None)";
    return undefined;
  },
  forward: (c) => {
    const { b, label } = c;
    const ch = c.shapes[0][0];
    const mean = b.reduce("ReduceMean", c.x[0], [0, 2, 3], `${label}/mean`);
    const xc = b.add("Sub", [c.x[0], mean], {}, undefined, `${label}/centred`);
    const variance = b.reduce("ReduceMean", b.add("Mul", [xc, xc], {}, undefined, `${label}/square`), [0, 2, 3], `${label}/var`);
    const eps = b.floats([c.node.attrs.eps as number], `${label}/eps`);
    const inv = b.add("Reciprocal", [b.add("Sqrt", [b.add("Add", [variance, eps], {}, undefined, `${label}/var_eps`)], {}, undefined, `${label}/std`)], {}, undefined, `${label}/inv_std`);
    const xhat = b.add("Mul", [xc, inv], {}, undefined, `${label}/normalized`);
    let y = xhat;
    let gamma: string | undefined;
    if (c.weight("weight")) y = b.add("Mul", [y, (gamma = b.reshape(c.weight("weight")!, [ch, 1, 1], `${label}/gamma`))], {}, undefined, `${label}/scaled`);
    if (c.weight("bias")) y = b.add("Add", [y, b.reshape(c.weight("bias")!, [ch, 1, 1], `${label}/beta`)], {}, undefined, label);
    const stats = { mean: b.reshape(mean, [ch], `${label}/batch_mean`), variance: b.reshape(variance, [ch], `${label}/batch_var`) };
    return { y, keep: { xhat, inv, ...(gamma ? { gamma } : {}) }, stats };
  },
  backward: (c, f, dy) => {
    const { b, label } = c;
    const { xhat, inv, gamma } = f.keep!;
    const s1 = sum(b, dy, [0, 2, 3], true, `${label}/grad_sum`);
    const dyXhat = b.add("Mul", [dy, xhat], {}, undefined, `${label}/dy_xhat`);
    const s2 = sum(b, dyXhat, [0, 2, 3], true, `${label}/grad_sum_xhat`);
    const dw: Record<string, string> = {};
    const ch = c.shapes[0][0];
    if (c.weight("weight")) dw.weight = b.reshape(s2, [ch], `${label}/grad_weight`);
    if (c.weight("bias")) dw.bias = b.reshape(s1, [ch], `${label}/grad_bias`);
    // dX = γ/σ · (dY − mean(dY) − x̂ · mean(dY · x̂)), means over the batch and the map (of
    // this graph's batch: a replica's slice normalises and differentiates on its own)
    const m1 = b.reduce("ReduceMean", dy, [0, 2, 3], `${label}/grad_mean`);
    const m2 = b.add("Mul", [b.reduce("ReduceMean", dyXhat, [0, 2, 3], `${label}/grad_mean_xhat`), xhat], {}, undefined, `${label}/grad_proj`);
    const centred = b.add("Sub", [b.add("Sub", [dy, m1], {}, undefined, `${label}/grad_c1`), m2], {}, undefined, `${label}/grad_c2`);
    const scale = gamma ? b.add("Mul", [gamma, inv], {}, undefined, `${label}/grad_scale`) : inv;
    return { dx: [b.add("Mul", [centred, scale], {}, undefined, `${label}/grad_input`)], dw };
  },
};

/** Pooling geometry as pooling.ts computes it: ceil mode as extra end padding. */
function poolGeometry(node: IRNode, shapes: number[][]) {
  const a = node.attrs;
  const [k, s, p, d] = [pair(a.kernel), pair(a.stride), pair(a.pad), pair(a.dilation ?? [1, 1])];
  const [, h, w] = shapes[0];
  const [, oh, ow] = node.shape as number[];
  const extraH = Math.max(0, (oh - 1) * s[0] + d[0] * (k[0] - 1) + 1 - (h + 2 * p[0]));
  const extraW = Math.max(0, (ow - 1) * s[1] + d[1] * (k[1] - 1) + 1 - (w + 2 * p[1]));
  return { k, s, d, h, w, oh, ow, pads: [p[0], p[1], p[0] + extraH, p[1] + extraW] };
}

const maxpool: Rule = {
  check: (node, shapes) => (poolGeometry(node, shapes).pads.some((v, i) => v >= pair(node.attrs.kernel)[i % 2]) ? "max pooling padded by a kernel or more" : undefined),
  forward: (c) => {
    const g = poolGeometry(c.node, c.shapes);
    const [y, indices] = c.b.addOutputs("MaxPool", [c.x[0]], { kernel_shape: ints(g.k), strides: ints(g.s), pads: ints(g.pads), dilations: ints(g.d) }, 2, c.label);
    return { y, keep: { indices } };
  },
  backward: (c, f, dy) => {
    // each output's gradient added to the input cell it came from (onnxruntime's index of
    // the first maximum in the flattened input, as PyTorch's)
    const { b, label } = c;
    const flat = b.reshape(c.x[0], [-1], `${label}/x_flat`);
    const zeros = b.add("ConstantOfShape", [shapeOf(b, flat, `${label}/flat`)], {}, undefined, `${label}/zeros`);
    const idx = b.reshape(f.keep!.indices, [-1], `${label}/indices_flat`);
    const upd = b.reshape(dy, [-1], `${label}/dy_flat`);
    const scattered = b.add("ScatterElements", [zeros, idx, upd], { axis: int(0), reduction: { string: "add" } }, undefined, `${label}/scatter`);
    return { dx: [b.add("Reshape", [scattered, shapeOf(b, c.x[0], label)], {}, undefined, `${label}/grad_input`)], dw: {} };
  },
};

/** Average pooling whose every window divides by the kernel's area (pooling.ts's plain case). */
function averageWindows(node: IRNode, shapes: number[][]) {
  if (node.op === "avgpool") {
    const g = poolGeometry(node, shapes);
    const full = (out: number, k: number, s: number, p: number, n: number) =>
      Array.from({ length: out }, (_, i) => Math.min(i * s - p + k, n + p) - (i * s - p)).every((v) => v === k);
    const ok = (node.attrs.count_include_pad || g.pads.every((v) => v === 0)) && full(g.oh, g.k[0], g.s[0], g.pads[0], g.h) && full(g.ow, g.k[1], g.s[1], g.pads[1], g.w);
    const ceil = g.pads[2] !== g.pads[0] || g.pads[3] !== g.pads[1];
    return ok && !ceil && g.pads.every((v, i) => v < g.k[i % 2]) && g.d.every((v) => v === 1) ? g : undefined;
  }
  const [, h, w] = shapes[0];
  const [oh, ow] = node.op === "globalavgpool" ? [1, 1] : pair(node.attrs.size);
  if (h % oh || w % ow) return undefined;
  const k: Pair = [h / oh, w / ow];
  return { k, s: k, d: [1, 1], h, w, oh, ow, pads: [0, 0, 0, 0] };
}

const avgpool: Rule = {
  check: (node, shapes) => (averageWindows(node, shapes) ? undefined : "average pooling with windows of different sizes"),
  forward: (c) => {
    const g = averageWindows(c.node, c.shapes)!;
    return { y: c.b.add("AveragePool", [c.x[0]], { kernel_shape: ints(g.k), strides: ints(g.s), pads: ints(g.pads), count_include_pad: int(1) }, undefined, c.label) };
  },
  backward: (c, _f, dy) => {
    // each output's gradient spread evenly over its window: a transposed convolution by a
    // constant kernel, one channel at a time
    const g = averageWindows(c.node, c.shapes)!;
    const ch = c.shapes[0][0];
    const kernel = c.b.floats(new Float32Array(ch * g.k[0] * g.k[1]).fill(1 / (g.k[0] * g.k[1])), `${c.label}/spread`, [ch, 1, g.k[0], g.k[1]]);
    const r = remainders(g.h, g.w, g.k, g.s, g.pads, g.oh, g.ow);
    const attrs = { kernel_shape: ints(g.k), strides: ints(g.s), pads: ints(g.pads), output_padding: ints(r), group: int(ch) };
    return { dx: [c.b.add("ConvTranspose", [dy, kernel], attrs, undefined, `${c.label}/grad_input`)], dw: {} };
  },
};

/** The layers netc trains natively, by IR op. */
export const rules: Record<string, Rule> = { ...pointwise, ...channelRules, ...modern, conv, linear, relu, add, mul, concat, flatten, batchnorm, maxpool, avgpool, adaptiveavgpool: avgpool, globalavgpool: avgpool };

