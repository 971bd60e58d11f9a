// netc run --tta and netc eval --tta through the built CLI, against PyTorch's averaged
// probabilities and ten-crop accuracy (scripts/gen-tta-fixtures.py), and their refusals;
// netc train --augment scale end to end (the transform itself: test/tasks/scale.test.ts).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { netc, noStackTrace, tmp, useCli } from "../support/cli.js";

useCli();
const fixture = (f: string) => fileURLToPath(new URL(`fixtures/${f}`, import.meta.url));
const expected = JSON.parse(readFileSync(fixture("expected.json"), "utf8"));
const base = ["run", fixture("tta.net"), "--weights", fixture("weights.pth"), "--input", fixture("image.png"), "--top", "4", "--backend", "wasm"];

/** The printed rows: class index -> probability (percent). */
const rows = (stdout: string) => new Map(stdout.trim().split("\n").slice(1).map((l) => l.trim().split(/\s+/)).map(([c, p]) => [Number(c), parseFloat(p)]));

describe("netc run --tta", () => {
  for (const [mode, extra, key] of [["five-crop", [], "five-crop"], ["ten-crop", [], "ten-crop"], ["ten-crop", ["--vertical-flip"], "ten-crop-vertical"]] as const)
    it(`${mode} ${extra.join(" ")}: PyTorch's averaged probabilities, best first`, () => {
      const r = netc([...base, "--tta", mode, ...extra], 120_000);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`averaged over the ${mode === "five-crop" ? 5 : 10} crops of ${mode}`);
      const got = rows(r.stdout);
      const want: number[] = expected.modes[key].probabilities;
      expect([...got.keys()]).toEqual([0, 1, 2, 3].sort((a, b) => want[b] - want[a]));
      for (const [c, p] of got) expect(Math.abs(p - 100 * want[c])).toBeLessThanOrEqual(0.006);
    });

  it("--resize sets the shorter side before cropping (the default here is 18)", () => {
    const a = netc([...base, "--tta", "five-crop", "--resize", "18"], 120_000);
    const b = netc([...base, "--tta", "five-crop"], 120_000);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const c = netc([...base, "--tta", "five-crop", "--resize", "24"], 120_000);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).not.toBe(a.stdout); // other crops, other probabilities
  });

  it("is refused where it is not defined, with why (exit 2, no stack trace)", () => {
    const cases: [string[], RegExp][] = [
      [["run", "yolo_tiny", "--input", fixture("image.png"), "--tta", "ten-crop"], /--tta averages class probabilities; it is not defined for detection outputs/],
      [["run", "seg_tiny", "--input", fixture("image.png"), "--tta", "five-crop"], /not defined for segmentation outputs/],
      [[...base, "--tta", "six-crop"], /--tta takes five-crop or ten-crop, got six-crop/],
      [[...base, "--tta", "five-crop", "--vertical-flip"], /--vertical-flip goes with --tta ten-crop/],
      [[...base, "--tta", "five-crop", "--crop", "16"], /leave out --crop/],
      [["eval", "yolo_tiny", "--data", fixture("folder"), "--tta", "ten-crop"], /not defined for detection outputs/],
      [["eval", "lenet5", "--data", "mnist", "--tta", "ten-crop"], /mnist's digits are arrays/],
    ];
    for (const [args, message] of cases) {
      const r = netc(args, 120_000);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      noStackTrace(r.stderr);
    }
  });
});

describe("netc eval --tta", () => {
  it("ten-crop: the accuracy PyTorch gets on the held-out images of a class folder", () => {
    const r = netc(["eval", fixture("tta.net"), "--data", fixture("folder"), "--weights", fixture("weights.pth"), "--tta", "ten-crop", "--json"], 120_000);
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(got.tta).toBe("ten-crop");
    expect(got.images).toBe(expected.folder.held_out.length);
    expect(got.accuracy).toBeCloseTo(expected.folder.ten_crop_accuracy, 10);
  });
});

describe("netc train --augment scale", () => {
  it("trains detection and segmentation with boxes and masks rescaled; refused for classification", () => {
    for (const task of ["detection", "segmentation"]) {
      const data = join(tmp(), task);
      expect(netc(["data", "synth", "--task", task, "-n", "20", "-o", data], 120_000).code).toBe(0);
      const net = task === "detection" ? "yolo_tiny" : "seg_tiny";
      const r = netc(["train", net, "--data", data, "--epochs", "1", "--batch", "8", "--augment", "scale,flip,crop", "--json"], 280_000);
      expect(r.code, r.stderr).toBe(0);
      expect(Number.isFinite(JSON.parse(r.stdout.trim().split("\n").pop()!).trainLoss)).toBe(true);
    }
    const r = netc(["train", fixture("tta.net"), "--data", fixture("folder"), "--augment", "scale"], 120_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--augment scale moves boxes and masks with the image: detection and segmentation only/);
    noStackTrace(r.stderr);
  });
});
