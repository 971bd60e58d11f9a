// A written-out line identical to an earlier one is a view of the earlier one's AST
// (grammar/shared-calls.ts): it must read exactly as the statement the parser builds,
// field by field, in JSON, spreads and key lists, and every diagnostic about it must be
// the same, byte for byte, as when the file is parsed at once.
import { types } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as grammar from "../../grammar/index.js";
import { parse, parseLarge } from "../../grammar/index.js";
import { compileFile } from "../../compiler/compile.js";
import { renderDiagnostics } from "../../syntax/render-diagnostics.js";
import { sameText, type CallStmt, type NetworkDecl } from "../../syntax/ast.js";
import { sameShape, shape } from "../../grammar/format.js";
import { printProgram } from "../../grammar/printer.js";

const lines = [
  "conv 8, 3x3, pad = 1",
  "batchnorm",
  "relu",
  "conv 8, 3xK, stride = 1, bias = false",
  "dropout 0.25",
  "maxpool 2x2",
];
const text = `network n(K = 3) {\n  input 3x32x32\n${lines.map((l) => `  ${l}\n`).join("").repeat(5)}  conv 8, 3x3, pad = 1 # the last\n}\n`;
const cuts = [[1, 1], [7, 3], [64, 40], [1 << 14, 2_000]];

describe("lines that repeat an earlier one", () => {
  // compileFile would otherwise read the first parse's AST from the parse cache
  const cache = process.env.NETC_NO_CACHE;
  beforeAll(() => void (process.env.NETC_NO_CACHE = "1"));
  afterAll(() => void (cache === undefined ? delete process.env.NETC_NO_CACHE : (process.env.NETC_NO_CACHE = cache)));

  it("read as the whole-file parse's statements: fields, keys, spreads and JSON", () => {
    const whole = parse(text, "n.net");
    expect(whole.diagnostics).toEqual([]);
    const wholeBody = (whole.program!.items[0] as NetworkDecl).body;
    for (const [pieceChars, batchTokens] of cuts) {
      const large = parseLarge(text, "n.net", { pieceChars, batchTokens });
      expect(large).toEqual(whole);
      expect(JSON.stringify(large.program)).toBe(JSON.stringify(whole.program));
      const body = (large.program!.items[0] as NetworkDecl).body;
      expect(body).toHaveLength(wholeBody.length);
      expect(body.filter((s) => types.isProxy(s))).toHaveLength(5 * lines.length - lines.length + 1); // every line after its first
      body.forEach((s, i) => {
        const w = wholeBody[i];
        expect(Object.keys(s)).toEqual(Object.keys(w));
        expect({ ...s }).toEqual({ ...w });
        if (s.kind !== "call" || w.kind !== "call") return;
        expect(s.args.map((a) => a.value.span)).toEqual(w.args.map((a) => a.value.span));
        expect(s.calleeSpan).toEqual(w.calleeSpan);
        expect("args" in s && "span" in s && !("other" in s)).toBe(true);
      });
    }
  });

  it("keep what is written to them", () => {
    const body = (parseLarge(text, "n.net", { pieceChars: 64, batchTokens: 40 }).program!.items[0] as NetworkDecl).body;
    const late = body[body.length - 1] as CallStmt & { note?: string };
    expect(types.isProxy(late)).toBe(true);
    late.note = "x";
    late.label = { name: "last", span: late.span };
    expect(late.note).toBe("x");
    expect(late.label.name).toBe("last");
    expect(Object.keys(late)).toContain("note");
    expect(JSON.parse(JSON.stringify(late)).label.name).toBe("last");
    const other = body[body.length - 2] as CallStmt & { [sameText]?: CallStmt };
    expect(other[sameText]).toBeDefined();
    other.args = [];
    expect(other.args).toEqual([]);
    expect(other[sameText]).toBeUndefined(); // changed: no longer the text it was written as
  });

  it("give the same diagnostics, byte for byte, as the whole-file parse", async () => {
    const bad = [
      "network n {\n  input 3x8x8\n" + "  conv 8, 3x3, pad = true\n".repeat(4) + "}\n", // a bad argument, at its value
      "network n {\n  input 3x8x8\n" + "  conv 8, 3x3, padding = 1\n".repeat(4) + "}\n", // an unknown argument name
      "network n {\n  input 3x8x8\n" + "  convv 8, 3x3\n".repeat(3) + "}\n", // an unknown layer, at its name
      "network n {\n  input 3x8x8\n" + "  relu\n  conv 8, 9x9\n".repeat(3) + "}\n", // a shape error
      "network n {\n  input 3x8x8\n" + "  conv 8, 3, 3x3, 1\n".repeat(3) + "}\n", // too many by position
      "network n {\n  input 3x8x8\n" + "  linear 10\n".repeat(3) + "}\n", // a warning
      "network n {\n  input 3x8x8\n" + '  "c1": conv 8, 3x3, pad = 1\n'.repeat(3) + "}\n", // a duplicate label, at each repeat's own label
      "network n {\n  input 3x8x8\n" + "  c1: conv 8, 3x3\n  7: relu\n  c1: relu\n  7: conv 8, 3x3, pad = true\n" + "}\n", // name and number labels
      "network n {\n  input 3x8x8\n" + '  "": conv 8, 3x3\n  "a b": conv 8, 3x3, padding = 1\n' + "}\n", // an empty label; a spaced one
    ];
    for (const src of bad) {
      const render = async (parser: typeof parse) => {
        const c = await compileFile("bad.net", { text: src, parser: async () => ({ ...grammar, parse: parser }) });
        return renderDiagnostics(c.diagnostics, c.sources);
      };
      const whole = await render(parse);
      expect(whole, src).toMatch(/(error|warning)\[/);
      for (const [pieceChars, batchTokens] of cuts) expect(await render((t, f) => parseLarge(t, f, { pieceChars, batchTokens })), src).toBe(whole);
    }
  });

  it("lines that do not repeat stop the stream past their limit, with the figure and the place", () => {
    const labelled = `network n {\n  input 3x8x8\n${Array.from({ length: 300 }, (_, i) => `  "c${i}": conv 8, 3x3\n`).join("")}}\n`;
    const r = parseLarge(labelled, "l.net", { pieceChars: 256, maxUnsharedTokens: 1_000 });
    expect(r.program).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0];
    expect(d.code).toBe("E0401");
    expect(d.message).toBe("l.net is too large to parse: more than 1,000 tokens in lines that do not repeat an earlier line");
    // 7 tokens a line (label, colon, conv, 8, comma, 3x3, line break): it stops within a piece of the 143rd line
    const line = labelled.slice(0, d.labels[0].span.start).split("\n").length;
    expect(line).toBeGreaterThan(1_000 / 7);
    expect(line).toBeLessThan(1_000 / 7 + 20);
    // the same lines unlabelled are views: far under the limit
    const plain = `network n {\n  input 3x8x8\n${"  conv 8, 3x3\n".repeat(300)}}\n`;
    expect(parseLarge(plain, "p.net", { pieceChars: 256, maxUnsharedTokens: 1_000 }).diagnostics).toEqual([]);
  });

  it("reuse a binding only for literal arguments: a name is evaluated where it stands", async () => {
    // By hand: conv 3 on 3 channels, a k-by-k kernel: 3*3*k*k weights + 3 biases; k = 1, 3, 1, then the written-out lines' 3x3.
    const src = `network n {\n  input 3x8x8\n  for k in [1, 3, 1] {\n    conv 3, k, pad = k // 2\n  }\n${"  conv 3, 3x3, pad = 1\n".repeat(3)}}\n`;
    for (const parser of [parse, (t: string, f: string) => parseLarge(t, f, { pieceChars: 16, batchTokens: 4 })]) {
      const c = await compileFile("k.net", { text: src, parser: async () => ({ ...grammar, parse: parser }) });
      expect(c.diagnostics).toEqual([]);
      const params = c.graph!.nodes.slice(1).map((n) => n.weights.reduce((t, w) => t + w.shape.reduce((p, d) => p * d, 1), 0));
      expect(params).toEqual([12, 84, 12, 84, 84, 84]);
      const convs = c.graph!.nodes.slice(4);
      expect(convs[1].attrs).toBe(convs[0].attrs); // the written-out lines share one binding
      expect(convs[2].weights).toBe(convs[0].weights);
    }
  });

  it("are taken without lexing only where the tokens would have made the same statement", () => {
    const net = (body: string) => `network n {\n  input 3x8x8\n${body}}\n`;
    const texts = [
      net("  relu\n  relu\n  )\n"), // a line break before ')' does not end the statement
      net("  relu\n  relu\n  else { relu }\n"),
      net("  relu\n  relu\n\n  # a comment\n\n  relu\n\t relu  \r\n  relu\r\n"), // blank and comment lines, tabs, CRLF
      net("  relu\n  conv 8,\n  relu\n  relu\n"), // a dangling comma before a known line
      net("  relu\n  conv (8,\n  relu)\n  relu\n"), // inside parentheses
      net("  relu; relu\n  relu\n  relu;\n  relu\n"),
      net("  relu\n  residual {\n    relu\n    relu\n  }\n  relu\n"), // a nested body
      "block b {\n  relu\n  relu\n}\n" + net("  b\n  b\n  relu\n"),
      "network n {\n  input 3x8x8\n  relu\n  relu\n  relu", // unclosed at the end of the file
      net("  relu\n  relu\n  elsewhere\n  relu\n"),
      net("  relu\n  relu # a comment after\n  relu\n"),
    ];
    for (const src of texts) {
      const whole = parse(src, "t.net");
      const facts = (r: ReturnType<typeof parse>) => r.diagnostics.map((d) => [d.code, d.message, d.labels.map((l) => l.span), d.notes]);
      for (const [pieceChars, batchTokens] of cuts) {
        const large = parseLarge(src, "t.net", { pieceChars, batchTokens });
        if (whole.diagnostics.length) expect(facts(large), src).toEqual(facts(whole));
        else expect(large, src).toEqual(whole);
      }
    }
  });

  it("compare as the parser's statements when formatting checks its output: views of statements found the same once", () => {
    const big = (n: number, odd = "") => `network n {\n  input 3x8x8\n${"  conv 8, 3x3, pad = 1\n  relu\n".repeat(n)}${odd}${"  conv 8, 3x3, pad = 1\n".repeat(3)}}\n`;
    const read = (t: string) => parseLarge(t, "big.net", { pieceChars: 512, batchTokens: 40 }).program!;
    const a = read(big(200));
    const b = read(`# moved by a comment\n${big(200)}`);
    expect(sameShape(a, b)).toBe(true);
    expect(shape(a)).toBe(shape(b));
    for (const odd of ["  conv 8, 3x3, pad = 2\n", "  conv 8, 3x3\n", "  relu\n"]) {
      const c = read(big(200, odd));
      expect(sameShape(a, c), odd).toBe(false);
      expect(sameShape(c, a), odd).toBe(false);
    }
    expect(sameShape(a, read(big(200).replaceAll("pad = 1", "pad = 2")))).toBe(false); // the same lines, another statement
    const swapped = big(200).replace(/(  conv 8, 3x3, pad = 1\n  relu\n){100}/, (m) => `${m.slice(0, -30)}  relu\n  conv 8, 3x3, pad = 1\n`);
    expect(swapped.length).toBe(big(200).length);
    expect(sameShape(a, read(swapped))).toBe(false); // views of the other line, in the middle
    const d = read(big(200));
    const last = (d.items[0] as NetworkDecl).body.at(-1) as CallStmt & { [sameText]?: CallStmt };
    expect(last[sameText]).toBeDefined();
    last.args = [...last.args.slice(0, 2)]; // written to: no longer its line's text, compared field by field
    expect(sameShape(a, d)).toBe(false);
    expect(sameShape(a, read(big(200)))).toBe(true);
  });

  it("print as the parser's statements: one document shared by the lines written alike, comments in their places", () => {
    const longLine = "conv 64, 3x3, stride = 1, pad = 1, dilation = 1, groups = 1, bias = false";
    const unit = [`  ${longLine}`, "  relu # after the relu", "  # own line", `  ${longLine} # trailing`, "  c1: conv 8, 3x3", "  conv 8,3x3", "", "  maxpool 2"];
    const src = `network n {\n  input 3x8x8\n${Array.from({ length: 12 }, () => unit.join("\n")).join("\n")}\n}\n`;
    const whole = parse(src, "p.net").program!;
    for (const printWidth of [100, 40, 12]) {
      const expected = printProgram(whole, src, { printWidth });
      for (const [pieceChars, batchTokens] of cuts) {
        const streamed = parseLarge(src, "p.net", { pieceChars, batchTokens }).program!;
        const views = (streamed.items[0] as NetworkDecl).body.filter((st) => (st as { [sameText]?: unknown })[sameText]).length;
        expect(views).toBeGreaterThan(30);
        expect(printProgram(streamed, src, { printWidth }), `${printWidth} ${pieceChars}/${batchTokens}`).toBe(expected);
      }
    }
  });
});
