// The fuzzer's watchdog counts a worker's CPU seconds (scripts/cpu-time.ts): a process
// that computes gains CPU time; one that waits (as a worker does when a loaded machine
// does not run it) does not, so it is never taken for a hang.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { cpuSecondsOf } from "../../scripts/cpu-time.js";

const run = (code: string) => spawn(process.execPath, ["-e", `console.log("ready"); ${code}`], { stdio: ["ignore", "pipe", "ignore"] });
const ready = (c: ReturnType<typeof run>) => new Promise((r) => c.stdout!.once("data", r)); // past node's start-up
const exited = (c: ReturnType<typeof run>) => new Promise((r) => c.on("exit", r));

describe("the fuzzer's watchdog clock", () => {
  it("counts CPU time of a busy process, none of a waiting one", async () => {
    const busy = run("const end = Date.now() + 4000; while (Date.now() < end);");
    const idle = run("setTimeout(() => {}, 4000)");
    await Promise.all([ready(busy), ready(idle)]);
    await new Promise((r) => setTimeout(r, 200));
    const [b0, i0] = [cpuSecondsOf(busy.pid)!, cpuSecondsOf(idle.pid)!];
    await new Promise((r) => setTimeout(r, 1500));
    const [b1, i1] = [cpuSecondsOf(busy.pid)!, cpuSecondsOf(idle.pid)!];
    expect(b1 - b0).toBeGreaterThan(0.05);
    expect(i1 - i0).toBeLessThan(0.05);
    await Promise.all([exited(busy), exited(idle)]);
  });

  it("is undefined for a process that is not there", () => {
    expect(cpuSecondsOf(2 ** 30)).toBeUndefined();
    expect(cpuSecondsOf(undefined)).toBeUndefined();
    expect(cpuSecondsOf(process.pid)).toBeGreaterThan(0);
  });
});
