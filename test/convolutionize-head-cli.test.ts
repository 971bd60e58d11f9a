// `netc convolutionize resnet18` as a user runs it (issue 15, point 10): the .net file and
// the converted checkpoint written, the file canonical and importing the library's
// resnet, its summary a 1000x10x10 map at 3x320x320 with resnet18's parameter count, and
// `netc run` on it averaging the map into PyTorch's top 5 (test/fixtures/convhead.json,
// from scripts/gen-convhead-fixtures.py: torchvision's resnet18 on the same seeded
// weights and input). Refusals exit 1 with a located E0501, nothing written.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { findLibraryNetwork } from "../compiler/modules.js";
import { summaryJson } from "../compiler/summary.js";
import { writeNpy } from "../runtime/npy.js";
import { readSafetensors, writeSafetensors } from "../runtime/safetensors.js";
import { seededStateDict, seededUniform } from "./support/seeded-weights.js";

const root = new URL("..", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "netc-convhead-"));
const { cases } = JSON.parse(readFileSync(new URL("./fixtures/convhead.json", import.meta.url), "utf8")) as {
  cases: { network: string; large: { input: number[]; top5: [number, number][] } }[];
};

function netc(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, "bin/netc.js"), ...args], { encoding: "utf8", cwd: tmp, env: { ...process.env, NETC_CACHE_DIR: tmp } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("netc convolutionize resnet18", () => {
  const weights = join(tmp, "resnet18.safetensors");
  const out = join(tmp, "out");
  beforeAll(async () => {
    const r = await compileFile(findLibraryNetwork("resnet18")!, { network: "resnet18" });
    writeFileSync(weights, writeSafetensors(seededStateDict(summaryJson(r.graph!, r.counts!).tensors)));
    mkdirSync(out);
  });

  it("writes the network and the checkpoint; the map's average is PyTorch's logits", () => {
    const net = join(out, "resnet18_fcn.net");
    const w2 = join(out, "resnet18_fcn.safetensors");
    const c = netc("convolutionize", "resnet18", "-o", net, "--weights", weights, "--weights-out", w2);
    expect(c.code, c.err).toBe(0);
    expect(c.err).toContain("note: removed globalavgpool (avgpool) and flatten (9); linear (fc) is a 1x1 convolution");
    expect(c.err).toContain("note: the output is 1000x(H + 31)//32x(W + 31)//32");
    expect(c.err).toContain("(1 linear weight reshaped)");
    const text = readFileSync(net, "utf8");
    expect(text).toContain('import "resnet"\n\nnetwork resnet18_fcn(');
    expect(netc("fmt", "--check", net).code).toBe(0);

    // the checkpoint: fc.weight [1000, 512] is now [1000, 512, 1, 1], the same values; the rest unchanged
    const before = readSafetensors(readFileSync(weights), weights);
    const after = readSafetensors(readFileSync(w2), w2);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    expect(after.get("fc.weight")!.shape).toEqual([1000, 512, 1, 1]);
    expect(after.get("fc.weight")!.data).toEqual(before.get("fc.weight")!.data);
    expect(after.get("layer4.1.conv2.weight")!.shape).toEqual(before.get("layer4.1.conv2.weight")!.shape);

    // the summary: a 1000x10x10 map at 320, torchvision's 11,689,512 parameters
    const s = netc("summary", net, "--input", "3x320x320");
    expect(s.code, s.err).toBe(0);
    expect(s.out).toMatch(/fc +conv +1-10 +1000x10x10 +513,000 /);
    expect(s.out).toContain("Trainable params: 11,689,512");

    // netc run averages the map: PyTorch's top 5 at 3x320x320
    const want = cases.find((k) => k.network === "resnet18")!.large;
    const x = join(tmp, "x.npy");
    const n = want.input.reduce((a, b) => a * b, 1);
    writeFileSync(x, writeNpy([1, ...want.input], Float32Array.from(seededUniform("input", n))));
    const r = netc("run", net, "--weights", w2, "--input", x, "--top", "5");
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines[0]).toBe("class map 10x10 (top class of each cell):");
    const avg = lines.indexOf("averaged over the 100 cells:");
    const rows = lines.slice(avg + 2, avg + 7).map((l) => l.trim().split(/\s+/));
    expect(rows.map((row) => Number(row[0]))).toEqual(want.top5.map(([k]) => k));
    for (const [i, row] of rows.entries()) expect(Number(row[2])).toBeCloseTo(want.top5[i][1], 3);
  });

  it("a user's file in another folder: the output imports it by a relative path", () => {
    mkdirSync(join(tmp, "mine"));
    const mine = join(tmp, "mine", "small.net");
    writeFileSync(mine, "block unit(c) {\n  residual {\n    conv c, 3x3, pad = 1\n    relu\n  }\n}\n\nnetwork small(classes = 10) {\n  input 3x32x32\n  conv 16, 3x3, pad = 1\n  unit(16)\n  globalavgpool\n  flatten\n  dropout 0.5\n  head_fc: linear classes\n}\n");
    const c = netc("convolutionize", mine, "-o", join(out, "small_fcn.net"), "--set", "classes=4");
    expect(c.code, c.err).toBe(0);
    const text = readFileSync(join(out, "small_fcn.net"), "utf8");
    expect(text).toContain('import "../mine/small.net"\n\nnetwork small_fcn(classes = 4) {\n  input 3xHxW\n  conv 16, 3x3, pad = 1\n  unit(16)\n  dropout 0.5\n  head_fc: conv classes, 1x1\n}\n');
    const s = netc("summary", join(out, "small_fcn.net"), "--input", "3x48x48");
    expect(s.code, s.err).toBe(0);
    expect(s.out).toMatch(/head_fc +conv +1-5 +4x48x48 +68 /);
  });

  it("refuses mobilenet_v3_small's head, located, writing nothing", () => {
    const o = join(out, "m.net");
    const r = netc("convolutionize", "mobilenet_v3_small", "-o", o);
    expect(r.code).toBe(1);
    expect(r.err).toContain("error[E0501]: hardswish (classifier.1) follows the global average pool (avgpool) and is not affine");
    expect(r.err).toMatch(/mobilenet_v3\.net:\d+:\d+/);
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
    expect(existsSync(o)).toBe(false);
  });
});
