// Tests that spawn the CLI run on shared 2-core machines, often loaded: a generous
// default timeout keeps them from failing for want of a core (no test asserts on time).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
