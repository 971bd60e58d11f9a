// Merges for the native training step (train-rules.ts has the rest): add and mul with
// broadcasting between values of equal rank (squeeze-and-excitation's gate), their
// gradients summed over the broadcast axes, and concat along channels (dense blocks,
// inception), its gradient split back.
import type { IRNode } from "../../compiler/ir.js";
import { int } from "./builder.js";
import { sum, type Rule, type RuleContext } from "./train-rules.js";

/** A merge's gradient for one input: summed over the axes it was broadcast along (equal ranks). */
function unbroadcast(c: RuleContext, g: string, shape: number[], k: number): string {
  const out = c.node.shape as number[];
  const axes = out.map((d, i) => (shape[i] === 1 && d !== 1 ? i + 1 : -1)).filter((i) => i > 0);
  return axes.length ? sum(c.b, g, axes, true, `${c.label}/grad_${k}_sum`) : g;
}

const broadcastCheck = (node: IRNode, shapes: number[][]) =>
  shapes.some((s) => s.length !== (node.shape as number[]).length || s.some((d, i) => d !== 1 && d !== (node.shape as number[])[i])) ? "a merge of values of different ranks" : undefined;

export const add: Rule = {
  check: broadcastCheck,
  forward: (c) => ({ y: c.x.slice(1).reduce((acc, v, i) => c.b.add("Add", [acc, v], {}, undefined, `${c.label}_${i}`), c.x[0]) }),
  backward: (c, _f, dy, needs) => ({ dx: needs.map((n, k) => (n ? unbroadcast(c, dy, c.shapes[k], k) : undefined)), dw: {} }),
};

export const mul: Rule = {
  check: (node, shapes) => broadcastCheck(node, shapes) ?? (shapes.length !== 2 ? "a product of more than two values" : undefined),
  forward: (c) => ({ y: c.b.add("Mul", c.x, {}, undefined, c.label) }),
  backward: (c, _f, dy, needs) => ({
    dx: needs.map((n, k) => (n ? unbroadcast(c, c.b.add("Mul", [dy, c.x[1 - k]], {}, undefined, `${c.label}/grad_${k}`), c.shapes[k], k) : undefined)),
    dw: {},
  }),
};

export const concat: Rule = {
  check: (_node, shapes) => (shapes.some((s) => s.length !== shapes[0].length) ? "a concatenation of values of different ranks" : undefined),
  forward: (c) => ({ y: c.b.add("Concat", c.x, { axis: int(1) }, undefined, c.label) }),
  backward: (c, _f, dy) => {
    const sizes = c.shapes.map((s) => s[0]);
    return { dx: c.b.addOutputs("Split", [dy, c.b.int64s(sizes, `${c.label}/sizes`)], { axis: int(1) }, sizes.length, `${c.label}/grad_input`), dw: {} };
  },
};

