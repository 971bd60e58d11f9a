// Rendered diagnostics: codes, `file:line:col` locations, the source line and the
// underline, and the facts a message must carry (shapes, suggestions). Expected lines
// and columns are computed from each test's own source text, never hard-coded.
process.env.NETC_NO_CACHE = "1";

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFile, type Compiled } from "../compiler/compile.js";
import type { Diagnostic } from "../syntax/diagnostics.js";
import { renderDiagnostics } from "../syntax/render-diagnostics.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "netc-diagnostics-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** 1-based line and column of an offset. */
function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, col: offset - (before.lastIndexOf("\n") + 1) + 1 };
}

/** Offset of the n-th (0-based) occurrence of `needle`; fails the test if there is none. */
function at(text: string, needle: string, nth = 0): number {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    expect(i, `${JSON.stringify(needle)} occurs ${nth + 1} times in the test source`).toBeGreaterThanOrEqual(0);
  }
  return i;
}

/** Writes the file into the temp dir and compiles it from disk; returns the rendered text too. */
async function compile(name: string, text: string, opts: { network?: string } = {}) {
  const path = join(dir, name);
  writeFileSync(path, text);
  const r = await compileFile(path, opts);
  return { path, r, rendered: renderDiagnostics(r.diagnostics, r.sources) };
}

function only(r: Compiled, code: string): Diagnostic {
  const ds = r.diagnostics.filter((d) => d.code === code);
  expect(ds, `one ${code} among ${JSON.stringify(r.diagnostics.map((d) => `${d.code} ${d.message}`))}`).toHaveLength(1);
  return ds[0];
}

const primary = (d: Diagnostic) => d.labels.find((l) => l.primary) ?? d.labels[0];

/**
 * The rendered source line `N | text` at `line`, and right under it the underline that
 * starts at `col` and is `len` marks long (then, optionally, the label's message).
 */
function expectUnderline(rendered: string, source: string, line: number, col: number, len: number, mark = "^") {
  const lines = rendered.split("\n");
  const srcLine = source.split("\n")[line - 1];
  const i = lines.findIndex((l) => new RegExp(`^\\s*${line} \\| `).test(l) && l.endsWith(`| ${srcLine}`));
  expect(i, `rendered source line ${line} (${JSON.stringify(srcLine)}) in:\n${rendered}`).toBeGreaterThanOrEqual(0);
  const gutter = lines[i].indexOf("|");
  const under = lines[i + 1] ?? "";
  expect(under.slice(0, gutter + 1).trim(), `gutter of the underline in:\n${rendered}`).toBe("|");
  const marks = under.slice(gutter + 2);
  const expected = " ".repeat(col - 1) + mark.repeat(len);
  expect(marks.slice(0, expected.length), `underline in:\n${rendered}`).toBe(expected);
  // nothing more is underlined: a space and the label's message, or the end of the line
  expect(marks.slice(expected.length), `underline length in:\n${rendered}`).toMatch(/^(| .*)$/);
  expect(marks[expected.length] === mark).toBe(false);
}

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
    writeFileSync(join(dir, "cycle-b.net"), b);
    const { r, rendered } = await compile("cycle-a.net", a);
    const d = only(r, "E0104");
    expect(d.message).toContain("cycle");
    expect(d.message).toContain("cycle-a.net");
    const span = primary(d).span;
    expect(span.file).toBe(join(dir, "cycle-b.net"));
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
    const r = await compileFile(join(dir, "nope.net"));
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
