// What ConvNeXt-style networks need: nn.LayerNorm (over the last dimensions) and
// torchvision's LayerNorm2d (over channels), Tensor.permute, a bare learnable parameter
// multiplied in (ConvNeXt's layer scale) and torchvision's StochasticDepth.
import { dimEquals, isSym, type Dim } from "../symbolic.js";
import { formatShape, type Shape } from "../values.js";
import { arg, concreteChannels, image, kw, OpError, type OpSpec } from "./spec.js";

function concrete(ds: Dim[], op: string): number[] {
  return ds.map((d) => {
    if (isSym(d)) throw new OpError(`${op} needs concrete sizes for the dimensions it normalises, got ${d}`, undefined, true);
    return d;
  });
}

export const layernorm: OpSpec = {
  name: "layernorm",
  torch: "nn.LayerNorm",
  doc: "layer normalisation over the last dimensions (by default the last one)",
  args: [
    arg("shape", "shape", "the normalised dimensions, checked against the input's last ones (PyTorch's normalized_shape); inferred when left out", null),
    kw("eps", "number", "added to the variance", 1e-5),
    kw("affine", "bool", "learned scale and shift (elementwise_affine)", true),
  ],
  positionalHint: () => "nn.LayerNorm(normalized_shape, eps, elementwise_affine): give eps and affine by name (`eps = 1e-6`)",
  infer(a, x) {
    const n = a.shape === null ? 1 : (a.shape as number[]).length;
    if (x.length < n) throw new OpError(`layernorm over ${n} dimensions needs an input of at least ${n}, got ${formatShape(x)}`, undefined, true);
    const dims = concrete(x.slice(x.length - n), "layernorm");
    if (a.shape !== null && (a.shape as number[]).some((d, i) => d !== dims[i]))
      throw new OpError(`layernorm's shape ${(a.shape as number[]).join("x")} must be the input's last dimensions, ${dims.join("x")} (of ${formatShape(x)})`, "shape", true);
    return { shape: x, weights: a.affine ? [{ name: "weight", shape: dims, kind: "parameter" }, { name: "bias", shape: dims, kind: "parameter" }] : [] };
  },
};

export const layernorm2d: OpSpec = {
  name: "layernorm2d",
  torch: "torchvision's LayerNorm2d (nn.LayerNorm over the channels of CxHxW)",
  doc: "layer normalisation over the channels at each position (ConvNeXt)",
  args: [
    arg("channels", "count", "the input's channel count, checked; inferred when left out", null),
    kw("eps", "number", "added to the variance", 1e-5),
    kw("affine", "bool", "learned scale and shift", true),
  ],
  infer(a, x) {
    const c = concreteChannels(image(x, "layernorm2d")[0], "layernorm2d");
    if (a.channels !== null && a.channels !== c) throw new OpError(`layernorm2d is given ${a.channels} channels, but its input has ${c}`, "channels", true);
    return { shape: x, weights: a.affine ? [{ name: "weight", shape: [c], kind: "parameter" }, { name: "bias", shape: [c], kind: "parameter" }] : [] };
  },
};

export const permute: OpSpec = {
  name: "permute",
  torch: "Tensor.permute (batch kept first)",
  doc: "reorder the dimensions, counted without the batch: `permute [1, 2, 0]` is CxHxW to HxWxC",
  args: [arg("dims", "shape0", "a permutation of 0 … rank−1")],
  infer(a, x) {
    const dims = a.dims as number[];
    if (dims.length === x.length + 1 && dims[0] === 0)
      throw new OpError(`permute's dims count without the batch: PyTorch's permute(${dims.join(", ")}) is \`permute [${dims.slice(1).map((d) => d - 1).join(", ")}]\``, "dims");
    const sorted = [...dims].sort((p, q) => p - q);
    if (dims.length !== x.length || sorted.some((d, i) => d !== i))
      throw new OpError(`permute's dims [${dims.join(", ")}] must be a permutation of 0 … ${x.length - 1} for ${formatShape(x)}`, "dims", true);
    return { shape: dims.map((d) => x[d]) };
  },
};

export const scale: OpSpec = {
  name: "scale",
  torch: "a learnable nn.Parameter multiplied in (ConvNeXt's layer_scale)",
  doc: "multiply by a learned tensor, named by the label alone (`layer_scale: scale init = 1e-6`); by default one value per channel",
  args: [
    arg("shape", "shape", "the parameter's shape, broadcast against the input (default: C x 1 x 1 … for the input's rank)", null),
    kw("init", "number", "initial value of every element", 1),
  ],
  infer(a, x) {
    const shape: number[] = a.shape ?? [concreteChannels(x[0] ?? 1, "scale"), ...x.slice(1).map(() => 1)];
    const lead = x.length - shape.length;
    if (lead < 0 || shape.some((d, i) => d !== 1 && !dimEquals(d, x[lead + i])))
      throw new OpError(`scale's parameter ${shape.join("x")} does not broadcast against ${formatShape(x)} without growing it`, "shape", true);
    return { shape: x, weights: [{ name: "", shape, kind: "parameter" }] };
  },
};

export const stochasticdepth: OpSpec = {
  name: "stochasticdepth",
  torch: "torchvision.ops.StochasticDepth",
  doc: "drop the whole residual branch of a sample with probability p in training; the identity at inference",
  args: [arg("p", "prob", "drop probability"), kw("mode", "string", '"row" (each sample) or "batch"', "row")],
  infer(a, x: Shape) {
    if (a.mode !== "row" && a.mode !== "batch") throw new OpError('stochasticdepth mode must be "row" or "batch"', "mode");
    return { shape: x };
  },
};
