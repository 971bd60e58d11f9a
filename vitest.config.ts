// Tests run on loaded 2-core machines, where spawning the CLI alone can take seconds:
// no test fails for want of time before a minute (a test may still ask for more).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
