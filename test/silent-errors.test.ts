// Mistakes that used to be accepted silently and computed something else (issue 14):
// each is now a located error, or means what PyTorch means.
import { describe, expect, it } from "vitest";
import { weightName } from "../compiler/ir.js";
import { compileText, errors, net, oneError, underlined } from "./support/compile-text.js";

const names = (r: Awaited<ReturnType<typeof compileText>>) => r.graph!.nodes.flatMap((n) => n.weights.map((w) => weightName(n, w)));

describe("duplicate labels", () => {
  it("two `conv1:` in one module are refused at the second, pointing at the first", async () => {
    const text = net("3x8x8", "conv1: conv 8, 3x3", "relu", "conv1: conv 8, 3x3");
    const d = oneError(await compileText(text), "E0202");
    const second = text.lastIndexOf("conv1");
    expect(d.labels.find((l) => l.primary)!.span.start).toBe(second);
    expect(d.labels.some((l) => !l.primary && l.span.start === text.indexOf("conv1"))).toBe(true);
  });

  it("a label that collides with an unlabelled layer's position is refused too", async () => {
    oneError(await compileText(net("3x8x8", "conv 8, 3x3", "0: conv 8, 3x3")), "E0202");
  });

  it("a labelled statement inside a repeat collides with itself (nn.Sequential cannot)", async () => {
    oneError(await compileText(net("3x8x8", "repeat 2 { conv1: conv 3, 3x3, pad = 1 }")), "E0202");
  });

  it("one label in different modules, or generated per iteration, is fine", async () => {
    const r = await compileText(net("3x8x8", "a: { conv1: conv 8, 3x3 }", "b: { conv1: conv 8, 3x3 }", 'repeat 2 as i { "c{i}": relu }'));
    expect(errors(r)).toEqual([]);
    expect(names(r)).toEqual(["a.conv1.weight", "a.conv1.bias", "b.conv1.weight", "b.conv1.bias"]);
  });
});

describe("a loop inside concat / add is a comprehension: one branch per iteration", () => {
  it("`for` makes one branch per item (here three convolutions side by side)", async () => {
    const r = await compileText(net("8x16x16", "concat { for k in [1, 3, 5] { conv 4, k, pad = (k - 1) // 2 } }"));
    expect(errors(r)).toEqual([]);
    // torch.cat([nn.Conv2d(8, 4, k, padding=(k-1)//2)(x) for k in (1, 3, 5)], 1): 12 channels,
    // 4*8*(1 + 9 + 25) weights + 3*4 biases
    expect(r.graph!.nodes.at(-1)!.shape).toEqual([12, 16, 16]);
    expect(r.counts!.params).toBe(4 * 8 * 35 + 12);
    expect(names(r)).toEqual(["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"]);
  });

  it("each iteration's statements run in sequence within its branch", async () => {
    const r = await compileText(net("8x16x16", "add { repeat 2 as i { conv 8, 3x3, pad = 1; relu } }"));
    expect(errors(r)).toEqual([]);
    const add = r.graph!.nodes.at(-1)!;
    expect(add.op).toBe("add");
    expect(add.inputs).toHaveLength(2);
  });

  it("an `if` whose condition is false adds no branch (not an identity branch)", async () => {
    const r = await compileText(net("8x4x4", "concat { identity; if false { identity } }"));
    expect(r.graph!.nodes.at(-1)!.shape).toEqual([8, 4, 4]);
  });
});

describe("linear on an image", () => {
  it("acts on the last axis as nn.Linear does, with a warning that says flatten first", async () => {
    const text = net("3x32x32", "conv 16, 3x3", "linear 10");
    const r = await compileText(text);
    expect(errors(r)).toEqual([]);
    // nn.Linear(30, 10)(nn.Conv2d(3, 16, 3)(x)).shape[1:] == (16, 30, 10)
    expect(r.graph!.nodes.at(-1)!.shape).toEqual([16, 30, 10]);
    const w = r.diagnostics.filter((d) => d.severity === "warning");
    expect(w).toHaveLength(1);
    expect(w[0].code).toBe("W0301");
    expect(underlined(text, w[0])).toBe("linear 10");
    expect(w[0].labels[0].message).toBe("flatten first?");
  });

  it("says nothing after a flatten", async () => {
    const r = await compileText(net("3x32x32", "conv 16, 3x3", "flatten", "linear 10"));
    expect(r.diagnostics).toEqual([]);
  });
});

describe("upsample to a size", () => {
  it("takes another value's height and width, symbolic ones too (DeepLab's interpolate(size=x.shape[-2:]))", async () => {
    const text = "network n {\n  input 3xHxW as data\n  conv 8, 3x3, stride = 2, pad = 1\n  upsample mode = \"bilinear\", size = data\n}\n";
    const r = await compileText(text);
    expect(errors(r)).toEqual([]);
    expect(r.graph!.nodes.at(-1)!.shape!.map(String)).toEqual(["8", "H", "W"]);
    // --input 3x100x100: PyTorch gives 8x100x100 (a scale of 2 would give 8x100x100 only by luck: 3x101x101 gives 102)
    const odd = await compileText(text, { input: "3x101x101" });
    expect(odd.graph!.nodes.at(-1)!.shape).toEqual([8, 101, 101]);
  });

  it("refuses a scale and a size together, and align_corners without bilinear", async () => {
    oneError(await compileText(net("3x8x8", "upsample 2, size = 16x16")));
    oneError(await compileText(net("3x8x8", "upsample size = 16x16, align_corners = true")));
  });
});
