// Issue 14: list comprehensions, `[f(i) for i in range(n) if c]` as in Python, usable in
// widths, repeat counts and `for` lists; errors located in the comprehension.
import { describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { parse } from "../grammar/index.js";
import { formatText } from "../grammar/format.js";

const compile = (body: string) => compileFile("t.net", { text: `network t {\n  input 3x8x8\n${body}}\n` });
const shapes = async (body: string) => {
  const c = await compile(body);
  expect(c.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  return c.graph!.nodes.filter((n) => n.op !== "input").map((n) => `${n.op} ${n.shape!.join("x")}`);
};

describe("list comprehensions", () => {
  it("build lists for a `for` loop, with a filter", async () => {
    expect(await shapes("  for w in [8 * i for i in range(1, 4)] {\n    conv w, 1x1\n  }\n")).toEqual(["conv 8x8x8", "conv 16x8x8", "conv 24x8x8"]);
    expect(await shapes("  for w in [w * 2 for w in [4, 5, 6, 7] if w % 2 == 0] {\n    conv w, 1x1\n  }\n")).toEqual(["conv 8x8x8", "conv 12x8x8"]);
  });

  it("give widths and repeat counts, through let, indexing and nesting", async () => {
    const body = "  let ws = [c + 1 for c in [in.channels, 2 * in.channels]]\n  conv ws[1], 3x3, pad = 1\n  repeat len([0 for i in range(4) if i > 1]) {\n    conv ws[0], 1x1\n  }\n  let grid = [[i * j for j in range(3)] for i in range(3)]\n  conv grid[2][2], 1x1\n";
    expect(await shapes(body)).toEqual(["conv 7x8x8", "conv 4x8x8", "conv 4x8x8", "conv 4x8x8"]);
  });

  it("bind their name only inside: an outer name of the same spelling is untouched", async () => {
    expect(await shapes("  let i = 5\n  let xs = [i for i in range(2)]\n  conv i + xs[1], 1x1\n")).toEqual(["conv 6x8x8"]);
  });

  it("report located errors: a non-list, a non-boolean filter, an unknown name", async () => {
    const cases: [string, RegExp, string][] = [
      ["  let xs = [i for i in 3]\n", /iterates over a list, this is an? \w+ \(3\)/, "3"],
      ["  let xs = [i for i in range(3) if i]\n", /a condition must be true or false/, "i"],
      ["  let xs = [j for i in range(3)]\n", /`j` is not defined/, "j"],
    ];
    for (const [body, message, at] of cases) {
      const text = `network t {\n  input 3x8x8\n${body}  conv 3, 1x1\n}\n`;
      const c = await compileFile("t.net", { text });
      const e = c.diagnostics.find((d) => d.severity === "error");
      expect(e?.message, body).toMatch(message);
      const span = e!.labels[0].span;
      expect(text.slice(span.start, span.end), body).toBe(at);
    }
  });

  it("are a syntax error when mixed with list items", () => {
    expect(parse("network t {\n  let xs = [i for i in range(3), 4]\n}\n", "t.net").diagnostics[0]?.message).toMatch(/unexpected ','/);
  });

  it("format as Python writes them, idempotently", () => {
    const f = formatText("network t {\n  let xs = [ i*2 for i in range( 3 ) if i>0 ]\n}\n", "t.net");
    expect(f.formatted).toBe("network t {\n  let xs = [i * 2 for i in range(3) if i > 0]\n}\n");
    expect(formatText(f.formatted!, "t.net").formatted).toBe(f.formatted);
  });
});
