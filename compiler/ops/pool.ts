// Pooling: nn.MaxPool2d, nn.AvgPool2d, their adaptive forms, global average pooling.
import { arg, kw, checkPoolPadding, image, windowed, type OpSpec } from "./spec.js";

export function pool(name: "maxpool" | "avgpool", torch: string): OpSpec {
  const extra = name === "maxpool"
    ? [kw("dilation", "pair", "dilation", [1, 1])]
    : [kw("count_include_pad", "bool", "count padding in the average", true)];
  return {
    name,
    torch,
    doc: name === "maxpool" ? "max pooling" : "average pooling",
    args: [
      arg("kernel", "pair", "window size"),
      { name: "stride", type: "pair", defaultFrom: "kernel", doc: "stride (default: the kernel size)" },
      arg("pad", "pair0", "padding on each side", [0, 0]),
      kw("ceil", "bool", "ceil mode: keep a last partial window", false),
      ...extra,
    ],
    positionalHint: (n) => n > 3 ? `${torch}'s arguments after kernel, stride and padding differ from netc's order: give ceil${name === "maxpool" ? " and dilation" : " and count_include_pad"} by name (\`ceil = true\`)` : undefined,
    infer(a, x) {
      checkPoolPadding(a.kernel, a.pad, name, a.dilation);
      return { shape: windowed(x, name, a.kernel, a.stride, a.pad, a.dilation ?? [1, 1], a.ceil) };
    },
  };
}

export function adaptive(name: string, torch: string): OpSpec {
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

export const globalavgpool: OpSpec = {
  name: "globalavgpool",
  torch: "nn.AdaptiveAvgPool2d(1)",
  doc: "average over the whole image: CxHxW to Cx1x1",
  args: [],
  infer: (_a, x) => ({ shape: [image(x, "globalavgpool")[0], 1, 1] }),
};
