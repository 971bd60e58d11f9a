// "Did you mean" for what a PyTorch user types: PyTorch's argument names, Python's
// constants, and PyTorch's module names (read from each op's `torch` field).
import { ops } from "./ops.js";

/** PyTorch's keyword arguments, by their netc names (undefined: netc infers it). */
const ARGUMENTS: Record<string, string | undefined> = {
  padding: "pad", kernel_size: "kernel", out_channels: "out", out_features: "out", ceil_mode: "ceil",
  num_features: "channels", num_channels: "channels", num_groups: "groups", negative_slope: "slope",
  scale_factor: "scale", elementwise_affine: "affine", normalized_shape: "shape", output_padding: "output_pad",
  track_running_stats: "stats", num_parameters: "num", in_channels: undefined, in_features: undefined,
};

/** A note for an argument name a callee does not have, when it is PyTorch's spelling. */
export function pythonArgument(name: string, params: string[]): string | undefined {
  if (name === "inplace") return "netc has no in-place layers: leave `inplace` out (the result is the same)";
  if (!(name in ARGUMENTS)) return undefined;
  const ours = ARGUMENTS[name];
  if (ours === undefined) return `PyTorch's \`${name}\` is inferred from the input in netc: leave it out`;
  return params.includes(ours) ? `did you mean \`${ours}\`? (PyTorch's \`${name}\`)` : undefined;
}

/** A note for an undefined name that is Python's spelling of a netc value. */
export function pythonConstant(name: string): string | undefined {
  if (name === "True" || name === "False") return `did you mean \`${name.toLowerCase()}\`? (netc writes Python's ${name} in lower case)`;
  if (name === "None") return "netc has no None: leave the argument out to get its default";
  return undefined;
}

/** A note for an unknown layer that is a PyTorch module's name (`Conv2d`, `BatchNorm2d`, `ReLU`). */
export function torchModule(name: string): string | undefined {
  const bare = name.replace(/^(nn|torch\.nn|F)\./, "");
  for (const op of ops.values())
    for (const m of op.torch.matchAll(/nn\.(\w+)/g))
      if (m[1] === bare || m[1].toLowerCase() === bare.toLowerCase()) return `did you mean \`${op.name}\`? (PyTorch's nn.${m[1]})`;
  return undefined;
}

/** PyTorch's keyword names for a netc argument name (`pad` → `padding`), where they differ. */
export function torchArgumentNames(name: string): string[] {
  return Object.entries(ARGUMENTS).filter(([, ours]) => ours === name).map(([theirs]) => theirs);
}
