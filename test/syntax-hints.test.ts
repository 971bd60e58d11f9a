// What a syntax error says was expected: each alternative once, in the words a user
// types (an operator as its text, never a token's internal name).
import { describe, expect, it } from "vitest";
import { parse } from "../grammar/index.js";
import * as tokens from "../grammar/tokens.js";

const hint = (text: string) => parse(text, "t.net").diagnostics.map((d) => d.labels[0]?.message ?? "");

describe("syntax hints", () => {
  it("name each alternative once: 'a number' for integers and decimals alike", () => {
    const [h] = hint("network n {\n  input 3x8x8\n  conv 8, 3x3, pad = )\n}\n");
    const items = h.replace(/^expected /, "").split(", ");
    expect(items.filter((i) => i === "a number")).toHaveLength(1);
    expect(new Set(items).size).toBe(items.length);
  });

  it("show operators as their text", () => {
    const [h] = hint("network n {\n  input 3x8x8\n  let a = 1 +\n}\n");
    expect(h).toContain("'-'");
    expect(h).not.toMatch(/'minus'/);
  });

  it("never show a punctuation or operator token's internal name", () => {
    const names = Object.values(tokens).flatMap((t) => (t && typeof t === "object" && "name" in t && "PATTERN" in t ? [String(t.name)] : []));
    const samples = ["network n {\n  input 3x8x8\n  let a = \n}\n", "network n {\n  input 3x8x8\n  let a = (1\n}\n", "network n {\n  input 3x8x8\n  let a = [1 2]\n}\n", "network n(a = ) {\n}\n"];
    const internal = names.filter((n) => !/^[A-Z][a-z]+$/.test(n) || ["Minus", "Plus", "Star", "Slash", "Percent", "Less", "Greater", "Equals", "Comma", "Colon", "Dot", "Semicolon"].includes(n));
    for (const text of samples)
      for (const h of hint(text)) for (const n of internal) expect(h, `${JSON.stringify(text)}: ${h}`).not.toContain(`'${n.toLowerCase()}'`);
  });
});

describe("the CST-to-AST visitor", () => {
  it("has one method per grammar rule, named as the rule", async () => {
    const { parser } = await import("../grammar/parser.js");
    const { AstBuilder } = await import("../grammar/cst-to-ast.js");
    const rules = Object.keys(parser.getGAstProductions());
    expect(rules.length).toBeGreaterThan(30);
    const missing = rules.filter((r) => typeof (AstBuilder.prototype as unknown as Record<string, unknown>)[r] !== "function");
    expect(missing).toEqual([]);
  });
});
