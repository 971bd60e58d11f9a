// The grammar: each construct parses to the AST it should, comments are kept, line
// breaks end statements only where they should, and errors are all reported.
import { describe, expect, it } from "vitest";
import { parse } from "../grammar/index.js";
import type { Expr, Stmt } from "../syntax/ast.js";

function body(text: string): Stmt[] {
  const r = parse(`network n {\n${text}\n}`, "t.net");
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  const item = r.program!.items[0];
  if (item.kind !== "network") throw new Error("not a network");
  return item.body;
}

/** An expression's structure, fully parenthesised. */
function show(e: Expr): string {
  switch (e.kind) {
    case "number": return e.text;
    case "string": return JSON.stringify(e.value);
    case "bool": return String(e.value);
    case "name": return e.name;
    case "in": return "in";
    case "dims": return e.parts.map(show).join("x");
    case "list": return `[${e.items.map(show).join(", ")}]`;
    case "index": return `${show(e.target)}[${show(e.index)}]`;
    case "member": return `${show(e.target)}.${e.name}`;
    case "call": return `${show(e.callee)}(${e.args.map((a) => show(a.value)).join(", ")})`;
    case "unary": return `(${e.op} ${show(e.operand)})`;
    case "binary": return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case "cond": return `(${show(e.then)} if ${show(e.cond)} else ${show(e.else)})`;
    case "comprehension": return `[${show(e.element)} for ${e.variable} in ${show(e.iterable)}${e.cond ? ` if ${show(e.cond)}` : ""}]`;
  }
}

const expr = (text: string) => {
  const [s] = body(`let x = ${text}`);
  if (s.kind !== "let") throw new Error("not a let");
  return show(s.value);
};

describe("expressions", () => {
  it("reads a list comprehension's `if` as its filter, and a conditional element whole", () => {
    expect(expr("[a if c else b for i in xs if i > 0]")).toBe("[(a if c else b) for i in xs if (i > 0)]");
    expect(expr("[i for i in (xs if c else ys)]")).toBe("[i for i in (xs if c else ys)]");
    expect(expr("[\n  i * 2\n  for i in range(3)\n]")).toBe("[(i * 2) for i in range(3)]");
  });

  it("binds tighter operators first, left to right", () => {
    expect(expr("1 + 2 * 3 - 4")).toBe("((1 + (2 * 3)) - 4)");
    expect(expr("a * b // 64 * g")).toBe("(((a * b) // 64) * g)");
    expect(expr("-a % 3")).toBe("((- a) % 3)");
    expect(expr("stride != 1 or in.channels != out and not x")).toBe("((stride != 1) or ((in.channels != out) and (not x)))");
    expect(expr("2 if i == 0 else 1")).toBe("(2 if (i == 0) else 1)");
    expect(expr("layers[0] + len(xs) + [1, 2,][1]")).toBe("((layers[0] + len(xs)) + [1, 2][1])");
  });

  it("reads sizes joined by x, with numbers or names", () => {
    expect(expr("3x224x224")).toBe("3x224x224");
    expect(expr("3xHxW")).toBe("3xHxW");
    expect(expr("1x7")).toBe("1x7");
    expect(expr("1e-5")).toBe("1e-5");
  });
});

describe("statements", () => {
  it("reads layers with positional and named arguments, labels, and blocks with parentheses", () => {
    const [a, b, c] = body("conv1: conv 64, 7x7, stride = 2, pad = 3, bias = false\n0: batchnorm\nstage(unit, 3, 64)");
    expect(a).toMatchObject({ kind: "call", callee: "conv", label: { name: "conv1" }, parens: false });
    expect(a.kind === "call" && a.args.map((x) => x.name ?? "_")).toEqual(["_", "_", "stride", "pad", "bias"]);
    expect(b).toMatchObject({ kind: "call", callee: "batchnorm", label: { name: "0" }, args: [] });
    expect(c).toMatchObject({ kind: "call", callee: "stage", parens: true });
  });

  it("reads every compound construct", () => {
    const stmts = body(`
      repeat n - 1 as i { relu }
      for w in [1, 2] { conv w, 1x1 }
      if a { relu } else if b { tanh } else { sigmoid }
      residual when s == 1 { conv 8, 3x3 } shortcut down when x { conv 8, 1x1 }
      concat { b1: { conv 1, 1x1 }; b2: conv 2, 1x1 }
      add { identity; conv 3, 1x1 }
      mul { identity; sigmoid }
      from pool4 { conv 3, 1x1 }
      head aux when aux { linear 10 }
      input 3xHxW as image`);
    expect(stmts.map((s) => s.kind)).toEqual(["repeat", "for", "if", "residual", "combine", "combine", "combine", "from", "head", "input"]);
    const [rep, , iff, res, cat] = stmts;
    expect(rep).toMatchObject({ index: "i" });
    expect(iff.kind === "if" && iff.else?.[0].kind).toBe("if");
    expect(res).toMatchObject({ shortcut: { label: { name: "down" } } });
    expect(cat.kind === "combine" && cat.branches.map((b) => b.label?.name)).toEqual(["b1", "b2"]);
  });

  it("ends statements at line breaks, but not inside brackets, after a comma or an operator, or before else/shortcut", () => {
    const stmts = body(`
      conv 64,
        3x3, pad = 1
      let x = [1,
        2] + [3]
      let y = 1 +
        2
      residual { relu }
      shortcut { relu }
      if a { relu }
      else { tanh }`);
    expect(stmts.map((s) => s.kind)).toEqual(["call", "let", "let", "residual", "if"]);
  });

  it("keeps comments, with their places", () => {
    const text = "# top\nnetwork n { # after brace\n  input 3x8x8 # end of line\n  # own line\n  relu\n}\n";
    const r = parse(text, "t.net");
    expect(r.program!.comments.map((c) => c.text)).toEqual(["# top", "# after brace", "# end of line", "# own line"]);
    for (const c of r.program!.comments) expect(text.slice(c.span.start, c.span.end)).toBe(c.text);
  });

  it("reads variants, imports and block parameters with defaults", () => {
    const r = parse('import "resnet"\nblock b(x, y = 2) { relu }\nnetwork r50 = resnet(layers = [3, 4, 6, 3])\n', "t.net");
    expect(r.program!.items.map((i) => i.kind)).toEqual(["import", "block", "variant"]);
    expect(r.program!.items[1]).toMatchObject({ params: [{ name: "x" }, { name: "y", default: { value: 2 } }] });
    expect(r.program!.items[2]).toMatchObject({ base: "resnet", args: [{ name: "layers" }] });
  });
});

describe("syntax errors", () => {
  it("reports every error it can in one run, each located", () => {
    const text = "network a {\n  conv 64,, 3x3\n}\nnetwork b {\n  relu )\n}\nblock c( { }\n";
    const r = parse(text, "t.net");
    expect(r.program).toBeUndefined();
    expect(r.diagnostics.length).toBeGreaterThanOrEqual(3);
    const lines = r.diagnostics.map((d) => text.slice(0, d.labels[0].span.start).split("\n").length);
    expect(lines).toEqual(expect.arrayContaining([2, 5, 7]));
  });

  it("reports characters outside the language", () => {
    const r = parse("network a { input 3x8x8; relu $ }", "t.net");
    expect(r.diagnostics[0]).toMatchObject({ code: "E0101", labels: [{ span: { start: 30, end: 31 } }] });
  });
});
