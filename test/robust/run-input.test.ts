// netc run on inputs that hold nothing or that produce non-finite outputs.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeNpy } from "../../runtime/npy.js";
import { readSafetensors, writeSafetensors } from "../../runtime/safetensors.js";
import { clean, netc, scratch } from "./cli-support.js";

const root = new URL("../..", import.meta.url).pathname;
const lenet = join(root, "test/parity/lenet5.net");
const dir = scratch("run-input");

describe("netc run", () => {
  it("an empty .npy (0x1x28x28) is a clean error, not a divide by zero", async () => {
    const empty = join(dir, "empty.npy");
    writeFileSync(empty, writeNpy([0, 1, 28, 28], new Float32Array(0)));
    const r = await netc("run", lenet, "--input", empty);
    expect(clean(r), r.stderr).toBe(true);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${empty} holds no values (shape 0x1x28x28): nothing to run`);
  }, 60_000);

  it("NaN weights: the output is said to be NaN, and the exit status is 1 unless --allow-nonfinite", async () => {
    const weights = readSafetensors(new Uint8Array(readFileSync(join(root, "test/parity/lenet5.safetensors"))), "lenet5");
    const [name, t] = [...weights].filter(([, t]) => t.dtype === "F32").pop()!; // the last layer's: NaN reaches the output
    (t.data as Float32Array).fill(Number.NaN);
    const bad = join(dir, "nan.safetensors");
    writeFileSync(bad, writeSafetensors(weights));
    const input = join(root, "test/parity/lenet5.input.npy");
    const r = await netc("run", lenet, "--weights", bad, "--input", input);
    expect(clean(r), r.stderr).toBe(true);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`netc run: \\d+ of the \\d+ output values are NaN or infinite; NaN or Inf in .*nan.safetensors: ${name.replace(".", "\\.")} \\(`));
    expect(r.stdout).not.toContain("NaN%");
    const allowed = await netc("run", lenet, "--weights", bad, "--input", input, "--allow-nonfinite");
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain("are NaN or infinite");
  }, 60_000);
});
