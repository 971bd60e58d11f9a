// The runtime op table: how each IR op runs on TensorFlow.js tensors (kernels/, by op
// family, as compiler/ops/), and how its weights are laid out for that. Values of rank
// 3 (C x H x W) are held as NHWC tensors, everything else in PyTorch's layout with the
// batch first (kernels/layout.ts). Semantics are PyTorch's, verified against it by the
// parity tests. The table is typed by the compiler's op names: an op without a kernel
// does not compile.
import * as tf from "@tensorflow/tfjs-core";
import type { MergeOp, OpName } from "../compiler/ops.js";
import { conv, convtranspose, linear } from "./kernels/conv.js";
import type { Kernel } from "./kernels/kernel.js";
import { batchnorm, groupnorm, lrn } from "./kernels/norm.js";
import { concat, merge, pointwise, prelu, relu6, softmax } from "./kernels/pointwise.js";
import { adaptiveavgpool, adaptivemaxpool, avgpool, globalavgpool, maxpoolDilated } from "./kernels/pool.js";
import { layernorm, layernorm2d, permute, scale, stochasticdepth } from "./kernels/modern.js";
import { chunk, reduction, slice } from "./kernels/channels.js";
import { channelshuffle, crop, flatten, pad, reshape, upsample } from "./kernels/shape.js";

export { convolve, convPlan } from "./kernels/conv.js";
export { RuntimeError, type Kernel, type RunContext, type WeightLayout, type Weights } from "./kernels/kernel.js";
export { fromTorch, toTorch } from "./kernels/layout.js";

const table: Record<OpName | MergeOp, Kernel> = {
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
  globalavgpool,
  flatten,
  reshape,
  pad,
  crop,
  upsample,
  channelshuffle,
  softmax,
  layernorm,
  layernorm2d,
  permute,
  scale,
  stochasticdepth,
  slice,
  chunk,
  mean: reduction("mean"),
  sum: reduction("sum"),
  amax: reduction("max"),
  dropout: {
    run: ([x], node, _w, ctx) =>
      ctx.training && (node.attrs.p as number) > 0 ? tf.dropout(x, node.attrs.p as number, undefined, ctx.seed === undefined ? undefined : ctx.seed * 7919 + node.id) : x,
  },
  identity: pointwise((x) => x),
  yolo: pointwise((x) => x), // task markers (compiler/ops/tasks.ts): the value unchanged
  ssd: pointwise((x) => x),
  segmentation: pointwise((x) => x),
  classification: pointwise((x) => x),
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

export const kernels: Readonly<Record<string, Kernel>> = table;
