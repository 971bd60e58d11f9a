// Issue 15, points 5, 9 and 11, through the built CLI: every sample's top classes,
// bench's progress line on a terminal only, the README's example formatted, the
// summary table's PyTorch names. Each failed on the code before it.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readNpy } from "../runtime/npy.js";
import { json, netc, ROOT, tableRows, useCli } from "./support/cli.js";

useCli();
const parity = join(ROOT, "test", "parity");

describe("run on an .npy of N samples (point 5)", () => {
  it("prints each sample's top classes under a header row; each top class is PyTorch's", () => {
    const r = netc(["run", join(parity, "lenet5.net"), "--weights", join(parity, "lenet5.safetensors"), "--input", join(parity, "lenet5.input.npy"), "--top", "2"], 60_000);
    expect(r.code, r.stderr).toBe(0);
    const torch = readNpy(readFileSync(join(parity, "lenet5.output.npy")), "lenet5.output.npy"); // PyTorch's logits (scripts/gen-parity-fixtures.py)
    const [n, c] = torch.shape;
    expect(n).toBe(2);
    const blocks = r.stdout.trim().split("\n\n");
    expect(blocks).toHaveLength(n);
    blocks.forEach((b, s) => {
      const lines = b.split("\n");
      expect(lines[0]).toBe(`sample ${s}:`);
      expect(lines[1]).toMatch(/^class\s+prob\s+score$/);
      expect(lines).toHaveLength(4);
      const row = Array.from(torch.data.subarray(s * c, (s + 1) * c));
      const best = row.indexOf(Math.max(...row));
      expect(Number(lines[2].trim().split(/\s+/)[0])).toBe(best);
      expect(Number(lines[2].trim().split(/\s+/)[2])).toBeCloseTo(row[best], 3);
    });
  });
});

describe("bench's progress (point 9)", () => {
  const args = ["bench", "lenet5", "--backend", "cpu", "--iterations", "3", "--threads", "1"];
  it("draws a progress line on a terminal: warm-up, runs, time left", () => {
    // script(1) gives netc a terminal
    const cmd = [process.execPath, join(ROOT, "bin", "netc.js"), ...args].map((a) => `'${a}'`).join(" ");
    const r = spawnSync("script", ["-qec", cmd, "/dev/null"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    for (const step of ["warm-up 1/2", "warm-up 2/2", "run 1/3", "run 3/3, about"]) expect(r.stdout).toContain(`netc bench: ${step}`);
    expect(r.stdout).toMatch(/lenet5 on cpu, batch 1, 1 thread: [\d.]+ ms per batch/);
  });

  it("is quiet when piped, and --json is one object", () => {
    const r = netc(args, 120_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const j = json(args);
    expect(j.runs).toHaveLength(3);
  });
});

describe("point 11", () => {
  it("the README's example passes `netc fmt --check examples` and is the file", () => {
    const r = netc(["fmt", "--check", join(ROOT, "examples")]);
    expect(r.code, r.stderr).toBe(0);
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(readme).toContain("```\n" + readFileSync(join(ROOT, "examples", "tiny-resnet.net"), "utf8") + "```");
  });

  it("the summary table names layers as PyTorch and the JSON do (features.0 is `0`)", () => {
    const r = netc(["summary", "lenet5"]);
    expect(r.code, r.stderr).toBe(0);
    const names = tableRows(r.stdout).map((l) => l.replace(/^[│ ]*[├└]─/, "").split(/\s+/).slice(0, 2).join(" "));
    expect(names).toContain("0 conv");
    expect(names).toContain("3 conv");
    const layers: { name: string }[] = json(["summary", "lenet5"]).layers;
    expect(layers.map((l) => l.name)).toContain("features.0");
    expect(names).not.toContain("conv conv");
  });
});
