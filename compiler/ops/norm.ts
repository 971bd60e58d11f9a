// Normalisations: nn.BatchNorm2d, nn.GroupNorm, nn.LocalResponseNorm.
import { formatShape } from "../values.js";
import { arg, kw, channelsFirst, concreteChannels, OpError, type OpSpec, type WeightSpec } from "./spec.js";

/** PyTorch's channel-count argument, where given, must be the input's channel count. */
function checkChannels(op: string, given: number | null, c: number) {
  if (given !== null && given !== c)
    throw new OpError(`${op} is given ${given} channels, but its input has ${c} (netc infers the count: \`${op}\` alone is enough)`, "channels", true);
}

export const batchnorm: OpSpec = {
  name: "batchnorm",
  torch: "nn.BatchNorm2d (nn.BatchNorm1d on CxL or C inputs)",
  doc: "batch normalisation over channels (dimension 0)",
  args: [
    arg("channels", "count", "the input's channel count, checked (PyTorch's num_features); inferred when left out", null),
    kw("eps", "number", "added to the variance", 1e-5),
    kw("momentum", "number", "running statistics update rate", 0.1),
    kw("affine", "bool", "learned scale and shift", true),
    kw("stats", "bool", "track running statistics", true),
  ],
  positionalHint: () => "PyTorch's nn.BatchNorm2d(num_features, eps, momentum, ...): netc takes only the channel count by position; give eps, momentum, affine and stats by name (`eps = 1e-3`)",
  infer(a, x) {
    if (x.length < 1 || x.length > 3) throw new OpError(`batchnorm expects C, CxL or CxHxW, got ${formatShape(x)}`, undefined, true);
    const c = concreteChannels(x[0], "batchnorm");
    checkChannels("batchnorm", a.channels, c);
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
  args: [
    arg("groups", "count", "number of groups"),
    arg("channels", "count", "the input's channel count, checked (PyTorch's num_channels); inferred when left out", null),
    kw("eps", "number", "added to the variance", 1e-5),
    kw("affine", "bool", "learned scale and shift", true),
  ],
  positionalHint: () => "PyTorch's nn.GroupNorm(num_groups, num_channels, eps, affine): give eps and affine by name (`eps = 1e-6`)",
  infer(a, x) {
    const c = concreteChannels(x[0] ?? 0, "groupnorm");
    checkChannels("groupnorm", a.channels, c);
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
