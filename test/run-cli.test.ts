// netc run and netc bench as a user runs them: the built binary, exit codes, messages.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readNpy } from "../runtime/npy.js";

const root = new URL("..", import.meta.url).pathname;
const parity = join(root, "test/parity");
const tmp = mkdtempSync(join(tmpdir(), "netc-run-"));

function netc(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, "bin/netc.js"), ...args], { encoding: "utf8", env: { ...process.env, NETC_CACHE_DIR: tmp } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(root, "dist/bundle/netc.js"))) execFileSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" });
});

describe("netc run", () => {
  it("writes the output PyTorch gives for the same weights and input", () => {
    const y = join(tmp, "y.npy");
    const r = netc("run", join(parity, "lenet5.net"), "--weights", join(parity, "lenet5.safetensors"), "--input", join(parity, "lenet5.input.npy"), "--output", y);
    expect(r.code, r.err).toBe(0);
    const got = readNpy(readFileSync(y), "y");
    const want = readNpy(readFileSync(join(parity, "lenet5.output.npy")), "want");
    expect(got.shape).toEqual(want.shape);
    const scale = Math.max(...want.data.map(Math.abs));
    want.data.forEach((v, i) => expect(Math.abs(got.data[i] - v) / scale).toBeLessThan(1e-4));
  });

  it("prints the top classes, best first, with labels", () => {
    const labels = join(tmp, "digits.txt");
    writeFileSync(labels, Array.from({ length: 10 }, (_, i) => `digit ${i}`).join("\n"));
    const r = netc("run", join(parity, "lenet5.net"), "--weights", join(parity, "lenet5.safetensors"), "--input", join(parity, "lenet5.input.npy"), "--top", "3", "--labels", labels);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines.slice(0, 2)).toEqual(["sample 0:", "class     prob      score  label"]); // lenet5.input.npy holds two samples
    const rows = lines.slice(2, 5);
    const scores = rows.map((l) => Number(l.trim().split(/\s+/)[2]));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(rows[0]).toMatch(/digit \d$/);
  });

  it("runs on an image, preprocessed for an ImageNet network", () => {
    const r = netc("run", "squeezenet1_1", "--input", join(root, "test/runtime/fixtures/photo.png"), "--labels", "imagenet", "--top", "2");
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split("\n")).toHaveLength(3); // the header row, then two classes
    expect(r.err).toContain("random initial weights");
  });

  const bad = (what: string, args: string[], message: RegExp) =>
    it(`explains ${what}, without a stack trace`, () => {
      const r = netc("run", ...args);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
    });
  const truncated = join(tmp, "truncated.safetensors");
  writeFileSync(truncated, readFileSync(join(parity, "lenet5.safetensors")).subarray(0, 300));
  const notImage = join(tmp, "not-an-image.png");
  writeFileSync(notImage, "hello");
  bad("a truncated weights file", ["lenet5", "--weights", truncated, "--input", join(parity, "lenet5.input.npy")], /truncated\.safetensors/);
  bad("weights of another network, listing what does not fit", ["lenet5", "--weights", join(parity, "tinyres.safetensors"), "--input", join(parity, "lenet5.input.npy")], /missing: features\.0\.weight[\s\S]*unexpected: /);
  bad("an input of the wrong shape", ["lenet5", "--input", join(parity, "tinyres.input.npy")], /the input is 3x32x32 but lenet5 takes 1x28x28/);
  bad("a file that is not an image", ["lenet5", "--input", notImage], /not-an-image\.png/);
  bad("a missing weights file", ["lenet5", "--weights", join(tmp, "nope.safetensors"), "--input", join(parity, "lenet5.input.npy")], /nope\.safetensors/);

  it("loads what fits with --strict false and says what it skipped", () => {
    const r = netc("run", "lenet5", "--weights", join(parity, "tinyres.safetensors"), "--strict", "false", "--input", join(parity, "lenet5.input.npy"));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/loaded 0 tensors; 10 missing/);
  });
});

describe("netc bench", () => {
  it("--json reports msPerBatch, imagesPerSecond and the backend", () => {
    const r = netc("bench", "lenet5", "--batch", "4", "--iterations", "2", "--backend", "wasm", "--json");
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ network: "lenet5", backend: "wasm", batch: 4 });
    expect(j.msPerBatch).toBeGreaterThan(0);
    expect(Math.abs(j.imagesPerSecond - (1000 * 4) / j.msPerBatch) / j.imagesPerSecond).toBeLessThan(0.01); // both rounded
  });

  it("by default (auto) runs on onnxruntime where there is no GPU and onnxruntime-node is installed", () => {
    const r = netc("bench", "lenet5", "--iterations", "2", "--json");
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).backend).toMatch(/^onnxruntime/); // an optional dependency: CI installs it
  });

  it("reports a backend that cannot be loaded", () => {
    const r = netc("bench", "lenet5", "--backend", "tensorflow");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/tfjs-node-gpu/);
  });
});

describe("netc train", () => {
  it("trains, checkpoints each epoch, and ends with one JSON object", () => {
    const ck = join(tmp, "ck", "lenet.safetensors");
    const r = netc("train", "lenet5", "--data", "mnist", "--epochs", "1", "--batch", "64", "--checkpoint", ck, "--json");
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out.trim().split("\n").pop()!);
    expect(j).toMatchObject({ network: "lenet5", epochs: 1 });
    expect(j.testAccuracy).toBeGreaterThan(0.8);
    expect(typeof j.trainLoss).toBe("number");
    expect(existsSync(ck) && existsSync(ck.replace(/\.safetensors$/, ".optimizer.safetensors"))).toBe(true);
    // the checkpoint is a state dict netc run loads
    const run = netc("run", "lenet5", "--weights", ck, "--input", join(parity, "lenet5.input.npy"));
    expect(run.code, run.err).toBe(0);
  });

  const bad = (what: string, args: string[], message: RegExp) =>
    it(`explains ${what}`, () => {
      const r = netc("train", ...args);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
    });
  bad("a missing data directory", ["lenet5", "--data", join(tmp, "nowhere")], /cannot read the data directory/);
  const empty = mkdtempSync(join(tmpdir(), "netc-empty-"));
  bad("a directory without class folders", ["lenet5", "--data", empty], /one sub-folder of images per class/);
  bad("data that does not fit the network", ["resnet18", "--data", "mnist"], /takes 3x224x224 inputs but the mnist images are 1x28x28/);
  const three = join(tmp, "three.net");
  writeFileSync(three, readFileSync(join(root, "networks/lenet5.net"), "utf8").replace("classes = 10", "classes = 3"));
  bad("a network with another number of classes", [three, "--data", "mnist"], /output is 3; the data has 10 classes/);
});

describe("a trained network", () => {
  it("classifies held-out digits saved as PNG images with netc run", async () => {
    const { PNG } = await import("pngjs");
    const { mnist } = await import("../runtime/data.js");
    const ck = join(tmp, "digits", "lenet.safetensors");
    const trained = netc("train", "lenet5", "--data", "mnist", "--epochs", "2", "--checkpoint", ck, "--json");
    expect(trained.code, trained.err).toBe(0);
    expect(JSON.parse(trained.out.trim().split("\n").pop()!).testAccuracy).toBeGreaterThanOrEqual(0.97); // the bar
    // the summary of the trained network is the network's
    expect(netc("summary", "lenet5").out).toContain("44,426");
    const test = mnist().test;
    let right = 0;
    const picks = [3, 150, 310, 505, 750, 990]; // digits of several classes
    for (const i of picks) {
      const png = new PNG({ width: 28, height: 28 });
      for (let p = 0; p < 784; p++) {
        const v = Math.round((test.x[i * 784 + p] * 0.3081 + 0.1307) * 255); // undo the normalisation
        png.data.set([v, v, v, 255], p * 4);
      }
      const file = join(tmp, `digit${i}.png`);
      writeFileSync(file, PNG.sync.write(png));
      const r = netc("run", "lenet5", "--weights", ck, "--input", file, "--mean", "0.1307", "--std", "0.3081", "--top", "1");
      expect(r.code, r.err).toBe(0);
      if (Number(r.out.trim().split("\n")[1].trim().split(/\s+/)[0]) === test.y[i]) right++; // below the header row
    }
    expect(right).toBeGreaterThanOrEqual(picks.length - 1); // ~96% accurate: at most one miss
  });
});

describe("dense prediction", () => {
  it("a convolutionized network run on a larger input prints the class map and its average", async () => {
    const { writeNpy } = await import("../runtime/npy.js");
    const net = join(tmp, "lenet5_fcn.net");
    const w = join(tmp, "lenet5_fcn.safetensors");
    const conv = netc("convolutionize", "lenet5", "-o", net, "--weights", join(parity, "lenet5.safetensors"), "--weights-out", w);
    expect(conv.code, conv.err).toBe(0);
    expect(netc("fmt", "--check", net).code).toBe(0);
    const big = join(tmp, "big.npy");
    writeFileSync(big, writeNpy([1, 1, 40, 40], Float32Array.from({ length: 1600 }, (_, i) => Math.sin(i))));
    const r = netc("run", net, "--weights", w, "--input", big, "--top", "2");
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines[0]).toBe("class map 4x4 (top class of each cell):");
    expect(lines.slice(1, 5).every((l) => l.trim().split(/\s+/).length === 4)).toBe(true);
    expect(lines[5]).toBe("averaged over the 16 cells:");
    expect(lines[6]).toMatch(/^class\s+prob\s+score$/); // the header row, then the top 2
    expect(lines).toHaveLength(9);
  });
});

describe("netc train on an image folder", () => {
  it("reads one sub-folder per class, resizes to the network's input, and learns", async () => {
    const { PNG } = await import("pngjs");
    const dir = mkdtempSync(join(tmpdir(), "netc-folder-"));
    const { mkdirSync } = await import("node:fs");
    for (const [cls, bright] of [["dark", 30], ["light", 220]] as const) {
      mkdirSync(join(dir, cls));
      for (let k = 0; k < 10; k++) {
        const png = new PNG({ width: 12, height: 10 });
        for (let p = 0; p < 120; p++) png.data.set([bright + ((p * 7 + k) % 20), bright, bright - ((p + k) % 15), 255], p * 4);
        writeFileSync(join(dir, cls, `${k}.png`), PNG.sync.write(png));
      }
    }
    const net = join(tmp, "folder.net");
    writeFileSync(net, "network small(classes = 2) {\n  input 3x8x8\n  conv 4, 3x3\n  relu\n  globalavgpool\n  flatten\n  fc: linear classes\n}\n");
    const r = netc("train", net, "--data", dir, "--epochs", "8", "--batch", "4", "--lr", "0.05", "--augment", "flip", "--json");
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out.trim().split("\n").pop()!);
    expect(j.epochs).toBe(8);
    expect(j.history[7].trainLoss).toBeLessThan(j.history[0].trainLoss);
  });
});
