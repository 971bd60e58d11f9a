// One timeout for the tests that spawn the built CLI (`netc train` on a loaded 2-core
// machine takes tens of seconds), instead of a number in each test; every other test
// keeps vitest's default, so that a hang in a unit test still shows as one.
import { defineConfig } from "vitest/config";

const CLI_TESTS = [
  "test/cli.test.ts", "test/cli-options.test.ts", "test/cli-package.test.ts", "test/cli-summary.test.ts", "test/cli-points.test.ts", "test/cli-pth.test.ts", "test/check-cli.test.ts", "test/fmt-cli.test.ts", "test/run-cli.test.ts", "test/webgpu-cli.test.ts",
  "test/robust/**/*.test.ts", // the faults of issue 13: most run the CLI, some train or fuzz
  "test/export-pytorch/*.test.ts", // PyTorch runs the exports and trains across two processes
  "test/lsp-cli.test.ts", "test/annotate-cli.test.ts", // the language server and netc annotate
  "test/factor-cli.test.ts", // factored symbolic sizes as summary prints them
  "test/convolutionize-head-cli.test.ts", // netc convolutionize on resnet18: its checkpoint, summary and run
  "test/draw/*.test.ts", // netc draw: the built CLI, and Graphviz-in-wasm (seconds to load on a loaded machine)
  "test/playground-cli.test.ts", // chromium drives the playground served by netc playground
  "test/tasks/cli.test.ts", // detection and segmentation trained end to end (issue 18)
  "test/tasks/ssd-cli.test.ts", // ssd_tiny trained end to end
  "test/tta/cli.test.ts", // netc run/eval --tta against PyTorch
  "test/export/native-train-cli.test.ts", // netc train with onnxruntime, end to end
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
