// One timeout for the tests that spawn the built CLI (`netc train` on a loaded 2-core
// machine takes tens of seconds), instead of a number in each test; every other test
// keeps vitest's default, so that a hang in a unit test still shows as one.
import { defineConfig } from "vitest/config";

const CLI_TESTS = [
  "test/cli.test.ts", "test/check-cli.test.ts", "test/fmt-cli.test.ts", "test/run-cli.test.ts", "test/webgpu-cli.test.ts",
  "test/robust/**/*.test.ts", // the faults of issue 13: most run the CLI, some train or fuzz
  "test/export-pytorch/*.test.ts", // PyTorch runs the exports and trains across two processes
  "test/tasks/cli.test.ts", // detection and segmentation trained end to end (issue 18)
];
const CLI_TIMEOUT_MS = 300_000;

export default defineConfig({
  test: {
    setupFiles: ["test/support/seed.ts"], // every property test seeded
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: CLI_TESTS } },
      { extends: true, test: { name: "cli", include: CLI_TESTS, testTimeout: CLI_TIMEOUT_MS, hookTimeout: CLI_TIMEOUT_MS } },
    ],
  },
});
