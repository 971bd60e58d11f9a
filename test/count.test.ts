// Activation memory: the peak of values alive at once, when nodes run in order and each
// value is freed after its last use. Expected numbers are worked out by hand below.
process.env.NETC_NO_CACHE = "1";

import { describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";

async function peak(body: string): Promise<number | null | undefined> {
  const r = await compileFile("peak.net", { text: `network n {\n  ${body.split(";").join("\n  ")}\n}\n` });
  expect(r.diagnostics).toEqual([]);
  return r.counts?.peakActivations;
}

describe("peak activation memory", () => {
  // Every value below holds 1x100x100 = 10,000 numbers; the concat 20,000.
  // input 10k | conv 20k, input freed -> 10k | X (reads conv) 20k, conv freed -> 10k |
  // conv a 20k | conv b 30k, X freed -> 20k | concat 40k: the peak.
  it("is 40,000 for input, conv, relu, concat of two convs", async () => {
    expect(await peak("input 1x100x100; conv 1, 1x1; relu; concat { conv 1, 1x1; conv 1, 1x1 }")).toBe(40_000);
  });

  it("is the same when a node reads one value twice (residual { } adds the conv to itself)", async () => {
    expect(await peak("input 1x100x100; conv 1, 1x1; residual { }; concat { conv 1, 1x1; conv 1, 1x1 }")).toBe(40_000);
  });

  it("is unknown for a symbolic input size", async () => {
    expect(await peak("input 1xHxW; conv 1, 1x1")).toBeNull();
  });
});
