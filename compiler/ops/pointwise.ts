// Ops applied value by value (activations, dropout) and along one dimension (softmax).
import { dimEquals } from "../symbolic.js";
import { formatShape } from "../values.js";
import { arg, kw, OpError, type ArgSpec, type OpSpec } from "./spec.js";

export const dropout: OpSpec = {
  name: "dropout",
  torch: "nn.Dropout",
  doc: "zero each value with probability p during training",
  args: [arg("p", "prob", "drop probability", 0.5)],
  infer: (_a, x) => ({ shape: x }),
};

export function pointwise(name: string, torch: string, doc: string, args: ArgSpec[] = []): OpSpec {
  return { name, torch, doc, args, infer: (_a, x) => ({ shape: x }) };
}

export const prelu: OpSpec = {
  name: "prelu",
  torch: "nn.PReLU",
  doc: "leaky ReLU with a learned slope (one, or one per channel)",
  args: [arg("num", "count", "number of slopes: 1 or the channel count", 1), arg("init", "number", "initial slope", 0.25)],
  infer(a, x) {
    if (a.num !== 1 && !dimEquals(a.num, x[0] ?? 0))
      throw new OpError(`prelu's ${a.num} slopes must be 1 or the ${x[0]} channels`, "num", true);
    return { shape: x, weights: [{ name: "weight", shape: [a.num], kind: "parameter" }] };
  },
};

export const softmax: OpSpec = {
  name: "softmax",
  torch: "nn.Softmax(dim=1)",
  doc: "softmax over a dimension (0 = channels, as PyTorch's dim 1)",
  args: [kw("dim", "int", "dimension, not counting the batch", 0)],
  positionalHint: () => "PyTorch's nn.Softmax(dim) counts the batch (dim = 1 is channels); netc's dim does not (0 is channels): give it by name, `softmax dim = 0`",
  infer(a, x) {
    if (a.dim < -x.length || a.dim >= x.length) throw new OpError(`softmax dim ${a.dim} is out of range for ${formatShape(x)}`, "dim", true);
    return { shape: x };
  },
};
