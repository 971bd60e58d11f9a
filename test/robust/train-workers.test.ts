// netc train --workers N (data-parallel training, issue 21): the run's JSON says how many
// threads trained; with a network without batch norm or dropout, two threads give the
// single thread's losses to float rounding; a count below 1 is a usage error.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { clean, imageFolder, netc, scratch, TINY_NET } from "./cli-support.js";

const dir = scratch("workers");
const net = join(dir, "tiny.net");
writeFileSync(net, TINY_NET);
let data: string;
beforeAll(() => {
  data = imageFolder(dir, "data");
});
const train = async (...args: string[]) => {
  const r = await netc("train", net, "--data", data, "--batch", "4", "--epochs", "2", "--backend", "wasm", "--json", ...args);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
};

describe("netc train --workers", () => {
  it("trains on two threads with the single thread's losses", async () => {
    const [one, two] = [await train("--workers", "1"), await train("--workers", "2")];
    expect([one.workers, two.workers]).toEqual([1, 2]);
    two.history.forEach((e: { trainLoss: number; testLoss: number }, i: number) => {
      expect(e.trainLoss).toBeCloseTo(one.history[i].trainLoss, 4);
      expect(e.testLoss).toBeCloseTo(one.history[i].testLoss, 4);
    });
  });

  it("reports each epoch's CPU time, within what the operating system counted for the process", () => {
    // bash's \`times\` prints the user and system time of its finished children: the reference
    const bin = fileURLToPath(new URL("../../bin/netc.js", import.meta.url));
    const args = ["train", net, "--data", data, "--batch", "4", "--epochs", "2", "--backend", "wasm", "--json", "--workers", "2"];
    const r = spawnSync("bash", ["-c", `"${process.execPath}" "$@" >&2; times`, "bash", bin, ...args], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stderr.trim().split("\n").pop()!);
    const [, children] = r.stdout.trim().split("\n"); // "0m1.234s 0m0.123s": user, system
    const os = children.split(/\s+/).map((t) => { const [m, s] = t.slice(0, -1).split("m"); return Number(m) * 60 + Number(s); });
    const epochs = summary.history.map((e: { cpuSeconds: number }) => e.cpuSeconds);
    expect(epochs).toHaveLength(2);
    for (const c of epochs) expect(c).toBeGreaterThan(0);
    expect(epochs[0] + epochs[1]).toBeLessThanOrEqual(os[0] + os[1] + 0.01);
  });

  it("defaults to one thread for batches under 32", async () => {
    expect((await train()).workers).toBe(1);
  });

  it("refuses a count below 1", async () => {
    const r = await netc("train", net, "--data", data, "--workers", "0", "--backend", "wasm");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workers must be at least 1/);
    expect(clean(r)).toBe(true);
  });
});
