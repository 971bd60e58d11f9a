// The tasks end to end through the built CLI, on a reduced run: synthetic data, a few
// epochs of yolo_tiny and seg_tiny (the loss falls, the metric rises above what the
// untrained network scores), netc eval, and netc run's detections, masks and drawings.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { netc, noStackTrace, tmp, useCli } from "../support/cli.js";
import { evalJson, LONG } from "./support.js";

useCli();

function train(net: string, data: string, epochs: number, extra: string[] = []) {
  const weights = join(tmp(), `${net}.safetensors`);
  const r = netc(["train", net, "--data", data, "--epochs", String(epochs), "--batch", "8", "--checkpoint", weights, "--json", ...extra], LONG);
  expect(r.code, r.stderr).toBe(0);
  return { weights, history: JSON.parse(r.stdout.trim().split("\n").pop()!).history as { trainLoss: number }[] };
}


describe("segmentation end to end", () => {
  it("synth, train seg_tiny, eval, run --mask and --draw", () => {
    const data = join(tmp(), "seg");
    expect(netc(["data", "synth", "--task", "segmentation", "-n", "40", "-o", data, "--seed", "2"], LONG).code).toBe(0);
    const before = evalJson("seg_tiny", data); // the random initial weights
    const { weights, history } = train("seg_tiny", data, 3);
    expect(history[history.length - 1].trainLoss).toBeLessThan(history[0].trainLoss);
    const after = evalJson("seg_tiny", data, weights);
    expect(after.task).toBe("segmentation");
    expect(after.meanIou).toBeGreaterThan(before.meanIou + 0.05);
    const image = join(data, "JPEGImages", "000005.jpg");
    const r = netc(["run", "seg_tiny", "--weights", weights, "--input", image, "--mask", join(tmp(), "m.png"), "--draw", join(tmp(), "s.png"), "--json"], LONG);
    expect(r.code, r.stderr).toBe(0);
    const shares = JSON.parse(r.stdout).classes as { share: number }[];
    expect(shares.reduce((a, s) => a + s.share, 0)).toBeCloseTo(1, 3);
    const drawn = PNG.sync.read(readFileSync(join(tmp(), "s.png")));
    expect([drawn.width, drawn.height]).toEqual([64, 64]);
    expect(existsSync(join(tmp(), "m.png"))).toBe(true);
  }, 3 * LONG);
});

describe("detection end to end", () => {
  it("synth, train yolo_tiny, eval mAP, run --json and --draw", () => {
    const data = join(tmp(), "det");
    expect(netc(["data", "synth", "--task", "detection", "-n", "40", "-o", data], LONG).code).toBe(0);
    const { weights, history } = train("yolo_tiny", data, 3, ["--augment", "flip"]);
    expect(history[history.length - 1].trainLoss).toBeLessThan(history[0].trainLoss);
    const r = evalJson("yolo_tiny", data, weights);
    expect(r.task).toBe("detection");
    expect(r.map).toBeGreaterThanOrEqual(0);
    expect(Object.keys(r.ap)).toEqual(["circle", "square", "triangle"]);
    const run = netc(["run", "yolo_tiny", "--weights", weights, "--input", join(data, "JPEGImages", "000001.jpg"), "--min-score", "0", "--json", "--draw", join(tmp(), "d.png")], LONG);
    expect(run.code, run.stderr).toBe(0);
    const dets = JSON.parse(run.stdout).detections as { class: string; score: number; box: number[] }[];
    for (const d of dets) {
      expect(typeof d.class).toBe("number");
      d.box.forEach((v) => expect(v).toBeGreaterThanOrEqual(0));
      d.box.forEach((v) => expect(v).toBeLessThanOrEqual(64));
    }
    expect(PNG.sync.read(readFileSync(join(tmp(), "d.png"))).width).toBe(64);
  }, 3 * LONG);
});

describe("bad input", () => {
  it("a classification folder for a detection network, a non-empty -o, a bad --task: clear errors", () => {
    const data = join(tmp(), "cls");
    expect(netc(["data", "synth", "--task", "classification", "-n", "6", "-o", data]).code).toBe(0);
    const r = netc(["eval", "yolo_tiny", "--data", data, "--weights", "x.safetensors"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a VOC detection set/);
    noStackTrace(r.stderr);
    const again = netc(["data", "synth", "--task", "classification", "-n", "6", "-o", data]);
    expect([again.code, again.stderr]).toEqual([1, expect.stringMatching(/is not empty/)]);
    expect(netc(["data", "synth", "--task", "boxes", "-n", "6", "-o", join(tmp(), "x")]).code).toBe(2);
  });
});
