// Issue 15, point 4: summary's --batch, --dtype and memory figures (torchinfo's, and
// training's), a 4-dimensional --input, and an --input error located at the flag.
// The figures are checked against a hand computation for LeNet-5.
import { describe, expect, it } from "vitest";
import { json, netc, noStackTrace, useCli } from "./support/cli.js";

useCli();

// LeNet-5 (networks/lenet5.net): 44,426 parameters, no buffers; its layers' outputs,
// one image: conv 6x24x24, relu 6x24x24, maxpool 6x12x12, conv 16x8x8, relu 16x8x8,
// maxpool 16x4x4, flatten 256, linear 120, relu 120, linear 84, relu 84, linear 10.
const PARAMS = 44426;
const OUTPUTS = 2 * 3456 + 864 + 2 * 1024 + 256 + 256 + 2 * 120 + 2 * 84 + 10; // 10,754 values
const INPUT = 28 * 28;
const MB = (bytes: number) => (bytes / 1e6).toFixed(2);

describe("summary's memory figures (torchinfo's names)", () => {
  it("batch 8 in float16: input, forward/backward (outputs and their gradients), params, totals", () => {
    const r = netc(["summary", "lenet5", "--batch", "8", "--dtype", "float16"]);
    expect(r.code, r.stderr).toBe(0);
    const b = 2;
    expect(r.stdout).toContain("Batch 8, float16 (2 bytes a value):");
    expect(r.stdout).toContain(`Input size (MB): ${MB(8 * INPUT * b)}`);
    expect(r.stdout).toContain(`Forward/backward pass size (MB): ${MB(2 * 8 * OUTPUTS * b)}`);
    expect(r.stdout).toContain(`Params size (MB): ${MB(PARAMS * b)}`);
    const total = 8 * INPUT * b + 2 * 8 * OUTPUTS * b + PARAMS * b;
    expect(r.stdout).toContain(`Estimated Total Size (MB): ${MB(total)}`);
    // Adam: a gradient and two moments per parameter on top
    expect(r.stdout).toContain(`Training with adam (MB): ${MB(total + 3 * PARAMS * b)} (+ gradients ${MB(PARAMS * b)}, Adam's two moments ${MB(2 * PARAMS * b)})`);
  });

  it("--json has the figures in bytes; sgd keeps one momentum buffer; bfloat16 takes 2 bytes", () => {
    const m = json(["summary", "lenet5", "--batch", "3", "--dtype", "bfloat16", "--optimizer", "sgd"]).memory;
    expect(m.inputBytes).toBe(3 * INPUT * 2);
    expect(m.forwardBackwardBytes).toBe(2 * 3 * OUTPUTS * 2);
    expect(m.optimizerBytes).toBe(PARAMS * 2);
    expect(m.trainingTotal).toBe(3 * INPUT * 2 + 2 * 3 * OUTPUTS * 2 + 3 * PARAMS * 2);
  });

  it("--input with a batch dimension (1x3x224x224, as PyTorch writes shapes) sets the batch", () => {
    const j = json(["summary", "resnet18", "--input", "4x3x224x224"]);
    expect(j.inputs[0].shape).toEqual([3, 224, 224]);
    expect(j.memory.batch).toBe(4);
    expect(j.memory.inputBytes).toBe(4 * 3 * 224 * 224 * 4);
  });

  it("bad values are usage errors", () => {
    for (const args of [["--dtype", "float64"], ["--batch", "0"], ["--optimizer", "rmsprop"], ["--input", "0x1x28x28"]]) {
      const r = netc(["summary", "lenet5", ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(args[0]);
      noStackTrace(r.stderr);
    }
  });
});

describe("an --input that does not fit", () => {
  it("is pointed at on the flag, not at the library file's input line", () => {
    const r = netc(["summary", "lenet5", "--input", "3x4x4"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/::: --input:1:1\n/);
    expect(r.stderr).toMatch(/3x4x4\n\s*\| -+ the network input is 3x4x4/);
    expect(r.stderr).not.toMatch(/lenet5\.net:\d+:\d+\n[^\n]*\n\d+ \|\s+input /);
  });
});
