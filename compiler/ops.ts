// The layer table. Each op declares its arguments (positional order, types, defaults),
// a pure output-shape function, its weights in PyTorch's layout, and its multiply-adds.
// Semantics are those of the PyTorch module of the same name; shapes exclude the batch.
import { add, ceilDiv, dimEquals, floorDiv, isSym, mul, scale, sub, type Dim } from "./symbolic.js";
import { formatShape, numel, type Shape } from "./values.js";
import type { ArgType, Pair } from "./op-args.js";

export type WeightKind = "parameter" | "buffer" | "counter";
export interface WeightSpec {
  name: string;
  shape: number[];
  kind: WeightKind;
}

export interface OpResult {
  shape: Shape;
  weights?: WeightSpec[];
  macs?: Dim;
}

/** A problem with an op's input or arguments; `arg` names the argument to point at. */
export class OpError extends Error {
  constructor(
    message: string,
    readonly arg?: string,
    readonly inputProblem = false,
  ) {
    super(message);
  }
}

export interface ArgSpec {
  name: string;
  type: ArgType;
  default?: unknown; // already converted; undefined means required
  defaultFrom?: string; // defaults to another argument's value (maxpool's stride = kernel)
  doc: string;
}

export type Args = Record<string, any>;

export interface OpSpec {
  name: string;
  doc: string;
  torch: string; // the PyTorch module it matches
  args: ArgSpec[];
  infer(a: Args, x: Shape): OpResult;
}

const arg = (name: string, type: ArgType, doc: string, def?: unknown): ArgSpec => ({ name, type, doc, default: def });

// ---- shape helpers ---------------------------------------------------------------
function image(x: Shape, op: string): [Dim, Dim, Dim] {
  if (x.length !== 3) throw new OpError(`${op} expects a channels x height x width input, got ${formatShape(x)}`, undefined, true);
  return [x[0], x[1], x[2]];
}

/** Channels then at least one more dimension (CxL or CxHxW), as LocalResponseNorm takes. */
function channelsFirst(x: Shape, op: string): Shape {
  if (x.length < 2) throw new OpError(`${op} expects channels and at least one more dimension, got ${formatShape(x)}`, undefined, true);
  return x;
}

function concreteChannels(c: Dim, op: string): number {
  if (isSym(c)) throw new OpError(`${op} needs a concrete number of input channels, got ${c}`, undefined, true);
  return c;
}

/** floor((n + pads - d*(k-1) - 1)/s) + 1, or its ceil-mode variant; PyTorch's formula. */
function windowOut(n: Dim, k: number, s: number, padTotal: number, d: number, ceil: boolean, padLeft: number): Dim {
  const span = sub(add(n, padTotal), d * (k - 1) + 1);
  if (!ceil) return add(floorDiv(span, s), 1);
  // PyTorch drops a last ceil-mode window that would start in the right padding, when
  // (out - 1)*s >= n + padLeft. With padding at most half the effective kernel
  // e = d*(k-1) + 1 (pools check it first), out - 1 = ceil(span/s) <= ceil((n + padLeft)/s),
  // and the drop happens exactly for the n where they are equal; so, for every n at once,
  // out = ceil((n + padLeft)/s) when e - padLeft <= s, and ceil(span/s) + 1 (never
  // dropped) otherwise. One formula for concrete and symbolic sizes alike.
  if (d * (k - 1) + 1 - padLeft <= s) return ceilDiv(add(n, padLeft), s);
  return add(ceilDiv(span, s), 1);
}

function checkPositive(d: Dim, what: string, x: Shape) {
  if (typeof d === "number" && d < 1)
    throw new OpError(`${what} would be empty: the input ${formatShape(x)} is smaller than the window`, undefined, true);
}

function windowed(x: Shape, op: string, k: Pair, s: Pair, p: Pair, d: Pair, ceil: boolean): Shape {
  const [c, h, w] = image(x, op);
  const oh = windowOut(h, k[0], s[0], 2 * p[0], d[0], ceil, p[0]);
  const ow = windowOut(w, k[1], s[1], 2 * p[1], d[1], ceil, p[1]);
  checkPositive(oh, `${op}'s output height`, x);
  checkPositive(ow, `${op}'s output width`, x);
  return [c, oh, ow];
}

/** PyTorch's limit (aten/src/ATen/native/Pool.h): pad <= ((k - 1)*dilation + 1) / 2, the effective kernel's half. */
function checkPoolPadding(k: Pair, p: Pair, op: string, d: Pair = [1, 1]) {
  const half = [0, 1].map((i) => Math.floor(((k[i] - 1) * d[i] + 1) / 2));
  if (p[0] <= half[0] && p[1] <= half[1]) return;
  const dilated = d[0] !== 1 || d[1] !== 1;
  const kernel = dilated ? `effective kernel ${[0, 1].map((i) => (k[i] - 1) * d[i] + 1).join("x")} (kernel ${k.join("x")}, dilation ${d.join("x")})` : `kernel ${k.join("x")}`;
  throw new OpError(`${op}'s padding ${p.join("x")} must be at most half the ${kernel}`, "pad");
}

const mac = (...ds: Dim[]): Dim => ds.reduce((a, b) => mul(a, b), 1 as Dim);

// ---- the ops ---------------------------------------------------------------------
const conv: OpSpec = {
  name: "conv",
  torch: "nn.Conv2d",
  doc: "2-D convolution",
  args: [
    arg("out", "count", "output channels"),
    arg("kernel", "pair", "kernel size: 3 or 3x3 or [kh, kw]"),
    arg("stride", "pair", "stride", [1, 1]),
    arg("pad", "padding", 'zero padding on each side, or "same" / "valid"', [0, 0]),
    arg("dilation", "pair", "dilation", [1, 1]),
    arg("groups", "count", "groups: in and out channels are split in this many groups", 1),
    arg("bias", "bool", "add a learned bias", true),
  ],
  infer(a, x) {
    const [c, h, w] = image(x, "conv");
    const cin = concreteChannels(c, "conv");
    const [k, s, d] = [a.kernel as Pair, a.stride as Pair, a.dilation as Pair];
    const g = a.groups as number;
    if (cin % g !== 0) throw new OpError(`conv's ${cin} input channels are not divisible by groups = ${g}`, "groups", true);
    if (a.out % g !== 0) throw new OpError(`conv's ${a.out} output channels are not divisible by groups = ${g}`, "groups");
    let shape: Shape;
    if (a.pad === "same") {
      if (s[0] !== 1 || s[1] !== 1) throw new OpError(`pad = "same" needs stride 1, as in PyTorch`, "pad");
      shape = [a.out, h, w];
    } else {
      const p = a.pad === "valid" ? [0, 0] : (a.pad as Pair);
      const [, oh, ow] = windowed(x, "conv", k, s, p as Pair, d, false);
      shape = [a.out, oh, ow];
    }
    const weights: WeightSpec[] = [{ name: "weight", shape: [a.out, cin / g, k[0], k[1]], kind: "parameter" }];
    if (a.bias) weights.push({ name: "bias", shape: [a.out], kind: "parameter" });
    return { shape, weights, macs: mac(a.out, shape[1], shape[2], cin / g, k[0] * k[1]) };
  },
};

const convtranspose: OpSpec = {
  name: "convtranspose",
  torch: "nn.ConvTranspose2d",
  doc: "2-D transposed convolution",
  args: [
    arg("out", "count", "output channels"),
    arg("kernel", "pair", "kernel size"),
    arg("stride", "pair", "stride", [1, 1]),
    arg("pad", "pair0", "padding removed from each side", [0, 0]),
    arg("output_pad", "pair0", "extra size added to one side", [0, 0]),
    arg("groups", "count", "groups", 1),
    arg("bias", "bool", "add a learned bias", true),
    arg("dilation", "pair", "dilation", [1, 1]),
  ],
  infer(a, x) {
    const [c, h, w] = image(x, "convtranspose");
    const cin = concreteChannels(c, "convtranspose");
    const [k, s, p, op, d] = [a.kernel, a.stride, a.pad, a.output_pad, a.dilation] as Pair[];
    const g = a.groups as number;
    if (cin % g !== 0 || a.out % g !== 0)
      throw new OpError(`convtranspose's channels (${cin} in, ${a.out} out) are not divisible by groups = ${g}`, "groups", true);
    for (const i of [0, 1])
      if (op[i] >= Math.max(s[i], d[i]))
        throw new OpError(`convtranspose's output_pad ${op[i]} must be smaller than its stride or dilation, as in PyTorch`, "output_pad");
    const size = (n: Dim, i: number) => add(scale(sub(n, 1), s[i]), d[i] * (k[i] - 1) + op[i] + 1 - 2 * p[i]);
    const shape: Shape = [a.out, size(h, 0), size(w, 1)];
    checkPositive(shape[1], "convtranspose's output height", x);
    checkPositive(shape[2], "convtranspose's output width", x);
    const weights: WeightSpec[] = [{ name: "weight", shape: [cin, a.out / g, k[0], k[1]], kind: "parameter" }];
    if (a.bias) weights.push({ name: "bias", shape: [a.out], kind: "parameter" });
    return { shape, weights, macs: mac(cin, h, w, a.out / g, k[0] * k[1]) };
  },
};

const linear: OpSpec = {
  name: "linear",
  torch: "nn.Linear",
  doc: "fully connected layer on the last dimension",
  args: [arg("out", "count", "output features"), arg("bias", "bool", "add a learned bias", true)],
  infer(a, x) {
    if (x.length === 0) throw new OpError("linear expects at least one dimension", undefined, true);
    const inF = x[x.length - 1];
    if (isSym(inF))
      throw new OpError(`linear needs a concrete number of input features, got ${inF}`, undefined, true);
    const weights: WeightSpec[] = [{ name: "weight", shape: [a.out, inF], kind: "parameter" }];
    if (a.bias) weights.push({ name: "bias", shape: [a.out], kind: "parameter" });
    const rows = x.slice(0, -1).reduce<Dim>((p, d) => mul(p, d), 1);
    return { shape: [...x.slice(0, -1), a.out], weights, macs: mac(rows, inF, a.out) };
  },
};

const batchnorm: OpSpec = {
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

const groupnorm: OpSpec = {
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

function pool(name: "maxpool" | "avgpool", torch: string): OpSpec {
  const extra = name === "maxpool"
    ? [arg("dilation", "pair", "dilation", [1, 1])]
    : [arg("count_include_pad", "bool", "count padding in the average", true)];
  return {
    name,
    torch,
    doc: name === "maxpool" ? "max pooling" : "average pooling",
    args: [
      arg("kernel", "pair", "window size"),
      { name: "stride", type: "pair", defaultFrom: "kernel", doc: "stride (default: the kernel size)" },
      arg("pad", "pair0", "padding on each side", [0, 0]),
      arg("ceil", "bool", "ceil mode: keep a last partial window", false),
      ...extra,
    ],
    infer(a, x) {
      checkPoolPadding(a.kernel, a.pad, name, a.dilation);
      return { shape: windowed(x, name, a.kernel, a.stride, a.pad, a.dilation ?? [1, 1], a.ceil) };
    },
  };
}

function adaptive(name: string, torch: string): OpSpec {
  return {
    name,
    torch,
    doc: `adaptive ${name.includes("max") ? "max" : "average"} pooling to a fixed output size`,
    args: [arg("size", "pair", "output height x width")],
    infer(a, x) {
      const [c] = image(x, name);
      return { shape: [c, a.size[0], a.size[1]] };
    },
  };
}

const globalavgpool: OpSpec = {
  name: "globalavgpool",
  torch: "nn.AdaptiveAvgPool2d(1)",
  doc: "average over the whole image: CxHxW to Cx1x1",
  args: [],
  infer: (_a, x) => ({ shape: [image(x, "globalavgpool")[0], 1, 1] }),
};

const flatten: OpSpec = {
  name: "flatten",
  torch: "nn.Flatten()",
  doc: "flatten every dimension (channels, then rows, then columns) into one",
  args: [],
  infer: (_a, x) => ({ shape: [x.reduce<Dim>((p, d) => mul(p, d), 1)] }),
};

const reshape: OpSpec = {
  name: "reshape",
  torch: "Tensor.reshape (batch kept)",
  doc: "reshape to the given dimensions; one may be -1",
  args: [arg("shape", "shape", "new dimensions, e.g. 30x7x7 or [-1, 7, 7]")],
  infer(a, x) {
    const target = a.shape as number[];
    const n = numel(x);
    if (n === null) throw new OpError(`reshape needs a concrete input size, got ${formatShape(x)}`, undefined, true);
    const known = target.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
    const free = target.filter((d) => d === -1).length;
    if (free > 1) throw new OpError("reshape allows at most one -1", "shape");
    const shape = target.map((d) => (d === -1 ? n / known : d));
    if ((free === 1 && n % known !== 0) || (free === 0 && known !== n))
      throw new OpError(`cannot reshape ${formatShape(x)} (${n} values) into ${target.join("x")}`, "shape", true);
    return { shape };
  },
};

const dropout: OpSpec = {
  name: "dropout",
  torch: "nn.Dropout",
  doc: "zero each value with probability p during training",
  args: [arg("p", "prob", "drop probability", 0.5)],
  infer: (_a, x) => ({ shape: x }),
};

function pointwise(name: string, torch: string, doc: string, args: ArgSpec[] = []): OpSpec {
  return { name, torch, doc, args, infer: (_a, x) => ({ shape: x }) };
}

const prelu: OpSpec = {
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

const softmax: OpSpec = {
  name: "softmax",
  torch: "nn.Softmax(dim=1)",
  doc: "softmax over a dimension (0 = channels, as PyTorch's dim 1)",
  args: [arg("dim", "int", "dimension, not counting the batch", 0)],
  infer(a, x) {
    if (a.dim < -x.length || a.dim >= x.length) throw new OpError(`softmax dim ${a.dim} is out of range for ${formatShape(x)}`, "dim", true);
    return { shape: x };
  },
};

const lrn: OpSpec = {
  name: "lrn",
  torch: "nn.LocalResponseNorm",
  doc: "local response normalisation across channels",
  args: [arg("size", "count", "neighbouring channels"), arg("alpha", "number", "alpha", 1e-4), arg("beta", "number", "beta", 0.75), arg("k", "number", "k", 1)],
  infer: (_a, x) => ({ shape: channelsFirst(x, "lrn") }),
};

const upsample: OpSpec = {
  name: "upsample",
  torch: "nn.Upsample",
  doc: "resize by an integer scale factor",
  args: [arg("scale", "pair", "scale factor"), arg("mode", "string", '"nearest" or "bilinear"', "nearest")],
  infer(a, x) {
    const [c, h, w] = image(x, "upsample");
    if (a.mode !== "nearest" && a.mode !== "bilinear") throw new OpError(`upsample mode must be "nearest" or "bilinear"`, "mode");
    return { shape: [c, scale(h, a.scale[0]), scale(w, a.scale[1])] };
  },
};

const pad: OpSpec = {
  name: "pad",
  torch: "nn.ZeroPad2d",
  doc: "zero padding: one size for every side, or [left, right, top, bottom]",
  args: [arg("amount", "sides", "padding")],
  infer(a, x) {
    const [c, h, w] = image(x, "pad");
    const [l, r, t, b] = a.amount as number[];
    return { shape: [c, add(h, t + b), add(w, l + r)] };
  },
};

const crop: OpSpec = {
  name: "crop",
  torch: "x[:, :, top:top+h, left:left+w] (Caffe's Crop layer)",
  doc: "keep a height x width window, from an offset: crop [score.height, score.width], offset = 5",
  args: [arg("size", "extent", "the window's height x width (may be symbolic)"), arg("offset", "pair0", "top and left offset", [0, 0])],
  infer(a, x) {
    const [c, h, w] = image(x, "crop");
    const [oh, ow] = a.size as Dim[];
    const [t, l] = a.offset as Pair;
    for (const [size, off, len, what] of [[oh, t, h, "height"], [ow, l, w, "width"]] as [Dim, number, Dim, string][])
      if (typeof size === "number" && typeof len === "number" && off + size > len)
        throw new OpError(`crop's window (${what} ${size} from ${off}) does not fit in the input's ${what}, ${len}`, "size", true);
    return { shape: [c, oh, ow] };
  },
};

const channelshuffle: OpSpec = {
  name: "channelshuffle",
  torch: "nn.ChannelShuffle",
  doc: "interleave channels across groups",
  args: [arg("groups", "count", "groups")],
  infer(a, x) {
    const c = concreteChannels(channelsFirst(x, "channelshuffle")[0], "channelshuffle");
    if (c % a.groups !== 0) throw new OpError(`${c} channels are not divisible by ${a.groups} groups`, "groups", true);
    return { shape: x };
  },
};

export const ops: ReadonlyMap<string, OpSpec> = new Map(
  [
    conv, convtranspose, linear, batchnorm, groupnorm,
    pool("maxpool", "nn.MaxPool2d"), pool("avgpool", "nn.AvgPool2d"),
    adaptive("adaptiveavgpool", "nn.AdaptiveAvgPool2d"), adaptive("adaptivemaxpool", "nn.AdaptiveMaxPool2d"),
    globalavgpool, flatten, reshape, dropout, prelu, softmax, lrn, upsample, pad, crop, channelshuffle,
    pointwise("relu", "nn.ReLU", "max(x, 0)"),
    pointwise("relu6", "nn.ReLU6", "min(max(x, 0), 6)"),
    pointwise("leakyrelu", "nn.LeakyReLU", "x, or slope * x below 0", [arg("slope", "number", "negative slope", 0.01)]),
    pointwise("elu", "nn.ELU", "exponential linear unit", [arg("alpha", "number", "alpha", 1)]),
    pointwise("sigmoid", "nn.Sigmoid", "1 / (1 + exp(-x))"),
    pointwise("tanh", "nn.Tanh", "hyperbolic tangent"),
    pointwise("silu", "nn.SiLU", "x * sigmoid(x) (swish)"),
    pointwise("hardswish", "nn.Hardswish", "x * relu6(x + 3) / 6"),
    pointwise("hardsigmoid", "nn.Hardsigmoid", "relu6(x + 3) / 6"),
    pointwise("gelu", "nn.GELU", "Gaussian error linear unit"),
    pointwise("identity", "nn.Identity", "the input, unchanged"),
  ].map((op) => [op.name, op]),
);

