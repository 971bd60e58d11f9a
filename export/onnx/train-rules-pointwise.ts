// Value-by-value layers for the native training step (train-rules.ts has the rest):
// activations with autograd's gradients, and dropout by masks the caller draws (the
// same masks TensorFlow.js would, so both ways of training drop the same units).
import { float, int, type GraphBuilder } from "./builder.js";
import type { Rule, RuleContext } from "./train-rules.js";

const mul = (b: GraphBuilder, x: string, y: string, label: string) => b.add("Mul", [x, y], {}, undefined, label);
const sub = (b: GraphBuilder, x: string, y: string, label: string) => b.add("Sub", [x, y], {}, undefined, label);
const one = (c: RuleContext) => c.b.floats([1], `${c.label}/one`);

/** An activation whose gradient is dY times a function of its output y. */
function byOutput(op: string, slope: (c: RuleContext, y: string) => string): Rule {
  return {
    forward: (c) => ({ y: c.b.add(op, [c.x[0]], {}, undefined, c.label) }),
    backward: (c, f, dy) => ({ dx: [mul(c.b, dy, slope(c, f.y), `${c.label}/grad_input`)], dw: {} }),
  };
}

export const sigmoid = byOutput("Sigmoid", (c, y) => mul(c.b, y, sub(c.b, one(c), y, `${c.label}/one_minus`), `${c.label}/slope`)); // y (1 - y)
export const tanh = byOutput("Tanh", (c, y) => sub(c.b, one(c), mul(c.b, y, y, `${c.label}/square`), `${c.label}/slope`)); // 1 - y²

export const leakyrelu: Rule = {
  forward: (c) => ({ y: c.b.add("LeakyRelu", [c.x[0]], { alpha: float(c.node.attrs.slope as number) }, undefined, c.label) }),
  backward: (c, _f, dy) => {
    // autograd's: dY where x > 0, else slope · dY
    const on = c.b.add("Greater", [c.x[0], c.b.floats([0], `${c.label}/zero`)], {}, undefined, `${c.label}/on`);
    const scaled = mul(c.b, dy, c.b.floats([c.node.attrs.slope as number], `${c.label}/slope`), `${c.label}/scaled`);
    return { dx: [c.b.add("Where", [on, dy, scaled], {}, undefined, `${c.label}/grad_input`)], dw: {} };
  },
};

export const relu6: Rule = {
  forward: (c) => ({ y: c.b.add("Clip", [c.x[0], c.b.floats([0], `${c.label}/min`), c.b.floats([6], `${c.label}/max`)], {}, undefined, c.label) }),
  backward: (c, _f, dy) => {
    // autograd's hardtanh gradient: dY strictly inside (0, 6)
    const b = c.b;
    const inside = b.add("And", [b.add("Greater", [c.x[0], b.floats([0], `${c.label}/lo`)], {}, undefined, `${c.label}/above`), b.add("Less", [c.x[0], b.floats([6], `${c.label}/hi`)], {}, undefined, `${c.label}/below`)], {}, undefined, `${c.label}/inside`);
    return { dx: [b.add("Where", [inside, dy, b.floats([0], `${c.label}/zero`)], {}, undefined, `${c.label}/grad_input`)], dw: {} };
  },
};

export const identity: Rule = {
  forward: (c) => ({ y: c.b.add("Identity", [c.x[0]], {}, undefined, c.label) }),
  backward: (_c, _f, dy) => ({ dx: [dy], dw: {} }),
};

/** Dropout: y = x · mask, the mask an input of the graph (0, or 1 / (1 - p)), drawn per step. */
export const dropout: Rule = {
  forward: (c) => (c.mask ? { y: mul(c.b, c.x[0], c.mask, c.label) } : identity.forward(c)),
  backward: (c, _f, dy) => ({ dx: [c.mask ? mul(c.b, dy, c.mask, `${c.label}/grad_input`) : dy], dw: {} }),
};

/** PReLU: x where x > 0, else slope · x (one slope, or one per channel); autograd's gradients. */
export const prelu: Rule = {
  forward: (c) => ({ y: c.b.add("PRelu", [c.x[0], slopes(c)], {}, undefined, c.label) }),
  backward: (c, _f, dy) => {
    const b = c.b;
    const zero = b.floats([0], `${c.label}/zero`);
    const on = b.add("Greater", [c.x[0], zero], {}, undefined, `${c.label}/on`);
    const dx = b.add("Where", [on, dy, mul(b, dy, slopes(c), `${c.label}/scaled`)], {}, undefined, `${c.label}/grad_input`);
    const terms = b.add("Where", [on, zero, mul(b, dy, c.x[0], `${c.label}/dy_x`)], {}, undefined, `${c.label}/slope_terms`);
    const num = (c.node.attrs.num as number) ?? 1;
    const rank = c.shapes[0].length + 1;
    const axes = Array.from({ length: rank }, (_, i) => i).filter((i) => num === 1 || i !== 1);
    const sum = b.add("ReduceSum", [terms, b.int64s(axes, `${c.label}/axes`)], { keepdims: int(0) }, undefined, `${c.label}/slope_sum`);
    return { dx: [dx], dw: { weight: b.reshape(sum, [num], `${c.label}/grad_weight`) } };
  },
};

/** The slopes shaped to broadcast over a batch of the input: [C, 1, 1] for images, [C] for vectors. */
function slopes(c: RuleContext): string {
  const num = (c.node.attrs.num as number) ?? 1;
  const rank = c.shapes[0].length;
  return num === 1 || rank === 1 ? c.weight("weight")! : c.b.reshape(c.weight("weight")!, [num, ...Array(rank - 1).fill(1)], `${c.label}/slopes`);
}

/** SiLU: x · sigmoid(x); its gradient σ(x) (1 + x (1 − σ(x))). */
export const silu: Rule = {
  forward: (c) => {
    const sig = c.b.add("Sigmoid", [c.x[0]], {}, undefined, `${c.label}/sigmoid`);
    return { y: mul(c.b, c.x[0], sig, c.label), keep: { sig } };
  },
  backward: (c, f, dy) => {
    const b = c.b;
    const sig = f.keep!.sig;
    const inner = b.add("Add", [one(c), mul(b, c.x[0], sub(b, one(c), sig, `${c.label}/one_minus`), `${c.label}/x_tail`)], {}, undefined, `${c.label}/inner`);
    return { dx: [mul(b, dy, mul(b, sig, inner, `${c.label}/slope`), `${c.label}/grad_input`)], dw: {} };
  },
};

/** relu6(x + 3) / 6, and x times it; autograd's gradients (1/6 strictly inside (-3, 3), and x/3 + 1/2 there for hardswish, 1 above). */
function hard(swish: boolean): Rule {
  return {
    forward: (c) => {
      const gate = c.b.add("HardSigmoid", [c.x[0]], { alpha: float(1 / 6), beta: float(0.5) }, undefined, swish ? `${c.label}/gate` : c.label);
      return { y: swish ? mul(c.b, c.x[0], gate, c.label) : gate };
    },
    backward: (c, _f, dy) => {
      const b = c.b;
      const inside = b.add("And", [b.add("Greater", [c.x[0], b.floats([-3], `${c.label}/lo`)], {}, undefined, `${c.label}/above`), b.add("Less", [c.x[0], b.floats([3], `${c.label}/hi`)], {}, undefined, `${c.label}/below`)], {}, undefined, `${c.label}/inside`);
      const zero = b.floats([0], `${c.label}/zero`);
      if (!swish) return { dx: [b.add("Where", [inside, mul(b, dy, b.floats([1 / 6], `${c.label}/sixth`), `${c.label}/scaled`), zero], {}, undefined, `${c.label}/grad_input`)], dw: {} };
      const ramp = b.add("Add", [mul(b, c.x[0], b.floats([1 / 3], `${c.label}/third`), `${c.label}/x_third`), b.floats([0.5], `${c.label}/half`)], {}, undefined, `${c.label}/ramp`);
      const above = b.add("Where", [b.add("GreaterOrEqual", [c.x[0], b.floats([3], `${c.label}/three`)], {}, undefined, `${c.label}/top`), one(c), zero], {}, undefined, `${c.label}/flat`);
      const slope = b.add("Where", [inside, ramp, above], {}, undefined, `${c.label}/slope`);
      return { dx: [mul(b, dy, slope, `${c.label}/grad_input`)], dw: {} };
    },
  };
}
export const hardsigmoid = hard(false);
export const hardswish = hard(true);
