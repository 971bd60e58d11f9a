// Issue 13, fuzz mutant 81089: DenseNet with 41 copies of `relu2: relu` in its dense
// layer and a dense block of 65,536 layers printed 41 clean E0202 errors per network but
// took 47 s of CPU and 1.4 GB: each of the 2.7 million repeats built its error (a stack
// trace, a message, a key kept for ever) only for the loop to drop it. Now an error a loop
// already reported at the same place is not built again. Bounded work, without timing:
// the same case with a block of 16,384 layers checks under a 160 MB heap (before, it ran
// out of memory there), with each error reported once per network.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scratch } from "./cli-support.js";

const root = join(import.meta.dirname, "..", "..");

describe("a mistake repeated by a loop", () => {
  it("41 duplicate labels in a dense block of 16,384 layers: each reported once, under a 160 MB heap", () => {
    const lines = readFileSync(join(root, "networks", "densenet.net"), "utf8").split("\n");
    const at = lines.findIndex((l) => l.trim() === "relu2: relu");
    expect(at).toBeGreaterThan(0);
    lines.splice(at + 1, 0, ...Array<string>(41).fill("      relu2: relu"));
    const text = lines.join("\n").replace("network densenet201 = densenet(layers = [6, 12, 48, 32])", "network densenet201 = densenet(layers = [6, 12, 16384, 32])");
    expect(text).toContain("16384");
    const file = join(scratch("loop-errors"), "dense.net");
    writeFileSync(file, text);
    const env = { ...process.env, NETC_NO_CACHE: "1" };
    const r = spawnSync(process.execPath, ["--max-old-space-size=160", "bin/netc.js", "check", file], { cwd: root, env, encoding: "utf8" });
    expect(r.stderr).not.toMatch(/internal error|heap out of memory|\n\s+at /);
    expect(r.status).toBe(1);
    // Five networks (densenet and its four variants), 41 errors each, one per duplicate line.
    const errors = r.stderr.split("\n").filter((l) => l.startsWith("error["));
    expect(errors).toHaveLength(5 * 41);
    expect(new Set(errors)).toEqual(new Set(["error[E0202]: the label `relu2` is used twice in `features.denseblock1.denselayer1`"]));
    const places = r.stderr.split("\n").filter((l) => l.startsWith("  --> ")).map((l) => l.trim());
    expect(places).toHaveLength(5 * 41);
    const perPlace = new Map<string, number>();
    for (const p of places) perPlace.set(p, (perPlace.get(p) ?? 0) + 1);
    expect([...perPlace.keys()]).toEqual(Array.from({ length: 41 }, (_, k) => `--> ${file}:${at + 2 + k}:7`));
    expect(new Set(perPlace.values())).toEqual(new Set([5]));
    expect(r.stderr.match(/^41 errors$/gm)).toHaveLength(5);
    expect(r.stderr).toContain("`features.denseblock1.denselayer1.relu2` is first used here");
    expect(r.stderr).toContain("= note: in the iteration where i = 0");
  });
});
