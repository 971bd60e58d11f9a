// Rendered diagnostics: codes, `file:line:col` locations, the source line and the
// underline, and the facts a message must carry (shapes, suggestions). Expected lines
// and columns are computed from each test's own source text, never hard-coded.
process.env.NETC_NO_CACHE = "1";

import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { at, compile, expectUnderline, lineCol, only, primary, useTempDir } from "./support/diagnostics.js";

useTempDir();

describe("a conv after a flatten", () => {
  const src = [
    "# a convolution cannot follow a flatten",
    "network flat {",
    "  input 3x32x32",
    "  conv 8, 3x3",
    "  flatten",
    "  conv 16, 3x3",
    "  relu",
    "}",
    "",
  ].join("\n");
  const flattened = 8 * (32 - 3 + 1) * (32 - 3 + 1); // 7200

  it("is E0301, located at the conv, underlined exactly, naming both shapes", async () => {
    const { path, r, rendered } = await compile("conv-after-flatten.net", src);
    expect(r.graph).toBeUndefined();
    const d = only(r, "E0301");
    expect(d.severity).toBe("error");
    expect(r.diagnostics.filter((x) => x.severity === "error")).toHaveLength(1);

    const stmt = "conv 16, 3x3";
    const start = at(src, stmt);
    expect(primary(d).span).toEqual({ file: path, start, end: start + stmt.length });

    const { line, col } = lineCol(src, start);
    expect(rendered).toContain(`error[E0301]`);
    expect(rendered).toContain(`${basename(path)}:${line}:${col}`);
    expect(rendered).toContain(`${path}:${line}:${col}`);
    expect(rendered).toContain(`${line} |   ${stmt}`);
    expectUnderline(rendered, src, line, col, stmt.length);

    // both shapes: what the conv gets, and what it wants
    expect(rendered).toContain(String(flattened));
    expect(d.message).toContain(String(flattened));
    expect(rendered).toMatch(/channels x height x width/);
    // and where the flattened value comes from
    const flat = lineCol(src, at(src, "\n  flatten") + 3); // the statement, not the comment's word
    expect(rendered).toContain(`${flat.line} |   flatten`);
  });
});

describe("a residual whose branches differ", () => {
  const src = [
    "network widen {",
    "  input 3x32x32",
    "  residual {",
    "    conv 8, 3x3, pad = 1",
    "    relu",
    "  }",
    "}",
    "",
  ].join("\n");

  it("is E0302 at the residual and names both shapes", async () => {
    const { path, r, rendered } = await compile("residual.net", src);
    const d = only(r, "E0302");
    expect(d.message).toContain("8x32x32");
    expect(d.message).toContain("3x32x32");
    const start = at(src, "residual");
    const { line, col } = lineCol(src, start);
    expect(primary(d).span.file).toBe(path);
    expect(primary(d).span.start).toBe(start);
    expect(rendered).toContain(`${basename(path)}:${line}:${col}`);
    expect(rendered).toContain("8x32x32");
    expect(rendered).toContain("3x32x32");
    // the secondary labels point at the two branches' origins: the body's last layer and the input
    const starts = d.labels.filter((l) => !l.primary).map((l) => l.span.start);
    expect(starts).toContain(at(src, "relu"));
    expect(starts).toContain(at(src, "input"));
  });
});

describe("misspellings", () => {
  it("an unknown layer suggests the close name, located at the name", async () => {
    const src = "network typo {\n  input 3x32x32\n  conv 8, 3x3\n  maxpoool 2x2\n}\n";
    const { r, rendered } = await compile("unknown-layer.net", src);
    const d = only(r, "E0201");
    expect(d.message).toContain("maxpoool");
    expect(rendered).toContain("did you mean `maxpool`?");
    const start = at(src, "maxpoool");
    expect(primary(d).span.start).toBe(start);
    expect(primary(d).span.end).toBe(start + "maxpoool".length);
    const { line, col } = lineCol(src, start);
    expect(rendered).toContain(`unknown-layer.net:${line}:${col}`);
    expectUnderline(rendered, src, line, col, "maxpoool".length);
  });

  it("an unknown block suggests a block declared in the file", async () => {
    const src = "block stem(out) {\n  conv out, 3x3\n}\nnetwork typo {\n  input 3x32x32\n  stam(8)\n}\n";
    const { r, rendered } = await compile("unknown-block.net", src);
    only(r, "E0201");
    expect(rendered).toContain("did you mean `stem`?");
  });

  it("two swapped letters still get a suggestion (rleu, stme)", async () => {
    const src = "block stem(out) {\n  conv out, 3x3\n}\nnetwork typo {\n  input 3x32x32\n  stme(8)\n  rleu\n}\n";
    const { r, rendered } = await compile("transposed.net", src);
    expect(r.diagnostics.filter((d) => d.code === "E0201")).toHaveLength(2);
    expect(rendered).toContain("did you mean `stem`?");
    expect(rendered).toContain("did you mean `relu`?");
  });

  it("a misspelt keyword argument suggests the right one, located at the argument", async () => {
    const src = "network typo {\n  input 3x32x32\n  conv 8, 3x3, strid = 2\n  relu\n}\n";
    const { r, rendered } = await compile("bad-kwarg.net", src);
    const d = only(r, "E0206");
    expect(d.message).toContain("strid");
    expect(rendered).toContain("did you mean `stride`?");
    const start = at(src, "strid = 2");
    expect(primary(d).span.start).toBe(start);
    expect(primary(d).span.end).toBe(start + "strid = 2".length);
    const { line, col } = lineCol(src, start);
    expect(rendered).toContain(`bad-kwarg.net:${line}:${col}`);
    expectUnderline(rendered, src, line, col, "strid = 2".length);
  });
});

