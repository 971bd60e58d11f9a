// Ops that move values without computing on them: flatten, reshape, upsample, pad,
// crop, channel shuffle.
import { add, mul, scale, type Dim } from "../symbolic.js";
import { formatShape, numel } from "../values.js";
import type { Pair } from "../op-args.js";
import { arg, kw, channelsFirst, concreteChannels, image, OpError, type OpSpec } from "./spec.js";

export const flatten: OpSpec = {
  name: "flatten",
  torch: "nn.Flatten()",
  doc: "flatten every dimension (channels, then rows, then columns) into one",
  args: [],
  infer: (_a, x) => ({ shape: [x.reduce<Dim>((p, d) => mul(p, d), 1)] }),
};

export const reshape: OpSpec = {
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

export const upsample: OpSpec = {
  name: "upsample",
  torch: "nn.Upsample / F.interpolate",
  doc: "resize by an integer scale factor, or to a size (another value's: `size = skip`)",
  args: [
    arg("scale", "pair", "integer scale factor", null),
    arg("mode", "string", '"nearest" or "bilinear"', "nearest"),
    kw("size", "extentOf", "output height x width, or a labelled value whose height and width to take", null),
    kw("align_corners", "bool", "bilinear: align the corner pixels (F.interpolate's align_corners)", false),
  ],
  infer(a, x) {
    const [c, h, w] = image(x, "upsample");
    if (a.mode !== "nearest" && a.mode !== "bilinear") throw new OpError(`upsample mode must be "nearest" or "bilinear"`, "mode");
    if (a.align_corners && a.mode !== "bilinear") throw new OpError("align_corners needs mode = \"bilinear\", as in PyTorch", "align_corners");
    if ((a.scale === null) === (a.size === null))
      throw new OpError("upsample takes a scale or a size, one of them: `upsample 2` or `upsample size = 32x32`", a.scale === null ? undefined : "size");
    if (a.size !== null) return { shape: [c, a.size[0], a.size[1]] };
    return { shape: [c, scale(h, a.scale[0]), scale(w, a.scale[1])] };
  },
};

export const pad: OpSpec = {
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

export const crop: OpSpec = {
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

export const channelshuffle: OpSpec = {
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
