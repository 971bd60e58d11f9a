// Convolutions and fully connected layers: nn.Conv2d, nn.ConvTranspose2d, nn.Linear.
import { add, isSym, mul, scale, sub, type Dim } from "../symbolic.js";
import type { Shape } from "../values.js";
import type { Pair } from "../op-args.js";
import { arg, kw, checkPositive, concreteChannels, image, mac, OpError, windowed, type OpSpec, type WeightSpec } from "./spec.js";

export const conv: OpSpec = {
  name: "conv",
  torch: "nn.Conv2d",
  doc: "2-D convolution",
  args: [
    arg("out", "count", "output channels"),
    arg("kernel", "pair", "kernel size: 3 or 3x3 or [kh, kw]"),
    kw("stride", "pair", "stride", [1, 1]),
    kw("pad", "padding", 'zero padding on each side, or "same" / "valid"', [0, 0]),
    kw("dilation", "pair", "dilation", [1, 1]),
    kw("groups", "count", "groups: in and out channels are split in this many groups", 1),
    kw("bias", "bool", "add a learned bias", true),
  ],
  positionalHint: (n) => torchOrder("conv", "nn.Conv2d", n),
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

export const convtranspose: OpSpec = {
  name: "convtranspose",
  torch: "nn.ConvTranspose2d",
  doc: "2-D transposed convolution",
  args: [
    arg("out", "count", "output channels"),
    arg("kernel", "pair", "kernel size"),
    kw("stride", "pair", "stride", [1, 1]),
    kw("pad", "pair0", "padding removed from each side", [0, 0]),
    kw("output_pad", "pair0", "extra size added to one side", [0, 0]),
    kw("groups", "count", "groups", 1),
    kw("bias", "bool", "add a learned bias", true),
    kw("dilation", "pair", "dilation", [1, 1]),
  ],
  positionalHint: (n) => torchOrder("convtranspose", "nn.ConvTranspose2d", n),
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

/** The note for a convolution given PyTorch's (in, out, kernel, stride, padding) by position. */
function torchOrder(op: string, torch: string, n: number): string {
  const reads = n >= 3 ? `this reads as PyTorch's ${torch}(in_channels, out_channels, kernel_size, ...): ` : "";
  return `${reads}netc infers the input channels and takes only \`out, kernel\` by position, so \`${op} 3, 16, 3x3\` is \`${op} 16, 3x3\`; give stride, pad, dilation, groups and bias by name (\`stride = 2, pad = 1\`)`;
}

export const linear: OpSpec = {
  name: "linear",
  torch: "nn.Linear",
  doc: "fully connected layer on the last dimension",
  args: [arg("out", "count", "output features"), kw("bias", "bool", "add a learned bias", true)],
  positionalHint: (n) =>
    n === 2 ? "this reads as PyTorch's nn.Linear(in_features, out_features): netc infers the input features, so `linear 512, 10` is `linear 10`" : undefined,
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
