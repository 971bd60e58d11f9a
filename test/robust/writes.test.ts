// Writes lose nothing: fmt --write goes through symbolic links and keeps the file's
// mode; temporary files are removed on SIGTERM/SIGINT and, after a kill -9, by the next
// write to the same file; a killed writer never leaves a truncated file.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { removeStaleTemporaries, writeFileAtomicallySync } from "../../runtime/atomic-write.js";
import { netc, scratch } from "./cli-support.js";

const root = new URL("../..", import.meta.url).pathname;
const dist = join(root, "dist/runtime/atomic-write.js");
const messy = "network n {\n      input 3x8x8\n  relu\n}\n";
const tidy = "network n {\n  input 3x8x8\n  relu\n}\n";

const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;
const temporaries = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".tmp"));

describe("fmt --write", () => {
  it("writes through a symbolic link and keeps the mode", async () => {
    const dir = scratch("fmt-link");
    const target = join(dir, "real.net");
    const link = join(dir, "link.net");
    writeFileSync(target, messy);
    chmodSync(target, 0o640);
    symlinkSync(target, link);
    const r = await netc("fmt", "--write", link);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, "utf8")).toBe(tidy);
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(temporaries(dir)).toEqual([]);
  });

  it("removes the temporary files a killed run left, and only those", async () => {
    const dir = scratch("fmt-stale");
    const file = join(dir, "x.net");
    writeFileSync(file, messy);
    const dead = deadPid();
    const stale = [`.x.net.${dead}.0a1b2c.tmp`, `x.net.${dead}.tmp`];
    const running = `.x.net.${process.ppid}.0a1b2c.tmp`; // a live process's write in progress
    for (const f of [...stale, running]) writeFileSync(join(dir, f), "partial");
    expect((await netc("fmt", "--write", file)).code).toBe(0);
    expect(temporaries(dir)).toEqual([running]);
  });
});

describe("interrupted writers", () => {
  const writer = (dir: string, loops: number) => `
    import { writeFileAtomically } from ${JSON.stringify(dist)};
    const data = new Uint8Array(8 << 20).fill(7);
    for (let i = 0; i < ${loops}; i++) await writeFileAtomically(${JSON.stringify(join(dir, "out.bin"))}, data);
    process.stdout.write("done");`;

  it.skipIf(!existsSync(dist))("SIGTERM during writes leaves no temporary file", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const dir = scratch("sigterm");
      const child = spawn(process.execPath, ["--input-type=module", "-e", writer(dir, 10_000)], { stdio: "ignore" });
      await new Promise((r) => setTimeout(r, 1500));
      child.kill(signal);
      const [code, sig] = await new Promise<[number | null, string | null]>((r) => child.on("exit", (c, s) => r([c, s])));
      expect(sig ?? code).toBeTruthy(); // it died of the signal
      expect(temporaries(dir)).toEqual([]);
    }
  }, 60_000);

  it.skipIf(!existsSync(dist))("kill -9 during writes: the file is whole, and the next write removes what was left", async () => {
    const dir = scratch("kill9");
    const out = join(dir, "out.bin");
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ["--input-type=module", "-e", writer(dir, 10_000)], { stdio: "ignore" });
      await new Promise((r) => setTimeout(r, 1000 + 300 * round));
      child.kill("SIGKILL");
      await new Promise((r) => child.on("exit", r));
      if (existsSync(out)) expect(statSync(out).size).toBe(8 << 20); // never truncated
    }
    removeStaleTemporaries(out);
    writeFileAtomicallySync(out, "fresh");
    expect(temporaries(dir)).toEqual([]);
    expect(readFileSync(out, "utf8")).toBe("fresh");
  }, 60_000);
});
