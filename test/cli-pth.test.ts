// Issue 15, point 7: PyTorch checkpoints. The fixtures are torch.save's own files, made
// by scripts/gen-pth-fixtures.py with Debian's torch 1.13: a hand-written LeNet-5's
// state dict (conv1, fc1… names) and its output on two inputs, a float16 state dict,
// the legacy format, a whole pickled module, and a pickle that calls os.system.
import { copyFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readNpy } from "../runtime/npy.js";
import { loadWeights, weightsFormat } from "../runtime/pth.js";
import { netc, noStackTrace, ROOT, tmp, useCli } from "./support/cli.js";

useCli();
const F = join(ROOT, "test", "fixtures", "pth");
const npy = (name: string) => readNpy(readFileSync(join(F, name)), name);
const RENAMES = ["^conv1=features.0", "^conv2=features.3", "^fc1=classifier.0", "^fc2=classifier.2", "^fc3=classifier.4"].flatMap((r) => ["--rename", r]);

describe("netc run with a .pth state dict", () => {
  for (const backend of ["cpu", "auto"])
    it(`gives PyTorch's output for a hand-written LeNet, its names mapped with --rename (--backend ${backend})`, () => {
      const out = join(tmp(), `y-${backend}.npy`);
      const r = netc(["run", "lenet5", "--weights", join(F, "lenet-conv1.pth"), ...RENAMES, "--input", join(F, "lenet.input.npy"), "--output", out, "--backend", backend], 120_000);
      expect(r.code, r.stderr).toBe(0);
      const got = readNpy(readFileSync(out), out);
      const want = npy("lenet.output.npy");
      expect(got.shape).toEqual(want.shape);
      want.data.forEach((v, i) => expect(Math.abs(got.data[i] - v)).toBeLessThan(1e-5));
    });

  it("without --rename, says which names do not fit", () => {
    const r = netc(["run", "lenet5", "--weights", join(F, "lenet-conv1.pth"), "--input", join(F, "lenet.input.npy"), "--backend", "cpu"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unexpected: conv1.weight");
    expect(r.stderr).not.toContain("header length"); // what a .pth gave before
    noStackTrace(r.stderr);
  });

  it("finds the format by the file's bytes, not its name", async () => {
    const disguised = join(tmp(), "lenet.safetensors");
    copyFileSync(join(F, "lenet-conv1.pth"), disguised);
    expect(weightsFormat(readFileSync(disguised))).toBe("pytorch-zip");
    expect([...(await loadWeights(disguised)).keys()]).toContain("fc3.bias");
  });
});

describe("the format by its first bytes", () => {
  it("a safetensors file whose header is 640 bytes (starting 0x80 0x02, as a pickle) is safetensors", async () => {
    // The header padded to 640 bytes, as safetensors writers pad it (the length's first bytes 0x80 0x02).
    const json = JSON.stringify({ x: { dtype: "F32", shape: [1], data_offsets: [0, 4] } });
    const header = Buffer.from(json.padEnd(640, " "));
    const file = Buffer.alloc(8 + 640 + 4);
    file.writeBigUInt64LE(640n, 0);
    header.copy(file, 8);
    file.writeFloatLE(1.5, 8 + 640);
    expect([file[0], file[1]]).toEqual([0x80, 0x02]);
    expect(weightsFormat(file)).toBe("safetensors");
    const path = join(tmp(), "header640.safetensors");
    (await import("node:fs")).writeFileSync(path, file);
    expect(Array.from((await loadWeights(path)).get("x")!.data as Float32Array)).toEqual([1.5]);
  });
});

describe("the .pth reader", () => {
  it("widens a float16 state dict; keeps num_batches_tracked an integer", async () => {
    const w = await loadWeights(join(F, "tiny-half.pt"));
    const want = npy("tiny.conv-weight.npy"); // PyTorch's float16 weights, as float32
    expect(w.get("0.weight")!.shape).toEqual(want.shape);
    expect(Array.from(w.get("0.weight")!.data as Float32Array)).toEqual(Array.from(want.data));
    expect(Array.from(w.get("1.running_mean")!.data as Float32Array)).toEqual([0.5, 0.5]);
    expect(w.get("1.num_batches_tracked")).toEqual({ shape: [], data: BigInt64Array.of(7n), dtype: "I64" });
  });

  it("refuses the legacy format, a whole pickled module, and any code, with a clear message", () => {
    rmSync("/tmp/netc-pwned", { force: true });
    const cases: [string, RegExp][] = [
      ["tiny-legacy.pth", /legacy format \(before 1\.6\).*torch\.save/],
      ["tiny-module.pth", /torch\.nn\.modules\.container\.Sequential, which netc refuses.*model\.state_dict\(\)/],
      ["evil.pth", /posix\.system, which netc refuses/],
    ];
    for (const [file, message] of cases) {
      const r = netc(["run", "lenet5", "--weights", join(F, file), "--input", join(F, "lenet.input.npy"), "--backend", "cpu"]);
      expect(r.code, file).toBe(1);
      expect(r.stderr).toMatch(message);
      noStackTrace(r.stderr);
    }
    expect(existsSync("/tmp/netc-pwned")).toBe(false); // the pickle's os.system never ran
  });

  it("a bad --rename is a clear error", () => {
    const r = netc(["run", "lenet5", "--weights", join(F, "lenet-conv1.pth"), "--rename", "conv(=x", "--input", join(F, "lenet.input.npy"), "--backend", "cpu"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--rename conv(=x");
  });
});
