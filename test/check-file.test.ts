// checkFile (what `netc check` runs): every block is resolved even when no network uses
// it, and a file is parsed once however many networks it declares.
process.env.NETC_NO_CACHE = "1";

import { describe, expect, it } from "vitest";
import { checkFile } from "../compiler/check-file.js";
import { compileFile } from "../compiler/compile.js";
import type { Parser } from "../syntax/parser-api.js";
import { renderDiagnostics } from "../syntax/render-diagnostics.js";

const all = (r: Awaited<ReturnType<typeof checkFile>>) => r.reports.flatMap((x) => x.diagnostics);

describe("resolution of unused blocks", () => {
  it("an unknown layer in a block no network uses fails, located at the name", async () => {
    const text = "block b(out) { convv out, 3x3 }\n";
    const r = await checkFile("unused.net", { text });
    expect(r.ok).toBe(false);
    const [d, ...rest] = all(r);
    expect(rest).toEqual([]);
    expect(d.code).toBe("E0201");
    expect(d.labels[0].span).toEqual({ file: "unused.net", start: text.indexOf("convv"), end: text.indexOf("convv") + 5 });
    const rendered = renderDiagnostics([d], r.sources);
    expect(rendered).toContain("unused.net:1:16");
    expect(rendered).toContain("did you mean `conv`?");
  });

  it("an unknown argument, a missing one, too many, and a network called as a block", async () => {
    const text = [
      "block a(out) {\n  conv out, 3x3, strid = 2\n}",
      "block b(out) {\n  linear\n}",
      "block c(out) {\n  relu 1, 2\n}",
      "network n {\n  input 3x8x8\n  relu\n}",
      "block d(out) {\n  n\n}",
      "block e(out, k = 3) {\n  conv out, k\n}",
      "block f(x) {\n  e(8, k = 1)\n  e(k = 2)\n}\n",
    ].join("\n");
    const r = await checkFile("args.net", { text });
    const found = all(r).map((d) => [d.code, text.slice(d.labels[0].span.start, d.labels[0].span.end)]);
    expect(found).toEqual([
      ["E0206", "strid = 2"],
      ["E0205", "linear"],
      ["E0204", "1"],
      ["E0203", "n"],
      ["E0205", "e"],
    ]);
  });

  it("calls through parameters, lets and loop variables are left to elaboration", async () => {
    const text = "block apply(layer) {\n  layer\n}\nblock twice(f) {\n  let g = f\n  g\n  for h in [f] {\n    h\n  }\n}\nnetwork n {\n  input 3x8x8\n  apply(relu)\n}\n";
    const r = await checkFile("locals.net", { text });
    expect(all(r)).toEqual([]);
    expect(r.networks).toEqual(["n"]);
  });

  it("compileFile resolves the whole file too", async () => {
    const text = "block b(out) { convv out, 3x3 }\nnetwork n {\n  input 3x8x8\n  relu\n}\n";
    const r = await compileFile("whole.net", { text });
    expect(r.graph).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(["E0201"]);
  });
});

describe("checkFile", () => {
  it("parses a file once for all its networks", async () => {
    const grammar = await import("../grammar/index.js");
    let parses = 0;
    const counting: Parser = { parse: (t, f) => (parses++, grammar.parse(t, f)), parseExpressionAt: grammar.parseExpressionAt };
    const text = "network a {\n  input 3x8x8\n  relu\n}\nnetwork b {\n  input 3x8x8\n  conv 4, 3x3\n}\nnetwork c = b()\n";
    const r = await checkFile("three.net", { text, parser: async () => counting });
    expect(r.ok).toBe(true);
    expect(r.networks).toEqual(["a", "b", "c"]);
    expect(parses).toBe(1);
  });

  it("reports each network's errors under its name and goes on to the next", async () => {
    const text = "network a {\n  input 3x8x8\n  flatten\n  conv 4, 3x3\n}\nnetwork b {\n  input 3x8x8\n  relu\n}\n";
    const r = await checkFile("two.net", { text });
    expect(r.ok).toBe(false);
    expect(r.reports.map((x) => [x.network, x.diagnostics.map((d) => d.code)])).toEqual([
      [undefined, []],
      ["a", ["E0301"]],
      ["b", []],
    ]);
  });
});
