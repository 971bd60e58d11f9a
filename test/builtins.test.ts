// Built-in functions mean what Python's (and torchvision's helpers) mean. Expected values
// were printed by Python 3 and torchvision 0.14 (`round`, `math.log`, `pow`,
// `torchvision.models._utils._make_divisible`), never by netc.
import { describe, expect, it } from "vitest";
import { Env, evaluate } from "../compiler/evaluate.js";
import { parseExpressionAt } from "../grammar/index.js";
import type { ModuleScope } from "../compiler/modules.js";
import { UNKNOWN, type Value } from "../compiler/values.js";

function value(text: string): Value {
  const { expr, diagnostics } = parseExpressionAt(text, "e", 0);
  expect(diagnostics).toEqual([]);
  return evaluate(expr!, { env: new Env(), scope: {} as ModuleScope, incoming: UNKNOWN });
}

describe("built-ins", () => {
  it("round is Python's: halves go to the even integer", () => {
    // [round(x) for x in (0.5, 1.5, 2.5, -2.5, -3.5, 2.6, -0.5)]
    const xs = ["0.5", "1.5", "2.5", "-2.5", "-3.5", "2.6", "-0.5"];
    expect(xs.map((x) => value(`round(${x})`))).toEqual([0, 2, 2, -2, -4, 3, 0]);
  });

  it("make_divisible is torchvision's _make_divisible", () => {
    const cs = [16, 24, 40, 80, 112, 160, 960, 1280];
    const got = cs.flatMap((c) => [0.75, 1.0, 1.25].map((m) => value(`make_divisible(${c} * ${m}, 8)`)));
    expect(got).toEqual([16, 16, 24, 24, 24, 32, 32, 40, 48, 64, 80, 104, 88, 112, 144, 120, 160, 200, 720, 960, 1200, 960, 1280, 1600]);
    expect(value("make_divisible(32 * 1.1, 8)")).toBe(32);
    expect(value("make_divisible(10, 8, 16)")).toBe(16);
  });

  it("log, pow and sqrt are math.log, pow and math.sqrt", () => {
    expect(value("log(8, 2)")).toBe(3);
    expect(value("log(10)")).toBeCloseTo(2.302585092994046, 15);
    expect(value("pow(2, 0.5)")).toBeCloseTo(1.4142135623730951, 15);
    expect(value("sqrt(16)")).toBe(4);
    expect(value("ceil(log(100, 10))")).toBe(2);
  });

  it("refuse what Python refuses", () => {
    expect(() => value("log(0)")).toThrow(/positive/);
    expect(() => value("round(2.5, 1)")).toThrow(/round takes one number/);
  });
});
