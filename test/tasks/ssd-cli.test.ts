// ssd_tiny end to end through the built CLI on a reduced run: synthetic shapes, a few
// epochs (the loss falls, mAP@0.5 rises well above the untrained network's), netc eval,
// and netc run's detections (--json) and drawing (--draw).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { netc, noStackTrace, tmp, useCli } from "../support/cli.js";
import { evalJson, LONG } from "./support.js";

useCli();


describe("SSD end to end", () => {
  it("synth, train ssd_tiny, eval mAP, run --json and --draw", () => {
    const data = join(tmp(), "det");
    expect(netc(["data", "synth", "--task", "detection", "-n", "60", "-o", data, "--seed", "3"], LONG).code).toBe(0);
    const before = evalJson("ssd_tiny", data); // the random initial weights
    const weights = join(tmp(), "ssd.safetensors");
    const r = netc(["train", "ssd_tiny", "--data", data, "--epochs", "4", "--batch", "8", "--augment", "flip", "--seed", "1", "--checkpoint", weights, "--json"], LONG);
    expect(r.code, r.stderr).toBe(0);
    const history = JSON.parse(r.stdout.trim().split("\n").pop()!).history as { trainLoss: number }[];
    expect(history[history.length - 1].trainLoss).toBeLessThan(history[0].trainLoss / 2);
    const after = evalJson("ssd_tiny", data, weights);
    expect(after.task).toBe("detection");
    expect(Object.keys(after.ap)).toEqual(["circle", "square", "triangle"]);
    expect(before.map).toBeLessThan(0.2);
    expect(after.map).toBeGreaterThan(0.4);
    const run = netc(["run", "ssd_tiny", "--weights", weights, "--input", join(data, "JPEGImages", "000001.jpg"), "--labels", join(data, "classes.txt"), "--min-score", "0.05", "--json", "--draw", join(tmp(), "d.png")], LONG);
    expect(run.code, run.stderr).toBe(0);
    const dets = JSON.parse(run.stdout).detections as { class: string; score: number; box: number[] }[];
    expect(dets.length).toBeGreaterThan(0);
    for (const d of dets) {
      expect(["circle", "square", "triangle"]).toContain(d.class);
      expect(d.score).toBeGreaterThan(0.05);
      d.box.forEach((v) => expect(v).toBeGreaterThanOrEqual(0));
      d.box.forEach((v) => expect(v).toBeLessThanOrEqual(64));
    }
    expect(PNG.sync.read(readFileSync(join(tmp(), "d.png"))).width).toBe(64);
  }, 3 * LONG);

  it("a data set with other classes than the network's: the argument to set", () => {
    const data = join(tmp(), "det4");
    expect(netc(["data", "synth", "--task", "detection", "-n", "5", "-o", data]).code).toBe(0);
    const r = netc(["eval", "ssd_tiny", "--data", data, "--set", "classes=4"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the network predicts 4 classes");
    expect(r.stderr).toContain("try --set classes=3");
    noStackTrace(r.stderr);
  });
});
