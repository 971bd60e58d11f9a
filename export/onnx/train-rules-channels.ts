// Channel moves for the native training step (train-rules.ts has the rest): slice and
// chunk along a dimension (their gradient the output gradient padded back with zeros),
// and ShuffleNet's channel shuffle (its gradient the inverse shuffle).
import type { IRNode } from "../../compiler/ir.js";
import { chunkBounds } from "../../compiler/ops/channels.js";
import { ints } from "./builder.js";
import type { Rule, RuleContext } from "./train-rules.js";

/** The dimension (without the batch) and the [start, end) a slice or chunk keeps. */
function span(node: IRNode, shape: number[]): [number, number, number] {
  const rank = shape.length;
  const d = node.attrs.dim as number;
  const k = d < 0 ? rank + d : d;
  const full = shape[k];
  if (node.op === "chunk") {
    const [s, e] = chunkBounds(full, node.attrs.chunks as number, node.attrs.index as number)!;
    return [k, s, e];
  }
  const start = node.attrs.start as number;
  const s = Math.min(full, Math.max(0, start < 0 ? full + start : start));
  return [k, s, s + (node.shape as number[])[k]];
}

const along: Rule = {
  forward: (c) => {
    const [k, s, e] = span(c.node, c.shapes[0]);
    const b = c.b;
    return { y: b.add("Slice", [c.x[0], b.int64s([s], `${c.label}/starts`), b.int64s([e], `${c.label}/ends`), b.int64s([k + 1], `${c.label}/axes`)], {}, undefined, c.label) };
  },
  backward: (c, _f, dy) => {
    const [k, s, e] = span(c.node, c.shapes[0]);
    const rank = c.shapes[0].length + 1;
    const pads = Array(2 * rank).fill(0);
    [pads[k + 1], pads[rank + k + 1]] = [s, c.shapes[0][k] - e];
    return { dx: [c.b.add("Pad", [dy, c.b.int64s(pads, `${c.label}/pads`)], {}, undefined, `${c.label}/grad_input`)], dw: {} };
  },
};

/** [N, C, H, W] as [N, a, C/a, H, W], the two middle axes swapped, back to [N, C, H, W]. */
function shuffle(c: RuleContext, x: string, a: number, name: string): string {
  const [ch, h, w] = c.shapes[0];
  const split = c.b.reshape(x, [-1, a, ch / a, h, w], `${name}/split`);
  return c.b.reshape(c.b.add("Transpose", [split], { perm: ints([0, 2, 1, 3, 4]) }, undefined, `${name}/swap`), [-1, ch, h, w], name);
}

const channelshuffle: Rule = {
  check: (_node, shapes) => (shapes[0].length !== 3 ? "a channel shuffle of a value that is not C x H x W" : undefined),
  forward: (c) => ({ y: shuffle(c, c.x[0], c.node.attrs.groups as number, c.label) }),
  backward: (c, _f, dy) => ({ dx: [shuffle(c, dy, c.shapes[0][0] / (c.node.attrs.groups as number), `${c.label}/grad_input`)], dw: {} }),
};

/** mean and sum over dimensions: the gradient spread back over them (divided by their size for mean). */
function reduction(op: "ReduceMean" | "ReduceSum"): Rule {
  const axesOf = (c: RuleContext) => (c.node.attrs.dims as number[]).map((d) => (d < 0 ? c.shapes[0].length + d : d) + 1);
  return {
    forward: (c) => {
      const kept = c.b.reduce(op, c.x[0], axesOf(c), `${c.label}/kept`);
      return { y: c.node.attrs.keepdim ? kept : c.b.reshape(kept, [-1, ...(c.node.shape as number[])], c.label) };
    },
    backward: (c, _f, dy) => {
      const b = c.b;
      const axes = axesOf(c);
      const keptShape = [-1, ...c.shapes[0].map((d, i) => (axes.includes(i + 1) ? 1 : d))];
      let g = b.reshape(dy, keptShape, `${c.label}/grad_kept`);
      if (op === "ReduceMean") g = b.add("Mul", [g, b.floats([1 / axes.reduce((n, a) => n * c.shapes[0][a - 1], 1)], `${c.label}/inv_count`)], {}, undefined, `${c.label}/grad_scaled`);
      return { dx: [b.add("Expand", [g, b.add("Shape", [c.x[0]], {}, undefined, `${c.label}/shape`)], {}, undefined, `${c.label}/grad_input`)], dw: {} };
    },
  };
}

export const channelRules: Record<string, Rule> = { slice: along, chunk: along, channelshuffle, mean: reduction("ReduceMean"), sum: reduction("ReduceSum") };
