// A million layers: a file past the limit of 10,000,000 tokens is refused at once with a limit error (a
// million written-out lines once ran out of memory after a minute); a million elaborated layers summarize (the table's
// column widths overflowed the stack past ~120,000 rows).
import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/index.js";
import { estimateTokens, MAX_TOKENS } from "../../grammar/limits.js";
import { count } from "../../compiler/count.js";
import { summaryJson, summaryTable } from "../../compiler/summary.js";
import { summaryJsonPieces } from "../../compiler/summary-stream.js";
import { compileFile } from "../../compiler/compile.js";
import { findLibraryNetwork } from "../../compiler/modules.js";
import type { Graph, IRNode, ModuleNode } from "../../compiler/ir.js";

const span = { file: "g.net", start: 0, end: 0 };

describe("the size of a file", () => {
  it("a file of more tokens than netc parses is a limit error, before lexing", () => {
    const lines = Math.ceil(MAX_TOKENS / 9) + 10;
    const text = `network big {\n  input 3x8x8\n${"  conv 3, 3x3, pad = 1\n".repeat(lines)}}\n`;
    expect(estimateTokens(text)).toBeGreaterThan(MAX_TOKENS);
    const r = parse(text, "big.net");
    expect(r.program).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0].code).toBe("E0401");
    const mb = (text.length / 2 ** 20).toFixed(1); // 24.4 MB
    expect(r.diagnostics[0].message).toBe(`big.net is too large to parse: ${mb} MB, ${(lines + 4).toLocaleString("en-US")} lines, more than 10,000,000 tokens`);
    expect(r.diagnostics[0].notes[0]).toMatch(/repeat/);
  });

  it("the estimate counts what the lexer makes, comments and strings as one", () => {
    expect(estimateTokens("conv 3, 3x3, pad = 1\n")).toBe(9);
    expect(estimateTokens('# a comment, with "quotes"\nimport "a b, c"\n')).toBe(5);
  });
});

describe("a million layers", () => {
  it("the table of 300,000 rows has no stack overflow", () => {
    const n = 300_000;
    const nodes: IRNode[] = [{ id: 0, op: "input", name: "input", attrs: {}, inputs: [], shape: [3, 8, 8], weights: [], macs: 0, span }];
    const children: ModuleNode[] = [{ name: "input", label: "input", type: "input", kind: "layer", children: [], node: 0, output: 0, span }];
    for (let i = 1; i <= n; i++) {
      nodes.push({ id: i, op: "relu", name: String(i), attrs: {}, inputs: [i - 1], shape: [3, 8, 8], weights: [], macs: 0, span });
      children.push({ name: String(i), label: String(i), type: "relu", kind: "layer", children: [], node: i, output: i, span });
    }
    const g: Graph = { network: "big", nodes, inputs: [{ name: "input", node: 0 }], outputs: [{ name: "output", node: n }], root: { name: "", label: "", type: "network", kind: "network", children, span } };
    const table = summaryTable(g, count(g));
    expect(table.split("\n").length).toBeGreaterThan(n);
  }, 120_000);

  it("summary --json in pieces is the same text as one JSON.stringify", async () => {
    const cases: [string, string | undefined, string | undefined][] = [
      [findLibraryNetwork("resnet18")!, "resnet18", undefined],
      [findLibraryNetwork("fcn32s")!, "fcn32s", "3xHxW"],
      [findLibraryNetwork("regnet_x_400mf")!, "regnet_x_400mf", undefined], // names with "-": quoted without JSON.stringify
      [findLibraryNetwork("convnext_tiny")!, "convnext_tiny", undefined], // a weight named by its layer alone
      ["t.net", undefined, undefined],
    ];
    for (const [file, network, input] of cases) {
      const text = file === "t.net" ? "network t {\n  input 3x8x8\n  relu\n}\n" : undefined;
      const c = await compileFile(file, { network, input, text });
      expect(c.graph, JSON.stringify(c.diagnostics)).toBeDefined();
      const pieces = [...summaryJsonPieces(c.graph!, c.counts!, 7)];
      expect(pieces.join("")).toBe(JSON.stringify(summaryJson(c.graph!, c.counts!), null, 1));
      for (const p of pieces.slice(0, -1)) expect(p.endsWith("\n")).toBe(true);
    }
  }, 60_000);
});
