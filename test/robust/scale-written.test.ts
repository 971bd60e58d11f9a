// A long file written out layer by layer is parsed statement by statement (grammar/stream.ts):
// 100,000 written-out layers (2.3 MB) check in a process capped at 640 MB of heap. Before,
// the file was refused (too large to parse: the whole-file parse needed about 20 KB a line,
// 2 GB for this file). A million written-out layers (23 MB) were refused too (past the
// limit of 4,000,000 tokens; 3.1 GB when let through): a line identical to an earlier one
// is now a view of its AST (grammar/shared-calls.ts), and they summarize under a 700 MB
// heap (1,000 MB was needed before the counting and output changes of 30 November; about
// 550 now). The counts are checked against a hand computation; times are in
// docs/architecture.md and bench/, never here.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scratch } from "./cli-support.js";

const root = join(import.meta.dirname, "..", "..");

describe("a long written-out file", () => {
  it("100,000 layers, one a line, check under a 640 MB heap", () => {
    const file = join(scratch("written"), "long.net");
    writeFileSync(file, `network long {\n  input 3x8x8\n${"  conv 3, 3x3, pad = 1\n".repeat(100_000)}}\n`);
    const env = { ...process.env, NETC_NO_CACHE: "1" };
    const check = spawnSync(process.execPath, ["--max-old-space-size=640", "bin/netc.js", "check", file], { cwd: root, env, encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.stdout).toContain("ok (1 network: long)");
    expect(check.status).toBe(0);
  });

  it("1,000,000 layers, one a line, summarize as JSON under a 700 MB heap, with the hand counts", () => {
    const n = 1_000_000;
    const file = join(scratch("written-million"), "million.net");
    writeFileSync(file, `network long {\n  input 3x8x8\n${"  conv 8, 3x3, pad = 1\n".repeat(n)}}\n`);
    const env = { ...process.env, NETC_NO_CACHE: "1" };
    const r = spawnSync(process.execPath, ["--max-old-space-size=700", "bin/netc.js", "summary", "--json", file], { cwd: root, env, encoding: "utf8", maxBuffer: 2 ** 30 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    // By hand: the first conv has 8*3*3*3 weights + 8 biases, 8*8*8 outputs of 3*3*3 MACs;
    // each next one 8*8*3*3 + 8, and 8*8*8 outputs of 8*3*3 MACs.
    const head = r.stdout.slice(0, 2000);
    expect(head).toContain(`"params": ${224 + (n - 1) * 584},`);
    expect(head).toContain(`"macs": ${13_824 + (n - 1) * 36_864},`);
    let convs = 0;
    for (let i = r.stdout.indexOf('"op": "conv"'); i >= 0; i = r.stdout.indexOf('"op": "conv"', i + 1)) convs++;
    expect(convs).toBe(n);
    const last = r.stdout.lastIndexOf('"name": "999999",');
    expect(r.stdout.slice(last, last + 200).replace(/\s+/g, " ")).toMatch(/^"name": "999999", "op": "conv", "outputShape": \[ 8, 8, 8 \], "params": 584, "macs": 36864 \}/);
  });
});
