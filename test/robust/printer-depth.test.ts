// The printer does not recurse per operand: `conv 1+1+…+1` with 10,000 terms formats
// (it was "Maximum call stack size exceeded" from 3,000 terms).
import { describe, expect, it } from "vitest";
import { formatText } from "../../grammar/format.js";

const net = (arg: string) => `network n {\n  input 3x8x8\n  conv ${arg}, 3x3\n}\n`;

describe("long expressions", () => {
  it("a sum of 10,000 terms formats, and formats to itself", () => {
    const sum = Array.from({ length: 10_000 }, () => "1").join("+");
    const r = formatText(net(sum), "sum.net");
    expect(r.diagnostics).toEqual([]);
    expect(r.formatted).toContain("1 + 1 + 1");
    expect(formatText(r.formatted!, "sum.net").formatted).toBe(r.formatted);
  });

  it("mixed operators keep their parentheses", () => {
    const terms = Array.from({ length: 3_000 }, (_, i) => (i % 3 === 0 ? "(2 - 1)" : i % 3 === 1 ? "2 * 3" : "8 // 2")).join(" - ");
    const r = formatText(net(`1 - ${terms}`), "mixed.net");
    expect(r.diagnostics).toEqual([]);
    expect(r.formatted).toContain("(2 - 1) - 2 * 3 - 8 // 2 - (2 - 1)");
  });

  it("a chain of 10,000 member accesses formats", () => {
    const r = formatText(net(`x${".a".repeat(10_000)}`), "member.net");
    expect(r.diagnostics).toEqual([]);
  });
});
