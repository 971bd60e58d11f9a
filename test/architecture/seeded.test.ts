// Every property test is seeded by test/support/seed.ts (a vitest setup file).
import { describe, expect, it } from "vitest";

describe("property tests", () => {
  it("are seeded: fast-check's global configuration carries the seed", async () => {
    const fc = (await import("fast-check")).default;
    const { PROPERTY_SEED } = await import("../support/seed.js");
    expect(Number.isInteger(PROPERTY_SEED)).toBe(true);
    expect(fc.readConfigureGlobal().seed).toBe(PROPERTY_SEED);
    // the same seed, the same cases
    const draw = () => fc.sample(fc.integer(), { numRuns: 3, seed: PROPERTY_SEED });
    expect(draw()).toEqual(draw());
  });
});
