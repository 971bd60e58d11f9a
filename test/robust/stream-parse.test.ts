// A large file is parsed statement by statement (grammar/stream.ts): the same AST and the
// same errors as parsing it at once, with the pieces and batches cut at every place.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseLarge } from "../../grammar/index.js";

const dir = join(import.meta.dirname, "..", "..", "networks");
const library = readdirSync(dir).filter((f) => f.endsWith(".net")).map((f) => [f, readFileSync(join(dir, f), "utf8")] as const);

describe("parsing statement by statement", () => {
  it("gives the AST of the whole-file parse for every library file, cut anywhere", () => {
    for (const [name, text] of library) {
      const whole = parse(text, name);
      expect(whole.diagnostics, name).toEqual([]);
      for (const [pieceChars, batchTokens] of [[1, 1], [7, 3], [64, 40], [1 << 18, 20_000]])
        expect(parseLarge(text, name, { pieceChars, batchTokens }), `${name} ${pieceChars}/${batchTokens}`).toEqual(whole);
    }
  });

  it("reads labelled layer calls exactly as the parser does: keys, values, spans, JSON", () => {
    const text = [
      "network a {",
      "  input 3x8x8",
      '  "conv1": conv 8, 3x3, pad = 1',
      "  c2: conv 8, 3x3, stride = 2, bias = false",
      "  3: relu",
      '  "": relu',
      '  "with \\"quote\\" and space": conv 4, 1x1',
      '  "block{1 + 1}": conv 4, 1x1',
      '  "x}": relu',
      "  t: maxpool 2",
      '  "conv1": conv 8, 3x3, pad = 1',
      "}",
    ].join("\n") + "\n";
    const whole = parse(text, "l.net");
    expect(whole.diagnostics).toEqual([]);
    for (const [pieceChars, batchTokens] of [[1, 1], [9, 4], [1 << 14, 2_000]]) {
      const streamed = parseLarge(text, "l.net", { pieceChars, batchTokens });
      expect(streamed).toStrictEqual(whole);
      expect(JSON.stringify(streamed.program)).toBe(JSON.stringify(whole.program));
      const body = (p: typeof whole) => (p.program!.items[0] as { body: object[] }).body;
      expect(body(streamed).map((s) => Object.keys(s))).toEqual(body(whole).map((s) => Object.keys(s)));
    }
  });

  it("gives the same syntax errors", () => {
    const bad = [
      "network a {\n  input 3x8x8\n  conv 16 3x3\n  relu\n}\n",
      "network a {\n  input 3x8x8\n  conv (16, 3x3\n  relu\n}\n",
      "network a {\n  input 3x8x8\n  residual {\n    conv 3, 3x3\n",
      "import \"x\" network a { relu }\n}\n",
      "network a {\n  head: conv 3, 3x3\n  relu\n}\n",
    ];
    for (const text of bad) {
      const whole = parse(text, "bad.net");
      expect(whole.diagnostics.length, text).toBeGreaterThan(0);
      for (const [pieceChars, batchTokens] of [[1, 1], [5, 2], [1 << 18, 20_000]])
        expect(parseLarge(text, "bad.net", { pieceChars, batchTokens }).diagnostics.map((d) => [d.code, d.message, d.labels[0].span]), text).toEqual(
          whole.diagnostics.map((d) => [d.code, d.message, d.labels[0].span]),
        );
    }
  });
});
