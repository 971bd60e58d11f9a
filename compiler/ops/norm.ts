// Normalisations: nn.BatchNorm2d, nn.GroupNorm, nn.LocalResponseNorm.
import { formatShape } from "../values.js";
import { arg, channelsFirst, concreteChannels, OpError, type OpSpec, type WeightSpec } from "./spec.js";

export const batchnorm: OpSpec = {
  name: "batchnorm",
  torch: "nn.BatchNorm2d (nn.BatchNorm1d on CxL or C inputs)",
  doc: "batch normalisation over channels (dimension 0)",
  args: [
    arg("eps", "number", "added to the variance", 1e-5),
    arg("momentum", "number", "running statistics update rate", 0.1),
    arg("affine", "bool", "learned scale and shift", true),
    arg("stats", "bool", "track running statistics", true),
  ],
  infer(a, x) {
    if (x.length < 1 || x.length > 3) throw new OpError(`batchnorm expects C, CxL or CxHxW, got ${formatShape(x)}`, undefined, true);
    const c = concreteChannels(x[0], "batchnorm");
    const weights: WeightSpec[] = [];
    if (a.affine) weights.push({ name: "weight", shape: [c], kind: "parameter" }, { name: "bias", shape: [c], kind: "parameter" });
    if (a.stats)
      weights.push(
        { name: "running_mean", shape: [c], kind: "buffer" },
        { name: "running_var", shape: [c], kind: "buffer" },
        { name: "num_batches_tracked", shape: [], kind: "counter" },
      );
    return { shape: x, weights };
  },
};

export const groupnorm: OpSpec = {
  name: "groupnorm",
  torch: "nn.GroupNorm",
  doc: "group normalisation",
  args: [arg("groups", "count", "number of groups"), arg("eps", "number", "added to the variance", 1e-5), arg("affine", "bool", "learned scale and shift", true)],
  infer(a, x) {
    const c = concreteChannels(x[0] ?? 0, "groupnorm");
    if (c % a.groups !== 0) throw new OpError(`groupnorm: ${c} channels are not divisible by ${a.groups} groups`, "groups", true);
    const weights: WeightSpec[] = a.affine ? [{ name: "weight", shape: [c], kind: "parameter" }, { name: "bias", shape: [c], kind: "parameter" }] : [];
    return { shape: x, weights };
  },
};

export const lrn: OpSpec = {
  name: "lrn",
  torch: "nn.LocalResponseNorm",
  doc: "local response normalisation across channels",
  args: [arg("size", "count", "neighbouring channels"), arg("alpha", "number", "alpha", 1e-4), arg("beta", "number", "beta", 0.75), arg("k", "number", "k", 1)],
  infer: (_a, x) => ({ shape: channelsFirst(x, "lrn") }),
};
