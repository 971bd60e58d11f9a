// The examples of docs/language.md and the README are real: every complete program in
// them parses, and the ones that declare a network compile.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "../grammar/index.js";
import { compileFile } from "../compiler/compile.js";

function programs(path: string): string[] {
  const text = readFileSync(new URL(path, import.meta.url), "utf8");
  const blocks = [...text.matchAll(/```\n([\s\S]*?)```/g)].map((m) => m[1]);
  // Complete programs start with a declaration or a comment; fragments (a lone layer, the
  // grammar, a rendered error) do not.
  return blocks.filter((b) => /^(#[^\n]*\n)*(block|network|import)\b/.test(b) && !b.includes("..."));
}

describe.each(["../docs/language.md", "../README.md"])("%s", (doc) => {
  const examples = programs(doc);
  it("has examples", () => expect(examples.length).toBeGreaterThan(0));
  examples.forEach((text, i) => {
    it(`example ${i + 1} parses${/\bnetwork\b/.test(text) ? " and compiles" : ""}`, async () => {
      expect(parse(text, "example.net").diagnostics).toEqual([]);
      if (!/^network\b/m.test(text)) return;
      const r = await compileFile("example.net", { text });
      expect(r.diagnostics).toEqual([]);
    });
  });
});

it("the language reference's LeNet-5 has the 44,426 parameters its comment says", async () => {
  const [lenet] = programs("../docs/language.md");
  const r = await compileFile("lenet.net", { text: lenet });
  expect(r.counts!.params).toBe(6 * 25 + 6 + 16 * 6 * 25 + 16 + 256 * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10);
});
