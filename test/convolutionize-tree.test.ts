// convolutionize returns a syntax tree printed by the printer, its layers at the spans
// of the layers they came from; the checked form compiles what it printed.
process.env.NETC_NO_CACHE = "1";

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { convolutionize, convolutionizeChecked } from "../compiler/convolutionize.js";
import { findLibraryNetwork } from "../compiler/modules.js";
import { formatText } from "../grammar/format.js";
import type * as A from "../syntax/ast.js";

const calls = (stmts: A.Stmt[]): A.CallStmt[] => stmts.flatMap((s) => (s.kind === "call" ? [s] : s.kind === "group" ? calls(s.body) : []));

describe("convolutionize's tree", () => {
  it("keeps each layer's span in the original file, and prints canonical text", async () => {
    const file = findLibraryNetwork("lenet5")!;
    const source = readFileSync(file, "utf8");
    const original = await compileFile(file, { network: "lenet5" });
    const r = convolutionize(original.graph!);
    expect(r.diagnostics).toEqual([]);
    const network = r.program!.items[0] as A.NetworkDecl;
    const layers = calls(network.body);
    // every layer points at the original layer's text: a linear turned conv at `linear ...`
    for (const c of layers) {
      expect(c.span.file).toBe(file);
      const at = source.slice(c.span.start, c.span.end);
      expect(at.startsWith(c.callee === "conv" && /^linear/.test(at) ? "linear" : c.callee), `${c.callee} at ${JSON.stringify(at)}`).toBe(true);
    }
    expect(layers.some((c) => c.callee === "conv" && source.slice(c.span.start, c.span.end).startsWith("linear"))).toBe(true);
    expect(formatText(r.text!, "lenet5_fcn.net").formatted).toBe(r.text);
    expect(r.text).toMatch(/^# lenet5, convolutionized by netc/);
  });

  it("quotes a module name that is a keyword", async () => {
    const text = "network n {\n  input 1x4x4\n  \"head\": { conv 2, 3x3 }\n  flatten\n  linear 3\n}\n";
    const original = await compileFile("k.net", { text });
    const r = await convolutionizeChecked(original.graph!, original.counts!.params);
    expect(r.diagnostics).toEqual([]);
    expect(r.text).toContain('"head": ');
  });

  it("checks what it printed: it compiles, with the original's parameters", async () => {
    const file = findLibraryNetwork("alexnet")!;
    const original = await compileFile(file, { network: "alexnet" });
    const r = await convolutionizeChecked(original.graph!, original.counts!.params);
    expect(r.diagnostics).toEqual([]);
    const again = await compileFile("alexnet_fcn.net", { text: r.text!, input: "3x224x224" });
    expect(again.counts!.params).toBe(original.counts!.params);
  });
});
