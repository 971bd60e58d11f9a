// `netc fmt` through the built command line (`node bin/netc.js`), on files in a
// temporary directory: printing, --check, --write, syntax errors, directories.
import { execSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "netc.js");

let dir: string;

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "bundle", "netc.js"))) execSync("npm run build", { cwd: ROOT, stdio: "inherit" });
  dir = mkdtempSync(join(tmpdir(), "netc-fmt-"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function netc(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, NO_COLOR: "1", NETC_NO_CACHE: "1" },
  });
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

const CANONICAL = "# a small network\nnetwork small(classes = 10) {\n  input 3x32x32\n  conv 16, 3x3, pad = 1 # the stem\n  relu\n  flatten\n  linear classes\n}\n";
const MESSY = "# a small network\nnetwork   small(classes=10){\n input 3x32x32;\n      conv 16,3x3,pad=1 # the stem\n    relu\n\tflatten;linear classes}\n";
const BROKEN = "network broken {\n  input 3x32x32\n  conv 16, 3x3,,\n}\n";

/** A fresh subdirectory with the given files; their mtimes set to a fixed past time. */
let n = 0;
function files(contents: Record<string, string>): { at: string; path: (f: string) => string } {
  const at = join(dir, `case${n++}`);
  mkdirSync(at);
  const past = new Date("2020-01-01T00:00:00Z");
  for (const [name, text] of Object.entries(contents)) {
    const p = join(at, name);
    mkdirSync(join(p, ".."), { recursive: true });
    writeFileSync(p, text);
    utimesSync(p, past, past);
  }
  return { at, path: (f) => join(at, f) };
}
const mtime = (p: string) => statSync(p).mtimeMs;

describe("netc fmt", () => {
  it("prints the formatted text and changes nothing", () => {
    const d = files({ "m.net": MESSY });
    const before = mtime(d.path("m.net"));
    const r = netc("fmt", d.path("m.net"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd()).toBe(CANONICAL.trimEnd());
    expect(readFileSync(d.path("m.net"), "utf8")).toBe(MESSY);
    expect(mtime(d.path("m.net"))).toBe(before);
  });

  it("--check exits 0 on canonical files and prints nothing", () => {
    const d = files({ "c.net": CANONICAL });
    const r = netc("fmt", "--check", d.path("c.net"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
  });

  it("--check exits 1 and names the unformatted files, and only those, changing nothing", () => {
    const d = files({ "c.net": CANONICAL, "m.net": MESSY });
    const r = netc("fmt", "--check", d.path("c.net"), d.path("m.net"));
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(d.path("m.net"));
    expect(r.stdout + r.stderr).not.toContain(d.path("c.net"));
    expect(readFileSync(d.path("m.net"), "utf8")).toBe(MESSY);
  });

  it("--write rewrites unformatted files in place and leaves formatted ones untouched", () => {
    const d = files({ "c.net": CANONICAL, "m.net": MESSY });
    const canonicalTime = mtime(d.path("c.net"));
    const messyTime = mtime(d.path("m.net"));
    const r = netc("fmt", "--write", d.path("c.net"), d.path("m.net"));
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(d.path("m.net"), "utf8")).toBe(CANONICAL);
    expect(mtime(d.path("m.net"))).not.toBe(messyTime);
    expect(readFileSync(d.path("c.net"), "utf8")).toBe(CANONICAL);
    expect(mtime(d.path("c.net"))).toBe(canonicalTime);
    // no temporary file left behind
    expect(netc("fmt", "--check", d.at).code).toBe(0);
  });

  it("a file with a syntax error is never modified and gives a located diagnostic and exit 1", () => {
    for (const mode of [[], ["--check"], ["--write"]]) {
      const d = files({ "b.net": BROKEN });
      const before = mtime(d.path("b.net"));
      const r = netc("fmt", ...mode, d.path("b.net"));
      expect(r.code, `${mode}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/error\[E01\d\d\]/);
      expect(r.stderr).toMatch(/b\.net:3:\d+/);
      expect(readFileSync(d.path("b.net"), "utf8")).toBe(BROKEN);
      expect(mtime(d.path("b.net"))).toBe(before);
    }
  });

  it("--write still formats the good files next to a broken one, and exits 1", () => {
    const d = files({ "b.net": BROKEN, "m.net": MESSY });
    const r = netc("fmt", "--write", d.at);
    expect(r.code).toBe(1);
    expect(readFileSync(d.path("m.net"), "utf8")).toBe(CANONICAL);
    expect(readFileSync(d.path("b.net"), "utf8")).toBe(BROKEN);
  });

  it("--check and --write together are a usage error (exit 2)", () => {
    const d = files({ "m.net": MESSY });
    const r = netc("fmt", "--check", "--write", d.path("m.net"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--check/);
    expect(readFileSync(d.path("m.net"), "utf8")).toBe(MESSY);
  });

  it("a directory stands for the .net files below it", () => {
    const d = files({ "a.net": MESSY, "sub/b.net": MESSY, "c.net": CANONICAL, "notes.txt": "not a network {" });
    const check = netc("fmt", "--check", d.at);
    expect(check.code).toBe(1);
    const named = check.stdout + check.stderr;
    expect(named).toContain(d.path("a.net"));
    expect(named).toContain(d.path("sub/b.net"));
    expect(named).not.toContain("c.net");
    expect(named).not.toContain("notes.txt");
    const write = netc("fmt", "--write", d.at);
    expect(write.code, write.stderr).toBe(0);
    expect(readFileSync(d.path("a.net"), "utf8")).toBe(CANONICAL);
    expect(readFileSync(d.path("sub/b.net"), "utf8")).toBe(CANONICAL);
    expect(readFileSync(d.path("notes.txt"), "utf8")).toBe("not a network {");
    expect(netc("fmt", "--check", d.at).code).toBe(0);
  });

  it("the library passes --check", () => {
    const r = netc("fmt", "--check", join(ROOT, "networks"));
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});
