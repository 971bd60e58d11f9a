// Error messages a newcomer from PyTorch meets (issue 14): one syntax error per real
// mistake, "did you mean" for Python and PyTorch spellings, one error per loop failure
// with the iteration, labels with `-` as torchvision's RegNet has them.
import { describe, expect, it } from "vitest";
import { parse } from "../grammar/index.js";
import { weightName } from "../compiler/ir.js";
import { compileText, errors, net, oneError, underlined } from "./support/compile-text.js";

const syntax = (text: string) => parse(text, "t.net").diagnostics;

describe("syntax errors: one per mistake", () => {
  it("a keyword used as a label is one error, with the quoted spelling, and the lines after it are not blamed", () => {
    const ds = syntax(net("3x32x32", "head: { conv 16, 3x3 }", "relu", "conv 8, 3x3"));
    expect(ds).toHaveLength(1);
    expect(ds[0].notes.join()).toContain('`"head": ...`');
  });

  it("two separate mistakes are two errors, each at its own line", () => {
    const text = net("3x32x32", "conv 16, 3x3 pad = 1", "relu", "maxpool 2x2 stride = 2", "relu");
    const ds = syntax(text);
    expect(ds.map((d) => text.slice(d.labels[0].span.start, d.labels[0].span.end))).toEqual(["pad", "stride"]);
    expect(ds[0].notes.join()).toContain("separated by `,`");
  });

  it("an unclosed brace is one error, not one per following line", () => {
    const text = "network n {\n  input 3x8x8\n  if true {\n  relu\n}\nnetwork m {\n  input 3x8x8\n  relu\n}\n";
    expect(syntax(text)).toHaveLength(1);
  });

  it("`nn.Conv2d(...)` says that netc's layers have no nn. prefix", () => {
    const ds = syntax(net("3x32x32", "nn.Conv2d(3, 16, kernel_size = 3)", "relu"));
    expect(ds).toHaveLength(1);
    expect(ds[0].notes.join()).toContain("`conv 16, 3x3` for nn.Conv2d(3, 16, 3)");
  });
});

describe("did you mean, for Python and PyTorch spellings", () => {
  it.each([
    ["conv 16, 3x3, padding = 1", "did you mean `pad`?"],
    ["conv 16, kernel_size = 3", "did you mean `kernel`?"],
    ["conv 16, 3x3, in_channels = 3", "inferred from the input"],
    ["maxpool 2x2, ceil_mode = true", "did you mean `ceil`?"],
    ["conv 16, 3x3, bias = False", "did you mean `false`?"],
    ["Conv2d 16, 3x3", "did you mean `conv`? (PyTorch's nn.Conv2d)"],
    ["BatchNorm2d", "did you mean `batchnorm`?"],
    ["ReLU", "did you mean `relu`?"],
    ["relu inplace = true", "no in-place layers"],
    ["convv 16, 3x3", "did you mean `conv`?"],
    ["conv 16, 3x3, strid = 2", "did you mean `stride`?"],
  ])("`%s`", async (line, note) => {
    const d = oneError(await compileText(net("3x32x32", line)));
    expect(d.notes.join("\n")).toContain(note);
  });
});

describe("an error inside a loop", () => {
  it("is reported once, with the iteration that failed", async () => {
    const text = net("3x32x32", "flatten", "repeat 3 as i { linear 5 - 10 * i }");
    const d = oneError(await compileText(text));
    expect(underlined(text, d)).toBe("5 - 10 * i");
    expect(d.notes).toContain("in the iteration where i = 1");
  });

  it("the same failure in every iteration is one error, naming the first", async () => {
    const d = oneError(await compileText(net("16", "for w in [8, 16] { conv w, 3x3 }")));
    expect(d.notes).toContain("in the iteration where w = 8");
  });
});

describe("labels with `-`", () => {
  it("compute torchvision's RegNet names (trunk_output.block1.block1-0)", async () => {
    const r = await compileText(net("3x8x8", 'trunk_output: { for k in [0] { "block{k + 1}": { repeat 2 as i { "block{k + 1}-{i}": conv 4, 1x1 } } } }'));
    expect(errors(r)).toEqual([]);
    expect(r.graph!.nodes.flatMap((n) => n.weights.map((w) => weightName(n, w)))).toEqual([
      "trunk_output.block1.block1-0.weight", "trunk_output.block1.block1-0.bias", "trunk_output.block1.block1-1.weight", "trunk_output.block1.block1-1.bias",
    ]);
  });
});
