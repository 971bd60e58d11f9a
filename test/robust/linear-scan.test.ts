// Blank and comment lines are scanned once: the work of dropping insignificant line
// breaks grows with the file, not with its square (50,000 blank lines took 17 s).
import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/index.js";
import { lexer, significantNewlines } from "../../grammar/tokens.js";
import { printProgram } from "../../grammar/printer.js";

/** How many times significantNewlines reads a token of `text`. */
function reads(text: string): number {
  const tokens = lexer.tokenize(text).tokens;
  let n = 0;
  const counted = new Proxy(tokens, {
    get(target, key, receiver) {
      if (typeof key === "string" && /^\d+$/.test(key)) n++;
      return Reflect.get(target, key, receiver);
    },
  });
  significantNewlines(counted);
  return n;
}

const file = (filler: string, lines: number) => `network n {\n  input 3x8x8\n${filler.repeat(lines)}  relu\n}\n`;

describe("line breaks", () => {
  for (const [what, filler] of [["blank", "\n"], ["comment", "# note\n"], ["indented blank", "   \n"]] as const)
    it(`are dropped in linear time across ${what} lines`, () => {
      const small = reads(file(filler, 2_000));
      const large = reads(file(filler, 8_000));
      // 4x the lines: 4x the reads when linear, 16x when quadratic.
      expect(large / small).toBeLessThan(6);
      expect(large).toBeLessThan(4 * 8_000);
    });

  it("a file of 100,000 comment lines parses", () => {
    const r = parse(file("# note\n", 100_000), "big.net");
    expect(r.diagnostics).toEqual([]);
    expect(r.program?.comments).toHaveLength(100_000);
  });

  it("the formatter places comments in linear time (it scanned every comment per statement)", () => {
    const commentReads = (lines: number) => {
      const text = file("  relu # after\n  # own line\n", lines);
      const program = parse(text, "c.net").program!;
      let n = 0;
      program.comments = new Proxy(program.comments, {
        get(target, key, receiver) {
          if (typeof key === "string" && /^\d+$/.test(key)) n++;
          return Reflect.get(target, key, receiver);
        },
      });
      printProgram(program, text);
      return n;
    };
    const small = commentReads(1_000);
    const large = commentReads(4_000);
    expect(large / small).toBeLessThan(6);
  }, 120_000);
});
