// What the tests of the built command line share: `node bin/netc.js` run as a child
// process in a temporary directory (built first if it is not), and checks on its output.
import { execSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect } from "vitest";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(ROOT, "bin", "netc.js");

let dir: string;
let cacheDir: string;

/** Registers the build check and the temporary directories for the calling test file. */
export function useCli() {
  beforeAll(() => {
    if (!existsSync(join(ROOT, "dist", "bundle", "netc.js"))) execSync("npm run build", { cwd: ROOT, stdio: "inherit" });
    dir = mkdtempSync(join(tmpdir(), "netc-cli-"));
    cacheDir = mkdtempSync(join(tmpdir(), "netc-cli-cache-"));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });
}

export const tmp = () => dir;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  signal: NodeJS.Signals | null;
}

export function netc(args: string[], timeout = 30_000): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: "utf8",
    timeout,
    env: { ...process.env, NO_COLOR: "1", NETC_CACHE_DIR: cacheDir, NETC_NO_CACHE: "" },
  });
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", signal: r.signal };
}

export const json = (args: string[]) => {
  const r = netc([...args, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

/** Table rows (the lines between the second and the third rule). */
export function tableRows(out: string): string[] {
  const lines = out.split("\n");
  const rules = lines.map((l, i) => (/^=+$/.test(l) ? i : -1)).filter((i) => i >= 0);
  expect(rules.length).toBeGreaterThanOrEqual(3);
  return lines.slice(rules[1] + 1, rules[2]);
}

export const noStackTrace = (s: string) => {
  expect(s).not.toMatch(/^\s+at /m);
  expect(s).not.toMatch(/internal error/);
};

export function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
