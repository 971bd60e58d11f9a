// Kernels of compiler/ops/modern.ts: layer norms, permute, a learned scale, stochastic depth.
import * as tf from "@tensorflow/tfjs-core";
import type { Kernel } from "./kernel.js";
import { inTorchLayout } from "./layout.js";

/** (x - mean) / sqrt(var + eps) over `axes`, then weight and bias (if any) broadcast over the last axes. */
function normalise(t: tf.Tensor, axes: number[], eps: number, weight?: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(t, axes, true);
  let y = tf.div(tf.sub(t, mean), tf.sqrt(tf.add(variance, eps)));
  if (weight) y = tf.add(tf.mul(y, weight), bias!);
  return y;
}

export const layernorm: Kernel = {
  run([x], node, w, ctx) {
    const n = node.weights[0]?.shape.length ?? (node.attrs.shape as number[] | null)?.length ?? 1;
    return inTorchLayout(x, ctx.inputRanks[0], (t) => normalise(t, Array.from({ length: n }, (_, i) => t.rank - n + i), node.attrs.eps as number, w.weight, w.bias));
  },
};

/** Over the channels: the last axis of the runtime's NHWC layout. */
export const layernorm2d: Kernel = {
  run: ([x], node, w) => normalise(x, [x.rank - 1], node.attrs.eps as number, w.weight, w.bias),
};

export const permute: Kernel = {
  run([x], node, _w, ctx) {
    const dims = node.attrs.dims as number[];
    return inTorchLayout(x, ctx.inputRanks[0], (t) => tf.transpose(t, [0, ...dims.map((d) => d + 1)]), dims.length);
  },
};

export const scale: Kernel = {
  run: ([x], _node, w, ctx) => inTorchLayout(x, ctx.inputRanks[0], (t) => tf.mul(t, w[""])),
};

/** torchvision's stochastic_depth: in training, zero a sample's (row) or the batch's branch with probability p, scale the rest by 1/(1-p). */
export const stochasticdepth: Kernel = {
  run([x], node, _w, ctx) {
    const p = node.attrs.p as number;
    if (!ctx.training || p === 0) return x;
    if (p === 1) return tf.zerosLike(x);
    const shape = [node.attrs.mode === "row" ? x.shape[0] : 1, ...x.shape.slice(1).map(() => 1)];
    const seed = ctx.seed === undefined ? undefined : ctx.seed * 7919 + node.id;
    const keep = tf.cast(tf.less(tf.randomUniform(shape, 0, 1, "float32", seed), 1 - p), "float32");
    return tf.mul(x, tf.div(keep, 1 - p));
  },
};
