// Activations, merges and the ops that only move values (reshape, pad, crop, resize,
// shuffle) as ONNX operators, computing what runtime/kernels.ts computes.
import type { Pair } from "../../compiler/op-args.js";
import { float, int, ints, str, type Attr } from "./builder.js";
import { perChannel, type Converter, type OpContext } from "./layers.js";

const pair = (v: unknown) => v as Pair;
const unary = (op: string, attrs: (c: OpContext) => Record<string, Attr> = () => ({})): Converter => (c) => c.b.add(op, [c.x[0]], attrs(c), c.out, c.label);
/** The op computes nothing at inference: its value is its input's. */
const alias: Converter = (c) => c.x[0];

/** relu6(x + 3) / 6 */
const hardsigmoid = (c: OpContext, out: string | undefined, label: string) =>
  c.b.add("HardSigmoid", [c.x[0]], { alpha: float(1 / 6), beta: float(0.5) }, out, label);

export const activations: Record<string, Converter> = {
  identity: alias,
  yolo: alias, // task markers
  ssd: alias,
  segmentation: alias,
  classification: alias,
  dropout: alias,
  relu: unary("Relu"),
  relu6: (c) => c.b.add("Clip", [c.x[0], c.b.floats([0], `${c.label}/min`), c.b.floats([6], `${c.label}/max`)], {}, c.out, c.label),
  leakyrelu: unary("LeakyRelu", (c) => ({ alpha: float(c.node.attrs.slope as number) })),
  elu: unary("Elu", (c) => ({ alpha: float(c.node.attrs.alpha as number) })),
  sigmoid: unary("Sigmoid"),
  tanh: unary("Tanh"),
  silu: (c) => c.b.add("Mul", [c.x[0], c.b.add("Sigmoid", [c.x[0]], {}, undefined, `${c.label}/sigmoid`)], {}, c.out, c.label),
  hardsigmoid: (c) => hardsigmoid(c, c.out, c.label),
  // HardSwish is an operator from opset 14; before, x · hardsigmoid(x)
  hardswish: (c) => (c.b.opset >= 14 ? unary("HardSwish")(c) : c.b.add("Mul", [c.x[0], hardsigmoid(c, undefined, `${c.label}/hardsigmoid`)], {}, c.out, c.label)),
  // x/2 · (1 + erf(x/√2)), PyTorch's exact GELU (ONNX's Gelu operator is from opset 20)
  gelu: (c) => {
    const b = c.b;
    const erf = b.add("Erf", [b.add("Div", [c.x[0], b.floats([Math.SQRT2], `${c.label}/sqrt2`)], {}, undefined, `${c.label}/scaled`)], {}, undefined, `${c.label}/erf`);
    const onePlus = b.add("Add", [erf, b.floats([1], `${c.label}/one`)], {}, undefined, `${c.label}/one_plus`);
    const half = b.add("Mul", [c.x[0], b.floats([0.5], `${c.label}/half`)], {}, undefined, `${c.label}/half_x`);
    return b.add("Mul", [half, onePlus], {}, c.out, c.label);
  },
  prelu: (c) => {
    const slope = c.weight("weight")!;
    const rank = c.shapes[0].length;
    const perCh = (c.node.attrs.num as number) > 1 ? perChannel(c, slope, rank, "slope") : slope;
    return c.b.add("PRelu", [c.x[0], perCh], {}, c.out, c.label);
  },
  softmax: (c) => {
    const rank = c.shapes[0].length;
    return c.b.add("Softmax", [c.x[0]], { axis: int((((c.node.attrs.dim as number) + rank) % rank) + 1) }, c.out, c.label);
  },
};

/** Merges broadcast as PyTorch (and ONNX) do, folded left to right like the runtime. */
const merge = (op: string): Converter => (c) =>
  c.x.slice(1).reduce((acc, v, i) => c.b.add(op, [acc, v], {}, i === c.x.length - 2 ? c.out : undefined, c.label), c.x[0]);

export const shapes: Record<string, Converter> = {
  add: merge("Add"),
  mul: merge("Mul"),
  concat: (c) => c.b.add("Concat", c.x, { axis: int(1) }, c.out, c.label),
  flatten: (c) => c.b.add("Flatten", [c.x[0]], { axis: int(1) }, c.out, c.label),
  reshape: (c) => c.b.reshape(c.x[0], [-1, ...(c.node.shape as number[])], c.label, c.out),
  globalavgpool: (c) => c.b.add("GlobalAveragePool", [c.x[0]], {}, c.out, c.label),
  pad: (c) => {
    const [l, r, t, bo] = c.node.attrs.amount as number[];
    return c.b.add("Pad", [c.x[0], c.b.int64s([0, 0, t, l, 0, 0, bo, r], `${c.label}/pads`)], { mode: str("constant") }, c.out, c.label);
  },
  crop: (c) => {
    const [t, l] = pair(c.node.attrs.offset);
    const [, h, w] = c.node.shape as number[];
    const b = c.b;
    const inputs = [c.x[0], b.int64s([t, l], `${c.label}/starts`), b.int64s([t + h, l + w], `${c.label}/ends`), b.int64s([2, 3], `${c.label}/axes`)];
    return b.add("Slice", inputs, {}, c.out, c.label);
  },
  upsample: (c) => {
    // a scale, or a size (the output's): as scales out/in, which is how PyTorch maps
    // coordinates for a size too
    const [, h, w] = c.shapes[0];
    const [, oh, ow] = c.node.shape as number[];
    const [sh, sw] = c.node.attrs.scale === null ? [oh / h, ow / w] : pair(c.node.attrs.scale);
    const scales = c.b.floats([1, 1, sh, sw], `${c.label}/scales`);
    // nearest: PyTorch's floor(out · in/size) is ONNX's asymmetric floor; bilinear
    // (align_corners=False) is half-pixel, clamped at the edges
    const attrs: Record<string, Attr> = c.node.attrs.mode === "bilinear"
      ? { mode: str("linear"), coordinate_transformation_mode: str(c.node.attrs.align_corners ? "align_corners" : "pytorch_half_pixel") }
      : { mode: str("nearest"), coordinate_transformation_mode: str("asymmetric"), nearest_mode: str("floor") };
    return c.b.add("Resize", [c.x[0], "", scales], attrs, c.out, c.label);
  },
  channelshuffle: (c) => {
    const g = c.node.attrs.groups as number;
    const [ch, ...rest] = c.shapes[0];
    const split = c.b.reshape(c.x[0], [0, g, ch / g, ...rest], `${c.label}/split`);
    const perm = [0, 2, 1, ...rest.map((_, i) => i + 3)];
    const swapped = c.b.add("Transpose", [split], { perm: ints(perm) }, undefined, `${c.label}/transpose`);
    return c.b.reshape(swapped, [0, ch, ...rest], c.label, c.out);
  },
};
