// Issue 15, point 12: the syntax mistakes users make most say what they most likely
// mean, where they are: a missing comma, a trailing comma before the next line's layer,
// an unclosed `{` (the brace itself), a misspelt keyword.
import { describe, expect, it } from "vitest";
import { parse } from "../grammar/index.js";
import { renderDiagnostics } from "../syntax/render-diagnostics.js";
import { SourceFile } from "../syntax/source.js";

const net = (body: string) => `network a {\n  input 3x8x8\n${body}}\n`;
const diags = (text: string) => parse(text, "t.net").diagnostics;
const at = (text: string, offset: number) => {
  const before = text.slice(0, offset);
  return `${before.split("\n").length}:${offset - before.lastIndexOf("\n")}`;
};

describe("syntax mistakes", () => {
  it("a missing comma: 'missing ',' between arguments?', at the second argument", () => {
    const text = net("  conv 16 3x3\n");
    const ds = diags(text);
    expect(ds).toHaveLength(1);
    expect(ds[0].message).toBe("missing ',' between arguments?");
    expect(at(text, ds[0].labels[0].span.start)).toBe("3:11");
    expect(text.slice(ds[0].labels[0].span.start, ds[0].labels[0].span.end)).toBe("3x3");
  });

  it("a trailing comma before the next line's layer is an error at the comma, never an argument", () => {
    for (const body of ["  conv 16, 3x3,\n  relu\n", "  conv 16, 3x3,   # a comment\n  relu\n", "  conv 16, 3x3,\n\n  relu\n", "  conv 16, 3x3,\n"]) {
      const text = net(body);
      const ds = diags(text);
      expect(ds.map((d) => d.message), body).toEqual(["trailing ',' at the end of the line"]);
      expect(at(text, ds[0].labels[0].span.start), body).toBe("3:15");
      expect(ds[0].notes[0]).toMatch(/remove the ','/);
    }
  });

  it("a comma at a line's end still continues the arguments on an indented next line", () => {
    const r = parse(net("  conv 16, 3x3,\n    stride = 2\n  relu\n"), "t.net");
    expect(r.diagnostics).toEqual([]);
    const body = r.program!.items[0].kind === "network" ? r.program!.items[0].body : [];
    expect(body.map((s) => (s.kind === "call" ? `${s.callee}/${s.args.length}` : s.kind))).toEqual(["input", "conv/3", "relu/0"]);
    // inside brackets, lines are free as before
    expect(diags("network a = resnet(layers = [3, 4,\n6, 3],\nwidth = 2)\n")).toEqual([]);
  });

  it("an unclosed '{' points at the brace as well as at the end of the file", () => {
    const text = "network a {\n  input 3x8x8\n  residual {\n    conv 3, 3x3\n  relu\n";
    const ds = diags(text);
    expect(ds).toHaveLength(1);
    expect(ds[0].message).toBe("unexpected end of file");
    const brace = ds[0].labels.find((l) => !l.primary)!;
    expect(brace.message).toBe("this '{' is never closed");
    expect(at(text, brace.span.start)).toBe("3:12");
    expect(renderDiagnostics(ds, new Map([["t.net", new SourceFile("t.net", text)]]))).toContain("this '{' is never closed");
  });

  it("a misspelt keyword gets a did-you-mean", () => {
    const cases: [string, string][] = [
      ["  residul {\n    conv 3, 3x3\n  }\n", "residual"],
      ["  repaet 3 {\n    relu\n  }\n", "repeat"],
      ["  concta {\n    relu\n    relu\n  }\n", "concat"],
    ];
    for (const [body, word] of cases) {
      const ds = diags(net(body));
      expect(ds.length, body).toBeGreaterThan(0);
      expect(ds[0].notes.join("\n"), body).toContain(`did you mean \`${word}\`?`);
    }
    // a real layer whose statement goes wrong elsewhere gets no keyword hint
    expect(diags(net("  conv 16 3x3\n"))[0].notes.join()).not.toMatch(/did you mean/);
  });
});
