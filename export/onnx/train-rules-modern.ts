// ConvNeXt's layers for the native training step (train-rules.ts has the rest): layer
// norm over the last dimensions and over channels (layernorm2d), permute, GELU (exact,
// PyTorch's default), a learned scale (layer_scale) and stochastic depth by masks the
// caller draws as TensorFlow.js's kernel does. Normalisation's gradient with a weight that
// varies along the normalised axes: g = dY·γ, dX = (g − mean(g) − x̂·mean(g·x̂)) / σ.
import type { GraphBuilder } from "./builder.js";
import { ints } from "./builder.js";
import { sum, type Forward, type Rule, type RuleContext } from "./train-rules.js";

const mul = (b: GraphBuilder, x: string, y: string, label: string) => b.add("Mul", [x, y], {}, undefined, label);

/** Layer norm over `axes` (with the batch) of a value, γ and β reshaped by `affineShape`. */
function norm(axes: (c: RuleContext) => number[], affineShape: (c: RuleContext) => number[]): Rule {
  return {
    forward: (c): Forward => {
      const { b, label } = c;
      const ax = axes(c);
      const mean = b.reduce("ReduceMean", c.x[0], ax, `${label}/mean`);
      const xc = b.add("Sub", [c.x[0], mean], {}, undefined, `${label}/centred`);
      const variance = b.reduce("ReduceMean", mul(b, xc, xc, `${label}/square`), ax, `${label}/var`);
      const std = b.add("Sqrt", [b.add("Add", [variance, b.floats([c.node.attrs.eps as number], `${label}/eps`)], {}, undefined, `${label}/var_eps`)], {}, undefined, `${label}/std`);
      const inv = b.add("Reciprocal", [std], {}, undefined, `${label}/inv_std`);
      const xhat = mul(b, xc, inv, `${label}/normalized`);
      const keep: Record<string, string> = { xhat, inv };
      if (!c.weight("weight")) return { y: xhat, keep };
      const gamma = b.reshape(c.weight("weight")!, affineShape(c), `${label}/gamma`);
      const y = b.add("Add", [mul(b, xhat, gamma, `${label}/scaled`), b.reshape(c.weight("bias")!, affineShape(c), `${label}/beta`)], {}, undefined, label);
      return { y, keep: { ...keep, gamma } };
    },
    backward: (c, f, dy) => {
      const { b, label } = c;
      const { xhat, inv, gamma } = f.keep!;
      const ax = axes(c);
      const rank = c.shapes[0].length + 1;
      const dw: Record<string, string> = {};
      if (gamma) {
        const others = Array.from({ length: rank }, (_, i) => i).filter((i) => !ax.includes(i));
        const param = (v: string, name: string) => b.reshape(sum(b, v, others, true, `${label}/${name}_sum`), c.node.weights[0].shape, `${label}/${name}`);
        dw.weight = param(mul(b, dy, xhat, `${label}/dy_xhat`), "grad_weight");
        dw.bias = param(dy, "grad_bias");
      }
      const g = gamma ? mul(b, dy, gamma, `${label}/dy_gamma`) : dy;
      const m1 = b.reduce("ReduceMean", g, ax, `${label}/grad_mean`);
      const m2 = mul(b, b.reduce("ReduceMean", mul(b, g, xhat, `${label}/g_xhat`), ax, `${label}/grad_mean_xhat`), xhat, `${label}/grad_proj`);
      const centred = b.add("Sub", [b.add("Sub", [g, m1], {}, undefined, `${label}/grad_c1`), m2], {}, undefined, `${label}/grad_c2`);
      return { dx: [mul(b, centred, inv, `${label}/grad_input`)], dw };
    },
  };
}

const lastDims = (c: RuleContext) => {
  const rank = c.shapes[0].length + 1;
  const n = c.node.weights[0]?.shape.length ?? ((c.node.attrs.shape as number[] | null)?.length ?? 1);
  return Array.from({ length: n }, (_, i) => rank - n + i);
};

export const layernorm = norm(lastDims, (c) => c.node.weights[0].shape);
export const layernorm2d = norm(() => [1], (c) => [c.shapes[0][0], ...c.shapes[0].slice(1).map(() => 1)]);

export const permute: Rule = {
  forward: (c) => ({ y: c.b.add("Transpose", [c.x[0]], { perm: ints([0, ...(c.node.attrs.dims as number[]).map((d) => d + 1)]) }, undefined, c.label) }),
  backward: (c, _f, dy) => {
    const perm = [0, ...(c.node.attrs.dims as number[]).map((d) => d + 1)];
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return { dx: [c.b.add("Transpose", [dy], { perm: ints(inverse) }, undefined, `${c.label}/grad_input`)], dw: {} };
  },
};

export const gelu: Rule = {
  forward: (c) => {
    const b = c.b;
    const cdf = mul(b, b.add("Add", [b.floats([1], `${c.label}/one`), b.add("Erf", [mul(b, c.x[0], b.floats([Math.SQRT1_2], `${c.label}/rsqrt2`), `${c.label}/scaled`)], {}, undefined, `${c.label}/erf`)], {}, undefined, `${c.label}/erf1`), b.floats([0.5], `${c.label}/half`), `${c.label}/cdf`);
    return { y: mul(b, c.x[0], cdf, c.label), keep: { cdf } };
  },
  backward: (c, f, dy) => {
    // Φ(x) + x φ(x), φ(x) = exp(−x²/2) / √(2π)
    const b = c.b;
    const pdf = mul(b, b.add("Exp", [mul(b, mul(b, c.x[0], c.x[0], `${c.label}/x2`), b.floats([-0.5], `${c.label}/mhalf`), `${c.label}/expo`)], {}, undefined, `${c.label}/exp`), b.floats([1 / Math.sqrt(2 * Math.PI)], `${c.label}/rsqrt2pi`), `${c.label}/pdf`);
    const slope = b.add("Add", [f.keep!.cdf, mul(b, c.x[0], pdf, `${c.label}/x_pdf`)], {}, undefined, `${c.label}/slope`);
    return { dx: [mul(b, dy, slope, `${c.label}/grad_input`)], dw: {} };
  },
};

/** A learned tensor multiplied in, broadcast against the input (ConvNeXt's layer_scale). */
export const scale: Rule = {
  forward: (c) => ({ y: mul(c.b, c.x[0], c.weight("")!, c.label) }),
  backward: (c, _f, dy) => {
    const b = c.b;
    const shape = c.node.weights[0].shape;
    const rank = c.shapes[0].length + 1;
    const lead = rank - shape.length;
    const axes = Array.from({ length: rank }, (_, i) => i).filter((i) => i < lead || shape[i - lead] === 1);
    const dw = b.reshape(sum(b, mul(b, dy, c.x[0], `${c.label}/dy_x`), axes, true, `${c.label}/grad_sum`), shape, `${c.label}/grad_weight`);
    return { dx: [mul(b, dy, c.weight("")!, `${c.label}/grad_input`)], dw: { "": dw } };
  },
};

/** Stochastic depth: x · mask, the mask an input ([N, 1, …] for rows, [1, 1, …] for the batch: 0 or 1 / (1 − p)). */
export const stochasticdepth: Rule = {
  forward: (c) => (c.mask ? { y: mul(c.b, c.x[0], c.mask, c.label) } : { y: c.b.add("Identity", [c.x[0]], {}, undefined, c.label) }),
  backward: (c, _f, dy) => ({ dx: [c.mask ? mul(c.b, dy, c.mask, `${c.label}/grad_input`) : dy], dw: {} }),
};
