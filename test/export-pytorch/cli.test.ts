// netc export --format pytorch|pytorch-train:
// source on stdout or written atomically with -o, the training pair into a directory,
// and the errors a user can make.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { netc, noStackTrace, tmp, useCli } from "../support/cli.js";

describe("netc export --format pytorch", () => {
  useCli();

  it("prints the source without -o, and writes it with -o", () => {
    const printed = netc(["export", "resnet18", "--format", "pytorch"]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toMatch(/^"""resnet18/);
    expect(printed.stdout).toContain("class Resnet18(nn.Module):");
    const file = join(tmp(), "resnet18.py");
    const written = netc(["export", "resnet18", "--format", "pytorch", "-o", file]);
    expect(written.code, written.stderr).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(printed.stdout);
    expect(readdirSync(tmp()).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("takes --set and --input as summary does", () => {
    const r = netc(["export", "resnet18", "--format", "pytorch", "--set", "classes=7", "--input", "3x64x64"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("nn.Linear(512, 7)");
  });

  it("writes model.py and train.py for --format pytorch-train", () => {
    const dir = join(tmp(), "lenet-train");
    const r = netc(["export", "lenet5", "--format", "pytorch-train", "-o", dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, "model.py")) && existsSync(join(dir, "train.py"))).toBe(true);
    expect(readFileSync(join(dir, "train.py"), "utf8")).toContain("from model import Lenet5");
  });

  it("says what is wrong: an unknown format, a training export without -o or of a network without a fixed input", () => {
    const format = netc(["export", "lenet5", "--format", "keras"]);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("--format takes onnx, pytorch or pytorch-train; got keras");
    const noDir = netc(["export", "lenet5", "--format", "pytorch-train"]);
    expect(noDir.code).toBe(2);
    const fcn = netc(["export", "fcn8s", "--format", "pytorch-train", "-o", join(tmp(), "fcn")]);
    expect(fcn.code).toBe(1);
    expect(fcn.stderr).toContain("concrete input size");
    noStackTrace(fcn.stderr);
  });
});
