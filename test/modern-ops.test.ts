// The ConvNeXt constructs: shapes, weights and names as PyTorch's modules give them
// (nn.LayerNorm, LayerNorm2d, Tensor.permute, nn.Parameter, StochasticDepth), and the
// errors where a PyTorch habit would build something else.
import { describe, expect, it } from "vitest";
import { weightName } from "../compiler/ir.js";
import { compileText, errors, net, oneError, underlined } from "./support/compile-text.js";

const tensors = (r: Awaited<ReturnType<typeof compileText>>) =>
  r.graph!.nodes.flatMap((n) => n.weights.map((w) => `${weightName(n, w)} ${w.shape.join("x")}`));

describe("ConvNeXt's constructs", () => {
  it("permute counts without the batch; layernorm normalises the last dimension; linear after permute does not warn", async () => {
    const r = await compileText(net("96x56x56", "permute [1, 2, 0]", "norm: layernorm eps = 1e-6", "fc: linear 384", "permute [2, 0, 1]"));
    expect(r.diagnostics).toEqual([]);
    // x.permute(0, 2, 3, 1) -> (56, 56, 96); nn.LayerNorm(96): weight, bias [96]; nn.Linear(96, 384): 384x96 + 384
    expect(r.graph!.nodes.at(-1)!.shape).toEqual([384, 56, 56]);
    expect(tensors(r)).toEqual(["norm.weight 96", "norm.bias 96", "fc.weight 384x96", "fc.bias 384"]);
  });

  it("PyTorch's permute(0, 2, 3, 1), batch included, is refused with the netc spelling", async () => {
    const text = net("96x8x8", "permute [0, 2, 3, 1]");
    const d = oneError(await compileText(text));
    expect(underlined(text, d)).toBe("[0, 2, 3, 1]");
    expect(d.message).toContain("`permute [1, 2, 0]`");
  });

  it("a layer scale is a bare parameter named by its label (torchvision's `layer_scale`, ones(dim, 1, 1))", async () => {
    const r = await compileText(net("96x8x8", "layer_scale: scale init = 1e-6"));
    expect(errors(r)).toEqual([]);
    expect(tensors(r)).toEqual(["layer_scale 96x1x1"]);
    expect(r.counts!.params).toBe(96);
  });

  it("layernorm2d is over channels; layernorm's shape, given, must be the last dimensions", async () => {
    const r = await compileText(net("96x8x8", "ln: layernorm2d 96, eps = 1e-6"));
    expect(tensors(r)).toEqual(["ln.weight 96", "ln.bias 96"]);
    oneError(await compileText(net("96x8x8", "layernorm 96")));
    expect(errors(await compileText(net("96x8x8", "layernorm 8")))).toEqual([]);
  });

  it("stochastic depth keeps the shape and adds nothing", async () => {
    const r = await compileText(net("96x8x8", "stochasticdepth 0.1"));
    expect(r.graph!.nodes.at(-1)!.shape).toEqual([96, 8, 8]);
    expect(r.counts!.params).toBe(0);
  });
});
