// Pooling: max (with dilation and ceil mode), average (PyTorch's divisors), adaptive,
// global average.
import * as tf from "@tensorflow/tfjs-core";
import type { IRNode } from "../../compiler/ir.js";
import { pair, type Kernel } from "./kernel.js";

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
    // padding as the pooling's own (windows skip it: PyTorch's -inf), not a padded copy
    const padded = g.padding.some(([a, b]) => a || b);
    return tf.maxPool(x as tf.Tensor4D, g.k, g.s, padded ? (g.padding as tf.backend_util.ExplicitPadding) : "valid", undefined);
  },
};

export const maxpoolDilated: Kernel = {
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

export const avgpool: Kernel = {
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

export const adaptiveavgpool: Kernel = {
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

export const adaptivemaxpool: Kernel = {
  run([x], node) {
    const [n, h, w, c] = x.shape as number[];
    const [oh, ow] = pair(node.attrs.size);
    const rows = windows(h, oh).map(([a, b]) =>
      tf.concat(windows(w, ow).map(([p, q]) => tf.max(tf.slice(x, [0, a, p, 0], [n, b - a, q - p, c]), [1, 2], true)), 2),
    );
    return tf.concat(rows, 1);
  },
};

// one pooling window over the whole image: a single pass (a mean over axes 1 and 2
// makes tfjs transpose the channels inward first)
export const globalavgpool: Kernel = { run: ([x]) => tf.avgPool(x as tf.Tensor4D, [x.shape[1]!, x.shape[2]!], [x.shape[1]!, x.shape[2]!], "valid") };
