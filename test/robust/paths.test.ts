// Every path fault is a clear error naming the path, in bounded time (exit 1, not the
// internal error's 70, and never a hang): outputs that are directories, in missing or
// unwritable folders, under /proc; inputs that are folders named x.png or dangling links.
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { checkOutputPath, makeFolders, PathError } from "../../runtime/io-safety.js";
import { clean, netc, scratch } from "./cli-support.js";

const root = new URL("../..", import.meta.url).pathname;
const lenet = join(root, "test/parity/lenet5.net");
const input = join(root, "test/parity/lenet5.input.npy");
const dir = scratch("paths");
const aDir = join(dir, "a-directory");
mkdirSync(aDir);
const tiny = join(dir, "tiny.net");
writeFileSync(tiny, "network tiny(classes = 2) {\n  input 3x8x8\n  conv 2, 3x3, pad = 1\n  globalavgpool\n  flatten\n  fc: linear classes\n}\n");
const vgg = join(dir, "vggish.net");
writeFileSync(vgg, "network v {\n  input 3x8x8\n  conv 4, 3x3, pad = 1\n  flatten\n  fc: linear 10\n}\n");

function png(path: string, seed: number) {
  const p = new PNG({ width: 8, height: 8 });
  for (let i = 0; i < p.data.length; i++) p.data[i] = (i * 37 + seed * 101) % 256;
  writeFileSync(path, PNG.sync.write(p));
}
function imageFolder(name: string) {
  const data = join(dir, name);
  for (const cls of ["a", "b"]) {
    mkdirSync(join(data, cls), { recursive: true });
    for (let i = 0; i < 3; i++) png(join(data, cls, `${i}.png`), i + (cls === "a" ? 0 : 7));
  }
  return data;
}

const refused = (r: { code: number; stderr: string }, path: string) => {
  expect(clean(r as never), r.stderr).toBe(true);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toContain(path);
};

const outputs = {
  "a directory": aDir,
  "in a missing folder": join(dir, "missing", "deeper", "out"),
  "under /proc": "/proc/netc-no-such/out",
  "under a file": join(tiny, "out"),
};

describe("outputs", () => {
  for (const [what, base] of Object.entries(outputs)) {
    it(`run --output ${what}`, async () => {
      const path = what === "a directory" ? base : `${base}.npy`;
      refused(await netc("run", lenet, "--input", input, "--output", path), path);
    }, 60_000);

    it(`convolutionize -o and --weights-out ${what}, writing nothing`, async () => {
      const net = what === "a directory" ? base : `${base}.net`;
      const before = readdirSync(dir).sort();
      refused(await netc("convolutionize", vgg, "-o", net), net);
      const ok = join(dir, "fine.net");
      const w = what === "a directory" ? base : `${base}.safetensors`;
      refused(await netc("convolutionize", vgg, "-o", ok, "--weights", join(dir, "none.safetensors"), "--weights-out", w), w);
      expect(existsSync(ok)).toBe(false);
      expect(readdirSync(dir).sort()).toEqual(before);
    }, 60_000);
  }

  it("train --checkpoint: a directory, under /proc (it hung in Node's recursive mkdir), under a file", async () => {
    const data = imageFolder("ok-data");
    for (const ck of [aDir, "/proc/netc-x/ck.safetensors", join(tiny, "ck.safetensors")])
      refused(await netc("train", tiny, "--data", data, "--epochs", "1", "--checkpoint", ck), ck);
  }, 120_000);

  it("train --checkpoint in a missing folder makes the folder", () => {
    const ck = join(dir, "new", "folder", "ck.safetensors");
    checkOutputPath(ck, "the checkpoint", { makeFolder: true });
    expect(existsSync(join(dir, "new", "folder"))).toBe(true);
  });

  it("makeFolders ends under /proc", () => {
    expect(() => makeFolders("/proc/netc-a/b/c")).toThrow(PathError);
    expect(() => makeFolders("/proc/netc-a/b/c")).toThrow(/\/proc\/netc-a/);
  });

  it("an unwritable folder", async () => {
    // Root writes into a mode 555 folder; sysfs's folders refuse even root.
    const ro = process.getuid?.() === 0 ? "/sys/kernel" : join(dir, "read-only");
    if (ro !== "/sys/kernel") mkdirSync(ro, { mode: 0o555 });
    refused(await netc("run", lenet, "--input", input, "--output", join(ro, "y.npy")), join(ro, "y.npy"));
  }, 60_000);
});

describe("inputs", () => {
  it("train --data with a folder named x.png", async () => {
    const data = imageFolder("dir-png");
    mkdirSync(join(data, "a", "x.png"));
    refused(await netc("train", tiny, "--data", data, "--epochs", "1"), join(data, "a", "x.png"));
  }, 120_000);

  it("train --data with a dangling symbolic link", async () => {
    const data = imageFolder("dangling");
    symlinkSync(join(dir, "nowhere.png"), join(data, "b", "y.png"));
    const r = await netc("train", tiny, "--data", data, "--epochs", "1");
    refused(r, join(data, "b", "y.png"));
    expect(r.stderr).toContain("symbolic link to nothing");
  }, 120_000);
});
