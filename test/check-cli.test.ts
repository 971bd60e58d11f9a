// `netc check` as a user runs it: the built binary, exit codes, located diagnostics,
// and pathological input that must end in a diagnostic.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { netc, noStackTrace, ROOT, tmp, useCli, write } from "./support/cli.js";

useCli();

describe("netc check", () => {
  it("exits 0 on a good file", () => {
    const p = write("good.net", "network good {\n  input 3x32x32\n  conv 8, 3x3, pad = 1\n  relu\n  flatten\n  linear 10\n}\n");
    const r = netc(["check", p]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("ok");
    expect(r.stderr).toBe("");
  });

  it("exits 1 on a bad file, with diagnostics on stderr and no stack trace", () => {
    const p = write("bad.net", "network bad {\n  input 3x32x32\n  conv 8, 3x3\n  flatten\n  conv 16, 3x3\n}\n");
    const r = netc(["check", p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[E0301]");
    expect(r.stderr).toContain("bad.net:5:3");
    expect(r.stdout).not.toContain("error");
    noStackTrace(r.stderr);
    noStackTrace(r.stdout);
  });

  it("exits 1 on a syntax error, with no stack trace", () => {
    const p = write("syntax.net", "network s {\n  input 3x32x32 )\n}\n");
    const r = netc(["check", p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("E0102");
    noStackTrace(r.stderr);
  });

  it("checks a block that no network uses (exit 1, located)", () => {
    const p = write("unused-block.net", "block b(out) { convv out, 3x3 }\n");
    const r = netc(["check", p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[E0201]");
    expect(r.stderr).toContain("unused-block.net:1:16");
    expect(r.stdout).not.toContain("ok");
    noStackTrace(r.stderr);
  });

  it("checks every library file", () => {
    const files = readdirSync(join(ROOT, "networks")).filter((f) => f.endsWith(".net"));
    expect(files.length).toBeGreaterThan(10);
    const r = netc(["check", ...files.map((f) => join(ROOT, "networks", f))]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(files.length); // one "ok" line per file
  });

  it("a missing file exits 1 with a message", () => {
    const r = netc(["check", join(tmp(), "absent.net")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("absent.net");
    noStackTrace(r.stderr);
  });

  // Pathological input must end in a diagnostic (exit 1), neither hanging nor crashing (70).
  const pathological: [string, string][] = [
    ["nested empty repeats", "network n {\n  input 3x8x8\n  repeat 1000000 {\n    repeat 1000000 {\n    }\n  }\n}\n"],
    ["deeply nested parentheses", `network n {\n  input 3x8x8\n  let a = ${"(".repeat(3000)}1${")".repeat(3000)}\n  relu\n}\n`],
    ["a variant with a very long expression", `network n(a = 1) {\n  input 3x8x8\n  relu\n}\nnetwork v = n(a = ${"1 + ".repeat(20000)}1)\n`],
  ];
  for (const [what, text] of pathological) {
    it(`${what}: exits 1, without an internal error, and does not hang`, () => {
      const p = write(`${what.replace(/\W+/g, "-")}.net`, text);
      // A few seconds of CPU at most; the kill is far above that, for a loaded machine.
      const r = netc(["check", p], 150_000);
      expect(r.signal, "killed after 150 s: it hangs").toBeNull();
      expect(r.code, r.stderr.slice(0, 500)).toBe(1);
      expect(r.stderr).toMatch(/error\[E\d{4}\]/);
      noStackTrace(r.stderr);
    });
  }
});

