// The grammar-mutation fuzzer as a property (scripts/fuzz-lib.ts): a few thousand seeded
// mutants of the library, each parsed, formatted twice and (one in eight) compiled, with
// no exception, no internal error, no span outside its file, and fmt idempotent.
// `npm run fuzz` runs the same with other seeds, 100,000 by default.
process.env.NETC_NO_CACHE = "1"; // the parse cache would write to node_modules/.cache

import { describe, expect, it } from "vitest";
import { check, mutant, seeds } from "../../scripts/fuzz-lib.js";

const CASES = Math.round(2_000 * (Number(process.env.NETC_FUZZ_SCALE ?? 1) || 1));
const SEED = 13;

describe("grammar mutation", () => {
  it(`${CASES} mutants: nothing throws, nothing is internal, fmt is idempotent`, async () => {
    const all = seeds();
    const failures: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const m = mutant(all, SEED, i);
      const bad = await check(m.text, m.file, { compile: i % 8 === 0 });
      if (bad) failures.push(`mutant ${i} (seed ${SEED}) of ${m.file}: ${bad.slice(0, 400)}`);
      if (failures.length >= 5) break;
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
