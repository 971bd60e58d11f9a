// Initial weights as PyTorch's modules initialise them (reset_parameters), from a
// seeded generator so that a run can be repeated.
import type { IRNode } from "../compiler/ir.js";

/** PyTorch's default initialisation of each weight. */
export function initialValues(node: IRNode, name: string, shape: number[], random: () => number): Float32Array {
  const n = shape.reduce((p, d) => p * d, 1);
  const fill = (v: number) => new Float32Array(n).fill(v);
  const uniform = (bound: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = (random() * 2 - 1) * bound;
    return a;
  };
  switch (node.op) {
    case "conv":
    case "convtranspose":
    case "linear": {
      // kaiming_uniform_(a=sqrt(5)) for weights: bound 1/sqrt(fan_in); biases alike.
      const w = node.weights[0].shape;
      const fanIn = w.slice(1).reduce((p, d) => p * d, 1);
      return uniform(1 / Math.sqrt(fanIn));
    }
    case "batchnorm":
    case "groupnorm":
    case "layernorm":
    case "layernorm2d":
      return fill(name === "weight" || name === "running_var" ? 1 : 0);
    case "prelu":
    case "scale":
      return fill(node.attrs.init as number);
  }
  return fill(0);
}
