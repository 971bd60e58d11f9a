// A long file written out layer by layer is parsed statement by statement (grammar/stream.ts):
// 100,000 written-out layers (2.3 MB) check in a process capped at 640 MB of heap. Before,
// the file was refused (too large to parse: the whole-file parse needed about 20 KB a line,
// 2 GB for this file). Times are in bench/compile.mjs, never here.
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
});
