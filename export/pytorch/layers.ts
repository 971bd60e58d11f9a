// Each netc op as the PyTorch module that means the same (compiler/ops/, and the
// runtime's kernels, which the parity tests hold to PyTorch): the constructor and its
// arguments, with PyTorch's defaults marked so that the source leaves them out.
import type { IRNode } from "../../compiler/ir.js";

/** A Python literal: numbers, booleans, strings, tuples. */
export type Py = number | boolean | string | Py[];

export interface Arg {
  name?: string; // keyword, or positional when absent
  value: Py;
  default?: Py; // PyTorch's default: left out of the source when the value equals it
  about?: string; // a positional argument's name in PyTorch's signature
}

export interface Ctor {
  fn: string; // nn.Conv2d
  args: Arg[];
}

/** A pair with equal halves reads as one number, as PyTorch accepts. */
const size = (v: unknown): Py => {
  const a = v as number[];
  return Array.isArray(a) && a.length === 2 && a[0] === a[1] ? a[0] : (a as Py);
};
const kw = (name: string, value: Py, def?: Py): Arg => ({ name, value, default: def });
const pos = (value: Py, about: string): Arg => ({ value, about });

/** The op's PyTorch module, or undefined for ops written inline in forward (merges, crop, reshape). */
export function layerCtor(node: IRNode, inputRank: number): Ctor | undefined {
  const a = node.attrs;
  const w = (i: number) => node.weights[i].shape;
  switch (node.op) {
    case "conv": {
      const pad = a.pad === "same" || a.pad === "valid" ? a.pad : size(a.pad);
      return { fn: "nn.Conv2d", args: [pos(w(0)[1] * a.groups, "in_channels"), pos(a.out, "out_channels"), pos(size(a.kernel), "kernel_size"), kw("stride", size(a.stride), 1), kw("padding", pad, 0), kw("dilation", size(a.dilation), 1), kw("groups", a.groups, 1), kw("bias", a.bias, true)] };
    }
    case "convtranspose":
      return {
        fn: "nn.ConvTranspose2d",
        args: [pos(w(0)[0], "in_channels"), pos(a.out, "out_channels"), pos(size(a.kernel), "kernel_size"), kw("stride", size(a.stride), 1), kw("padding", size(a.pad), 0), kw("output_padding", size(a.output_pad), 0), kw("groups", a.groups, 1), kw("bias", a.bias, true), kw("dilation", size(a.dilation), 1)],
      };
    case "linear":
      return { fn: "nn.Linear", args: [pos(w(0)[1], "in_features"), pos(a.out, "out_features"), kw("bias", a.bias, true)] };
    case "batchnorm":
      return {
        fn: inputRank === 3 ? "nn.BatchNorm2d" : "nn.BatchNorm1d",
        args: [pos(node.shape![0] as number, "num_features"), kw("eps", a.eps, 1e-5), kw("momentum", a.momentum, 0.1), kw("affine", a.affine, true), kw("track_running_stats", a.stats, true)],
      };
    case "groupnorm":
      return { fn: "nn.GroupNorm", args: [pos(a.groups, "num_groups"), pos(node.shape![0] as number, "num_channels"), kw("eps", a.eps, 1e-5), kw("affine", a.affine, true)] };
    case "lrn":
      return { fn: "nn.LocalResponseNorm", args: [pos(a.size, "size"), kw("alpha", a.alpha, 1e-4), kw("beta", a.beta, 0.75), kw("k", a.k, 1)] };
    case "maxpool":
      return { fn: "nn.MaxPool2d", args: [pos(size(a.kernel), "kernel_size"), kw("stride", size(a.stride)), kw("padding", size(a.pad), 0), kw("dilation", size(a.dilation), 1), kw("ceil_mode", a.ceil, false)] };
    case "avgpool":
      return { fn: "nn.AvgPool2d", args: [pos(size(a.kernel), "kernel_size"), kw("stride", size(a.stride)), kw("padding", size(a.pad), 0), kw("ceil_mode", a.ceil, false), kw("count_include_pad", a.count_include_pad, true)] };
    case "adaptiveavgpool":
      return { fn: "nn.AdaptiveAvgPool2d", args: [pos(size(a.size), "output_size")] };
    case "adaptivemaxpool":
      return { fn: "nn.AdaptiveMaxPool2d", args: [pos(size(a.size), "output_size")] };
    case "globalavgpool":
      return { fn: "nn.AdaptiveAvgPool2d", args: [pos(1, "output_size")] };
    case "flatten":
      return { fn: "nn.Flatten", args: [] };
    case "dropout":
      return { fn: "nn.Dropout", args: [kw("p", a.p, 0.5)] };
    case "prelu":
      return { fn: "nn.PReLU", args: [kw("num_parameters", a.num, 1), kw("init", a.init, 0.25)] };
    case "softmax":
      return { fn: "nn.Softmax", args: [kw("dim", a.dim >= 0 ? a.dim + 1 : a.dim)] };
    case "leakyrelu":
      return { fn: "nn.LeakyReLU", args: [kw("negative_slope", a.slope, 0.01)] };
    case "elu":
      return { fn: "nn.ELU", args: [kw("alpha", a.alpha, 1)] };
    case "upsample":
      if (a.scale === null || a.scale === undefined || a.align_corners) return undefined; // to a size, or align_corners: not exported yet
      return { fn: "nn.Upsample", args: [kw("scale_factor", size(a.scale)), kw("mode", a.mode, "nearest"), ...(a.mode === "bilinear" ? [kw("align_corners", false)] : [])] };
    case "pad": {
      const [l, r, t, b] = a.amount as number[];
      return { fn: "nn.ZeroPad2d", args: [pos(l === r && r === t && t === b ? l : [l, r, t, b], "padding")] };
    }
    case "channelshuffle":
      return { fn: "nn.ChannelShuffle", args: [pos(a.groups, "groups")] };
  }
  const plain: Record<string, string> = {
    relu: "nn.ReLU", relu6: "nn.ReLU6", sigmoid: "nn.Sigmoid", tanh: "nn.Tanh", silu: "nn.SiLU",
    hardswish: "nn.Hardswish", hardsigmoid: "nn.Hardsigmoid", gelu: "nn.GELU", identity: "nn.Identity",
    yolo: "nn.Identity", ssd: "nn.Identity", segmentation: "nn.Identity", classification: "nn.Identity", // task markers
  };
  return plain[node.op] ? { fn: plain[node.op], args: [] } : undefined;
}

/** A Python literal in black's style. */
export function pyLiteral(v: Py): string {
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `(${v.map(pyLiteral).join(", ")}${v.length === 1 ? "," : ""})`;
  if (Number.isInteger(v)) return String(v);
  const s = String(v);
  return /e/.test(s) ? s.replace(/e([+-])(\d)$/, "e$10$2") : s;
}

/** Python's keywords and the names an nn.Module already uses: not attribute names. */
const RESERVED = new Set(
  ("False None True and as assert async await break class continue def del elif else except finally for from global if import in is " +
    "lambda nonlocal not or pass raise return try while with yield self training forward state_dict parameters modules children " +
    "eval train to cuda cpu type float double half apply buffers zero_grad named_modules add_module register_buffer T_destination dump_patches").split(" "),
);

export const isAttributeName = (s: string) => /^[A-Za-z][A-Za-z0-9_]*$/.test(s) && !RESERVED.has(s);
