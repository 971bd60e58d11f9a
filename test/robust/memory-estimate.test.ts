// A run whose memory cannot fit is refused before anything is allocated, with the
// figure (`bench` of a 3x20000x20000 input died after 52 s: "Invalid typed array length").
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { checkMemory, estimateMemory, MemoryLimitError } from "../../runtime/memory-estimate.js";
import { clean, netc, scratch } from "./cli-support.js";

const dir = scratch("memory");
const huge = join(dir, "huge.net");
writeFileSync(huge, "network huge {\n  input 3x20000x20000\n  conv 64, 3x3, pad = 1\n}\n");

describe("memory estimate", () => {
  it("bench refuses a 3x20000x20000 input with the figure, at once", async () => {
    const r = await netc("bench", huge, "--threads", "1");
    expect(r.code).toBe(1);
    expect(clean(r)).toBe(true);
    expect(r.stderr).toMatch(/huge: inference at batch 1 has a tensor of 25,600,000,000 values, more than the 2,147,483,647 one tensor can hold; the run needs about 99.8 GiB \(weights 7.0 KiB, activations 99.8 GiB\)/);
  });

  it("train refuses too, before loading data into a model", async () => {
    const r = await netc("train", huge, "--data", "mnist", "--epochs", "1");
    expect(clean(r)).toBe(true);
    expect(r.code).toBe(1);
  }, 60_000);

  it("counts weights, activations and the machine's memory", async () => {
    const c = await compileFile("m.net", { text: "network m {\n  input 3x32x32\n  conv 16, 3x3, pad = 1\n  relu\n}\n" });
    const e = estimateMemory(c.graph!, c.counts!, 2);
    expect(e.weightsBytes).toBe(4 * 448);
    expect(e.largestTensor).toBe(2 * 16 * 32 * 32);
    expect(() => checkMemory(c.graph!, c.counts!, { batch: 2 })).not.toThrow();
    expect(() => checkMemory(c.graph!, c.counts!, { batch: 2, backend: "cpu", total: 100_000 })).toThrow(MemoryLimitError);
    expect(() => checkMemory(c.graph!, c.counts!, { batch: 100_000 })).toThrow(/more than the wasm backend's 4 GiB of memory/);
  });
});
