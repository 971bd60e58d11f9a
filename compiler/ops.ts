// The layer table. Each op declares its arguments (positional order, types, defaults),
// a pure output-shape function, its weights in PyTorch's layout, and its multiply-adds
// (ops/spec.ts); the ops live by family in ops/, as their kernels do in runtime/kernels/.
// Semantics are those of the PyTorch module of the same name; shapes exclude the batch.
import { conv, convtranspose, linear } from "./ops/conv.js";
import { batchnorm, groupnorm, lrn } from "./ops/norm.js";
import { channelshuffle, crop, flatten, pad, reshape, upsample } from "./ops/shape.js";
import { dropout, pointwise, prelu, softmax } from "./ops/pointwise.js";
import { adaptive, globalavgpool, pool } from "./ops/pool.js";
import { layernorm, layernorm2d, permute, scale, stochasticdepth } from "./ops/modern.js";
import { chunk, reduction, slice } from "./ops/channels.js";
import { classification, segmentation, ssd, yolo } from "./ops/tasks.js";
import { arg, type OpSpec } from "./ops/spec.js";

export { OpError, paramsOf, type Args, type ArgSpec, type OpResult, type OpSpec, type WeightKind, type WeightSpec } from "./ops/spec.js";

/** Every op, by name, in the order the docs list them. */
const table = {
  conv, convtranspose, linear, batchnorm, groupnorm,
  maxpool: pool("maxpool", "nn.MaxPool2d"), avgpool: pool("avgpool", "nn.AvgPool2d"),
  adaptiveavgpool: adaptive("adaptiveavgpool", "nn.AdaptiveAvgPool2d"), adaptivemaxpool: adaptive("adaptivemaxpool", "nn.AdaptiveMaxPool2d"),
  globalavgpool, flatten, reshape, dropout, prelu, softmax, lrn, upsample, pad, crop, channelshuffle,
  layernorm, layernorm2d, permute, scale, stochasticdepth, slice, chunk,
  mean: reduction("mean", "torch.mean(x, dim, keepdim)"), sum: reduction("sum", "torch.sum(x, dim, keepdim)"), amax: reduction("amax", "torch.amax(x, dim, keepdim)"),
  relu: pointwise("relu", "nn.ReLU", "max(x, 0)"),
  relu6: pointwise("relu6", "nn.ReLU6", "min(max(x, 0), 6)"),
  leakyrelu: pointwise("leakyrelu", "nn.LeakyReLU", "x, or slope * x below 0", [arg("slope", "number", "negative slope", 0.01)]),
  elu: pointwise("elu", "nn.ELU", "exponential linear unit", [arg("alpha", "number", "alpha", 1)]),
  sigmoid: pointwise("sigmoid", "nn.Sigmoid", "1 / (1 + exp(-x))"),
  tanh: pointwise("tanh", "nn.Tanh", "hyperbolic tangent"),
  silu: pointwise("silu", "nn.SiLU", "x * sigmoid(x) (swish)"),
  hardswish: pointwise("hardswish", "nn.Hardswish", "x * relu6(x + 3) / 6"),
  hardsigmoid: pointwise("hardsigmoid", "nn.Hardsigmoid", "relu6(x + 3) / 6"),
  gelu: pointwise("gelu", "nn.GELU", "Gaussian error linear unit"),
  identity: pointwise("identity", "nn.Identity", "the input, unchanged"),
  yolo, ssd, segmentation, classification,
} satisfies Record<string, OpSpec>;

/** A layer's name; with the merges, every op the graph IR holds (see runtime/kernels). */
export type OpName = keyof typeof table;
export type MergeOp = "add" | "mul" | "concat";

export const ops: ReadonlyMap<string, OpSpec> = new Map(Object.entries(table));
