// The runtime op table: how each IR op runs on TensorFlow.js tensors, and how its
// weights are laid out for that. Values of rank 3 (C x H x W) are held as NHWC tensors,
// the layout tfjs's convolutions want; everything else keeps PyTorch's layout with the
// batch first. Semantics are PyTorch's, verified against it by the parity tests.
import * as tf from "@tensorflow/tfjs-core";
import type { IRNode } from "../compiler/ir.js";
import type { Pair } from "../compiler/op-args.js";

export interface RunContext {
  training: boolean;
  inputRanks: number[];
  /** Batch-norm statistics measured in training mode, to fold into the running ones. */
  statUpdates?: { node: IRNode; mean: tf.Tensor; variance: tf.Tensor; count: number }[];
  /** When set, dropout masks derive from it (one seed per dropout layer). */
  seed?: number;
}

export type Weights = Record<string, tf.Tensor>;

export interface Kernel {
  run(x: tf.Tensor[], node: IRNode, w: Weights, ctx: RunContext): tf.Tensor;
  /** PyTorch layout to the kernel's, and back, for the weights that differ. */
  layout?(node: IRNode, name: string): WeightLayout | undefined;
}

export interface WeightLayout {
  fromTorch(t: tf.Tensor): tf.Tensor;
  toTorch(t: tf.Tensor): tf.Tensor;
}

export class RuntimeError extends Error {}

/** PyTorch layout (N, C, H, W) to the runtime's, and back, by rank without the batch. */
export const fromTorch = (t: tf.Tensor, rank: number) => (rank === 3 ? tf.transpose(t, [0, 2, 3, 1]) : t);
export const toTorch = (t: tf.Tensor, rank: number) => (rank === 3 ? tf.transpose(t, [0, 3, 1, 2]) : t);

const pair = (a: unknown) => a as Pair;

// ---- convolution -----------------------------------------------------------------------
type ConvPlan = "dense" | "depthwise" | "split" | "lowered";

/** How a convolution with groups runs: tfjs has dense and depthwise convolutions only. */
export function convPlan(node: IRNode): { plan: ConvPlan; cin: number; g: number; k: number; m: number } {
  const out = node.attrs.out as number;
  const g = node.attrs.groups as number;
  const k = node.weights[0].shape[1]; // input channels per group
  const cin = k * g;
  const m = out / g; // output channels per group
  if (g === 1) return { plan: "dense", cin, g, k, m };
  if (k === 1) return { plan: "depthwise", cin, g, k, m };
  // Fewer input channels per group than groups (ResNeXt: 4 or 8 per group, 32 groups):
  // k depthwise convolutions over strided channel slices beat g small dense ones.
  return { plan: k < g ? "lowered" : "split", cin, g, k, m };
}

function convPadding(node: IRNode): tf.backend_util.ExplicitPadding {
  const k = pair(node.attrs.kernel);
  const d = pair(node.attrs.dilation);
  let p: [number, number, number, number]; // top, bottom, left, right
  if (node.attrs.pad === "same") {
    const th = d[0] * (k[0] - 1);
    const tw = d[1] * (k[1] - 1);
    p = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  } else {
    const q = node.attrs.pad === "valid" ? [0, 0] : pair(node.attrs.pad);
    p = [q[0], q[0], q[1], q[1]];
  }
  return [[0, 0], [p[0], p[1]], [p[2], p[3]], [0, 0]];
}

const conv: Kernel = {
  layout(node, name) {
    if (name !== "weight") return undefined;
    const { plan, g, k, m } = convPlan(node);
    const [kh, kw] = pair(node.attrs.kernel);
    switch (plan) {
      case "dense":
      case "split": // [out, k, kh, kw] <-> [kh, kw, k, out]
        return { fromTorch: (t) => tf.transpose(t, [2, 3, 1, 0]), toTorch: (t) => tf.transpose(t, [3, 2, 0, 1]) };
      case "depthwise": // [g*m, 1, kh, kw] <-> [kh, kw, g, m]
        return {
          fromTorch: (t) => tf.transpose(tf.reshape(t, [g, m, kh, kw]), [2, 3, 0, 1]),
          toTorch: (t) => tf.reshape(tf.transpose(t, [2, 3, 0, 1]), [g * m, 1, kh, kw]),
        };
      case "lowered": // [g*m, k, kh, kw] <-> [k, kh, kw, g, m]
        return {
          fromTorch: (t) => tf.transpose(tf.reshape(t, [g, m, k, kh, kw]), [2, 3, 4, 0, 1]),
          toTorch: (t) => tf.reshape(tf.transpose(t, [3, 4, 0, 1, 2]), [g * m, k, kh, kw]),
        };
    }
  },
  run([x], node, w, ctx) {
    return convolve(x, node, w.weight, w.bias, "linear", ctx.training);
  },
};

/**
 * A convolution with an optional bias and fused activation, in whichever of the four
 * plans its groups call for; the inference fusion pass calls it with folded weights.
 */
export function convolve(
  x: tf.Tensor,
  node: IRNode,
  filter: tf.Tensor,
  bias?: tf.Tensor,
  activation: "linear" | "relu" | "relu6" = "linear",
  training = false, // plain ops, whose gradients are registered (fused ops carry their own)
): tf.Tensor {
  const { plan, g, k } = convPlan(node);
  const strides = pair(node.attrs.stride);
  const dilations = pair(node.attrs.dilation);
  const pad = convPadding(node);
  const x4 = x as tf.Tensor4D;
  if (plan === "dense") {
    const p = pad.every(([a, b]) => a === 0 && b === 0) ? "valid" : pad;
    if (training) return bias ? tf.add(tf.conv2d(x4, filter as tf.Tensor4D, strides, p, "NHWC", dilations), bias) : tf.conv2d(x4, filter as tf.Tensor4D, strides, p, "NHWC", dilations);
    return tf.fused.conv2d({ x: x4, filter: filter as tf.Tensor4D, strides, pad: p, dataFormat: "NHWC", dilations, bias, activation });
  }
  if (plan === "depthwise") {
    const padded = pad.some(([a, b]) => a || b) ? (tf.pad(x4, pad as [number, number][]) as tf.Tensor4D) : x4;
    return tf.fused.depthwiseConv2d({ x: padded, filter: filter as tf.Tensor4D, strides, pad: "valid", dilations, bias, activation });
  }
  let y: tf.Tensor;
  if (plan === "split") {
    const xs = tf.split(x4, g, 3) as tf.Tensor4D[];
    const ws = tf.split(filter as tf.Tensor4D, g, 3) as tf.Tensor4D[];
    y = tf.concat(xs.map((xi, i) => tf.conv2d(xi, ws[i], strides, pad, "NHWC", dilations) as tf.Tensor4D), 3);
  } else {
    // channel c = i*k + j of group i: slice j of every group, a depthwise conv with
    // multiplier m gives channel i*m + t of group i; summed over j.
    const [n, h, wd] = x4.shape as [number, number, number, number];
    const parts = tf.split(tf.reshape(x4, [n, h, wd, g, k]), k, 4);
    const filters = tf.split(filter, k, 0);
    y = tf.addN(parts.map((p, j) => depthwise(tf.reshape(p, [n, h, wd, g]), tf.squeeze(filters[j], [0]), strides, pad, dilations)));
  }
  if (bias) y = tf.add(y, bias);
  return activation === "relu" ? tf.relu(y) : activation === "relu6" ? tf.clipByValue(y, 0, 6) : y;
}

/** tfjs's depthwise convolution takes explicit padding only through a separate pad. */
function depthwise(x: tf.Tensor, f: tf.Tensor, strides: Pair, pad: tf.backend_util.ExplicitPadding, dilations: Pair): tf.Tensor4D {
  const padded = pad.some(([a, b]) => a || b) ? tf.pad(x, pad as [number, number][]) : x;
  return tf.depthwiseConv2d(padded as tf.Tensor4D, f as tf.Tensor4D, strides, "valid", "NHWC", dilations);
}

const convtranspose: Kernel = {
  layout(node, name) {
    if (name !== "weight") return undefined;
    // PyTorch [in, out/g, kh, kw] <-> tfjs [kh, kw, out/g, in]
    return { fromTorch: (t) => tf.transpose(t, [2, 3, 1, 0]), toTorch: (t) => tf.transpose(t, [3, 2, 0, 1]) };
  },
  run([x], node, w) {
    const [sh, sw] = pair(node.attrs.stride);
    const [kh, kw] = pair(node.attrs.kernel);
    const [ph, pw] = pair(node.attrs.pad);
    const [oph, opw] = pair(node.attrs.output_pad);
    if (pair(node.attrs.dilation).some((d) => d !== 1)) throw new RuntimeError("convtranspose with dilation is not supported by the runtime");
    const g = node.attrs.groups as number;
    const x4 = x as tf.Tensor4D;
    const [n, h, wd] = x4.shape as [number, number, number, number];
    // The full transposed convolution, then PyTorch's padding cropped off and its output
    // padding added (as zeros beyond the full output, or as more of it).
    const fullH = (h - 1) * sh + kh;
    const fullW = (wd - 1) * sw + kw;
    const xs = g === 1 ? [x4] : tf.split(x4, g, 3);
    const ws = g === 1 ? [w.weight as tf.Tensor4D] : (tf.split(w.weight as tf.Tensor4D, g, 3) as tf.Tensor4D[]);
    const parts = (xs as tf.Tensor4D[]).map((xi, i) => {
      const outC = ws[i].shape[2];
      return tf.conv2dTranspose(xi, ws[i], [n, fullH + oph, fullW + opw, outC], [sh, sw], "valid");
    });
    let y = g === 1 ? parts[0] : tf.concat(parts, 3);
    const outH = fullH - 2 * ph + oph;
    const outW = fullW - 2 * pw + opw;
    y = tf.slice(y, [0, ph, pw, 0], [n, outH, outW, y.shape[3] as number]);
    return w.bias ? tf.add(y, w.bias) : y;
  },
};

const linear: Kernel = {
  run([x], node, w, ctx) {
    const rank = ctx.inputRanks[0];
    const t = toTorch(x, rank);
    const rows = tf.reshape(t, [-1, t.shape[t.shape.length - 1]]);
    let y: tf.Tensor = tf.matMul(rows as tf.Tensor2D, w.weight as tf.Tensor2D, false, true);
    if (w.bias) y = tf.add(y, w.bias);
    const out = tf.reshape(y, [...t.shape.slice(0, -1), node.attrs.out as number]);
    return fromTorch(out, rank);
  },
};

// ---- normalisation ---------------------------------------------------------------------
/** The channel axis of a runtime tensor: last for NHWC images and [N, C] vectors. */
function channelsLast(x: tf.Tensor, rank: number): { t: tf.Tensor; back: (y: tf.Tensor) => tf.Tensor } {
  if (rank !== 2) return { t: x, back: (y) => y };
  // [N, C, L]: channels to the end and back
  return { t: tf.transpose(x, [0, 2, 1]), back: (y) => tf.transpose(y, [0, 2, 1]) };
}

const batchnorm: Kernel = {
  run([x], node, w, ctx) {
    const eps = node.attrs.eps as number;
    const { t, back } = channelsLast(x, ctx.inputRanks[0]);
    const axes = t.shape.slice(0, -1).map((_, i) => i);
    const useBatch = ctx.training || !node.attrs.stats;
    let mean = w.running_mean;
    let variance = w.running_var;
    if (useBatch) {
      const moments = tf.moments(t, axes);
      mean = moments.mean;
      variance = moments.variance;
      if (ctx.training && node.attrs.stats)
        ctx.statUpdates?.push({ node, mean: tf.keep(tf.clone(mean)), variance: tf.keep(tf.clone(variance)), count: t.size / t.shape[t.shape.length - 1]! });
    }
    const y = tf.batchNorm(t, mean, variance, w.bias, w.weight, eps);
    return back(y);
  },
};

const groupnorm: Kernel = {
  run([x], node, w, ctx) {
    const rank = ctx.inputRanks[0];
    const t = toTorch(x, rank); // [N, C, ...]
    const [n, c] = t.shape as number[];
    const g = node.attrs.groups as number;
    const grouped = tf.reshape(t, [n, g, -1]);
    const { mean, variance } = tf.moments(grouped, [2], true);
    let y = tf.reshape(tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, node.attrs.eps as number))), t.shape);
    if (w.weight) {
      const bshape = [1, c, ...t.shape.slice(2).map(() => 1)];
      y = tf.add(tf.mul(y, tf.reshape(w.weight, bshape)), tf.reshape(w.bias, bshape));
    }
    return fromTorch(y, rank);
  },
};

const lrn: Kernel = {
  run([x], node, _w, ctx) {
    // PyTorch: b = a / (k + alpha/n * sum of a^2 over n neighbouring channels)^beta, the
    // window from c - n/2 to c + (n-1)/2, zero-padded.
    const rank = ctx.inputRanks[0];
    const t = rank === 3 ? x : tf.transpose(x, [0, ...x.shape.slice(2).map((_, i) => i + 2), 1]);
    const size = node.attrs.size as number;
    const c = t.shape[t.shape.length - 1]!;
    const sq = tf.square(t);
    const padding = t.shape.map((_, i) => (i === t.shape.length - 1 ? [Math.floor(size / 2), Math.floor((size - 1) / 2)] : [0, 0])) as [number, number][];
    const padded = tf.pad(sq, padding);
    const begin = t.shape.map(() => 0);
    let sum: tf.Tensor = tf.zerosLike(t);
    for (let i = 0; i < size; i++) sum = tf.add(sum, tf.slice(padded, [...begin.slice(0, -1), i], [...t.shape.slice(0, -1), c]));
    const div = tf.pow(tf.add(tf.mul(sum, (node.attrs.alpha as number) / size), node.attrs.k as number), node.attrs.beta as number);
    const y = tf.div(t, div);
    return rank === 3 ? y : tf.transpose(y, [0, y.shape.length - 1, ...y.shape.slice(1, -1).map((_, i) => i + 1)]);
  },
};

// ---- pooling -----------------------------------------------------------------------------
/** Padding and the extra right/bottom padding that ceil mode needs, per PyTorch. */
function poolGeometry(node: IRNode, inH: number, inW: number) {
  const k = pair(node.attrs.kernel);
  const s = pair(node.attrs.stride);
  const p = pair(node.attrs.pad);
  const d = pair(node.attrs.dilation ?? [1, 1]);
  const outH = node.shape![1] as number;
  const outW = node.shape![2] as number;
  // The padded extent the last window reaches, beyond the input and its left padding.
  const needH = (outH - 1) * s[0] + d[0] * (k[0] - 1) + 1;
  const needW = (outW - 1) * s[1] + d[1] * (k[1] - 1) + 1;
  const extraH = Math.max(0, needH - (inH + 2 * p[0]));
  const extraW = Math.max(0, needW - (inW + 2 * p[1]));
  return { k, s, p, d, outH, outW, padding: [[0, 0], [p[0], p[0] + extraH], [p[1], p[1] + extraW], [0, 0]] as [number, number][] };
}

const maxpool: Kernel = {
  run([x], node) {
    const [, h, w] = x.shape as number[];
    const g = poolGeometry(node, h, w);
    const padded = g.padding.some(([a, b]) => a || b) ? tf.pad(x, g.padding, -Infinity) : x;
    return tf.maxPool(padded as tf.Tensor4D, g.k, g.s, "valid", undefined);
  },
};

const maxpoolDilated: Kernel = {
  run(xs, node, w, ctx) {
    const d = pair(node.attrs.dilation);
    if (d[0] === 1 && d[1] === 1) return maxpool.run(xs, node, w, ctx);
    const [x] = xs;
    const [, h, wd] = x.shape as number[];
    const g = poolGeometry(node, h, wd);
    const padded = tf.pad(x, g.padding, -Infinity) as tf.Tensor4D;
    // tfjs's pooling has dilation only with stride 1: pool densely, then subsample.
    const dense = tf.pool(padded, g.k, "max", "valid", g.d, [1, 1]);
    return tf.slice(tf.stridedSlice(dense, [0, 0, 0, 0], dense.shape, [1, g.s[0], g.s[1], 1]), [0, 0, 0, 0], [-1, g.outH, g.outW, -1]);
  },
};

const avgpool: Kernel = {
  run([x], node) {
    const [, h, w] = x.shape as number[];
    const g = poolGeometry(node, h, w);
    const padded = g.padding.some(([a, b]) => a || b) ? tf.pad(x, g.padding) : x;
    // Sums over zero-padded windows, divided by PyTorch's divisor for each window.
    const sums = tf.mul(tf.avgPool(padded as tf.Tensor4D, g.k, g.s, "valid"), g.k[0] * g.k[1]);
    return tf.div(sums, divisors(g, h, w, node.attrs.count_include_pad as boolean));
  },
};

/** PyTorch's avg-pool divisor per output cell: the window clipped to the padded input, or to the input. */
function divisors(g: ReturnType<typeof poolGeometry>, h: number, w: number, includePad: boolean): tf.Tensor {
  const axis = (out: number, k: number, s: number, p: number, n: number) =>
    Array.from({ length: out }, (_, i) => {
      const start = i * s - p;
      const end = Math.min(start + k, n + p);
      const lo = includePad ? start : Math.max(start, 0);
      const hi = includePad ? end : Math.min(end, n);
      return hi - lo;
    });
  const rows = axis(g.outH, g.k[0], g.s[0], g.p[0], h);
  const cols = axis(g.outW, g.k[1], g.s[1], g.p[1], w);
  const data = new Float32Array(g.outH * g.outW);
  for (let i = 0; i < g.outH; i++) for (let j = 0; j < g.outW; j++) data[i * g.outW + j] = rows[i] * cols[j];
  return tf.tensor4d(data, [1, g.outH, g.outW, 1]);
}

/** PyTorch's adaptive pooling windows: [floor(i*n/o), ceil((i+1)*n/o)). */
const windows = (n: number, o: number) =>
  Array.from({ length: o }, (_, i) => [Math.floor((i * n) / o), Math.ceil(((i + 1) * n) / o)] as const);

const adaptiveavgpool: Kernel = {
  run([x], node) {
    const [n, h, w, c] = x.shape as number[];
    const [oh, ow] = pair(node.attrs.size);
    if (h % oh === 0 && w % ow === 0) return tf.avgPool(x as tf.Tensor4D, [h / oh, w / ow], [h / oh, w / ow], "valid");
    // Averaging matrices: out = Ph . X . Pw^T for each image and channel.
    const matrix = (o: number, len: number) => {
      const m = new Float32Array(o * len);
      windows(len, o).forEach(([a, b], i) => {
        for (let j = a; j < b; j++) m[i * len + j] = 1 / (b - a);
      });
      return tf.tensor2d(m, [o, len]);
    };
    const t = tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [n * c, h, w]);
    const rowsPooled = tf.matMul(tf.tile(tf.expandDims(matrix(oh, h), 0), [n * c, 1, 1]) as tf.Tensor3D, t as tf.Tensor3D);
    const pooled = tf.matMul(rowsPooled, tf.tile(tf.expandDims(tf.transpose(matrix(ow, w)), 0), [n * c, 1, 1]) as tf.Tensor3D);
    return tf.transpose(tf.reshape(pooled, [n, c, oh, ow]), [0, 2, 3, 1]);
  },
};

const adaptivemaxpool: Kernel = {
  run([x], node) {
    const [n, h, w, c] = x.shape as number[];
    const [oh, ow] = pair(node.attrs.size);
    const rows = windows(h, oh).map(([a, b]) =>
      tf.concat(windows(w, ow).map(([p, q]) => tf.max(tf.slice(x, [0, a, p, 0], [n, b - a, q - p, c]), [1, 2], true)), 2),
    );
    return tf.concat(rows, 1);
  },
};

// ---- shapes ------------------------------------------------------------------------------
const flatten: Kernel = {
  run([x], _node, _w, ctx) {
    return tf.reshape(toTorch(x, ctx.inputRanks[0]), [x.shape[0], -1]);
  },
};

const reshape: Kernel = {
  run([x], node, _w, ctx) {
    const target = node.shape as number[];
    return fromTorch(tf.reshape(toTorch(x, ctx.inputRanks[0]), [x.shape[0], ...target]), target.length);
  },
};

const pad: Kernel = {
  run([x], node) {
    const [l, r, t, b] = node.attrs.amount as number[];
    return tf.pad(x, [[0, 0], [t, b], [l, r], [0, 0]]);
  },
};

const upsample: Kernel = {
  run([x], node) {
    const size: [number, number] = [node.shape![1] as number, node.shape![2] as number];
    if (node.attrs.mode === "bilinear") return tf.image.resizeBilinear(x as tf.Tensor4D, size, false, true);
    return tf.image.resizeNearestNeighbor(x as tf.Tensor4D, size, false, false);
  },
};

const crop: Kernel = {
  run([x], node) {
    const [t, l] = pair(node.attrs.offset);
    const [, h, w] = node.shape as number[];
    return tf.slice(x, [0, t, l, 0], [-1, h, w, -1]);
  },
};

const channelshuffle: Kernel = {
  run([x], node, _w, ctx) {
    const g = node.attrs.groups as number;
    const t = ctx.inputRanks[0] === 3 ? x : tf.transpose(x, [0, 2, 1]); // channels last
    const shape = t.shape as number[];
    const c = shape[shape.length - 1];
    const lead = shape.slice(0, -1);
    const r = lead.length;
    const perm = [...lead.map((_, i) => i), r + 1, r];
    const y = tf.reshape(tf.transpose(tf.reshape(t, [...lead, g, c / g]), perm), shape);
    return ctx.inputRanks[0] === 3 ? y : tf.transpose(y, [0, 2, 1]);
  },
};

const softmax: Kernel = {
  run([x], node, _w, ctx) {
    const rank = ctx.inputRanks[0];
    const dim = ((node.attrs.dim as number) + rank) % rank; // batchless PyTorch dimension
    const axis = rank === 3 ? [3, 1, 2][dim] : dim + 1;
    if (axis === x.rank - 1) return tf.softmax(x);
    const perm = x.shape.map((_, i) => i);
    [perm[axis], perm[x.rank - 1]] = [perm[x.rank - 1], perm[axis]];
    return tf.transpose(tf.softmax(tf.transpose(x, perm)), perm);
  },
};

// ---- element-wise ------------------------------------------------------------------------
const pointwise = (f: (x: tf.Tensor, node: IRNode, w: Weights) => tf.Tensor): Kernel => ({ run: ([x], node, w) => f(x, node, w) });

const relu6 = (x: tf.Tensor) => tf.clipByValue(x, 0, 6);

const prelu: Kernel = {
  run([x], _node, w, ctx) {
    const rank = ctx.inputRanks[0];
    const slope = w.weight.size === 1 ? tf.reshape(w.weight, []) : rank === 2 ? tf.reshape(w.weight, [-1, 1]) : w.weight;
    return tf.where(tf.greater(x, 0), x, tf.mul(x, slope));
  },
};

/**
 * Merges: add and mul broadcast like PyTorch, one sample at a time (shapes exclude the
 * batch). Values of different ranks meet in PyTorch's layout, each lower-ranked one
 * given unit axes after its batch axis, so that the batch never broadcasts against a
 * data axis: [N, 6] meets [N, 4, 5, 6] as [N, 1, 1, 6].
 */
function merge(f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): Kernel {
  return {
    run(xs, node, _w, ctx) {
      const ranks = ctx.inputRanks;
      const outRank = node.shape!.length;
      if (ranks.every((r) => r === ranks[0])) return xs.reduce((a, b) => f(a, b));
      const torch = xs.map((x, i) => {
        const t = toTorch(x, ranks[i]);
        const [n, ...rest] = t.shape;
        return ranks[i] < outRank ? tf.reshape(t, [n, ...new Array<number>(outRank - ranks[i]).fill(1), ...rest]) : t;
      });
      return fromTorch(torch.reduce((a, b) => f(a, b)), outRank);
    },
  };
}

const concat: Kernel = {
  run(xs, _node, _w, ctx) {
    const rank = ctx.inputRanks[0];
    return tf.concat(xs, rank === 3 ? 3 : 1);
  },
};

export const kernels: Record<string, Kernel> = {
  conv,
  convtranspose,
  linear,
  batchnorm,
  groupnorm,
  lrn,
  maxpool: maxpoolDilated,
  avgpool,
  adaptiveavgpool,
  adaptivemaxpool,
  globalavgpool: pointwise((x) => tf.mean(x, [1, 2], true)),
  flatten,
  reshape,
  pad,
  crop,
  upsample,
  channelshuffle,
  softmax,
  dropout: {
    run: ([x], node, _w, ctx) =>
      ctx.training && (node.attrs.p as number) > 0 ? tf.dropout(x, node.attrs.p as number, undefined, ctx.seed === undefined ? undefined : ctx.seed * 7919 + node.id) : x,
  },
  identity: pointwise((x) => x),
  relu: pointwise((x) => tf.relu(x)),
  relu6: pointwise(relu6),
  leakyrelu: pointwise((x, n) => tf.leakyRelu(x, n.attrs.slope as number)),
  elu: pointwise((x, n) => tf.where(tf.greater(x, 0), x, tf.mul(tf.sub(tf.exp(x), 1), n.attrs.alpha as number))),
  sigmoid: pointwise((x) => tf.sigmoid(x)),
  tanh: pointwise((x) => tf.tanh(x)),
  silu: pointwise((x) => tf.mul(x, tf.sigmoid(x))),
  hardswish: pointwise((x) => tf.div(tf.mul(x, relu6(tf.add(x, 3))), 6)),
  hardsigmoid: pointwise((x) => tf.div(relu6(tf.add(x, 3)), 6)),
  gelu: pointwise((x) => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.div(x, Math.SQRT2)), 1))),
  prelu,
  add: merge((a, b) => tf.add(a, b)),
  mul: merge((a, b) => tf.mul(a, b)),
  concat,
};
