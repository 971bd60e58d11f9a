// Rendered diagnostics (syntax errors, limits, files and imports): codes, `file:line:col` locations, the source line and the
// underline, and the facts a message must carry (shapes, suggestions). Expected lines
// and columns are computed from each test's own source text, never hard-coded.
process.env.NETC_NO_CACHE = "1";

import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { at, compile, expectUnderline, lineCol, only, primary, tempDir, useTempDir } from "./support/diagnostics.js";

useTempDir();

describe("syntax errors", () => {
  it("three independent syntax errors in one file are all reported, each located", async () => {
    const src = [
      "network broken {",
      "  input 3x32x32 )", // 1: a stray ')'
      "  conv 8 3x3", // 2: a missing comma
      "  relu",
      "  linear ,, 10", // 3: a stray comma
      "}",
      "",
    ].join("\n");
    const { path, r, rendered } = await compile("three-errors.net", src);
    const syntax = r.diagnostics.filter((d) => d.code === "E0102");
    expect(syntax).toHaveLength(3);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toHaveLength(3);
    const expected = [at(src, ")"), at(src, "8 3x3") + 2, at(src, ",,")];
    expect(syntax.map((d) => primary(d).span.start)).toEqual(expected);
    for (const [i, d] of syntax.entries()) {
      expect(primary(d).span.file).toBe(path);
      const { line, col } = lineCol(src, expected[i]);
      expect(rendered).toContain(`three-errors.net:${line}:${col}`);
      expectUnderline(rendered, src, line, col, primary(d).span.end - primary(d).span.start);
    }
    // three different lines
    expect(new Set(expected.map((o) => lineCol(src, o).line)).size).toBe(3);
  });

  it("an unexpected end of file is located at the end", async () => {
    const src = "network open {\n  input 3x32x32\n  relu\n";
    const { r, rendered } = await compile("eof.net", src);
    const d = only(r, "E0102");
    expect(d.message).toContain("end of file");
    expect(primary(d).span.start).toBe(src.length);
    expect(primary(d).span.end).toBe(src.length);
    expect(rendered).toContain("eof.net:");
  });
});

describe("limits", () => {
  it("repeat 1000000000 is a limit error (E0401), reported quickly", async () => {
    const src = "network big {\n  input 3x8x8\n  repeat 1000000000 {\n    relu\n  }\n}\n";
    const t0 = performance.now();
    const { r, rendered } = await compile("repeat.net", src);
    expect(performance.now() - t0).toBeLessThan(2_000);
    const d = only(r, "E0401");
    const start = at(src, "1000000000");
    expect(primary(d).span.start).toBe(start);
    const { line, col } = lineCol(src, start);
    expect(rendered).toContain(`repeat.net:${line}:${col}`);
    expect(r.graph).toBeUndefined();
  });

  it("a block that calls itself is a recursion error (E0402), reported quickly", async () => {
    const src = "block again(n) {\n  relu\n  again(n + 1)\n}\n\nnetwork loop {\n  input 3x8x8\n  again(0)\n}\n";
    const t0 = performance.now();
    const { r, rendered } = await compile("recursion.net", src);
    expect(performance.now() - t0).toBeLessThan(2_000);
    const d = only(r, "E0402");
    expect(d.message + d.notes.join(" ")).toContain("again");
    const start = at(src, "again(n + 1)");
    const { line, col } = lineCol(src, start);
    expect(rendered).toContain(`recursion.net:${line}:${col}`);
    expect(r.graph).toBeUndefined();
  });
});

describe("files and imports", () => {
  it("an import cycle between two files is reported at the import", async () => {
    const a = 'import "./cycle-b.net"\n\nnetwork a {\n  input 3x8x8\n  helper()\n}\n';
    const b = 'import "./cycle-a.net"\n\nblock helper() {\n  relu\n}\n';
    writeFileSync(join(tempDir(), "cycle-b.net"), b);
    const { r, rendered } = await compile("cycle-a.net", a);
    const d = only(r, "E0104");
    expect(d.message).toContain("cycle");
    expect(d.message).toContain("cycle-a.net");
    const span = primary(d).span;
    expect(span.file).toBe(join(tempDir(), "cycle-b.net"));
    expect(span.start).toBe(at(b, 'import "./cycle-a.net"'));
    expect(b.slice(span.start, span.end)).toBe('import "./cycle-a.net"'); // the whole import statement
    expect(rendered).toContain("cycle-b.net:1:1");
    expect(rendered).toContain('1 | import "./cycle-a.net"');
  });

  it("a missing import file is reported at the import", async () => {
    const src = 'network lonely {\n  input 3x8x8\n  relu\n}\n\nimport "./does-not-exist"\n';
    const { r, rendered } = await compile("missing-import.net", src);
    const d = only(r, "E0103");
    expect(d.message).toContain("does-not-exist");
    const start = at(src, "import");
    const span = primary(d).span;
    expect(span.start).toBe(start);
    expect(src.slice(span.start, span.end)).toBe('import "./does-not-exist"');
    const { line, col } = lineCol(src, start);
    expect(rendered).toContain(`missing-import.net:${line}:${col}`);
    expect(r.graph).toBeUndefined();
  });

  it("a file that does not exist is reported, without throwing", async () => {
    const r = await compileFile(join(tempDir(), "nope.net"));
    const d = only(r, "E0103");
    expect(d.message).toContain("nope.net");
    expect(r.graph).toBeUndefined();
  });

  it("an unknown network name given to compileFile is reported, listing the networks", async () => {
    const src = "network first {\n  input 3x8x8\n  relu\n}\n\nnetwork second {\n  input 3x8x8\n  relu\n}\n";
    const { r, rendered } = await compile("two.net", src, { network: "third" });
    const d = only(r, "E0201");
    expect(d.message).toContain("third");
    expect(rendered).toContain("first");
    expect(rendered).toContain("second");
    expect(r.graph).toBeUndefined();
  });
});
