// Arguments by position mean what a PyTorch user expects, or are refused with a hint:
// netc infers input channels, so PyTorch's (in, out, kernel) order must never build
// another network silently (issue 14).
import { describe, expect, it } from "vitest";
import { compileText, errors, net, oneError, underlined } from "./support/compile-text.js";

describe("PyTorch's argument order", () => {
  it.each([
    ["conv 3, 16, 3x3", "3x3"],
    ["conv(3, 16, 3)", "3"],
    ["conv 3, 16, 3, 1, 1", "3"],
    ["convtranspose 3, 16, 4", "4"],
  ])("`%s` is refused at its third argument, with the netc spelling", async (call, third) => {
    const text = net("3x32x32", call);
    const d = oneError(await compileText(text), "E0204");
    expect(d.message).toMatch(/takes 2 arguments by position, got \d/);
    expect(underlined(text, d)).toBe(third);
    expect(d.notes.join("\n")).toMatch(/PyTorch's nn\.Conv(Transpose)?2d\(in_channels, out_channels/);
    expect(d.notes.join("\n")).toContain("16, 3x3");
  });

  it("conv's stride, pad, dilation, groups and bias are given by name and still work", async () => {
    const r = await compileText(net("3x32x32", "conv 16, 3x3, stride = 2, pad = 1, bias = false"));
    expect(errors(r)).toEqual([]);
    // nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False): 16 x 3 x 3 x 3 weights, 16x16x16 out
    expect(r.counts!.params).toBe(432);
    expect(r.graph!.nodes.at(-1)!.shape).toEqual([16, 16, 16]);
  });

  it("`linear 512, 10` (nn.Linear(in, out)) is refused with a hint", async () => {
    const text = net("512", "linear 512, 10");
    const d = oneError(await compileText(text), "E0204");
    expect(underlined(text, d)).toBe("10");
    expect(d.notes.join("\n")).toContain("`linear 10`");
  });

  it("`batchnorm 16` is PyTorch's num_features: checked against the input, never eps", async () => {
    const ok = await compileText(net("3x8x8", "conv 16, 3x3", "batchnorm 16"));
    expect(errors(ok)).toEqual([]);
    const bn = ok.graph!.nodes.find((n) => n.op === "batchnorm")!;
    expect(bn.attrs.eps).toBe(1e-5); // nn.BatchNorm2d(16).eps
    const text = net("3x8x8", "conv 16, 3x3", "batchnorm 32");
    const d = oneError(await compileText(text));
    expect(d.message).toContain("32 channels, but its input has 16");
    expect(underlined(text, d)).toBe("32");
  });

  it("`batchnorm 16, 1e-3` is refused: eps and momentum by name", async () => {
    const text = net("3x8x8", "conv 16, 3x3", "batchnorm 16, 1e-3");
    const d = oneError(await compileText(text), "E0204");
    expect(underlined(text, d)).toBe("1e-3");
    expect(d.notes.join("\n")).toContain("eps = ");
  });

  it("`groupnorm 4, 16` is nn.GroupNorm(num_groups, num_channels), never eps = 16", async () => {
    const ok = await compileText(net("3x8x8", "conv 16, 3x3", "groupnorm 4, 16"));
    expect(errors(ok)).toEqual([]);
    expect(ok.graph!.nodes.find((n) => n.op === "groupnorm")!.attrs.eps).toBe(1e-5);
    const d = oneError(await compileText(net("3x8x8", "conv 16, 3x3", "groupnorm 4, 8")));
    expect(d.message).toContain("8 channels, but its input has 16");
  });

  it("`softmax 1` (PyTorch's channel dim) is refused; netc's dim is given by name", async () => {
    const d = oneError(await compileText(net("10x4x4", "softmax 1")), "E0204");
    expect(d.notes.join("\n")).toContain("softmax dim = 0");
  });

  it("maxpool's kernel, stride and padding by position are PyTorch's; the rest by name", async () => {
    const r = await compileText(net("8x32x32", "maxpool 3, 2, 1", "maxpool 3, 2, ceil = true"));
    expect(errors(r)).toEqual([]);
    // nn.MaxPool2d(3, 2, 1): 32 -> 16; nn.MaxPool2d(3, 2, ceil_mode=True): 16 -> 8
    expect(r.graph!.nodes.at(-1)!.shape).toEqual([8, 8, 8]);
    oneError(await compileText(net("8x32x32", "maxpool 3, 2, 1, 2")), "E0204");
  });
});
