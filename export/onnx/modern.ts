// ConvNeXt's layers (compiler/ops/modern.ts) as ONNX operators, computing what
// runtime/kernels/modern.ts computes: layer norms from their statistics (ONNX's
// LayerNormalization is opset 17 only), Transpose, a Mul by the learned scale, and
// stochastic depth as its input (the identity at inference).
import { ints } from "./builder.js";
import type { Converter, OpContext } from "./layers.js";

/** (x - mean) / sqrt(var + eps) over `axes`, then weight and bias (shaped to broadcast) if any. */
function normalise(c: OpContext, axes: number[], weightShape: number[]): string {
  const b = c.b;
  const x = c.x[0];
  const mean = b.reduce("ReduceMean", x, axes, `${c.label}/mean`);
  const d = b.add("Sub", [x, mean], {}, undefined, `${c.label}/centered`);
  const variance = b.reduce("ReduceMean", b.add("Mul", [d, d], {}, undefined, `${c.label}/squared`), axes, `${c.label}/variance`);
  const eps = b.floats([c.node.attrs.eps as number], `${c.label}/eps`);
  const std = b.add("Sqrt", [b.add("Add", [variance, eps], {}, undefined, `${c.label}/var_eps`)], {}, undefined, `${c.label}/std`);
  const w = c.weight("weight");
  if (!w) return b.add("Div", [d, std], {}, c.out, c.label);
  const y = b.add("Div", [d, std], {}, undefined, `${c.label}/normalized`);
  const scaled = b.add("Mul", [y, b.reshape(w, weightShape, `${c.label}/w`)], {}, undefined, `${c.label}/scaled`);
  return b.add("Add", [scaled, b.reshape(c.weight("bias")!, weightShape, `${c.label}/b`)], {}, c.out, c.label);
}

export const modern: Record<string, Converter> = {
  layernorm: (c) => {
    const shape = c.shapes[0];
    const n = c.node.weights[0]?.shape.length ?? (c.node.attrs.shape as number[] | null)?.length ?? 1;
    const axes = Array.from({ length: n }, (_, i) => shape.length + 1 - n + i);
    return normalise(c, axes, shape.slice(shape.length - n));
  },
  layernorm2d: (c) => normalise(c, [1], [c.shapes[0][0], 1, 1]),
  permute: (c) => c.b.add("Transpose", [c.x[0]], { perm: ints([0, ...(c.node.attrs.dims as number[]).map((d) => d + 1)]) }, c.out, c.label),
  scale: (c) => c.b.add("Mul", [c.x[0], c.weight("")!], {}, c.out, c.label),
  stochasticdepth: (c) => c.x[0],
};
